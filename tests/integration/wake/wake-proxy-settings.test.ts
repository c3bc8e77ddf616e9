// Settings → Proxy against real Caddys: a "user's Caddy" started by the test with its own server,
// route, TLS policy and logger; WakeDock switched to it through wake.setProxySettings adds only its
// own parts (the user's route still answers, a sleeping service wakes through the user's Caddy, HTTPS
// from WakeDock's own CA), and switching back to the private Caddy leaves the user's config byte
// for byte as it was. Bad settings are refused naming the field: an admin address where nothing
// answers, one that is not on loopback, a port another program holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import type { WakeProxySettings } from '../../../src-main/contract/wake-proxy-settings';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { CURRENT_SCHEMA_VERSION } from '../../../src-main/core/store/migrations';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { buildConfig, stableJson } from '../../../src-main/core/caddy/caddy-config';
import { ExternalCaddy } from '../../../src-main/core/caddy/external-caddy';
import { CADDY_BIN, httpTo } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'wakeproxy';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.proxyset.localhost`;

let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;
let userDir: string;
let userCaddy: ChildProcess | null = null;
let userStderr = '';
let adminPort: number;
let userPort: number;
let privatePort: number;
let app: TestContainer;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callError<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded: ${JSON.stringify(r.data)}`);
  return r.error;
}
const running = async (): Promise<boolean> => (await inspectContainer(app.id))?.State.Running ?? false;

