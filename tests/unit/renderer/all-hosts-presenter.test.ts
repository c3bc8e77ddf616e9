// Several hosts in the renderer (pure parts): the merged All hosts list (host column data, filter
// by host, grouping by host, a failing host as its own group), counts, the switcher's entries, the
// host in the URL, and which page a host switch lands on.
import { describe, expect, it } from 'vitest';
import type { ContainerSummary, Host } from '../../../src-main/contract';
import { allHostsSummary, buildAllRows, countAll, hostProblem, initialsOf, rowKey, splitKey, switcherEntries, type AllRow, type HostSlice, type HostedContainer } from '../../../src-renderer/src/presenters/all-hosts-presenter';
import { ALL_HOSTS, hashFor, locationFromHash, pageAfterSwitch } from '../../../src-renderer/src/presenters/routes';

const c = (hostId: string, name: string, over: Partial<ContainerSummary> = {}): HostedContainer => ({
  id: `${name}-id`.padEnd(64, '0'),
  name,
  image: 'img:1',
  imageId: 'sha256:x',
  command: '',
  state: 'running',
  status: 'Up 1 minute',
  health: 'none',
  ports: [],
  created: 1_700_000_000,
  labels: {},
  ...over,
  hostId,
});

const host = (id: string, name: string, over: Partial<Host> = {}): Host => ({
  id,
  name,
  kind: id === 'local' ? 'local' : 'tcp',
  endpoint: { url: id === 'local' ? 'unix:///var/run/docker.sock' : 'tcp://127.0.0.1:2375', source: 'settings' },
  state: 'connected',
  ...over,
});

const slice = (cs: HostedContainer[], over: Partial<HostSlice> = {}): HostSlice => ({ byId: new Map(cs.map((x) => [x.id, x])), loaded: true, error: null, ...over });

const OPTS = { query: '', state: 'all' as const, host: '', sort: 'name' as const, desc: false, group: true, collapsed: new Set<string>() };

const names = (rows: AllRow[]): string[] => rows.map((r) => (r.kind === 'host' ? `[${r.name}${r.problem ? `: ${r.problem}` : ''}]` : `${r.container.name}@${r.hostName}`));

describe('All hosts list', () => {
  const hosts = [host('local', 'This machine'), host('tcp-1', 'Build box')];
  const slices = {
    local: slice([c('local', 'web'), c('local', 'db', { state: 'exited' })]),
    'tcp-1': slice([c('tcp-1', 'api'), c('tcp-1', 'cache', { state: 'paused' })]),
  };

  it('groups by host in the registry order, each container with its host', () => {
    expect(names(buildAllRows(hosts, slices, OPTS))).toEqual(['[This machine]', 'db@This machine', 'web@This machine', '[Build box]', 'api@Build box', 'cache@Build box']);
    const header = buildAllRows(hosts, slices, OPTS)[3]!;
    expect(header).toMatchObject({ kind: 'host', count: 2, running: 1, keys: [rowKey('tcp-1', 'api-id'.padEnd(64, '0')), rowKey('tcp-1', 'cache-id'.padEnd(64, '0'))] });
  });

  it('without grouping sorts every host together, with no headers for healthy hosts', () => {
    expect(names(buildAllRows(hosts, slices, { ...OPTS, group: false }))).toEqual(['api@Build box', 'cache@Build box', 'db@This machine', 'web@This machine']);
  });

  it('filters by host, by state and by text', () => {
    expect(names(buildAllRows(hosts, slices, { ...OPTS, host: 'tcp-1' }))).toEqual(['[Build box]', 'api@Build box', 'cache@Build box']);
    expect(names(buildAllRows(hosts, slices, { ...OPTS, state: 'running', group: false }))).toEqual(['api@Build box', 'web@This machine']);
    expect(names(buildAllRows(hosts, slices, { ...OPTS, query: 'CA', group: false }))).toEqual(['cache@Build box']);
  });

  it('a collapsed host keeps its header and hides its rows', () => {
    expect(names(buildAllRows(hosts, slices, { ...OPTS, collapsed: new Set(['local']) }))).toEqual(['[This machine]', '[Build box]', 'api@Build box', 'cache@Build box']);
  });

  it('an unreachable host is its own group with its reason, also without grouping, and lists none of its last rows', () => {
    const down = [hosts[0]!, host('tcp-1', 'Build box', { state: 'unreachable', reason: 'connect ECONNREFUSED 127.0.0.1:2375', hint: 'Is the engine running?' })];
    const rows = buildAllRows(down, slices, { ...OPTS, group: false });
    expect(names(rows)).toEqual(['[Build box: Unreachable: connect ECONNREFUSED 127.0.0.1:2375]', 'db@This machine', 'web@This machine']);
    expect(rows[0]).toMatchObject({ hint: 'Is the engine running?', keys: [] });
    expect(countAll(down, slices)).toMatchObject({ total: 2, running: 1, stopped: 1 });
  });

  it('a host still loading, or whose stream failed, says so in its group; the others are listed', () => {
    const loading = { ...slices, 'tcp-1': slice([], { loaded: false }) };
    expect(names(buildAllRows([hosts[0]!, host('tcp-1', 'Build box', { state: 'connecting' })], loading, OPTS)).slice(-1)).toEqual(['[Build box: Connecting…]']);
    const failed = { ...slices, 'tcp-1': slice([c('tcp-1', 'api')], { error: 'host removed' }) };
    expect(names(buildAllRows(hosts, failed, OPTS)).slice(-1)).toEqual(['[Build box: Could not follow containers: host removed]']);
    expect(hostProblem(hosts[0]!, undefined)).toBe('Loading…');
  });

  it('the same container id on two hosts (one engine added twice) stays two rows', () => {
    const twin = { local: slice([c('local', 'web')]), 'tcp-1': slice([c('tcp-1', 'web')]) };
    const rows = buildAllRows(hosts, twin, { ...OPTS, group: false });
    expect(rows.map((r) => (r.kind === 'container' ? r.key : ''))).toEqual([rowKey('local', 'web-id'.padEnd(64, '0')), rowKey('tcp-1', 'web-id'.padEnd(64, '0'))]);
  });

  it('sorts by live CPU across hosts (readings keyed by host and id)', () => {
    const stats = new Map([
      [rowKey('local', 'web-id'.padEnd(64, '0')), { cpuPercent: 50, memUsed: 1 }],
      [rowKey('tcp-1', 'api-id'.padEnd(64, '0')), { cpuPercent: 5, memUsed: 1 }],
    ]);
    expect(names(buildAllRows(hosts, slices, { ...OPTS, group: false, sort: 'cpu', desc: true, stats })).slice(0, 2)).toEqual(['web@This machine', 'api@Build box']);
  });

  it('1,000 containers on 4 hosts merge into 1,000 rows', () => {
    const many = Array.from({ length: 4 }, (_, h) => host(`tcp-${h}`, `host ${h}`));
    const big = Object.fromEntries(many.map((h) => [h.id, slice(Array.from({ length: 250 }, (_, i) => c(h.id, `svc-${h.id}-${i}`)))]));
    const rows = buildAllRows(many, big, { ...OPTS, group: false });
    expect(rows).toHaveLength(1000);
  });
});

