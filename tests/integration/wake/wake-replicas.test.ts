// Replicas through WakeDock's Caddy (real engine, real Caddy 2.6.2): a service with two containers
// sleeps with both stopped; one request wakes both (one start each); Caddy spreads requests over the
// two (round_robin); with a health URI, a replica that stops gets no traffic.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { WakeManager } from '../../../src-main/core/wake/wake-manager';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN, httpTo, waitRouted } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, docker, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';

const AREA = 'wakerep';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.rep.localhost`;

let core: Core;
let wake: WakeManager;
let dataDir: string;
let port: number;
const replicas: TestContainer[] = [];

const running = async (c: TestContainer): Promise<boolean> => (await inspectContainer(c.id))?.State.Running ?? false;

describe.skipIf(!CADDY_BIN)('replicas through Caddy (real engine, real Caddy)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakerep-'));
    port = await freePort();
    for (const tag of ['one', 'two']) {
      const p = await freePort();
      replicas.push(await createContainer({ area: AREA, ports: [`127.0.0.1:${p}:80`], extra: ['--init'], cmd: ['sh', '-c', `mkdir -p /tmp/w && echo replica-${tag} > /tmp/w/index.html && echo ok > /tmp/w/health && exec httpd -f -p 80 -h /tmp/w`] }));
    }
    core = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
    wake = new WakeManager({ dataDir, logger: silentLogger, host: core.hosts.get('local'), listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300, holdMs: 20_000 });
    wake.start();
    await wake.ready;
  }, 60_000);

  afterAll(async () => {
    await wake?.dispose();
    await core?.dispose();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('one request wakes every replica once, and Caddy spreads requests over both', async () => {
    await wake.create({ name: 'rep', hosts: [HOST], containers: replicas.map((r) => r.name), port: 80, idle: { after: '10m' }, load_balancing: { policy: 'round_robin' } });
    await waitRouted(wake, ['rep']);
    expect(wake.controller.view('rep')?.state).toBe('sleeping');
    const since = Math.floor(Date.now() / 1000) - 1;
    // An API client's GET is held until the service is ready, then answered by a replica.
    const first = await waitFor('the held GET answered', async () => {
      const r = await httpTo(port, HOST, '/', { timeoutMs: 30_000 });
      return r.status === 200 ? r : null;
    }, { timeoutMs: 40_000 });
    expect(first.body).toMatch(/^replica-(one|two)\n$/);
    expect(await running(replicas[0]!)).toBe(true);
    expect(await running(replicas[1]!)).toBe(true);
    await waitFor('awake', () => wake.controller.view('rep')?.state === 'awake');
    for (const r of replicas) {
      const out = await docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', `container=${r.id}`, '--filter', 'event=start', '--format', '{{.Status}}']);
      expect(out.split('\n').filter((l) => l.trim() === 'start')).toHaveLength(1);
    }
    const counts = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const r = await httpTo(port, HOST, '/');
      expect(r.status).toBe(200);
      counts.set(r.body.trim(), (counts.get(r.body.trim()) ?? 0) + 1);
    }
    expect(counts.get('replica-one')).toBe(10);
    expect(counts.get('replica-two')).toBe(10);
  }, 90_000);

  it('with a health URI a replica failing it gets no traffic; a stopped one is started again by a request that misses it; sleep stops both', async () => {
    await wake.update('rep', { name: 'rep', hosts: [HOST], containers: replicas.map((r) => r.name), port: 80, idle: { after: '10m' }, load_balancing: { policy: 'round_robin', health_uri: '/health', health_interval: '1s' } });
    const route = JSON.stringify(wake.caddyConfig());
    expect(route).toContain('"health_checks":{"active":{"uri":"/health","interval":"1s","timeout":"2s"},"passive":');
    const spread = async (): Promise<Set<string>> => {
      const bodies = new Set<string>();
      for (let i = 0; i < 6; i++) bodies.add((await httpTo(port, HOST, '/')).body.trim());
      return bodies;
    };
    // Replica two's health URI answers 404: Caddy's active check takes it out, every request goes to one.
    await docker(['exec', replicas[1]!.id, 'busybox', 'rm', '/tmp/w/health']);
    await waitFor('replica two out (health check)', async () => {
      const b = await spread();
      return b.size === 1 && b.has('replica-one');
    }, { timeoutMs: 20_000 });
    for (let i = 0; i < 10; i++) expect((await httpTo(port, HOST, '/')).body.trim()).toBe('replica-one');
    await docker(['exec', replicas[1]!.id, 'sh', '-c', 'echo ok > /tmp/w/health']);
    await waitFor('replica two back in', async () => (await spread()).size === 2, { timeoutMs: 20_000 });

    // Without health checks, a replica stopped outside WakeDock is started again by the first request
    // Caddy cannot deliver to it: that request reaches the waker (and is answered by the other
    // replica), the wake starts what is not running. (With health checks, a request may or may not
    // reach it before the check takes it out.)
    await wake.update('rep', { name: 'rep', hosts: [HOST], containers: replicas.map((r) => r.name), port: 80, idle: { after: '10m' } });
    // (Only the activity count's passive check is left: it never takes an upstream out.)
    await waitFor('no active health checks in Caddy', async () => !JSON.stringify(await wake.supervisor.client.getConfig('apps/http/servers/wakedock/routes/1')).includes('"active"'));
    await docker(['stop', '-t', '1', replicas[1]!.id]);
    const since = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 4; i++) expect((await httpTo(port, HOST, '/')).status).toBe(200);
    await waitFor('replica two started again on demand', async () => (await running(replicas[1]!)) && (await spread()).size === 2, { timeoutMs: 30_000 });
    const starts = await docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', `container=${replicas[1]!.id}`, '--filter', 'event=start', '--format', '{{.Status}}']);
    expect(starts.split('\n').filter((l) => l.trim() === 'start')).toHaveLength(1);
    await waitFor('awake', () => wake.controller.view('rep')?.state === 'awake');
    await wake.controller.sleep('rep', 'test');
    expect(await running(replicas[0]!)).toBe(false);
    expect(await running(replicas[1]!)).toBe(false);
    expect(wake.controller.view('rep')?.state).toBe('sleeping');
  }, 120_000);
});
