// Engine calls that time out (issue 9 §3), against a PRIVATE dockerd that is frozen with SIGSTOP and
// thawed with SIGCONT (its containers keep running: only the dockerd process stops), and whose socket
// is moved away and back while it runs. The shared engine is never touched. Deadlines are shortened
// through createCore's engineTimeouts so the test takes seconds, not minutes.
import { existsSync, readdirSync, readFileSync, readlinkSync, renameSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerPatch, Host } from '../../../src-main/contract';
import type { EngineTimeouts } from '../../../src-main/core/engine/call-guard';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import {
  ensureTestImage,
  inspectContainer,
  privateDaemon,
  privateDaemonDir,
  disposePrivateDaemon,
  runContainer,
  startDockerd,
  waitFor,
} from '../../support/docker-fixtures';
import { EventLog } from '../../support/rpc-harness';

const AREA = 'tmo';
const daemon = privateDaemon(privateDaemonDir('timeouts'));
const T: Partial<EngineTimeouts> = {
  readMs: 3000,
  actionMs: 4000,
  stopMarginMs: 3000,
  streamOpenMs: 3000,
  pingIntervalMs: 1000,
  pingRecoverMs: 300,
  pingTimeoutMs: 1500,
  pingLateMs: 1000,
};

let rig: CoreRig;
const hosts = new EventLog<Host[]>();
const patches = new EventLog<ContainerPatch>();
let frozen = false;

const local = (l: Host[]): Host | undefined => l.find((h) => h.id === 'local');
const dockerdPid = (): number => Number(readFileSync(daemon.pidFile, 'utf8').trim());
function freeze(): void {
  process.kill(dockerdPid(), 'SIGSTOP');
  frozen = true;
}
function thaw(): void {
  if (!frozen) return;
  process.kill(dockerdPid(), 'SIGCONT');
  frozen = false;
}
/** Sockets this process holds open (a timed-out request that was not destroyed would keep one). */
function openSockets(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed while reading
    }
  }
  return n;
}
const timed = async <R>(f: () => Promise<R>): Promise<{ r: R; ms: number }> => {
  const t0 = Date.now();
  const r = await f();
  return { r, ms: Date.now() - t0 };
};

beforeAll(async () => {
  await startDockerd(daemon);
  await ensureTestImage({ socket: daemon.socket });
  rig = await startCoreRig({ area: AREA, socket: daemon.socket, options: { backoffMaxMs: 500, engineTimeouts: T } });
  rig.link.client.subscribe('hosts.watch', {}, hosts.handlers);
  rig.link.client.subscribe('containers.watch', { hostId: 'local' }, patches.handlers);
  await waitFor('the first snapshot', () => patches.events.find((p) => p.kind === 'snapshot'));
}, 120_000);

afterAll(async () => {
  thaw();
  if (existsSync(`${daemon.socket}.away`)) renameSync(`${daemon.socket}.away`, daemon.socket);
  await rig?.dispose();
  await disposePrivateDaemon(daemon);
}, 120_000);

