// Wake on demand across restarts of the core (real engine, real Caddy 2.6.2): the counters (wakes,
// cold starts, last request, time asleep, the memory sleeping frees) are in the store and come back;
// a container started while the core was down is adopted as awake with a fresh idle timer; a
// container removed while asleep makes the service unavailable, saying so, and stops its time asleep.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WakeServiceView } from '../../../src-main/contract/wake-service';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN, httpTo, waitRouted } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, docker, ensureTestImage, freePort, inspectContainer, sleep, waitFor, type TestContainer } from '../../support/docker-fixtures';

const AREA = 'wakerestart';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.restart.localhost`;

let core: Core | null = null;
let dataDir: string;
let port: number;
let app: TestContainer;
let appPort: number;

async function startCore(): Promise<Core> {
  const c = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET), wake: { listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300 } });
  await c.services.wake?.ready;
  return c;
}
const view = (): WakeServiceView | undefined => core?.services.wake?.controller.view('keep');
const running = async (): Promise<boolean> => (await inspectContainer(app.id))?.State.Running ?? false;

describe.skipIf(!CADDY_BIN)('wake on demand across restarts of the core', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakerestart-'));
    port = await freePort();
    appPort = await freePort();
    app = await createContainer({ area: AREA, ports: [`127.0.0.1:${appPort}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    core = await startCore();
  });

  afterAll(async () => {
    await core?.dispose();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps wakes, cold starts, last request, time asleep and the memory sleeping frees across a restart', async () => {
    const m = core!.services.wake!;
    await m.create({ name: 'keep', hosts: [HOST], container: app.name, port: 80, idle: { after: '10m' } });
    expect(view()).toMatchObject({ state: 'sleeping', wakes: 0 });
    expect(view()?.asleepSince).toBeGreaterThan(0);
    await waitRouted(m, ['keep']);
    const r = await waitFor('the app through Caddy', async () => {
      const a = await httpTo(port, HOST, '/');
      return a.status === 200 ? a : null;
    }, { timeoutMs: 30_000 });
    expect(r.body).toContain('wakedock test');
    await waitFor('awake', () => view()?.state === 'awake');
    await waitFor('the request counted', () => view()?.lastRequestAt);
    await m.controller.sleep('keep', 'test');
    expect(await running()).toBe(false);
    const before = view()!;
    expect(before).toMatchObject({ state: 'sleeping', wakes: 1 });
    expect(before.memoryBytes).toBeGreaterThan(100 * 1024);
    expect(before.asleepMs).toBeGreaterThan(0);
    await sleep(1200);

    await core!.dispose();
    core = null;
    const file = JSON.parse(readFileSync(join(dataDir, 'wakedock.json'), 'utf8')) as { wakeCounters: { name: string; wakes: number; asleepSince?: number }[] };
    expect(file.wakeCounters).toEqual([expect.objectContaining({ name: 'keep', wakes: 1, asleepSince: before.asleepSince })]);

    core = await startCore();
    await waitFor('the service again', () => view());
    const after = view()!;
    expect(after).toMatchObject({ state: 'sleeping', wakes: 1, memoryBytes: before.memoryBytes, lastRequestAt: before.lastRequestAt, lastWakeAt: before.lastWakeAt, medianColdStartMs: before.medianColdStartMs });
    // The sleep that began before the restart goes on: its start is kept, so the time the core was
    // down counts as asleep too.
    expect(after.asleepSince).toBe(before.asleepSince);
    expect(after.asleepMs).toBe(before.asleepMs);
  });

  it('a container started while the core was down is adopted as awake, with a fresh idle timer, and ends the sleep', async () => {
    await core!.dispose();
    core = null;
    await docker(['start', app.id]);
    const startedAt = Date.now();
    core = await startCore();
    await waitFor('adopted awake', () => view()?.state === 'awake');
    const v = view()!;
    expect(v.asleepSince).toBeUndefined();
    expect(v.asleepMs).toBeGreaterThan(1000);
    expect(v.sleepsAt).toBeGreaterThanOrEqual(startedAt + 10 * 60_000 + 30_000 - 1000);
    expect(v.wakes).toBe(1);
  });

  it('a container removed while asleep makes the service unavailable, saying so, and that time is not counted asleep', async () => {
    await core!.services.wake!.controller.sleep('keep', 'test');
    await docker(['rm', '-f', app.id]);
    await waitFor('unavailable', () => view()?.state === 'unavailable', { timeoutMs: 15_000 });
    const v = view()!;
    expect(v.message).toMatch(/not found/);
    expect(v.asleepSince).toBeUndefined();
    const total = v.asleepMs;
    await sleep(600);
    expect(view()?.asleepMs).toBe(total);
    // Requests for it are not woken into a missing container: the waker answers, Caddy stays up.
    const m = core!.services.wake!;
    await waitFor('route dropped', () => !m.routedServices().includes('keep'));
  });
});
