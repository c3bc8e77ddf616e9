// Wake on demand in the desktop shell's core (src-main/electron/desktop-core.ts) under Node, with the
// real engine and the real Caddy 2.6.2: the same core service as serve, started with the core; the
// waker answers from the loopback edge the desktop hands the core; a browser's GET through Caddy gets
// the loading page, the container starts, then the app answers; stopping the desktop core (what
// quitting the app awaits) stops Caddy and closes the waker's port, and a new start on the same
// data dir serves the stored service again. HTTPS comes from the stored proxy setting (as in serve
// without flags): turned on through wake.setProxySettings, the local CA's root verifies the
// .localhost certificate, and the setting holds after the restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput } from '../../../src-main/contract';
import { startDesktopCore, type DesktopCore } from '../../../src-main/electron/desktop-core';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN, httpTo, waitRouted } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'wakedesk';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.desk.localhost`;
const HTML = { Accept: 'text/html' };

let desktop: DesktopCore | null = null;
let link: InMemoryLink | null = null;
let dataDir: string;
let port: number;
let httpsPort: number;
let app: TestContainer;

const running = async (): Promise<boolean> => (await inspectContainer(app.id))?.State.Running ?? false;
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const refused = (address: string): Promise<boolean> =>
  new Promise((resolve) => {
    const [host, p] = address.split(':');
    const s = connect(Number(p), host);
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });

function httpsGet(ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = httpsRequest({ host: '127.0.0.1', port: httpsPort, servername: HOST, path: '/', headers: { Host: HOST }, ca, timeout: 20_000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('timeout', () => r.destroy(new Error('no https answer in 20 s')));
    r.on('error', reject);
    r.end();
  });
}

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link!.client.call(p, input) as Promise<ProcOutput<P>>;
}

async function start(): Promise<DesktopCore> {
  const d = await startDesktopCore({ dataDir, appVersion: 'test', logger: silentLogger, test: { discovery: discoveryFor(SHARED_SOCKET), wake: { listen: `127.0.0.1:${port}`, tickMs: 200, pollMs: 300 } } });
  link = connectInMemory(d.rpc);
  return d;
}

async function stop(): Promise<void> {
  link?.close();
  link = null;
  await desktop?.stop();
  desktop = null;
}

describe.skipIf(!CADDY_BIN)('wake on demand in the desktop core (real engine, real Caddy)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakedesk-'));
    port = await freePort();
    httpsPort = await freePort();
    const appPort = await freePort();
    app = await createContainer({ area: AREA, ports: [`127.0.0.1:${appPort}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    desktop = await start();
  }, 90_000);

  afterAll(async () => {
    await stop().catch(() => undefined);
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a stored service sleeps, a browser gets the loading page from the desktop\'s waker edge, then the app', async () => {
    const wake = desktop!.core.services.wake;
    expect(wake, 'the desktop core runs the wake service').not.toBeNull();
    await wake!.ready;
    await call('wake.create', { name: 'desk', hosts: [HOST], container: app.name, port: 80, idle: { after: '10m' } });
    await waitRouted(wake!, ['desk']);
    await waitFor('sleeping', () => (wake!.controller.view('desk')?.state === 'sleeping' ? true : null), { timeoutMs: 30_000 });
    const waker = wake!.wakerAddress();
    expect(waker).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(waker).not.toBe(`127.0.0.1:${port}`);

    const page = await httpTo(port, HOST, '/', { headers: HTML, timeoutMs: 10_000 });
    expect(page.status, page.body.slice(0, 200)).toBe(503);
    expect(page.headers['x-wakedock']).toBe('loading');
    expect(page.headers['retry-after']).toBe('2');
    // The waker's own headers, not the edge's (a page of the service's origin, not WakeDock's UI).
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'nonce-");
    expect(page.headers['x-frame-options']).toBeUndefined();
    const body = await waitFor('the app through Caddy', async () => {
      const r = await httpTo(port, HOST, '/', { headers: HTML, timeoutMs: 5_000 }).catch(() => null);
      return r?.status === 200 ? r.body : null;
    }, { timeoutMs: 45_000, intervalMs: 300 });
    expect(body).toContain('wakedock test');
    expect(await running()).toBe(true);
    expect(wake!.controller.view('desk')?.wakes).toBe(1);
  }, 120_000);

  it('HTTPS from the stored setting: on through wake.setProxySettings, the exported root verifies the .localhost certificate', async () => {
    const before = await call('wake.proxySettings', {});
    expect(before.settings).toMatchObject({ mode: 'private', https: false, acme: false });
    // Only the test's HTTP port is fixed (a test knob); the desktop fixes nothing else.
    expect(before.fixed.map((f) => f.field)).toEqual(['listen']);
    const r = await call('wake.setProxySettings', { ...before.settings, https: true, httpsListen: `127.0.0.1:${httpsPort}` });
    expect(r.settings.https).toBe(true);
    const { pem } = await waitFor('the local CA root', () => call('wake.rootCertificate', {}).catch(() => null), { timeoutMs: 30_000 });
    expect(pem).toContain('BEGIN CERTIFICATE');
    const answer = await waitFor('a verified https answer from the app', async () => {
      const a = await httpsGet(pem).catch(() => null);
      return a?.status === 200 ? a : null;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(answer.body).toContain('wakedock test');
  }, 90_000);

  it('stopping the desktop core stops Caddy and closes the waker\'s edge; started again, the service is served, over HTTPS too', async () => {
    const wake = desktop!.core.services.wake!;
    const waker = wake.wakerAddress()!;
    const caddyPid = wake.supervisor.pid!;
    expect(alive(caddyPid)).toBe(true);
    await stop();
    await waitFor('caddy gone', () => !alive(caddyPid), { timeoutMs: 15_000 });
    expect(await refused(waker), `the waker's edge ${waker} still accepts connections`).toBe(true);
    expect(await refused(`127.0.0.1:${port}`), 'Caddy still listens').toBe(true);

    desktop = await start();
    const again = desktop.core.services.wake!;
    await again.ready;
    await waitRouted(again, ['desk']);
    // Still running from the first test: adopted as awake, and the app answers through the new Caddy.
    const r = await waitFor('the app through the new Caddy', async () => {
      const a = await httpTo(port, HOST, '/', { headers: HTML, timeoutMs: 5_000 }).catch(() => null);
      return a?.status === 200 ? a : null;
    }, { timeoutMs: 30_000, intervalMs: 300 });
    expect(r.body).toContain('wakedock test');
    expect(again.wakerAddress()).not.toBeNull();
    // The HTTPS setting was stored: the new core serves HTTPS again without being told.
    expect((await call('wake.proxySettings', {})).settings).toMatchObject({ https: true, httpsListen: `127.0.0.1:${httpsPort}` });
    const { pem } = await waitFor('the local CA root', () => call('wake.rootCertificate', {}).catch(() => null), { timeoutMs: 30_000 });
    const overTls = await waitFor('a verified https answer after the restart', async () => {
      const a = await httpsGet(pem).catch(() => null);
      return a?.status === 200 ? a : null;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(overTls.body).toContain('wakedock test');
  }, 120_000);
});
