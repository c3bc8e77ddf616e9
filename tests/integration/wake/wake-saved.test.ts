// What sleeping saves (real engine, real Caddy 2.6.2): a service whose container burns CPU while awake
// (a busy loop, limited to a quarter of a core so the shared machine is not loaded) is put to sleep;
// its average CPU while awake (the cgroup's CPU time over the time it ran, read once before the stop)
// × the time asleep is the CPU time saved. It grows while the service sleeps, is added up when it
// wakes, and survives a restart of the core (the store's wakeCounters) with the sleep still counting.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuSavedAt, type WakeServiceView } from '../../../src-main/contract/wake-service';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import type { Logger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';

const AREA = 'wakesaved';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.saved.localhost`;

let core: Core | null = null;
let dataDir: string;
let port: number;
let app: TestContainer;

/** The core's warnings, kept for failure messages (what the engine or Caddy said). */
const warnings: string[] = [];
const logger: Logger = {
  info() {},
  warn: (m, e) => void warnings.push(`${m}${e ? `: ${(e as Error).message ?? String(e)}` : ''}`),
  error: (m, e) => void warnings.push(`${m}${e ? `: ${(e as Error).message ?? String(e)}` : ''}`),
};

async function startCore(): Promise<Core> {
  const c = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger, discovery: discoveryFor(SHARED_SOCKET), wake: { listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300 } });
  await c.services.wake?.ready;
  return c;
}
const view = (): WakeServiceView | undefined => core?.services.wake?.controller.view('burn');
const describeView = (): string => `${JSON.stringify(view())}; core warnings: ${warnings.slice(-8).join(' | ')}`;

/** Wait until the container has run at least `ms` since it started (its CPU average needs a second). */
async function ranFor(ms: number): Promise<void> {
  await waitFor(`the container ran ${ms} ms`, async () => {
    const i = await inspectContainer(app.id);
    return i?.State.Running && Date.now() - Date.parse(i.State.StartedAt) >= ms;
  }, { timeoutMs: 30_000 });
}

describe.skipIf(!CADDY_BIN)('what sleeping saves: memory and CPU time', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakesaved-'));
    port = await freePort();
    const appPort = await freePort();
    // httpd daemonizes, then the shell spins: CPU while awake, capped at 0.25 of a core.
    app = await createContainer({ area: AREA, ports: [`127.0.0.1:${appPort}:80`], extra: ['--init', '--cpus', '0.25'], cmd: ['sh', '-c', 'httpd -p 80 -h /www; while :; do :; done'] });
    core = await startCore();
  }, 60_000);

  afterAll(async () => {
    await core?.dispose();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts the CPU a busy service would have used while asleep, growing while it sleeps, and keeps it across a restart', async () => {
    const m = core!.services.wake!;
    await m.create({ name: 'burn', hosts: [HOST], container: app.name, port: 80, idle: { after: '10m' } });
    // The engine's answers can be slow on a loaded machine (the service reads as unavailable until it answers).
    await waitFor('sleeping', () => view()?.state === 'sleeping', { timeoutMs: 60_000 }).catch((e: Error) => Promise.reject(new Error(`${e.message}: ${describeView()}`)));
    expect(view()?.cpuPercent).toBeUndefined();

    await m.controller.wake('burn', 'test');
    expect(view()?.state, describeView()).toBe('awake');
    await ranFor(3000);
    await m.controller.sleep('burn', 'test');
    expect((await inspectContainer(app.id))?.State.Running).toBe(false);

    const first = view()!;
    expect(first.state).toBe('sleeping');
    // The loop is capped at 25 % of one core; on a loaded machine it gets less, but never nothing.
    expect(first.cpuPercent, describeView()).toBeGreaterThan(2);
    expect(first.cpuPercent, describeView()).toBeLessThan(40);
    expect(first.memoryBytes, describeView()).toBeGreaterThan(0);
    expect(first.cpuSavedMs).toBeUndefined();

    // Asleep, the saved CPU time grows with the time asleep: cpuPercent × (now − asleepSince).
    const at1 = Date.now();
    await waitFor('a second asleep', () => Date.now() - at1 >= 1000);
    expect(cpuSavedAt(first, Date.now())).toBeGreaterThan(cpuSavedAt(first, at1));
    await waitFor('1.5 s asleep', () => Date.now() - first.asleepSince! >= 1500);

    // Waking ends the sleep: its CPU time is added up in cpuSavedMs.
    await m.controller.wake('burn', 'test');
    const awake = view()!;
    expect(awake.state).toBe('awake');
    // (asleepMs also holds the time from creation to the first wake, which had no CPU reading)
    const slept = (awake.asleepMs ?? 0) - (first.asleepMs ?? 0);
    expect(slept).toBeGreaterThanOrEqual(1500);
    expect(awake.cpuSavedMs, describeView()).toBeCloseTo(((first.cpuPercent ?? 0) / 100) * slept, -1);
    expect(awake.cpuSavedMs).toBeGreaterThan(0);

    await ranFor(2000);
    await m.controller.sleep('burn', 'test');
    const before = view()!;
    expect(before.cpuPercent).toBeGreaterThan(2);
    const savedBefore = cpuSavedAt(before, Date.now());
    expect(savedBefore).toBeGreaterThanOrEqual(awake.cpuSavedMs ?? 0);

    await core!.dispose();
    core = null;
    const file = JSON.parse(readFileSync(join(dataDir, 'wakedock.json'), 'utf8')) as { wakeCounters: { name: string; cpuPercent?: number; cpuSavedMs?: number; asleepSince?: number }[] };
    // (other services may be declared by labels of containers other tests run on the shared engine)
    expect(file.wakeCounters.find((c) => c.name === 'burn')).toMatchObject({ cpuPercent: before.cpuPercent, cpuSavedMs: before.cpuSavedMs, asleepSince: before.asleepSince });

    core = await startCore();
    await waitFor('the service again, asleep', () => view()?.state === 'sleeping', { timeoutMs: 60_000 }).catch((e: Error) => Promise.reject(new Error(`${e.message}: ${describeView()}`)));
    const after = view()!;
    expect(after, describeView()).toMatchObject({ state: 'sleeping', cpuPercent: before.cpuPercent, cpuSavedMs: before.cpuSavedMs, asleepSince: before.asleepSince, memoryBytes: before.memoryBytes });
    // The sleep went on while the core was down: the saved CPU time kept growing.
    expect(cpuSavedAt(after, Date.now())).toBeGreaterThan(savedBefore);
  }, 240_000);
});
