// Webhooks of wake-on-demand services through the contract, with the core's wake on, the real engine
// and Caddy, and a loopback HTTP receiver: started / stopped / failed are POSTed as JSON; a receiver
// answering 500 is retried with backoff; the URL is sealed in the store file and never in what the
// renderer gets; a service's webhook goes with it when it is removed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, ensureTestImage, freePort, waitFor, type TestContainer } from '../../support/docker-fixtures';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'wakehook';
const PREFIX = `wdtest-${AREA}-`;
const TAG = Math.random().toString(36).slice(2, 8);
const SECRET = `tok-${TAG}-secret`;

let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;
let receiver: Server;
let hookUrl: string;
let good: TestContainer;
let bad: TestContainer;
/** What the receiver got, in order; `fail` makes the next N answers 500. */
const got: { event: string; service: string; body: Record<string, unknown> }[] = [];
let fail = 0;
let hits = 0;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callError<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded: ${JSON.stringify(r.data)}`);
  return r.error;
}
const service = async (name: string) => (await call('wake.list', {})).services.find((s) => s.name === name);

describe.skipIf(!CADDY_BIN)('wake webhooks (real engine, real Caddy, loopback receiver)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += String(d)));
      req.on('end', () => {
        hits++;
        if (fail > 0) {
          fail--;
          res.writeHead(500).end();
          return;
        }
        const b = JSON.parse(body) as Record<string, unknown>;
        got.push({ event: String(b.event), service: String(b.service), body: { ...b, path: req.url, type: req.headers['content-type'] } });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=${SECRET}`;
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakehook-'));
    good = await createContainer({ area: AREA, ports: [`127.0.0.1:${await freePort()}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    bad = await createContainer({ area: AREA, ports: [`127.0.0.1:${await freePort()}:80`], cmd: ['sh', '-c', 'exit 3'] });
    const port = await freePort();
    core = await createCore({
      dataDir,
      mode: 'serve',
      appVersion: 'test',
      logger: silentLogger,
      discovery: discoveryFor(SHARED_SOCKET),
      wake: { listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300, failBackoffMs: 500, webhookDelivery: { attempts: 3, backoffMs: 50, timeoutMs: 2000 } },
    });
    server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
    link = connectInMemory(server);
    await core.services.wake?.ready;
    await call('wake.create', { name: 'hooked', hosts: [`hooked-${TAG}.hook.localhost`], container: good.name, port: 80, idle: { after: '10m' } });
    await call('wake.create', { name: 'broken', hosts: [`broken-${TAG}.hook.localhost`], container: bad.name, port: 80, ready: { timeout: '10s' } });
  }, 120_000);

  afterAll(async () => {
    link?.close();
    await core?.dispose();
    receiver?.close();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a URL that is not http(s), naming the field, and an unknown service', async () => {
    expect(await callError('wake.setWebhook', { name: 'hooked', url: 'ftp://example.com/x', events: ['started'] })).toMatchObject({ code: 'VALIDATION', field: 'url' });
    expect(await callError('wake.setWebhook', { name: 'hooked', url: hookUrl, events: [] })).toMatchObject({ code: 'VALIDATION', field: 'events' });
    expect(await callError('wake.setWebhook', { name: 'nosuch', url: hookUrl, events: ['started'] })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('POSTs started and stopped, retrying a 500 with backoff; the URL stays sealed and out of the renderer', async () => {
    expect(await call('wake.setWebhook', { name: 'hooked', url: hookUrl, events: ['started', 'stopped'] })).toEqual({ events: ['started', 'stopped'] });
    const file = readFileSync(join(dataDir, 'wakedock.json'), 'utf8');
    expect(file).not.toContain(SECRET);
    expect((JSON.parse(file) as { wakeWebhooks: { service: string; url: unknown }[] }).wakeWebhooks[0]).toMatchObject({ service: 'hooked', url: { $sealed: expect.any(String) as unknown } });

    fail = 1;
    await call('wake.wakeNow', { name: 'hooked' });
    const started = await waitFor('started delivered', () => got.find((g) => g.event === 'started') ?? null, { timeoutMs: 10_000 });
    expect(started.body).toMatchObject({ source: 'wakedock', service: 'hooked', hosts: [`hooked-${TAG}.hook.localhost`], reason: 'wake now', path: `/hook?token=${SECRET}`, type: 'application/json' });
    expect(started.body.cold_start_ms).toBeGreaterThan(0);
    expect(hits).toBe(2);
    const v = await waitFor('last delivery shown', async () => (await service('hooked'))?.webhook?.lastDelivery ?? null);
    expect(v).toMatchObject({ event: 'started', ok: true, attempts: 2, status: 204 });

    await call('wake.sleepNow', { name: 'hooked' });
    await waitFor('stopped delivered', () => got.some((g) => g.event === 'stopped' && g.service === 'hooked'), { timeoutMs: 10_000 });
    expect(got.find((g) => g.event === 'stopped')?.body.reason).toBe('sleep now');
    expect(JSON.stringify(await call('wake.list', {}))).not.toContain(SECRET);
  }, 60_000);

  it('POSTs failed with the reason when a wake fails; a receiver that keeps failing is said so', async () => {
    await call('wake.setWebhook', { name: 'broken', url: hookUrl, events: ['failed'] });
    expect(await callError('wake.wakeNow', { name: 'broken' })).toMatchObject({ code: 'CONFLICT' });
    const f = await waitFor('failed delivered', () => got.find((g) => g.event === 'failed') ?? null, { timeoutMs: 10_000 });
    expect(f.body).toMatchObject({ service: 'broken', message: expect.stringContaining('exited (code 3)') as unknown as string });

    fail = 3;
    await new Promise((r) => setTimeout(r, 600));
    const before = hits;
    await callError('wake.wakeNow', { name: 'broken' });
    const last = await waitFor('undelivered shown', async () => {
      const d = (await service('broken'))?.webhook?.lastDelivery;
      return d && !d.ok ? d : null;
    }, { timeoutMs: 10_000 });
    expect(last).toMatchObject({ event: 'failed', ok: false, attempts: 3, status: 500 });
    expect(hits - before).toBe(3);
  }, 60_000);

  it('a removed service takes its webhook with it', async () => {
    await call('wake.remove', { name: 'broken' });
    const file = JSON.parse(readFileSync(join(dataDir, 'wakedock.json'), 'utf8')) as { wakeWebhooks: { service: string }[] };
    expect(file.wakeWebhooks.map((h) => h.service)).toEqual(['hooked']);
    // Events only: the URL (which the renderer never has) is kept.
    expect(await call('wake.setWebhook', { name: 'hooked', events: ['failed'] })).toEqual({ events: ['failed'] });
    expect(readFileSync(join(dataDir, 'wakedock.json'), 'utf8')).not.toContain(SECRET);
    expect(await call('wake.setWebhook', { name: 'hooked', url: null, events: ['started'] })).toBeNull();
    expect(await callError('wake.setWebhook', { name: 'hooked', events: ['started'] })).toMatchObject({ code: 'VALIDATION', field: 'url' });
    expect((await service('hooked'))?.webhook).toBeUndefined();
  });
});
