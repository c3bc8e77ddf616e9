// The tray menu model: what a user sees in the tray for a given engine state and container list,
// and which core action each item triggers.
import { describe, expect, it } from 'vitest';
import type { ContainerSummary, Host } from '../../../src-main/contract';
import { ContainerTable, buildHostsTrayMenu, buildTrayMenu, type TrayActions, type TrayItem } from '../../../src-main/electron/tray-menu';

const host = (state: Host['state'], extra: Partial<Host> = {}): Host => ({
  id: 'local',
  name: 'Local engine',
  kind: 'local',
  endpoint: { url: 'unix:///var/run/docker.sock', source: 'default-socket' },
  state,
  ...extra,
});

let seq = 0;
function ctr(name: string, state: ContainerSummary['state'], project?: string, service?: string): ContainerSummary {
  return {
    id: `${name}-id-${++seq}`,
    name,
    image: 'busybox',
    imageId: 'sha256:1',
    command: 'sleep 1d',
    state,
    status: state === 'running' ? 'Up 1 minute' : 'Exited (0)',
    health: 'none',
    ports: [],
    created: 0,
    composeProject: project,
    composeService: service,
    labels: {},
  };
}

function actions(): TrayActions & { calls: string[] } {
  const calls: string[] = [];
  const rec = (name: string) => (arg?: unknown) => calls.push(arg === undefined ? name : `${name}:${Array.isArray(arg) ? arg.join(',') : String(arg)}`);
  return { calls, show: rec('show'), reconnect: rec('reconnect'), start: rec('start'), stop: rec('stop'), restart: rec('restart'), startAll: rec('startAll'), stopAll: rec('stopAll'), quit: rec('quit') };
}

const labels = (items: TrayItem[]): string[] => items.map((i) => (i.type === 'separator' ? '---' : (i.label ?? '')));
const find = (items: TrayItem[], label: string): TrayItem => {
  const it = items.find((i) => i.label === label);
  if (!it) throw new Error(`no item "${label}" in ${JSON.stringify(labels(items))}`);
  return it;
};

describe('tray menu', () => {
  it('while the engine is unreachable: its state, the hint, Reconnect now, no containers', () => {
    const a = actions();
    const items = buildTrayMenu({ host: host('unreachable', { reason: 'ENOENT', hint: 'Is Docker running?' }), containers: [ctr('web', 'running')] }, a);
    expect(labels(items)).toEqual(['Show WakeDock', '---', 'Local engine: unreachable', 'Is Docker running?', 'Reconnect now', '---', 'Quit WakeDock']);
    find(items, 'Reconnect now').click?.();
    find(items, 'Show WakeDock').click?.();
    find(items, 'Quit WakeDock').click?.();
    expect(a.calls).toEqual(['reconnect', 'show', 'quit']);
  });

  it('before the core reported and while connecting', () => {
    expect(labels(buildTrayMenu({ host: undefined, containers: [] }, actions()))).toContain('Local engine: starting…');
    expect(labels(buildTrayMenu({ host: host('connecting'), containers: [] }, actions()))).toContain('Local engine: connecting…');
  });

  it('when connected: running (Stop/Restart) and stopped (Start) containers, sorted, with the engine version', () => {
    const a = actions();
    const web = ctr('web', 'running');
    const db = ctr('db', 'running');
    const old = ctr('old-job', 'exited');
    const dead = ctr('zombie', 'dead');
    const items = buildTrayMenu({ host: host('connected', { engineVersion: '20.10.24' }), containers: [web, old, db, dead] }, a);
    expect(labels(items)).toEqual([
      'Show WakeDock', '---', 'Local engine: connected (Docker 20.10.24)', '2 running · 2 stopped',
      '---', 'Running (2)', 'db', 'web',
      '---', 'Stopped (2)', 'old-job (exited)', 'zombie (dead)',
      '---', 'Quit WakeDock',
    ]);
    const webItem = find(items, 'web');
    expect(labels(webItem.submenu ?? [])).toEqual(['Stop', 'Restart']);
    find(webItem.submenu ?? [], 'Stop').click?.();
    find(webItem.submenu ?? [], 'Restart').click?.();
    find(find(items, 'old-job (exited)').submenu ?? [], 'Start').click?.();
    expect(a.calls).toEqual([`stop:${web.id}`, `restart:${web.id}`, `start:${old.id}`]);
    // A dead container cannot be started: the item is there but disabled.
    expect(find(find(items, 'zombie (dead)').submenu ?? [], 'Start').enabled).toBe(false);
  });

  it('groups compose projects with Start all / Stop all acting on the right containers', () => {
    const a = actions();
    const api = ctr('shop-api-1', 'running', 'shop', 'api');
    const worker = ctr('shop-worker-1', 'exited', 'shop', 'worker');
    const cache = ctr('shop-cache-1', 'paused', 'shop', 'cache');
    const items = buildTrayMenu({ host: host('connected'), containers: [api, worker, cache, ctr('lone', 'running')] }, a);
    expect(labels(items)).toContain('Compose projects (1)');
    const shop = find(items, 'shop — 1 running · 1 paused · 1 stopped');
    const sub = shop.submenu ?? [];
    expect(labels(sub)).toEqual(['Start all', 'Stop all', '---', 'api', 'cache (paused)', 'worker (exited)']);
    find(sub, 'Start all').click?.();
    find(sub, 'Stop all').click?.();
    expect(a.calls).toEqual([`startAll:${worker.id}`, `stopAll:${api.id},${cache.id}`]);
    // Project members are not listed again under Running/Stopped.
    expect(labels(items).filter((l) => l === 'api')).toEqual([]);
    expect(find(items, 'Running (1)')).toBeTruthy();
  });

  it('disables Start all when nothing can start and Stop all when nothing runs', () => {
    const items = buildTrayMenu({ host: host('connected'), containers: [ctr('p-a-1', 'running', 'p', 'a')] }, actions());
    const sub = find(items, 'p — 1 running · 0 stopped').submenu ?? [];
    expect(find(sub, 'Start all').enabled).toBe(false);
    expect(find(sub, 'Stop all').enabled).not.toBe(false);
  });

  it('caps each section and offers "N more…" which opens the window', () => {
    const a = actions();
    const many = Array.from({ length: 40 }, (_, i) => ctr(`c${String(i).padStart(2, '0')}`, 'running'));
    const items = buildTrayMenu({ host: host('connected'), containers: many }, a, 25);
    const l = labels(items);
    expect(l).toContain('Running (40)');
    expect(l).toContain('c24');
    expect(l).not.toContain('c25');
    find(items, '15 more…').click?.();
    expect(a.calls).toEqual(['show']);
    expect(items.length).toBeLessThan(40);
  });

  it('escapes "&" so it is not taken as a mnemonic', () => {
    const items = buildTrayMenu({ host: host('unreachable', { hint: 'Start Docker & retry' }), containers: [] }, actions());
    expect(labels(items)).toContain('Start Docker && retry');
  });
});

