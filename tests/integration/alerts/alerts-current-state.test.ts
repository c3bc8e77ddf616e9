// Alerts that must not miss real problems nor send a false "resolved", against the real engine with
// a webhook receiver on 127.0.0.1: rules see the current state when created and when the core
// starts; the cool-down holds notifications, never the alert; open alerts and their evidence
// survive a core restart and resolve only on evidence.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput } from '../../../src-main/contract';
import type { Alert } from '../../../src-main/contract/procedures/alerts';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, cleanupTestContainers, discoveryFor, docker, ensureTestImage, runContainer, sleep, uniqueName, waitFor } from '../../support/docker-fixtures';
import { startReceiver, type Receiver } from '../../support/http-receiver';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'alertstate';
const PREFIX = `wdtest-${AREA}-`;

let core: Core | null = null;
let link: InMemoryLink | null = null;
let dataDir: string;
let rx: Receiver;

async function start(): Promise<void> {
  core = await createCore({ dataDir, mode: 'serve', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
  const server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
  link = connectInMemory(server);
  await waitFor('the local host to connect', async () => (await call('hosts.list', {})).find((h) => h.id === 'local' && h.state === 'connected'), { timeoutMs: 15_000 });
}

/** Stop the core as a quit would: pending writes land, the data dir is released. */
async function stop(): Promise<void> {
  link?.close();
  const c = core;
  core = null;
  link = null;
  if (!c) return;
  c.dispose();
  await c.store.close();
}

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link!.client.call(p, input) as Promise<ProcOutput<P>>;
}

type Hook = { status: string; alert: Alert };
const hooksFor = (alertId: string): Hook[] => rx.received.map((r) => r.json as Hook).filter((h) => h?.alert?.id === alertId);
const openAlert = (pred: (a: Alert) => boolean, what: string, timeoutMs = 15_000): Promise<Alert> =>
  waitFor(what, async () => (await call('alerts.list', { state: 'open' })).find(pred), { timeoutMs, intervalMs: 100 });

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-alertstate-'));
  rx = await startReceiver();
  await start();
});

afterEach(async () => {
  if (!core) await start();
  for (const r of await call('alerts.rules.list', {})) await call('alerts.rules.delete', { id: r.id });
  await cleanupTestContainers({ namePrefix: PREFIX });
});

afterAll(async () => {
  await stop();
  await rx?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('rules evaluate the current state', () => {
  it('a rule created for a container that already exited with code 2 fires at once, and its webhook arrives', async () => {
    const name = uniqueName(AREA);
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'exit 2'] });
    await waitFor('the exit', async () => ((await docker(['inspect', '-f', '{{.State.Status}}', name])) === 'exited' ? true : undefined));
    await sleep(300); // the event has come and gone before the rule exists
    const channel = await call('channels.save', { name: 'rx', kind: 'json', url: rx.url });
    const rule = await call('alerts.rules.save', { hostId: 'local', name: 'exit', scope: { kind: 'container', name }, condition: { kind: 'exit' }, cooldownSeconds: 0, channelIds: [channel.id] });
    const alert = await openAlert((a) => a.ruleId === rule.id, 'the exit alert', 5_000);
    expect(alert).toMatchObject({ message: `${name} exited with code 2`, value: 2, target: { containerName: name } });
    await waitFor('the firing webhook', () => (hooksFor(alert.id).some((h) => h.status === 'firing') ? true : undefined));
  });

  it('a rule created for a container that is already unhealthy fires at once', async () => {
    const name = uniqueName(AREA);
    await runContainer({ area: AREA, name, extra: ['--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1'] });
    await waitFor('docker to say unhealthy', async () => ((await docker(['inspect', '-f', '{{.State.Health.Status}}', name])) === 'unhealthy' ? true : undefined), { timeoutMs: 20_000, intervalMs: 200 });
    await sleep(300);
    const rule = await call('alerts.rules.save', { hostId: 'local', name: 'sick', scope: { kind: 'container', name }, condition: { kind: 'unhealthy' }, cooldownSeconds: 0 });
    const alert = await openAlert((a) => a.ruleId === rule.id, 'the unhealthy alert', 5_000);
    expect(alert.message).toBe(`${name} is unhealthy`);
  });

  it('when the core starts, a rule sees a container that exited (code 2) while the core was not running', async () => {
    const name = uniqueName(AREA);
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'sleep 2; exit 2'] });
    const rule = await call('alerts.rules.save', { hostId: 'local', name: 'exit', scope: { kind: 'container', name }, condition: { kind: 'exit' }, cooldownSeconds: 0 });
    await stop();
    await waitFor('the exit (core down)', async () => ((await docker(['inspect', '-f', '{{.State.Status}}', name])) === 'exited' ? true : undefined), { timeoutMs: 10_000 });
    await start();
    const alert = await openAlert((a) => a.ruleId === rule.id, 'the exit alert after start', 5_000);
    expect(alert.value).toBe(2);
  });
});

