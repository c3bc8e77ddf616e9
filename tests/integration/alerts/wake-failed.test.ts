// "Wake failed" alert rules (real engine, real Caddy 2.6.2): a service whose container cannot start —
// its published loopback port is taken by another listener, so the engine refuses the start —
// fires the rule's alert naming the service and the engine's reason, delivered to a webhook channel
// (a loopback receiver); a second failure is a repeat, not a second alert; once the port is free a
// successful wake resolves it (and the channel hears "resolved").
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src-main/contract/procedures/alerts';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';
import { startReceiver, type Receiver } from '../../support/http-receiver';

const AREA = 'wakefailalert';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.wakefail.localhost`;
const SERVICE = `wf-${Math.random().toString(36).slice(2, 8)}`;

let core: Core | null = null;
let dataDir: string;
let receiver: Receiver;
let app: TestContainer;
let appPort: number;
let blocker: Server | null = null;

const alertsOf = (): Alert[] => core!.services.alerts.listAlerts('all', 1000).filter((a) => a.condition === 'wake-failed' && a.target.label === SERVICE);
const describeState = (): string => JSON.stringify({ service: core?.services.wake?.controller.view(SERVICE), alerts: alertsOf() });

function listen(port: number): Promise<Server> {
  return new Promise((ok, fail) => {
    const s = createServer((c) => c.destroy());
    s.once('error', fail);
    s.listen(port, '127.0.0.1', () => ok(s));
  });
}

describe.skipIf(!CADDY_BIN)('"wake failed" alert rules', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakefail-'));
    receiver = await startReceiver();
    appPort = await freePort();
    app = await createContainer({ area: AREA, ports: [`127.0.0.1:${appPort}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    const port = await freePort();
    core = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET), wake: { listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300 } });
    await core.services.wake?.ready;
  }, 60_000);

  afterAll(async () => {
    await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
    await core?.dispose();
    await receiver?.close();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fires naming the service and the start error, repeats on a second failure, and resolves after a successful wake', async () => {
    const alerts = core!.services.alerts;
    const wake = core!.services.wake!;
    const channel = await alerts.saveChannel({ name: 'hook', kind: 'json', url: receiver.url, enabled: true });
    await alerts.saveRule({ name: 'Wake failed', enabled: true, hostId: '*', scope: { kind: 'service', name: SERVICE }, condition: { kind: 'wake-failed' }, cooldownSeconds: 0, desktop: false, channelIds: [channel.id] });
    await wake.create({ name: SERVICE, hosts: [HOST], container: app.name, port: 80, idle: { after: '10m' } });
    expect(alertsOf()).toEqual([]);
    // The engine's answers can be slow on a loaded machine (the service reads as unavailable until it answers).
    await waitFor('the service declared, asleep', () => wake.controller.view(SERVICE)?.state === 'sleeping', { timeoutMs: 60_000 }).catch((e: Error) => Promise.reject(new Error(`${e.message}: ${describeState()}`)));

    // Another listener holds the container's published port: the engine cannot start it.
    blocker = await listen(appPort);
    await expect(wake.controller.wake(SERVICE, 'wake now', { force: true })).resolves.toBeUndefined();
    expect(wake.controller.view(SERVICE)?.state, describeState()).toBe('failed');
    const reason = wake.controller.view(SERVICE)?.message ?? '';
    expect(reason).toMatch(/address already in use|port is already allocated/);

    const fired = await waitFor('the wake-failed alert', () => alertsOf().find((a) => a.state === 'open'), { timeoutMs: 15_000 });
    expect(fired.message).toContain(SERVICE);
    expect(fired.message).toContain(reason);
    expect(fired.message, describeState()).toMatch(new RegExp(`^${SERVICE} failed to wake: `));
    expect(fired).toMatchObject({ ruleName: 'Wake failed', hostId: 'local', target: { label: SERVICE, service: SERVICE } });

    // The channel got it: plain JSON with the alert, status firing.
    const [hook] = await receiver.waitFor(1, 20_000);
    const body = hook!.json as { status: string; alert: Alert };
    expect(body.status).toBe('firing');
    expect(body.alert.message).toBe(fired.message);

    // Failing again while the alert is open is a repeat of it, not a second alert.
    await wake.controller.wake(SERVICE, 'wake now', { force: true });
    await waitFor('the repeat counted', () => alertsOf().find((a) => a.id === fired.id && a.occurrences >= 2), { timeoutMs: 15_000 });
    expect(alertsOf().filter((a) => a.state === 'open')).toHaveLength(1);

    // The port is free again: the next wake starts the container, and that resolves the alert.
    await new Promise((r) => blocker!.close(r));
    blocker = null;
    await wake.controller.wake(SERVICE, 'wake now', { force: true });
    expect(wake.controller.view(SERVICE)?.state, describeState()).toBe('awake');
    expect((await inspectContainer(app.id))?.State.Running).toBe(true);
    const resolved = await waitFor('resolved', () => alertsOf().find((a) => a.id === fired.id && a.state === 'resolved'), { timeoutMs: 15_000 });
    expect(resolved.resolution).toBe(`${SERVICE} woke`);
    const notices = await receiver.waitFor(2, 20_000);
    expect((notices[1]!.json as { status: string }).status).toBe('resolved');
    expect(alertsOf()).toHaveLength(1);
  }, 240_000);
});