describe('row keys', () => {
  it('split back into host and id, also for host ids with a slash', () => {
    expect(splitKey(rowKey('ssh-a/b', 'abc'))).toEqual({ hostId: 'ssh-a/b', id: 'abc' });
  });
});

describe('host switcher', () => {
  it('lists every host with its state text and initials, and sums up All hosts', () => {
    const hs = [host('local', 'This machine'), host('tcp-1', 'build-box', { state: 'unreachable', reason: 'timeout' }), host('tcp-2', 'Edge', { state: 'connecting' })];
    expect(switcherEntries(hs).map((e) => [e.name, e.text, e.initials])).toEqual([
      ['This machine', 'Connected', 'TM'],
      ['build-box', 'Unreachable: timeout', 'BB'],
      ['Edge', 'Connecting…', 'ED'],
    ]);
    expect(allHostsSummary(hs)).toBe('1 of 3 connected');
    expect(allHostsSummary(hs.slice(0, 1))).toBe('1 connected');
    expect(initialsOf('  ')).toBe('?');
  });

  it('a host switch keeps pages that exist per host and goes to the list otherwise', () => {
    expect(pageAfterSwitch({ name: 'images' }, false)).toEqual({ name: 'images' });
    expect(pageAfterSwitch({ name: 'images' }, true)).toEqual({ name: 'containers' });
    expect(pageAfterSwitch({ name: 'dashboard' }, true)).toEqual({ name: 'dashboard' });
    expect(pageAfterSwitch({ name: 'container', id: 'x', tab: 'logs' }, false)).toEqual({ name: 'containers' });
    expect(pageAfterSwitch({ name: 'settings' }, false)).toEqual({ name: 'containers' });
  });
});

describe('the host in the URL', () => {
  it('round-trips a host, All hosts and no host (the default host)', () => {
    expect(locationFromHash('#/h/tcp-1a2b/containers/abc/stats')).toEqual({ scope: 'tcp-1a2b', route: { name: 'container', id: 'abc', tab: 'stats' } });
    expect(locationFromHash('#/all/dashboard')).toEqual({ scope: ALL_HOSTS, route: { name: 'dashboard' } });
    expect(locationFromHash('#/all')).toEqual({ scope: ALL_HOSTS, route: { name: 'containers' } });
    expect(locationFromHash('#/images')).toEqual({ scope: '', route: { name: 'images' } });
    expect(hashFor('tcp-1a2b', { name: 'container', id: 'abc', tab: 'logs' })).toBe('#/h/tcp-1a2b/containers/abc/logs');
    expect(hashFor(ALL_HOSTS, { name: 'containers' })).toBe('#/all/containers');
    expect(hashFor('', { name: 'volumes' })).toBe('#/volumes');
    expect(locationFromHash(hashFor('a b/c', { name: 'disk' }))).toEqual({ scope: 'a b/c', route: { name: 'disk' } });
  });
});

describe('slow and silent engines', () => {
  it('a slow host lists its rows; one that does not answer is a group with the reason; the worst state wins', async () => {
    const { worstState, stateText } = await import('../../../src-renderer/src/presenters/all-hosts-presenter');
    const hs = [host('local', 'This machine', { state: 'degraded', reason: 'ping took 3 s' }), host('tcp-1', 'Build box', { state: 'unresponsive', reason: 'no answer to ping in 5 s' })];
    const slices = { local: slice([c('local', 'web')]), 'tcp-1': slice([c('tcp-1', 'api')]) };
    expect(names(buildAllRows(hs, slices, OPTS))).toEqual(['[This machine]', 'web@This machine', '[Build box: Not answering: no answer to ping in 5 s]']);
    expect(stateText(hs[0]!)).toBe('Slow: ping took 3 s');
    expect(worstState(hs)).toBe('unresponsive');
    expect(worstState([host('a', 'a', { state: 'connecting' }), host('b', 'b')])).toBe('connecting');
  });
});