describe('tray menu: the same counts and status texts as the window', () => {
  it('counts like the Containers page and the Dashboard: restarting and paused are not "running"', () => {
    const items = buildTrayMenu(
      { host: host('connected'), containers: [ctr('a', 'running'), ctr('b', 'restarting'), ctr('c', 'paused'), ctr('d', 'exited'), ctr('e', 'created')] },
      actions(),
    );
    expect(labels(items)).toEqual([
      'Show WakeDock', '---', 'Local engine: connected', '1 running · 1 restarting · 1 paused · 2 stopped',
      '---', 'Running (1)', 'a',
      '---', 'Restarting (1)', 'b (restarting)',
      '---', 'Paused (1)', 'c (paused)',
      '---', 'Stopped (2)', 'd (exited)', 'e (created)',
      '---', 'Quit WakeDock',
    ]);
  });

  it('prints the status text from the engine timestamps at the time the menu is built', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const up = { ...ctr('web', 'running'), status: 'Up Less than a second', startedAt: t0 };
    const down = { ...ctr('job', 'exited'), status: 'Exited (2) Less than a second ago', exitCode: 2, finishedAt: t0 };
    const items = buildTrayMenu({ host: host('connected'), containers: [up, down], now: t0 + 15 * 60_000 }, actions());
    expect(find(items, 'web').toolTip).toBe('busybox — Up 15 minutes');
    expect(find(items, 'job (exited)').toolTip).toBe('busybox — Exited (2) 15 minutes ago');
  });
});

describe('ContainerTable', () => {
  it('follows a snapshot then patches', () => {
    const t = new ContainerTable();
    const a = ctr('a', 'running');
    const b = ctr('b', 'running');
    t.apply({ kind: 'snapshot', containers: [a, b] });
    t.apply({ kind: 'patch', upserts: [{ ...a, state: 'exited' }], removed: [b.id] });
    expect(t.list.map((c) => [c.name, c.state])).toEqual([['a', 'exited']]);
    t.apply({ kind: 'snapshot', containers: [] });
    expect(t.list).toEqual([]);
  });
});

describe('tray menu with several hosts', () => {
  it('one host: the same menu as before, inline', () => {
    const a = actions();
    const web = ctr('web', 'running');
    const one = buildHostsTrayMenu([{ host: host('connected'), containers: [web] }], () => a, a);
    expect(labels(one)).toEqual(labels(buildTrayMenu({ host: host('connected'), containers: [web] }, a)));
  });

  it('two hosts: one submenu per host, named and with its state; actions go to that host', () => {
    const calls: string[] = [];
    const actionsFor = (hostId: string): TrayActions => {
      const rec = (name: string) => (arg?: unknown) => calls.push(`${hostId}:${name}${arg === undefined ? '' : `:${String(arg)}`}`);
      return { show: rec('show'), reconnect: rec('reconnect'), start: rec('start'), stop: rec('stop'), restart: rec('restart'), startAll: rec('startAll'), stopAll: rec('stopAll'), quit: rec('quit') };
    };
    const app = actions();
    const web = ctr('web', 'running');
    const db = ctr('db', 'exited');
    const items = buildHostsTrayMenu(
      [
        { host: host('connected', { engineVersion: '20.10.24' }), containers: [web] },
        { host: host('unreachable', { id: 'nas', name: 'NAS', hint: 'Is Docker running?' }), containers: [db] },
      ],
      actionsFor,
      app,
    );
    expect(labels(items)).toEqual(['Show WakeDock', '---', 'Local engine: connected (Docker 20.10.24)', 'NAS: unreachable', '---', 'Quit WakeDock']);
    const local = find(items, 'Local engine: connected (Docker 20.10.24)').submenu!;
    find(find(local, 'web').submenu!, 'Stop').click!();
    const nas = find(items, 'NAS: unreachable').submenu!;
    expect(labels(nas)).toContain('Is Docker running?');
    expect(labels(nas)).not.toContain('db'); // not listed while unreachable
    find(nas, 'Reconnect now').click!();
    expect(calls).toEqual([`local:stop:${web.id}`, 'nas:reconnect']);
    find(items, 'Quit WakeDock').click!();
    expect(app.calls).toEqual(['quit']);
  });
});
