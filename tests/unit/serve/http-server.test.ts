// The headless HTTP server on loopback: token gate (query, then a per-port session cookie that is
// not the token), /healthz, static files without path traversal, and the WebSocket /rpc endpoint
// (token and same-origin checks, proxy-aware).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../src-main/contract';
import { RpcServer, type Handlers } from '../../../src-main/rpc/dispatcher';
import { startHttpServer, tokenMatches, type RunningServer } from '../../../src-main/serve/http-server';
import { sessionValue } from '../../../src-main/edge/auth';

const TOKEN = 'tok-3f9a_b2+/=ü';
const INDEX_MARKER = 'WAKEDOCK-INDEX-7c1e';
const ASSET_MARKER = 'WAKEDOCK-ASSET-91ad';
const OUTSIDE_MARKER = 'OUTSIDE-STATIC-DIR-5b2f';
const SETTINGS = { engineOverride: '', confirmDestructive: true, theme: 'system' };

let root: string;
let srv: RunningServer;
let rpc: RpcServer;
let base: string;
let cookie: string;

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET: the path is sent exactly as given (no client-side normalisation of "..", "%2e"). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: srv.port, path, method, headers, timeout: 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer for ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** Open a WebSocket; resolves with the socket when open, or with the refusal's HTTP status. */
function openWs(path: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}${path}`, { headers, handshakeTimeout: 3000 });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

function rpcCall(ws: WebSocket, p: string, i: unknown = {}): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e6);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.id === id) resolve(m);
    });
    ws.send(JSON.stringify({ t: 'call', id, p, i }));
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wakedock-http-'));
  const staticDir = join(root, 'static');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), `<!doctype html><title>WakeDock</title><div id="root">${INDEX_MARKER}</div>`);
  await writeFile(join(staticDir, 'assets', 'app.js'), `console.log("${ASSET_MARKER}");`);
  // Files next to staticDir that traversal must never reach.
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: OUTSIDE_MARKER }));
  await writeFile(join(root, 'secret.txt'), OUTSIDE_MARKER);
  await mkdir(join(root, 'static-evil'));
  await writeFile(join(root, 'static-evil', 'x.txt'), OUTSIDE_MARKER);

  // Trivial handlers: settings.get answers; anything else says it is not implemented.
  const handlers = new Proxy({} as Handlers, {
    get: (_t, name) =>
      name === 'settings.get'
        ? async () => SETTINGS
        : async () => {
            throw new Error(`${String(name)} not implemented in this test`);
          },
  });
  rpc = new RpcServer(handlers);
  // Many wrong tokens below on purpose: the failed-auth limiter has its own test (edge-server.test.ts).
  srv = await startHttpServer({ rpc, token: TOKEN, host: '127.0.0.1', port: 0, staticDir, appVersion: '9.9.9-test', limits: { failedAuth: { burst: 1000 } } });
  base = `http://127.0.0.1:${srv.port}`;
  cookie = `wakedock_session_${srv.port}=${sessionValue(TOKEN, '127.0.0.1')}`;
});

afterAll(async () => {
  await srv?.close();
  await rm(root, { recursive: true, force: true });
});

