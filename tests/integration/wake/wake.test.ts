// Wake on demand end to end, with the real engine and the real Caddy 2.6.2: a service declared by
// container labels (busybox httpd that listens only 2 s after it starts, like a slow app), reached
// through WakeDock's private Caddy by its hostname.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { WakeManager } from '../../../src-main/core/wake/wake-manager';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN, httpTo, waitRouted } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, docker, ensureTestImage, freePort, inspectContainer, sleep, waitFor, type TestContainer } from '../../support/docker-fixtures';

const AREA = 'wake';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.wake.localhost`;
const HTML = { Accept: 'text/html,application/xhtml+xml' };
const SLOW_CGI = '#!/bin/sh\\necho Content-Type: text/plain\\necho\\nfor i in $(seq ${QUERY_STRING:-5}); do echo tick $i; sleep 1; done\\n';

let core: Core;
let wake: WakeManager;
let dataDir: string;
let port: number;
let app: TestContainer;
let appPort: number;

const state = (): string | undefined => wake.controller.view('web')?.state;
const running = async (): Promise<boolean> => (await inspectContainer(app.id))?.State.Running ?? false;

async function startEvents(since: number): Promise<number> {
  const out = await docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', `container=${app.id}`, '--filter', 'event=start', '--format', '{{.Status}}']);
  return out.split('\n').filter((l) => l.trim() === 'start').length;
}

async function putToSleep(): Promise<void> {
  // A wake still finishing its readiness check cannot be put to sleep yet (the controller says so).
  await waitFor('no wake in progress', () => state() !== 'waking', { timeoutMs: 20_000 });
  await wake.controller.sleep('web', 'test');
  await waitFor('container stopped', async () => !(await running()), { timeoutMs: 20_000 });
  expect(state()).toBe('sleeping');
}

describe.skipIf(!CADDY_BIN)('wake on demand through Caddy (real engine, real Caddy)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wake-'));
    port = await freePort();
    appPort = await freePort();
    app = await createContainer({
      area: AREA,
      ports: [`127.0.0.1:${appPort}:80`],
      labels: {
        'wakedock.enable': 'true',
        'wakedock.name': 'web',
        'wakedock.hosts': HOST,
        'wakedock.port': '80',
        'wakedock.idle.after': '3s',
        'wakedock.idle.grace': '1s',
        'wakedock.ready.timeout': '30s',
        'wakedock.ignore.user_agents': 'Uptime-Kuma',
        'wakedock.loading.title': 'Web test app',
      },
      extra: ['--init'],
      // /cgi-bin/slow?N answers one line a second for N seconds: a long request.
      cmd: ['sh', '-c', `mkdir -p /www/cgi-bin; printf '${SLOW_CGI}' > /www/cgi-bin/slow; busybox chmod +x /www/cgi-bin/slow; sleep 2; exec httpd -f -p 80 -h /www`],
    });
    core = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
    wake = new WakeManager({ dataDir, logger: silentLogger, host: core.hosts.get('local'), listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300, failBackoffMs: 2000, holdMs: 20_000 });
    wake.start();
    await wake.ready;
    await waitFor('the labelled service', () => wake.controller.view('web'), { timeoutMs: 15_000 });
    await waitRouted(wake, ['web']);
    // A reload hands the listener over while the old server drains: a connection may still land on it
    // for a moment. Wait until the route answers (an ignored monitor's request: it does not wake).
    await waitFor('the route answers', async () => (await httpTo(port, HOST, '/', { headers: { 'User-Agent': 'Uptime-Kuma/1.23' } })).headers['x-wakedock'] === 'ignored', { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await wake?.dispose();
    await core?.dispose();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is declared by its labels and sleeps while its container is stopped', () => {
    const v = wake.controller.view('web');
    expect(v).toMatchObject({ source: 'labels', state: 'sleeping', upstream: `127.0.0.1:${appPort}`, definition: { hosts: [HOST], port: 80, container: app.name } });
    expect(v?.definition.compose).toBeUndefined();
    expect(wake.declarationErrors()).toEqual([]);
    expect(wake.proxyStatus()).toMatchObject({ caddy: 'running', port });
  });

  it('an ignored user agent neither wakes it nor gets through', async () => {
    const r = await httpTo(port, HOST, '/', { headers: { ...HTML, 'User-Agent': 'Uptime-Kuma/1.23' } });
    expect(r.status).toBe(503);
    expect(r.headers['x-wakedock']).toBe('ignored');
    await sleep(500);
    expect(await running()).toBe(false);
    expect(state()).toBe('sleeping');
  });

  it('a browser gets the loading page at once, the container starts, then the same URL serves the app', async () => {
    const t0 = Date.now();
    const page = await httpTo(port, HOST, '/', { headers: HTML });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBeDefined();
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Web test app');
    expect(page.body).toContain('/__wakedock/status');

    const status = JSON.parse((await httpTo(port, HOST, '/__wakedock/status')).body) as { name: string; state: string };
    expect(status.name).toBe('web');
    expect(['waking', 'awake']).toContain(status.state);

    await waitFor('container running', running, { timeoutMs: 10_000 });
    const app200 = await waitFor(
      'the app through Caddy',
      async () => {
        const r = await httpTo(port, HOST, '/', { headers: HTML });
        return r.status === 200 ? r : null;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(app200.body).toContain('<h1>wakedock test</h1>');
    expect(app200.headers['x-wakedock']).toBeUndefined();
    // Caddy proxies as soon as the upstream answers; the controller calls it awake once its own
    // readiness check (and settle delay) has passed, which can be a moment later on a busy machine.
    await waitFor('the service awake', () => state() === 'awake', { timeoutMs: 20_000 });
    expect(wake.controller.view('web')?.wakes).toBe(1);
    expect(wake.controller.view('web')?.medianColdStartMs).toBeGreaterThan(1500);
  });

  it('50 concurrent requests during a wake cause exactly one start, and a POST during the wake gets 503 + Retry-After', async () => {
    await putToSleep();
    const since = Math.floor(Date.now() / 1000);
    const gets = Array.from({ length: 50 }, (_, i) => httpTo(port, HOST, `/?n=${i}`, { headers: i % 2 ? HTML : { Accept: '*/*' } }));
    await waitFor('waking', () => state() === 'waking', { timeoutMs: 5000, intervalMs: 20 });
    const post = await httpTo(port, HOST, '/form', { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(post.status).toBe(503);
    expect(post.headers['retry-after']).toBe('5');
    expect(state()).toBe('waking');
    const answers = await Promise.all(gets);
    // HTML GETs got the loading page; the others were held until ready and then served by the app.
    expect(answers.filter((a, i) => i % 2 === 1).every((a) => a.status === 503 && a.headers['x-wakedock'] === 'loading')).toBe(true);
    expect(answers.filter((a, i) => i % 2 === 0).map((a) => a.status)).toEqual(Array(25).fill(200));
    expect(answers[0]?.body).toContain('<h1>wakedock test</h1>');
    await waitFor('awake', () => state() === 'awake');
    expect(await startEvents(since)).toBe(1);
  });

  it('stops after idle.after + grace without requests, and not before', async () => {
    if (state() !== 'awake') await wake.controller.wake('web');
    const r = await httpTo(port, HOST, '/');
    expect(r.status).toBe(200);
    const last = Date.now();
    await sleep(2000);
    expect(await running()).toBe(true);
    await waitFor('stopped when idle', async () => !(await running()), { timeoutMs: 20_000, intervalMs: 200 });
    expect(Date.now() - last).toBeGreaterThanOrEqual(3900);
    expect(state()).toBe('sleeping');
  });

  it('steady requests every 300 ms keep it awake past idle.after + grace while an ignored monitor hammers it; the monitor alone does not', async () => {
    if (state() !== 'awake') await wake.controller.wake('web');
    // The monitor: 3 loops as fast as they go, for the whole test (ignored: never counted, in flight
    // apart). With a sampled access log its lines could take every sample and hide the real requests.
    let hammering = true;
    let monitorHits = 0;
    const monitor = Promise.all(
      Array.from({ length: 3 }, async () => {
        while (hammering) {
          await httpTo(port, HOST, '/', { headers: { 'User-Agent': 'Uptime-Kuma/1.23' }, timeoutMs: 10_000 }).catch(() => undefined);
          monitorHits++;
        }
      }),
    );
    try {
      // 7 s of real requests every 300 ms, where idle.after + grace is 4 s.
      const t0 = Date.now();
      const seen: string[] = [];
      let last = Date.now();
      while (Date.now() - t0 < 7000) {
        const r = await httpTo(port, HOST, '/');
        last = Date.now();
        seen.push(`${r.status}/${state()}`);
        await sleep(300);
      }
      expect(seen.every((x) => x === '200/awake'), `answers/states while used: ${seen.join(' ')}`).toBe(true);
      expect(await running()).toBe(true);
      // Only the monitor now: the service sleeps after idle.after + grace, and the monitor does not wake it.
      await waitFor('stopped with only the monitor', async () => !(await running()), { timeoutMs: 25_000, intervalMs: 200 });
      const idleFor = Date.now() - last;
      expect(idleFor, `slept ${idleFor} ms after the last real request (monitor requests: ${monitorHits})`).toBeGreaterThanOrEqual(3900);
      await sleep(1500);
      expect(state()).toBe('sleeping');
      expect(await running()).toBe(false);
      expect(monitorHits).toBeGreaterThan(20);
    } finally {
      hammering = false;
      await monitor;
    }
  });

  it('an open long request keeps it awake past idle.after + grace; idle counts from its last byte', async () => {
    if (state() !== 'awake') await wake.controller.wake('web');
    // 9 s of answer through Caddy, where idle.after + grace is 4 s.
    const t0 = Date.now();
    const long = httpTo(port, HOST, '/cgi-bin/slow?9', { timeoutMs: 30_000 });
    await waitFor('the request in flight', () => (wake.controller.view('web')?.inFlight ?? 0) > 0, { timeoutMs: 5000, intervalMs: 50 });
    while (Date.now() - t0 < 7000) {
      expect(await running()).toBe(true);
      expect(state()).toBe('awake');
      await sleep(500);
    }
    const r = await long;
    const ended = Date.now();
    expect(r.status).toBe(200);
    expect(r.body).toContain('tick 9');
    // Idle is counted from the end of that request, not from its start (7+ s ago).
    await sleep(2500);
    expect(await running()).toBe(true);
    await waitFor('stopped when idle', async () => !(await running()), { timeoutMs: 20_000, intervalMs: 200 });
    expect(Date.now() - ended).toBeGreaterThanOrEqual(3900);
  });

  it('Caddy killed and restarted gets its config back', async () => {
    await wake.controller.wake('web');
    const pid = wake.supervisor.pid as number;
    process.kill(pid, 'SIGKILL');
    await waitFor('caddy back', () => wake.supervisor.state.status === 'running' && wake.supervisor.pid !== pid, { timeoutMs: 15_000 });
    const r = await waitFor('app through the restarted Caddy', async () => {
      const a = await httpTo(port, HOST, '/');
      return a.status === 200 ? a : null;
    });
    expect(r.body).toContain('<h1>wakedock test</h1>');
  });
});
