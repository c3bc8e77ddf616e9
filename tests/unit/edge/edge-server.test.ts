// The edge on loopback, over real sockets: routes with their auth policy, security headers on every
// response, caching and compression of the UI, the failed-auth limiter, the cap on unauthenticated
// connections, TLS (a self-signed certificate made with openssl), the Secure cookie behind a proxy,
// and the desktop shape (own routes only: no UI, no WebSocket).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RpcServer, type Handlers, type Logger } from '../../../src-main/rpc/dispatcher';
import { startEdge, type EdgeOptions, type RunningEdge } from '../../../src-main/edge/edge-server';
import { healthRoute } from '../../../src-main/edge/health-route';
import { sessionValue } from '../../../src-main/edge/auth';

const TOKEN = 'edge-test-token-5f0c2b9e7a1d4c38b6e2';
const BIG_JS = `/* ${'x'.repeat(20)} */\n` + Array.from({ length: 4000 }, (_, i) => `export const value${i} = ${i} * 2;`).join('\n');

let root: string;
let staticDir: string;
const running: RunningEdge[] = [];

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

function get(edge: RunningEdge, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Res> {
  const url = new URL(edge.origin);
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = req({ host: url.hostname, port: url.port, path, method, headers, timeout: 5000, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer for ${method} ${path}`)));
    r.on('error', reject);
    r.end();
  });
}

function openWs(edge: RunningEdge, path: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${edge.origin.replace(/^http/, 'ws')}${path}`, { headers, handshakeTimeout: 3000, rejectUnauthorized: false });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

const handlers = new Proxy({} as Handlers, {
  get: (_t, name) => (name === 'settings.get' ? async () => ({ theme: 'system' }) : async () => { throw new Error('not implemented'); }),
});

function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

async function edge(opts: Partial<EdgeOptions> = {}): Promise<RunningEdge> {
  const e = await startEdge({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    staticDir,
    rpc: new RpcServer(handlers),
    routes: [
      healthRoute('1.2.3'),
      { method: 'GET', path: '/boom', auth: 'token', handle: () => { throw new Error('route failed'); } },
      { method: 'POST', path: '/api/thing', auth: 'token', handle: ({ res }) => void res.writeHead(204).end() },
    ],
    limits: { failedAuth: { burst: 1000 } },
    ...opts,
  });
  running.push(e);
  return e;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wakedock-edge-'));
  staticDir = join(root, 'static');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), `<!doctype html><title>WakeDock</title><div id="root">INDEX</div>`);
  await writeFile(join(staticDir, 'assets', 'index-abc123.js'), BIG_JS);
  await writeFile(join(staticDir, 'assets', 'tiny-1.js'), 'console.log(1)');
  await writeFile(join(staticDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
});

afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const session = (e: RunningEdge): string => `wakedock_session_${e.port}=${sessionValue(TOKEN, '127.0.0.1')}`;

function expectSecurityHeaders(r: Res, label: string): void {
  expect(r.headers['x-content-type-options'], label).toBe('nosniff');
  expect(r.headers['x-frame-options'], label).toBe('DENY');
  expect(r.headers['referrer-policy'], label).toBe('no-referrer');
  const csp = String(r.headers['content-security-policy']);
  expect(csp, label).toMatch(/frame-ancestors 'none'/);
  const sources = (/connect-src ([^;]+)/.exec(csp)?.[1] ?? '').trim().split(/\s+/);
  // Only our own origin: 'self' and our own WebSocket origin, never a bare ws:/wss: scheme or *.
  expect(sources[0], label).toBe("'self'");
  for (const s of sources.slice(1)) expect(s, label).toMatch(/^wss?:\/\/(127\.0\.0\.1:\d+|[a-z0-9.-]+)$/);
}

describe('every response carries the security headers', () => {
  it('pages, assets, 400/401/404/405/500, /healthz, HEAD and WebSocket refusals', async () => {
    const e = await edge();
    const cookie = session(e);
    const cases: [string, Promise<Res>, number][] = [
      ['index', get(e, '/', { cookie }), 200],
      ['asset', get(e, '/assets/index-abc123.js', { cookie }), 200],
      ['healthz', get(e, '/healthz'), 200],
      ['HEAD healthz', get(e, '/healthz', {}, 'HEAD'), 200],
      ['401', get(e, '/'), 401],
      ['404 asset', get(e, '/assets/nope.js', { cookie }), 404],
      ['400 malformed', get(e, '/%E0%A4%A', { cookie }), 400],
      ['405', get(e, '/', { cookie }, 'DELETE'), 405],
      ['405 healthz', get(e, '/healthz', {}, 'POST'), 405],
      ['500', get(e, '/boom', { cookie }), 500],
    ];
    for (const [label, p, status] of cases) {
      const r = await p;
      expect(r.status, label).toBe(status);
      expectSecurityHeaders(r, label);
      expect(String(r.headers['content-security-policy']), label).toContain(`connect-src 'self' ws://127.0.0.1:${e.port}`);
    }
    expect((await get(e, '/healthz', {}, 'POST')).headers.allow).toBe('GET, HEAD');
    expect((await get(e, '/api/thing', { cookie }, 'GET')).headers.allow).toBe('POST');
    expect((await get(e, '/api/thing', { cookie }, 'POST')).status).toBe(204);
    expect((await get(e, '/api/thing', {}, 'POST')).status).toBe(401);
  });

  it('a Host header that is not a host name does not reach the CSP', async () => {
    const e = await edge();
    const r = await get(e, '/healthz', { host: "evil.example; script-src 'unsafe-inline'" });
    expect(String(r.headers['content-security-policy'])).toMatch(/connect-src 'self';/);
    expect(String(r.headers['content-security-policy'])).not.toContain('evil');
  });
});

describe('caching and compression of the UI', () => {
  it('index.html is no-store; hashed assets are private for a year, never public; others revalidate', async () => {
    const e = await edge();
    const cookie = session(e);
    expect((await get(e, '/', { cookie })).headers['cache-control']).toBe('no-store');
    expect((await get(e, '/containers/x', { cookie })).headers['cache-control']).toBe('no-store');
    const asset = await get(e, '/assets/index-abc123.js', { cookie });
    expect(asset.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(asset.headers['cache-control']).not.toMatch(/public/);
    const icon = await get(e, '/favicon.svg', { cookie });
    expect(icon.headers['cache-control']).toBe('private, no-cache');
    const again = await get(e, '/favicon.svg', { cookie, 'if-none-match': String(icon.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('sends br or gzip as the browser accepts, with Vary, and the bytes decode to the file', async () => {
    const e = await edge();
    const cookie = session(e);
    const br = await get(e, '/assets/index-abc123.js', { cookie, 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(BIG_JS.length / 4);
    expect(brotliDecompressSync(br.body).toString()).toBe(BIG_JS);
    const gz = await get(e, '/assets/index-abc123.js', { cookie, 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(BIG_JS);
    const plain = await get(e, '/assets/index-abc123.js', { cookie });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(BIG_JS);
    const tiny = await get(e, '/assets/tiny-1.js', { cookie, 'accept-encoding': 'br' });
    expect(tiny.headers['content-encoding']).toBeUndefined(); // not worth it under 1 KiB
  });
});

describe('failed authentication is limited and logged per address', () => {
  it('after N wrong tokens the address gets 429 with Retry-After, even for the right token; a session still passes', async () => {
    const logger = memoryLogger();
    const e = await edge({ logger, limits: { failedAuth: { burst: 3, refillMs: 60_000 } } });
    for (let i = 0; i < 3; i++) expect((await get(e, `/?token=wrong-${i}`)).status).toBe(401);
    const limited = await get(e, `/?token=wrong-again`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectSecurityHeaders(limited, '429');
    // The right token is not even evaluated now, so a guess cannot be confirmed.
    expect((await get(e, `/?token=${TOKEN}`)).status).toBe(429);
    expect((await get(e, '/metrics', { authorization: `Bearer ${TOKEN}` })).status).toBe(429);
    expect((await openWs(e, `/rpc?token=${TOKEN}`)).status).toBe(429);
    // A browser that already holds its session keeps working.
    expect((await get(e, '/', { cookie: session(e) })).status).toBe(200);
    // Requests without any credential are plain 401s, not counted as guesses.
    expect((await get(e, '/')).status).toBe(401);
    expect(logger.lines.filter((l) => /wrong token from 127\.0\.0\.1/.test(l))).toHaveLength(2);
    expect(logger.lines.filter((l) => /3 wrong tokens from 127\.0\.0\.1; refusing/.test(l))).toHaveLength(1);
  });

  it('behind a local proxy, counts per X-Forwarded-For client, not per proxy', async () => {
    const e = await edge({ limits: { failedAuth: { burst: 2, refillMs: 60_000 } } });
    for (let i = 0; i < 2; i++) await get(e, '/?token=nope', { 'x-forwarded-for': '203.0.113.9' });
    expect((await get(e, '/?token=nope', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
    expect((await get(e, `/?token=${TOKEN}`, { 'x-forwarded-for': '198.51.100.4' })).status).toBe(200);
  });
});

describe('unauthenticated connections are capped', () => {
  it('past the cap a new connection gets 503 with the LIMIT code; an authenticated one frees its place', async () => {
    const e = await edge({ limits: { failedAuth: { burst: 1000 }, maxUnauthenticatedConnections: 3, unauthenticatedLifetimeMs: 60_000 } });
    const idle = await Promise.all([0, 1, 2].map(() => new Promise<import('node:net').Socket>((ok) => {
      const s = connect(e.port, '127.0.0.1', () => ok(s));
      s.on('error', () => {});
    })));
    // A slow client sends half a request head and stalls.
    idle[0]!.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const refused = await new Promise<string>((ok) => {
      const s = connect(e.port, '127.0.0.1');
      let got = '';
      s.on('data', (d) => (got += String(d)));
      s.on('close', () => ok(got));
      s.on('error', () => ok(got));
    });
    expect(refused).toMatch(/^HTTP\/1\.1 503/);
    expect(refused).toContain('"code":"LIMIT"');
    // One of them authenticates: its place is freed for the next client.
    const authed = idle[1]!;
    const answered = new Promise<string>((ok) => {
      let got = '';
      authed.on('data', (d) => {
        got += String(d);
        if (got.includes('INDEX')) ok(got);
      });
    });
    authed.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\nCookie: ${session(e)}\r\n\r\n`);
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);
    expect((await get(e, '/healthz')).status).toBe(200);
    for (const s of idle) s.destroy();
  });

  it('an unauthenticated connection is closed after its lifetime', async () => {
    const e = await edge({ limits: { maxUnauthenticatedConnections: 5, unauthenticatedLifetimeMs: 300 } });
    const closedAfter = await new Promise<number>((ok) => {
      const t0 = Date.now();
      const s = connect(e.port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\n'));
      s.on('close', () => ok(Date.now() - t0));
      s.on('error', () => {});
    });
    expect(closedAfter).toBeGreaterThanOrEqual(250);
    expect(closedAfter).toBeLessThan(5_000);
  });
});

describe('TLS and proxies', () => {
  let cert: string;
  let key: string;
  beforeAll(() => {
    const dir = join(root, 'tls');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    cert = execFileSync('cat', [join(dir, 'cert.pem')]).toString();
    key = execFileSync('cat', [join(dir, 'key.pem')]).toString();
  });

  it('serves https with the given certificate: __Host- Secure session cookie, HSTS, wss with the https origin', async () => {
    const e = await edge({ tls: { cert, key } });
    expect(e.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const r = await get(e, `/?token=${TOKEN}`);
    expect(r.status).toBe(200);
    const c = String(r.headers['set-cookie']);
    expect(c).toMatch(new RegExp(`^__Host-wakedock_session_${e.port}=v1\\.`));
    expect(c).toMatch(/;\s*Secure/);
    expect(c).toMatch(/;\s*Path=\//);
    expect(c).not.toMatch(/Domain=/i);
    expect(r.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(String(r.headers['content-security-policy'])).toContain(`connect-src 'self' wss://127.0.0.1:${e.port}`);
    const cookie = c.split(';')[0]!;
    const ok = await openWs(e, '/rpc', { cookie, origin: `https://127.0.0.1:${e.port}` });
    expect(ok.ws).toBeDefined();
    ok.ws!.close();
    expect((await openWs(e, '/rpc', { cookie, origin: `http://127.0.0.1:${e.port}` })).status).toBe(403);
  });

  it('behind a TLS-terminating proxy (X-Forwarded-Proto: https) the cookie is __Host- and Secure', async () => {
    const e = await edge();
    const r = await get(e, `/?token=${TOKEN}`, { 'x-forwarded-proto': 'https', host: 'wakedock.example.test' });
    const c = String(r.headers['set-cookie']);
    expect(c).toMatch(new RegExp(`^__Host-wakedock_session_${e.port}=`));
    expect(c).toMatch(/;\s*Secure/);
    expect(r.headers['strict-transport-security']).toBeUndefined(); // the proxy's job, not ours
    expect(String(r.headers['content-security-policy'])).toContain("connect-src 'self' wss://wakedock.example.test");
  });
});

describe('the desktop shape: own routes on loopback, no UI, no WebSocket', () => {
  it('answers its routes, 404 elsewhere, refuses upgrades, and frees the port on close', async () => {
    const e = await startEdge({
      host: '127.0.0.1',
      port: 0,
      routes: [{ method: 'GET', path: '/waking/:name', auth: 'public', handle: ({ res, params }) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(`waking ${params.name}`) }],
    });
    expect(e.url).toBe(e.origin);
    const r = await get(e, '/waking/web');
    expect(r.status).toBe(200);
    expect(r.text).toBe('waking web');
    expectSecurityHeaders(r, 'desktop route');
    expect((await get(e, '/')).status).toBe(404);
    expect((await get(e, '/index.html')).status).toBe(404);
    expect((await openWs(e, '/rpc')).status).toBe(404);
    const port = e.port;
    await e.close();
    // The port is free again.
    const again = await startEdge({ host: '127.0.0.1', port, routes: [] });
    await again.close();
  });

  it('refuses to start token-protected routes without a token', async () => {
    await expect(startEdge({ host: '127.0.0.1', port: 0, routes: [{ method: 'GET', path: '/x', auth: 'token', handle: () => {} }] })).rejects.toThrow(/token/);
  });
});

describe('startLocalEdge (desktop shell)', () => {
  it('does not listen without routes; with routes listens on loopback only', async () => {
    const { startLocalEdge } = await import('../../../src-main/edge/local-edge');
    expect(await startLocalEdge({ routes: [] })).toBeNull();
    const e = await startLocalEdge({ routes: [healthRoute('d')] });
    expect(e).not.toBeNull();
    running.push(e!);
    expect((e!.server.address() as import('node:net').AddressInfo).address).toBe('127.0.0.1');
    expect((await get(e!, '/healthz')).status).toBe(200);
  });
});