describe('cool-down limits notifications, never the alert', () => {
  it('an exit one second after the alert resolved is open at once and notified when the cool-down ends', async () => {
    const name = uniqueName(AREA);
    const channel = await call('channels.save', { name: 'rx', kind: 'json', url: rx.url });
    await call('alerts.rules.save', { hostId: 'local', name: 'exit', scope: { kind: 'container', name }, condition: { kind: 'exit' }, cooldownSeconds: 6, channelIds: [channel.id] });
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'exit 5'] });
    const first = await openAlert((a) => a.target.containerName === name, 'the first alert');
    await waitFor('its webhook', () => (hooksFor(first.id).some((h) => h.status === 'firing') ? true : undefined));
    const notifiedAt = (await call('alerts.list', {})).find((a) => a.id === first.id)!.notifiedAt!;

    await docker(['start', name]); // runs `exit 5` again at once: resolve, then a new failure
    const second = await openAlert((a) => a.target.containerName === name && a.id !== first.id, 'the second alert, shown at once');
    expect(second.heldUntil).toBe(notifiedAt + 6_000);
    expect(hooksFor(second.id)).toEqual([]);
    // …and notified once the cool-down is over, since the container is still exited.
    await waitFor('the held webhook', () => hooksFor(second.id).find((h) => h.status === 'firing'), { timeoutMs: 15_000, intervalMs: 100 });
    const delivered = (await call('alerts.list', {})).find((a) => a.id === second.id)!;
    expect(delivered.notifiedAt!).toBeGreaterThanOrEqual(notifiedAt + 6_000);
    expect(delivered.heldUntil).toBeUndefined();
    expect(delivered.deliveries.map((d) => [d.kind, d.state])).toEqual([['fire', 'sent']]);
  });
});

describe('open alerts survive a core restart', () => {
  it('restarting the core after a crash-loop alert fired does not resolve it while the container keeps restarting', async () => {
    const name = uniqueName(AREA);
    const channel = await call('channels.save', { name: 'rx', kind: 'json', url: rx.url });
    const rule = await call('alerts.rules.save', {
      hostId: 'local',
      name: 'loop',
      scope: { kind: 'container', name },
      condition: { kind: 'restart-loop', restarts: 3, withinSeconds: 120 },
      cooldownSeconds: 0,
      channelIds: [channel.id],
    });
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'sleep 1; exit 1'], extra: ['--restart', 'always'] });
    const alert = await openAlert((a) => a.ruleId === rule.id, 'the crash-loop alert', 30_000);
    await waitFor('its webhook', () => (hooksFor(alert.id).some((h) => h.status === 'firing') ? true : undefined));

    await stop();
    await sleep(12_000);
    await start();
    // Before: the first tick after the restart resolved it ("no restart for 2 min") and sent "resolved".
    await sleep(4_000);
    const after = (await call('alerts.list', {})).find((a) => a.id === alert.id)!;
    expect(after.state).toBe('open');
    expect(after.evidence?.starts?.length).toBeGreaterThanOrEqual(3);
    expect(hooksFor(alert.id).map((h) => h.status)).toEqual(['firing']);
    expect(Number(await docker(['inspect', '-f', '{{.RestartCount}}', name]))).toBeGreaterThanOrEqual(3);

    // Evidence resolves it: the container is removed.
    await docker(['rm', '-f', name]);
    await waitFor('the resolve on removal', async () => (await call('alerts.list', {})).find((a) => a.id === alert.id && a.state === 'resolved'));
    await waitFor('the resolved webhook', () => (hooksFor(alert.id).some((h) => h.status === 'resolved') ? true : undefined));
  });
});