describe('startHttpServer', () => {
  it('listens on the chosen loopback port and reports a URL with the token', () => {
    expect(srv.port).toBeGreaterThan(0);
    expect(srv.url).toBe(`${base}/?token=${encodeURIComponent(TOKEN)}`);
  });

  it('GET /healthz answers 200 JSON without a token', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'ok', version: '9.9.9-test', uptimeSeconds: expect.any(Number) });
  });

  it.each([
    ['no token', '/', {}],
    ['a wrong token', '/?token=wrong', {}],
    ['an empty token', '/?token=', {}],
    ['the token with a different case', `/?token=${encodeURIComponent(TOKEN.toUpperCase())}`, {}],
    ['a token prefix', `/?token=${encodeURIComponent(TOKEN.slice(0, -1))}`, {}],
    ['a wrong cookie', '/', { cookie: 'wakedock_session_1=nope' }],
    ['the right token under another cookie name', '/', { cookie: `other=${encodeURIComponent(TOKEN)}` }],
    ['the token itself as the old cookie', '/', { cookie: `wakedock_token=${encodeURIComponent(TOKEN)}` }],
    ['the token itself as the session cookie', '/', { cookie: `wakedock_session_X=${encodeURIComponent(TOKEN)}` }],
    ["another address's session", '/', { cookie: `wakedock_session_X=${sessionValue(TOKEN, '10.0.0.7')}` }],
    ['no token, for an asset', '/assets/app.js', {}],
    ['no token, for an SPA route', '/containers/abc', {}],
  ])('refuses %s with 401 and never serves the app', async (_label, path, headers: Record<string, string>) => {
    const r = await get(path, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('wakedock_session_X', `wakedock_session_${srv.port}`)])));
    expect(r.status).toBe(401);
    expect(r.body).not.toContain(INDEX_MARKER);
    expect(r.body).not.toContain(ASSET_MARKER);
    expect(r.body).toMatch(/token/i); // it tells the user what is missing
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('with the right ?token= serves index.html and sets an HttpOnly, SameSite=Strict session cookie named for this port, whose value is not the token', async () => {
    const r = await get(`/?token=${encodeURIComponent(TOKEN)}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain(INDEX_MARKER);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    const setCookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
    expect(setCookie).toHaveLength(1);
    const c = setCookie[0]!;
    expect(c.startsWith(`wakedock_session_${srv.port}=`)).toBe(true);
    expect(c.startsWith(`${cookie};`)).toBe(true);
    expect(c).not.toContain(TOKEN);
    expect(c).not.toContain(encodeURIComponent(TOKEN));
    expect(c).toMatch(/;\s*HttpOnly/i);
    expect(c).toMatch(/;\s*SameSite=Strict/i);
    expect(c).toMatch(/;\s*Path=\//);
    expect(c).not.toMatch(/Secure/i); // plain HTTP: a Secure cookie would never come back
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  });

  it('a session cookie that leaked to another server (another port) does not work from another address', async () => {
    // A container's web UI on another port of the same host name receives the cookie; replayed
    // from the container's own address it is refused (and it never carried the token).
    const r = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: srv.port, path: '/', localAddress: '127.0.0.2', headers: { cookie } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(r).toBe(401);
    expect((await get('/', { cookie })).status).toBe(200); // from the browser's own address it works
  });

  it("deletes the old cookie that held the token itself (wakedock_token) when a signed-in browser still sends it", async () => {
    const r = await get('/', { cookie: `wakedock_token=${encodeURIComponent(TOKEN)}; ${cookie}` });
    expect(r.status).toBe(200);
    expect(([] as string[]).concat(r.headers['set-cookie'] ?? [])).toEqual([expect.stringMatching(/^wakedock_token=; Max-Age=0; Path=\//)]);
  });

  it('a follow-up asset request with only the cookie works', async () => {
    const r = await get('/assets/app.js', { cookie: `theme=dark; ${cookie}; other=1` });
    expect(r.status).toBe(200);
    expect(r.body).toContain(ASSET_MARKER);
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.headers['set-cookie']).toBeUndefined(); // only the ?token= request sets it
  });

  it('with the cookie, an SPA route renders the app and a missing asset is 404', async () => {
    const spa = await get('/containers/abc', { cookie });
    expect(spa.status).toBe(200);
    expect(spa.body).toContain(INDEX_MARKER);
    const missing = await get('/assets/missing.js', { cookie });
    expect(missing.status).toBe(404);
  });

  it('HEAD answers without a body; other methods are 405', async () => {
    const head = await get('/', { cookie }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get('/', { cookie }, 'POST')).status).toBe(405);
    expect((await get('/', { cookie }, 'DELETE')).status).toBe(405);
  });

  it.each([
    '/../package.json',
    '/../secret.txt',
    '/%2e%2e/package.json',
    '/%2E%2E/secret.txt',
    '/..%2fpackage.json',
    '/..%2Fsecret.txt',
    '/%2e%2e%2fpackage.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd',
    '/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/..%2fstatic-evil%2fx.txt',
    '/%2e%2e%2fstatic-evil/x.txt',
    '//etc/passwd',
    '/%2f..%2fsecret.txt',
    '/assets/..%00/secret.txt',
  ])('path traversal %s never escapes staticDir', async (path) => {
    const r = await get(path, { cookie });
    expect(r.body).not.toContain(OUTSIDE_MARKER);
    expect(r.body).not.toMatch(/root:.*:0:0:/);
    expect([200, 400, 404]).toContain(r.status);
    if (r.status === 200) expect(r.body).toContain(INDEX_MARKER); // at most the SPA shell
  });

  it('a malformed percent-encoding is answered (not left hanging) and the server keeps working', async () => {
    for (const path of ['/%E0%A4%A', '/assets/%zz.js', '/%']) {
      const r = await get(path, { cookie });
      expect([400, 404]).toContain(r.status);
    }
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/assets/app.js', { cookie })).body).toContain(ASSET_MARKER);
  });
});

describe('WebSocket /rpc', () => {
  it.each([
    ['no token', '/rpc', {}],
    ['a wrong token', '/rpc?token=wrong', {}],
    ['a wrong cookie', '/rpc', { cookie: 'wakedock_session_1=wrong' }],
    ['the token as a cookie', '/rpc', { cookie: `wakedock_token=${encodeURIComponent(TOKEN)}` }],
  ])('refuses %s with 401', async (_label, path, headers: Record<string, string>) => {
    const r = await openWs(path, headers);
    expect(r.ws).toBeUndefined();
    expect(r.status).toBe(401);
  });

  it('refuses another path, even with the right token', async () => {
    const r = await openWs(`/other?token=${encodeURIComponent(TOKEN)}`);
    expect(r.status).toBe(404);
  });

  it('with the right token (query or cookie) opens and carries the contract', async () => {
    for (const [path, headers] of [
      [`/rpc?token=${encodeURIComponent(TOKEN)}`, {}],
      ['/rpc', { cookie }],
    ] as const) {
      const { ws } = await openWs(path, headers);
      expect(ws, path).toBeDefined();
      expect(await rpcCall(ws!, 'settings.get')).toEqual({ t: 'res', id: expect.any(Number), ok: true, data: SETTINGS });
      ws!.close();
    }
  });

  it('accepts the same origin and refuses a cross-origin page, even with the right token', async () => {
    const same = await openWs(`/rpc?token=${encodeURIComponent(TOKEN)}`, { origin: base });
    expect(same.ws).toBeDefined();
    same.ws!.close();
    // https://<same host> without a proxy saying so is another origin (a page on another server).
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${srv.port + 1}`, `https://127.0.0.1:${srv.port}`]) {
      const r = await openWs(`/rpc?token=${encodeURIComponent(TOKEN)}`, { origin, cookie });
      expect(r.status, origin).toBe(403);
    }
  });

  it('behind a TLS-terminating proxy (X-Forwarded-Proto: https) accepts the https:// origin of the same host, and still refuses others', async () => {
    const host = 'wakedock.example.test';
    const ok = await openWs('/rpc', { origin: `https://${host}`, host, 'x-forwarded-proto': 'https', cookie });
    expect(ok.ws).toBeDefined();
    expect(await rpcCall(ok.ws!, 'settings.get')).toMatchObject({ ok: true, data: SETTINGS });
    ok.ws!.close();
    // A proxy that rewrites Host to the upstream (nginx's default) but says X-Forwarded-Host.
    const viaXfh = await openWs('/rpc', { origin: `https://${host}`, 'x-forwarded-host': host, 'x-forwarded-proto': 'https', cookie });
    expect(viaXfh.ws).toBeDefined();
    viaXfh.ws!.close();
    expect((await openWs('/rpc', { origin: `https://${host}`, 'x-forwarded-host': 'other.example', 'x-forwarded-proto': 'https', cookie })).status).toBe(403);
    for (const [origin, xfp] of [
      [`http://${host}`, 'https'], // the page is https; an http page of that name is not us
      ['https://evil.example', 'https'],
      [`https://${host}.evil.example`, 'https'],
      [`https://${host}`, 'http'],
    ] as const) {
      const r = await openWs('/rpc', { origin, host, 'x-forwarded-proto': xfp, cookie });
      expect(r.status, `${origin} via ${xfp}`).toBe(403);
    }
  });

  it('a binary frame is answered with a coded error (VALIDATION) and the socket keeps working', async () => {
    const { ws } = await openWs('/rpc', { cookie });
    const answer = new Promise<ServerMessage>((resolve) => ws!.once('message', (d) => resolve(JSON.parse(String(d)) as ServerMessage)));
    ws!.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await answer).toMatchObject({ t: 'res', id: -1, ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/binary/i) } });
    expect(await rpcCall(ws!, 'settings.get')).toMatchObject({ ok: true });
    ws!.close();
  });

  it('closing the socket removes its connection from the RPC server', async () => {
    const { ws } = await openWs('/rpc', { cookie });
    await rpcCall(ws!, 'settings.get');
    const before = rpc.connections;
    expect(before).toBeGreaterThan(0);
    ws!.close();
    await expect.poll(() => rpc.connections).toBe(before - 1);
  });
});

describe('tokenMatches', () => {
  it.each([
    ['secret', 'secret', true],
    ['secret', 'Secret', false],
    ['secre', 'secret', false],
    ['secrett', 'secret', false],
    ['', 'secret', false],
    ['', '', false],
    [undefined, 'secret', false],
    [null, 'secret', false],
    [TOKEN, TOKEN, true],
    ['x'.repeat(10_000), 'x'.repeat(10_000), true],
    ['x'.repeat(10_000), 'x'.repeat(9_999), false],
  ])('(%j, %j) → %s', (given, expected, want) => {
    expect(tokenMatches(given as string | undefined | null, expected as string)).toBe(want);
  });
});
