// Engine outage and recovery, against a real dockerd that is stopped and started again.
// The daemon is a private one (see privateDaemon() in docker-fixtures): the shared engine at
// /var/run/docker.sock is never stopped, so other tests and people using it are not disturbed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerPatch, Host } from '../../../src-main/contract';
import {
  TEST_IMAGE,
  createContainer,
  engineUp,
  ensureTestImage,
  privateDaemon,
  disposePrivateDaemon,
  startDockerd,
  stopDockerd,
  waitFor,
} from '../../support/docker-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { EventLog, type InMemoryLink } from '../../support/rpc-harness';

const daemon = privateDaemon();
const AREA = 'rc';

let rig: CoreRig;
let link: InMemoryLink;
const hosts = new EventLog<Host[]>();
const patches = new EventLog<ContainerPatch>();

const localIn = (list: Host[]): Host | undefined => list.find((h) => h.id === 'local');

beforeAll(async () => {
  await startDockerd(daemon);
  await ensureTestImage({ socket: daemon.socket });
  rig = await startCoreRig({ area: 'rc', socket: daemon.socket, options: { backoffMaxMs: 1000 }, connectTimeoutMs: 0 });
  link = rig.link;
  link.client.subscribe('hosts.watch', {}, hosts.handlers);
  link.client.subscribe('containers.watch', { hostId: 'local' }, patches.handlers);
  await waitFor('the private engine to connect', () => hosts.events.some((l) => localIn(l)?.state === 'connected'), { timeoutMs: 15_000 });
  await waitFor('the first snapshot', () => patches.events.find((p) => p.kind === 'snapshot'));
}, 120_000);

afterAll(async () => {
  await rig?.dispose();
  // Whatever happened in the test, bring the daemon back (so its containers and networks can be
  // removed), then stop it for good and leave nothing on the host.
  await startDockerd(daemon).catch(() => {});
  await disposePrivateDaemon(daemon);
}, 120_000);

describe('engine outage and recovery', () => {
  it('goes unreachable when dockerd stops, recovers by itself when it starts, and resubscribes to events', async () => {
    const before = await createContainer({ area: AREA, socket: daemon.socket });

    // ---- outage ----
    let mark = hosts.mark();
    const stoppedAt = Date.now();
    await stopDockerd(daemon);
    const down = await waitFor(
      'the host to become unreachable',
      () => hosts.since(mark).map(localIn).find((h) => h?.state === 'unreachable'),
      { timeoutMs: 5000 },
    );
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(down.reason).toBeTruthy();
    expect(down.hint).toMatch(/Docker running/);
    expect(down.retryAt).toBeTypeOf('number');

    const listed = await link.client.callRaw('containers.list', { hostId: 'local' });
    expect(listed.ok).toBe(false);
    if (!listed.ok) {
      expect(listed.error.code).toBe('ENGINE_UNREACHABLE');
      expect(listed.error.retryable).toBe(true);
      expect(listed.error.hint).toBeTruthy();
    }
    const started = await link.client.callRaw('containers.start', { hostId: 'local', id: before.id });
    expect(started.ok ? 'ok' : started.error.code).toBe('ENGINE_UNREACHABLE');
    // While down, the retries keep failing: never a false "connected" (a retry in flight shows
    // 'connecting' for a moment, so only 'connected' is ruled out).
    await new Promise((r) => setTimeout(r, 1500)); // at least one retry at the 1 s backoff cap
    expect(hosts.since(mark).map(localIn).some((h) => h?.state === 'connected')).toBe(false);
    expect(localIn((await link.client.call('hosts.list', {})) as Host[])?.state).not.toBe('connected');

    // ---- recovery, with no reconnect call: the backoff (max 1 s) brings it back ----
    mark = hosts.mark();
    const patchMark = patches.mark();
    await startDockerd(daemon);
    const restartedAt = Date.now();
    const up = await waitFor('the host to reconnect by itself', () => hosts.since(mark).map(localIn).find((h) => h?.state === 'connected'), { timeoutMs: 10_000 });
    expect(Date.now() - restartedAt).toBeLessThan(3000); // backoff is capped at 1 s
    expect(up.reason).toBeUndefined();
    expect(up.engineVersion).toBeTruthy();

    const snapshot = await waitFor('a fresh snapshot after the reconnect', () => patches.since(patchMark).find((p) => p.kind === 'snapshot'), { timeoutMs: 5000 });
    expect(snapshot.kind === 'snapshot' && snapshot.containers.map((c) => c.id)).toContain(before.id);

    const relisted = await link.client.call('containers.list', { hostId: 'local' });
    expect(relisted).toEqual(expect.arrayContaining([expect.objectContaining({ id: before.id, state: 'created' })]));

    // ---- the events stream was resubscribed: a new container arrives as a patch ----
    const afterMark = patches.mark();
    const after = await createContainer({ area: AREA, socket: daemon.socket });
    const patched = await waitFor(
      'a patch for a container created after the recovery',
      () => patches.since(afterMark).flatMap((p) => (p.kind === 'patch' ? p.upserts : [])).find((c) => c.id === after.id),
      { timeoutMs: 2000 },
    );
    expect(patched).toMatchObject({ name: after.name, image: TEST_IMAGE, state: 'created' });
    expect(patches.error).toBeUndefined();
    expect(hosts.error).toBeUndefined();
    expect(await engineUp(daemon.socket)).toBe(true);
  });
});
