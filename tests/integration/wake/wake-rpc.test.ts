// wake.* through the contract (RpcServer with output validation, an in-memory link), with the core
// created with `wake` on, the real engine and the real Caddy: a stored service made as the editor
// would, listed with its state, reached through Caddy, woken and put to sleep on request; bad input
// is refused naming the field; the stored service is in the store file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import type { WakeList } from '../../../src-main/contract/procedures/wake';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN, httpTo, waitRouted } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'wakerpc';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.rpc.localhost`;

let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;
let port: number;
let app: TestContainer;
let appPort: number;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callError<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded: ${JSON.stringify(r.data)}`);
  return r.error;
}
const running = async (): Promise<boolean> => (await inspectContainer(app.id))?.State.Running ?? false;

describe.skipIf(!CADDY_BIN)('wake.* procedures (real engine, real Caddy)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakerpc-'));
    port = await freePort();
    appPort = await freePort();
    app = await createContainer({ area: AREA, ports: [`127.0.0.1:${appPort}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    core = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET), wake: { listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300 } });
    server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
    link = connectInMemory(server);
    await core.services.wake?.ready;
  });

  afterAll(async () => {
    link?.close();
    await core?.dispose();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the proxy is running where the service hostnames are served', async () => {
    expect(await call('wake.proxy', {})).toMatchObject({ caddy: 'running', listen: `http://127.0.0.1:${port}`, port });
  });

  it('refuses a service with a bad field, naming it', async () => {
    const e = await callError('wake.create', { name: 'x', hosts: ['ok.localhost', 'not a host'], container: app.name, port: 80 });
    expect(e).toMatchObject({ code: 'VALIDATION', field: 'hosts.1' });
    const d = await callError('wake.create', { name: 'x', hosts: ['x.localhost'], container: app.name, port: 80, idle: { after: '5 minutes' } });
    expect(d).toMatchObject({ code: 'VALIDATION', field: 'idle.after' });
  });

  it('creates a stored service, lists it, serves it through Caddy, wakes and sleeps it on request', async () => {
    const events: WakeList[] = [];
    const sub = link.client.subscribe('wake.watch', {}, { next: (e: unknown) => events.push(e as WakeList) });
    await call('wake.create', { name: 'rpcweb', hosts: [HOST], container: app.name, port: 80, idle: { after: '10m' } });
    const stored = JSON.parse(readFileSync(join(dataDir, 'wakedock.json'), 'utf8')) as { wakeServices: { name: string }[] };
    expect(stored.wakeServices.map((s) => s.name)).toEqual(['rpcweb']);

    const list = await call('wake.list', {});
    expect(list.services).toHaveLength(1);
    expect(list.services[0]).toMatchObject({ name: 'rpcweb', source: 'stored', state: 'sleeping', upstream: `127.0.0.1:${appPort}`, wakes: 0 });
    expect((await callError('wake.create', { name: 'other', hosts: [HOST], container: app.name, port: 80 })).field).toBe('hosts.0');

    const m = core.services.wake!;
    await waitRouted(m, ['rpcweb']);
    await waitFor('the route answers', async () => (await httpTo(port, HOST, '/__wakedock/status')).status === 200);
    const page = await waitFor('the loading page', async () => {
      const r = await httpTo(port, HOST, '/', { headers: { Accept: 'text/html' } });
      return r.headers['x-wakedock'] === 'loading' ? r : null;
    });
    expect(page.status).toBe(503);
    await waitFor('awake', async () => (await call('wake.list', {})).services[0]?.state === 'awake', { timeoutMs: 20_000 });
    expect((await httpTo(port, HOST, '/')).body).toContain('<h1>wakedock test</h1>');
    const awake = (await call('wake.list', {})).services[0]!;
    expect(awake.wakes).toBe(1);
    expect(awake.sleepsAt).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(awake.lastRequestAt).toBeGreaterThan(0);

    await call('wake.sleepNow', { name: 'rpcweb' });
    expect(await running()).toBe(false);
    expect((await call('wake.list', {})).services[0]?.state).toBe('sleeping');
    await call('wake.wakeNow', { name: 'rpcweb' });
    expect(await running()).toBe(true);
    expect((await call('wake.list', {})).services[0]).toMatchObject({ state: 'awake', wakes: 2 });

    await waitFor('watch saw the states', () => ['sleeping', 'awake'].every((s) => events.some((e) => e.services[0]?.state === s)));
    link.client.unsubscribe(sub);

    expect(await callError('wake.sleepNow', { name: 'nope' })).toMatchObject({ code: 'NOT_FOUND' });
    await call('wake.remove', { name: 'rpcweb' });
    expect((await call('wake.list', {})).services).toEqual([]);
    expect(await running()).toBe(true);
  });

  it('previews a service before it is saved (upstream, route, loading page, conflicts) and renames one without losing its route', async () => {
    const draft = { name: 'prev', hosts: [HOST], container: app.name, port: 80, loading_page: { title: 'Preview <title>' } };
    const p = await call('wake.preview', { service: draft });
    expect(p.issues).toEqual([]);
    expect(p.upstream).toBe(`127.0.0.1:${appPort}`);
    expect(JSON.parse(p.route)).toEqual({ '@id': 'wakedock-svc-prev', match: [{ host: [HOST] }], handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${appPort}` }], health_checks: { passive: { fail_duration: '3000ms', max_fails: 1_000_000_000, unhealthy_latency: '1ns' } } }], terminal: true });
    expect(p.loadingPage).toContain('Preview &lt;title&gt;');
    expect(p.loadingPage).not.toContain('<script');
    // A port the container does not publish: said, not routed.
    expect((await call('wake.preview', { service: { ...draft, port: 81 } })).unavailable).toMatch(/does not publish port 81/);
    expect((await call('wake.preview', { service: { ...draft, container: `${PREFIX}missing` } })).unavailable).toMatch(/not found/);
    // Nothing was saved by previewing.
    expect((await call('wake.list', {})).services).toEqual([]);

    await call('wake.create', draft);
    const second = `b-${HOST}`;
    expect((await call('wake.preview', { service: { ...draft, name: 'other', hosts: [second, HOST] } })).issues).toEqual([{ field: 'hosts.1', message: `${HOST} is already served by prev` }]);
    expect((await call('wake.preview', { service: { ...draft, name: 'prev' } })).issues).toEqual([{ field: 'name', message: 'a service named prev already exists' }]);
    // The service itself, being edited, conflicts with nothing.
    expect((await call('wake.preview', { service: draft, replacing: 'prev' })).issues).toEqual([]);

    // Rename and change hostnames at once: the old name's hostnames do not count as taken.
    await call('wake.update', { name: 'prev', service: { ...draft, name: 'renamed', hosts: [second] } });
    const list = await call('wake.list', {});
    expect(list.services.map((s) => [s.name, s.definition.hosts])).toEqual([['renamed', [second]]]);
    const m = core.services.wake!;
    await waitFor('the renamed route', () => m.routedServices().join() === 'renamed');
    await waitFor('the new hostname answers through Caddy', async () => (await httpTo(port, second, '/__wakedock/status')).status === 200);
    expect((await httpTo(port, HOST, '/__wakedock/status')).status).not.toBe(200);
    await call('wake.remove', { name: 'renamed' });
  });
});