describe('a frozen engine (SIGSTOP)', () => {
  it('answers list, stop and terminal.open with TIMEOUT, goes unresponsive, refuses actions unsent, and recovers with the right list', async () => {
    const a = await runContainer({ area: AREA, socket: daemon.socket });
    const b = await runContainer({ area: AREA, socket: daemon.socket });
    await waitFor('both containers in the table', async () => {
      const l = await rig.call('containers.list', { hostId: 'local' });
      return l.filter((c) => (c.id === a.id || c.id === b.id) && c.state === 'running').length === 2;
    });
    // Let pings and the list settle, then count the sockets the core holds.
    await waitFor('the host connected', () => local(hosts.events.at(-1) ?? [])?.state === 'connected');
    const socketsBefore = openSockets();

    let mark = hosts.mark();
    freeze();
    // Sent while the host still looks connected: each gets its own deadline.
    const [list, stop, term] = await Promise.all([
      timed(() => rig.callError('containers.list', { hostId: 'local' })),
      timed(() => rig.callError('containers.stop', { hostId: 'local', id: a.id, timeout: 1 })),
      timed(() => rig.callError('terminal.open', { target: 'container', hostId: 'local', id: a.id, cols: 80, rows: 24 })),
    ]);
    expect(list.r).toMatchObject({ code: 'TIMEOUT', reason: 'ENGINE_TIMEOUT', retryable: true });
    expect(list.ms).toBeGreaterThanOrEqual(T.readMs! - 50);
    expect(list.ms).toBeLessThan(T.readMs! + 4000);
    expect(stop.r).toMatchObject({ code: 'TIMEOUT', reason: 'ENGINE_TIMEOUT' });
    expect(stop.r.message).toMatch(/may still carry it out/);
    // stop honours its grace period (1 s) plus the margin.
    expect(stop.ms).toBeGreaterThanOrEqual(1000 + T.stopMarginMs! - 50);
    expect(stop.ms).toBeLessThan(1000 + T.stopMarginMs! + 4000);
    expect(term.r.code).toBe('TIMEOUT');
    expect(term.ms).toBeLessThan(T.actionMs! + 4000);

    // The watchdog's ping gets no answer: unresponsive, with a reason and since when.
    const silent = await waitFor('the host to go unresponsive', () => hosts.since(mark).map(local).find((h) => h?.state === 'unresponsive'), { timeoutMs: 10_000 });
    expect(silent.reason).toMatch(/no answer to a ping/);
    expect(silent.since).toBeTypeOf('number');

    // The timed-out requests were destroyed, not left hanging on the frozen socket (a ping may be in flight).
    expect(openSockets()).toBeLessThanOrEqual(socketsBefore + 1);

    // An action now is refused at once and NOT sent (nothing queues behind the frozen engine).
    const refused = await timed(() => rig.callError('containers.stop', { hostId: 'local', id: b.id, timeout: 1 }));
    expect(refused.r).toMatchObject({ code: 'TIMEOUT', reason: 'ENGINE_UNRESPONSIVE' });
    expect(refused.r.message).toMatch(/was not sent/);
    expect(refused.ms).toBeLessThan(1000);
    const refusedList = await timed(() => rig.callError('containers.list', { hostId: 'local' }));
    expect(refusedList.r.reason).toBe('ENGINE_UNRESPONSIVE');
    expect(refusedList.ms).toBeLessThan(1000);

    // Thaw: the host recovers by itself and the list shows what the engine really did.
    mark = hosts.mark();
    thaw();
    await waitFor('the host to answer again', () => hosts.since(mark).map(local).find((h) => h?.state === 'connected'), { timeoutMs: 15_000 });
    const truthA = await inspectContainer(a.id, { socket: daemon.socket });
    await waitFor('the list to match the engine for the container whose stop timed out', async () => {
      const l = await rig.call('containers.list', { hostId: 'local' });
      const row = l.find((c) => c.id === a.id);
      return row && (row.state === 'running') === truthA!.State.Running;
    });
    // The stop refused while unresponsive never runs: b stays up after the thaw.
    for (let i = 0; i < 6; i++) {
      const ib = await inspectContainer(b.id, { socket: daemon.socket });
      expect(ib?.State.Running).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
    }
    // And actions work again.
    await rig.call('containers.stop', { hostId: 'local', id: b.id, timeout: 1 });
    expect((await inspectContainer(b.id, { socket: daemon.socket }))?.State.Running).toBe(false);
  }, 90_000);
});

describe('the engine socket vanishes while dockerd runs', () => {
  it('goes unreachable naming the socket, and comes back when the socket reappears', async () => {
    await waitFor('the host connected', () => local(hosts.events.at(-1) ?? [])?.state === 'connected', { timeoutMs: 15_000 });
    const mark = hosts.mark();
    // A rename, not an unlink, so the same running dockerd can be given its socket back; for a
    // client the path is gone either way (connect: ENOENT).
    renameSync(daemon.socket, `${daemon.socket}.away`);
    try {
      const down = await waitFor('the host to go unreachable', () => hosts.since(mark).map(local).find((h) => h?.state === 'unreachable'), { timeoutMs: 10_000 });
      expect(down.reason).toContain(daemon.socket);
      expect(down.reason).toMatch(/ENOENT/);
      const err = await rig.callError('containers.list', { hostId: 'local' });
      expect(err.code).toBe('ENGINE_UNREACHABLE');
    } finally {
      renameSync(`${daemon.socket}.away`, daemon.socket);
    }
    const back = hosts.mark();
    await waitFor('the host to reconnect', () => hosts.since(back).map(local).find((h) => h?.state === 'connected'), { timeoutMs: 15_000 });
    expect((await rig.call('containers.list', { hostId: 'local' })).length).toBeGreaterThan(0);
  }, 60_000);
});