/** GET /config/ of the user's Caddy, as text (what "byte for byte" compares). */
function userConfigText(): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: '127.0.0.1', port: adminPort, path: '/config/', headers: { Host: `127.0.0.1:${adminPort}` }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET /config/ answered ${res.statusCode}: ${body}`))));
    });
    r.on('error', reject);
    r.end();
  });
}

function httpsGet(port: number, host: string, ca: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const r = httpsRequest({ host: '127.0.0.1', port, path: '/', servername: host, headers: { Host: host, Accept: 'text/html' }, ca, timeout: 20_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    r.on('timeout', () => r.destroy(new Error('https request timed out')));
    r.on('error', reject);
    r.end();
  });
}

describe.skipIf(!CADDY_BIN)('Settings → Proxy: the user\'s own Caddy (merge mode) and back (real Caddy 2.6.2, real engine)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakeproxy-'));
    userDir = mkdtempSync(join(tmpdir(), 'wd-usercaddy-'));
    [adminPort, userPort, privatePort] = [await freePort(), await freePort(), await freePort()];
    const appPort = await freePort();
    app = await createContainer({ area: AREA, ports: [`127.0.0.1:${appPort}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });

    // The user's Caddy: its own server and route (with an @id), a TLS policy and a default logger.
    const userConfig = {
      admin: { listen: `127.0.0.1:${adminPort}` },
      logging: { logs: { default: { level: 'INFO' } } },
      apps: {
        http: {
          servers: {
            mine: {
              listen: [`127.0.0.1:${userPort}`],
              automatic_https: { disable: true },
              routes: [{ '@id': 'users-own-route', match: [{ host: ['user.localhost'] }], handle: [{ handler: 'static_response', body: 'the user route' }], terminal: true }],
            },
          },
        },
        tls: { automation: { policies: [{ issuers: [{ module: 'internal' }] }] } },
        pki: { certificate_authorities: { local: { install_trust: false } } },
      },
    };
    writeFileSync(join(userDir, 'user.json'), JSON.stringify(userConfig));
    userCaddy = spawn(CADDY_BIN as string, ['run', '--config', join(userDir, 'user.json')], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: userDir, XDG_DATA_HOME: join(userDir, 'data'), XDG_CONFIG_HOME: join(userDir, 'config') } });
    userCaddy.stderr?.on('data', (d: Buffer) => (userStderr = (userStderr + d.toString()).slice(-4000)));
    await waitFor('the user\'s Caddy answers', async () => (await httpTo(userPort, 'user.localhost')).body === 'the user route', { timeoutMs: 30_000 });

    // WakeDock's private Caddy on a free port (as if saved in Settings before).
    const settings: WakeProxySettings = { mode: 'private', listen: `127.0.0.1:${privatePort}`, https: false, httpsListen: `127.0.0.1:${await freePort()}`, acme: false };
    writeFileSync(join(dataDir, 'wakedock.json'), JSON.stringify({ schemaVersion: CURRENT_SCHEMA_VERSION, wakeProxy: { settings, merged: null } }));
    core = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET), wake: { serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300 } });
    server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
    link = connectInMemory(server);
    await core.services.wake?.ready;
    await call('wake.create', { name: 'proxied', hosts: [HOST], container: app.name, port: 80, idle: { after: '10m' } });
  }, 90_000);

  afterAll(async () => {
    link?.close();
    await core?.dispose();
    if (userCaddy && userCaddy.exitCode === null) {
      const gone = new Promise((r) => userCaddy?.once('exit', r));
      userCaddy.kill('SIGTERM');
      await gone;
    }
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userDir, { recursive: true, force: true });
  });

  it('starts with the stored setting: the private Caddy on its port', async () => {
    const view = await call('wake.proxySettings', {});
    expect(view).toMatchObject({ saved: true, fixed: [], settings: { mode: 'private', listen: `127.0.0.1:${privatePort}` } });
    await waitFor('private Caddy running', async () => (await call('wake.proxy', {})).caddy === 'running', { timeoutMs: 30_000 });
    expect(await call('wake.proxy', {})).toMatchObject({ mode: 'private', port: privatePort });
  });

  it('refuses bad settings, naming the field and why', async () => {
    const base = (await call('wake.proxySettings', {})).settings;
    // Not on loopback: refused at the boundary.
    expect(await callError('wake.setProxySettings', { ...base, mode: 'external', admin: 'http://10.1.2.3:2019' })).toMatchObject({ code: 'VALIDATION', field: 'admin' });
    // Nothing answers there.
    const closed = await freePort();
    const e = await callError('wake.setProxySettings', { ...base, mode: 'external', admin: `http://127.0.0.1:${closed}` });
    expect(e).toMatchObject({ code: 'VALIDATION', field: 'admin' });
    expect(e.message).toMatch(/nothing answers at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    // A socket path where there is none.
    expect((await callError('wake.setProxySettings', { ...base, mode: 'external', admin: join(userDir, 'no.sock') })).message).toMatch(/there is no socket at/);
    // A port another program holds.
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const held = (holder.address() as { port: number }).port;
    try {
      const p = await callError('wake.setProxySettings', { ...base, listen: `127.0.0.1:${held}` });
      expect(p).toMatchObject({ code: 'VALIDATION', field: 'listen' });
      expect(p.message).toContain(`port ${held} on 127.0.0.1 is in use by another program`);
    } finally {
      holder.close();
    }
    // ACME without HTTPS.
    expect(await callError('wake.setProxySettings', { ...base, acme: true })).toMatchObject({ code: 'VALIDATION', field: 'acme' });
    // Nothing was applied or saved.
    expect((await call('wake.proxySettings', {})).settings).toEqual(base);
    expect(await call('wake.proxy', {})).toMatchObject({ mode: 'private', caddy: 'running', port: privatePort });
  });

  it('switches to the user\'s Caddy: the user\'s route still answers, the service wakes through it, HTTPS from WakeDock\'s own CA; switching back leaves the user\'s config byte for byte', async () => {
    const before = await userConfigText();
    const [listenPort, tlsPort] = [await freePort(), await freePort()];
    const r = await call('wake.setProxySettings', { mode: 'external', admin: `http://127.0.0.1:${adminPort}`, listen: `127.0.0.1:${listenPort}`, https: true, httpsListen: `127.0.0.1:${tlsPort}`, acme: false });
    expect(r.message).toBe(`Switched to your Caddy at http://127.0.0.1:${adminPort}: WakeDock added its servers for http://127.0.0.1:${listenPort} and https://127.0.0.1:${tlsPort}; your server (mine) was left as it was. WakeDock's private Caddy was stopped.`);
    expect(await call('wake.proxy', {})).toMatchObject({ mode: 'external', caddy: 'running', port: listenPort, admin: `http://127.0.0.1:${adminPort}` });
    // The private Caddy is stopped.
    expect(core.services.wake?.supervisor.state.status).toBe('stopped');

    // The user's parts are untouched, WakeDock's were added.
    const merged = JSON.parse(await userConfigText()) as { apps: { http: { servers: Record<string, unknown> }; tls: { automation: { policies: { '@id'?: string }[] } } } };
    expect(Object.keys(merged.apps.http.servers).sort()).toEqual(['mine', 'wakedock', 'wakedock-fallback', 'wakedock-tls']);
    expect(merged.apps.tls.automation.policies.map((p) => p['@id'] ?? 'user')).toEqual(['wakedock-tls-internal', 'user']);
    expect((await httpTo(userPort, 'user.localhost')).body).toBe('the user route');

    // A sleeping service wakes through the user's Caddy.
    expect(await running()).toBe(false);
    const page = await waitFor('the loading page through the user\'s Caddy', async () => {
      const a = await httpTo(listenPort, HOST, '/', { headers: { Accept: 'text/html' } });
      return a.headers['x-wakedock'] === 'loading' ? a : null;
    }, { timeoutMs: 30_000 });
    expect(page.status).toBe(503);
    await waitFor('the app through the user\'s Caddy', async () => (await httpTo(listenPort, HOST, '/')).body.includes('<h1>wakedock test</h1>'), { timeoutMs: 30_000 });
    expect(await running()).toBe(true);
    expect((await httpTo(userPort, 'user.localhost')).body).toBe('the user route');

    // HTTPS: WakeDock's own CA in the user's Caddy (not the user's `local` one).
    const root = await call('wake.rootCertificate', {});
    expect(root.name).toBe('WakeDock Local Authority');
    const tls = await waitFor('https through the user\'s Caddy', async () => {
      const a = await httpsGet(tlsPort, HOST, root.pem);
      return a.body.includes('<h1>wakedock test</h1>') ? a : null;
    }, { timeoutMs: 30_000 });
    expect(tls.status).toBe(200);

    // The user's Caddy reloads its own config (a Caddyfile reload, a restart without --resume):
    // WakeDock notices within its 10 s check and adds its parts again.
    await new Promise<void>((resolve, reject) => {
      const body = Buffer.from(before);
      const req = httpRequest({ host: '127.0.0.1', port: adminPort, path: '/load', method: 'POST', headers: { Host: `127.0.0.1:${adminPort}`, 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`/load answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(JSON.parse(await userConfigText()).apps.http.servers).not.toHaveProperty('wakedock');
    await waitFor('WakeDock\'s parts back in the user\'s Caddy', async () => (await httpTo(listenPort, HOST, '/')).body.includes('<h1>wakedock test</h1>'), { timeoutMs: 40_000 });
    expect((await httpTo(userPort, 'user.localhost')).body).toBe('the user route');

    // Back to the private Caddy: the user's config is exactly what it was.
    const back = await call('wake.setProxySettings', { mode: 'private', admin: `http://127.0.0.1:${adminPort}`, listen: `127.0.0.1:${privatePort}`, https: false, httpsListen: `127.0.0.1:${tlsPort}`, acme: false });
    expect(back.message).toContain('Switched to WakeDock\'s private Caddy');
    expect(back.message).toContain('removed from your Caddy');
    const after = await userConfigText();
    expect(after, `user's Caddy stderr: ${userStderr.slice(-800)}`).toBe(before);
    expect((await httpTo(userPort, 'user.localhost')).body).toBe('the user route');
    await waitFor('the private Caddy serves the service again', async () => (await httpTo(privatePort, HOST, '/')).body.includes('<h1>wakedock test</h1>'), { timeoutMs: 30_000 });
    expect(await call('wake.proxy', {})).toMatchObject({ mode: 'private', caddy: 'running', port: privatePort });
  }, 120_000);

  it('a user\'s Caddy on a unix socket (default origins): merged and removed byte for byte through ExternalCaddy', async () => {
    const sockDir = mkdtempSync(join(tmpdir(), 'wd-usock-'));
    const sock = join(sockDir, 'admin.sock');
    const port2 = await freePort();
    const cfg = { admin: { listen: `unix/${sock}` }, apps: { http: { servers: { theirs: { listen: [`127.0.0.1:${port2}`], automatic_https: { disable: true }, routes: [{ handle: [{ handler: 'static_response', body: 'socket user' }] }] } } } } };
    writeFileSync(join(sockDir, 'c.json'), JSON.stringify(cfg));
    const child = spawn(CADDY_BIN as string, ['run', '--config', join(sockDir, 'c.json')], { stdio: 'ignore', env: { ...process.env, HOME: sockDir, XDG_DATA_HOME: join(sockDir, 'data'), XDG_CONFIG_HOME: join(sockDir, 'config') } });
    try {
      await waitFor('the socket Caddy answers', async () => (await httpTo(port2, 'x.localhost')).body === 'socket user', { timeoutMs: 30_000 });
      const ext = new ExternalCaddy(sock, { logger: silentLogger });
      expect((await ext.probe()).servers).toEqual(['theirs']);
      const before = stableJson(await ext.client.getConfig());
      const ours = await freePort();
      await ext.start(buildConfig({ adminListen: 'unused', adminOrigin: 'unused', listen: `127.0.0.1:${ours}`, waker: `127.0.0.1:${await freePort()}`, services: [], shared: true }));
      expect(ext.state.status).toBe('running');
      expect(Object.keys(((await ext.client.getConfig()) as { apps: { http: { servers: object } } }).apps.http.servers).sort()).toEqual(['theirs', 'wakedock']);
      expect((await httpTo(port2, 'x.localhost')).body).toBe('socket user');
      expect(await ext.detach()).toBe(true);
      expect(stableJson(await ext.client.getConfig())).toBe(before);
    } finally {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
      rmSync(sockDir, { recursive: true, force: true });
    }
  }, 60_000);
});
