// Presenters of the container list: ports, states, relative times, grouping/filter/sort.
import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '../../../src-main/contract';
import { availableActions, buildRows, exitCodeOf, matchesState, presentPorts, relativeTime, stateTone } from '../../../src-renderer/src/presenters/container-presenter';

const c = (name: string, over: Partial<ContainerSummary> = {}): ContainerSummary => ({
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
});

describe('presentPorts', () => {
  it('merges the IPv4/IPv6 twins of a wildcard binding and links to localhost', () => {
    expect(
      presentPorts([
        { ip: '0.0.0.0', privatePort: 80, publicPort: 8080, type: 'tcp' },
        { ip: '::', privatePort: 80, publicPort: 8080, type: 'tcp' },
      ]),
    ).toEqual([{ label: '8080→80/tcp', href: 'http://localhost:8080' }]);
  });
  it('keeps a specific address, hides loopback, and lists unpublished ports after published ones', () => {
    expect(
      presentPorts([
        { privatePort: 5432, type: 'tcp' },
        { ip: '192.168.1.5', privatePort: 53, publicPort: 53, type: 'udp' },
        { ip: '127.0.0.1', privatePort: 80, publicPort: 18080, type: 'tcp' },
      ]),
    ).toEqual([{ label: '192.168.1.5:53→53/udp' }, { label: '18080→80/tcp', href: 'http://127.0.0.1:18080' }, { label: '5432/tcp' }]);
  });
});

describe('states and times', () => {
  it('tones an exit by its code', () => {
    expect(exitCodeOf({ state: 'exited', exitCode: 137 })).toBe(137);
    expect(exitCodeOf({ state: 'running', exitCode: 137 })).toBeUndefined();
    expect(stateTone('exited', 0)).toBe('idle');
    expect(stateTone('exited', 137)).toBe('bad');
    expect(stateTone('running')).toBe('ok');
  });
  it('offers only the actions that make sense', () => {
    expect(availableActions('running')).toMatchObject({ start: false, stop: true, pause: true, unpause: false, kill: true });
    expect(availableActions('paused')).toMatchObject({ start: false, stop: true, pause: false, unpause: true });
    expect(availableActions('exited')).toMatchObject({ start: true, stop: false, kill: false });
  });
  it('says how long ago compactly', () => {
    const now = 1_700_000_000_000;
    expect(relativeTime(now / 1000 - 10, now)).toBe('just now');
    expect(relativeTime(now / 1000 - 48 * 60, now)).toBe('48 min ago');
    expect(relativeTime(now / 1000 - 3 * 3600, now)).toBe('3 h ago');
    expect(relativeTime(now / 1000 - 2 * 86400, now)).toBe('2 d ago');
  });
});

describe('buildRows', () => {
  const all = [
    c('web-2', { composeProject: 'shop', composeService: 'web' }),
    c('web-10', { composeProject: 'shop', composeService: 'web', state: 'exited', status: 'Exited (0) 1 hour ago' }),
    c('db', { composeProject: 'shop', composeService: 'db' }),
    c('lonely', { state: 'exited' }),
    c('api', { composeProject: 'billing' }),
  ];
  const base = { query: '', state: 'all' as const, sort: 'name' as const, desc: false, group: true, collapsed: new Set<string>() };
  const names = (rows: ReturnType<typeof buildRows>) => rows.map((r) => (r.kind === 'group' ? `[${r.project} ${r.running}/${r.count}]` : r.container.name));

  it('groups by compose project (sorted), naturally sorts members, standalone containers last', () => {
    expect(names(buildRows(all, base))).toEqual(['[billing 1/1]', 'api', '[shop 2/3]', 'db', 'web-2', 'web-10', 'lonely']);
  });
  it('a collapsed project keeps its header and hides its rows', () => {
    expect(names(buildRows(all, { ...base, collapsed: new Set(['shop']) }))).toEqual(['[billing 1/1]', 'api', '[shop 2/3]', 'lonely']);
  });
  it('filters by text (name, image, project) and by state', () => {
    expect(names(buildRows(all, { ...base, query: 'web' }))).toEqual(['[shop 1/2]', 'web-2', 'web-10']);
    expect(names(buildRows(all, { ...base, state: 'stopped', group: false }))).toEqual(['lonely', 'web-10']);
  });
  it('sorts by state then name, descending on demand', () => {
    expect(names(buildRows(all, { ...base, group: false, sort: 'state' }))).toEqual(['api', 'db', 'web-2', 'lonely', 'web-10']);
    expect(names(buildRows(all, { ...base, group: false, desc: true }))).toEqual(['web-10', 'web-2', 'lonely', 'db', 'api']);
  });
});

describe('state filter', () => {
  it('filters by the same groups the counts use: restarting is not "running"', () => {
    expect(matchesState(c('a', { state: 'restarting' }), 'running')).toBe(false);
    expect(matchesState(c('a', { state: 'restarting' }), 'restarting')).toBe(true);
    expect(matchesState(c('a', { state: 'created' }), 'stopped')).toBe(true);
    expect(matchesState(c('a', { state: 'dead' }), 'stopped')).toBe(true);
    expect(matchesState(c('a', { state: 'paused' }), 'all')).toBe(true);
  });
});

describe('actions during an engine outage', () => {
  it('are on only while connected, and say why when off', async () => {
    const { actionsBlockedReason } = await import('../../../src-renderer/src/presenters/container-presenter');
    expect(actionsBlockedReason({ state: 'connected' })).toBeNull();
    expect(actionsBlockedReason({ state: 'unreachable', reason: 'connect ENOENT /run/x.sock' })).toBe(
      'Actions are off: the engine is unreachable (connect ENOENT /run/x.sock), so this list is as it was before and may be out of date.',
    );
    // a retry of the same outage keeps saying so; a first connect says it is connecting
    expect(actionsBlockedReason({ state: 'connecting', reason: 'connect ENOENT /run/x.sock' })).toMatch(/unreachable/);
    expect(actionsBlockedReason({ state: 'connecting' })).toMatch(/connects to the engine/);
    // slow engines still take actions (each with a deadline); a silent one does not
    expect(actionsBlockedReason({ state: 'degraded', reason: 'GET /containers/json got no answer within 10 s' })).toBeNull();
    expect(actionsBlockedReason({ state: 'unresponsive', reason: 'the engine does not answer' })).toMatch(/^Actions are off: the engine is not answering, so nothing would be sent/);
  });
});
