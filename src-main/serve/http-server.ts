// Headless mode's HTTP server: the built renderer, /healthz, and the contract over WebSocket at
// /rpc. Every route but /healthz needs the token (query ?token= once, then an HttpOnly cookie).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { RpcServer } from '../rpc/dispatcher';
import { wsConnection } from '../rpc/ws-connection';

export interface HttpServerOptions {
  rpc: RpcServer;
  token: string;
  host: string;
  port: number;
  staticDir: string;
  appVersion: string;
  keepaliveMs?: number;
  /** Extra GET routes behind the token (e.g. the logs download); each returns true when it answered. */
  routes?: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>)[];
}

export interface RunningServer {
  server: Server;
  port: number;
  /** The URL to open, token included. */
  url: string;
  close(): Promise<void>;
}

const COOKIE = 'wakedock_token';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Constant-time comparison (hashing first makes lengths equal). */
export function tokenMatches(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

const REFUSAL = `<!doctype html><meta charset="utf-8"><title>WakeDock: access refused</title>
<style>body{font:15px system-ui,sans-serif;background:#0f1419;color:#e6e6e6;display:grid;place-items:center;height:100vh;margin:0}
main{max-width:34rem;padding:2rem;border:1px solid #333;border-radius:10px;background:#161c23}h1{font-size:1.2rem;margin-top:0}code{color:#8fd3ff}</style>
<main><h1>Access refused</h1><p>This WakeDock server needs its access token, and the request had none or a wrong one.</p>
<p>Open the full address that <code>wakedock serve</code> printed when it started (it ends in <code>?token=…</code>), or set <code>WAKEDOCK_TOKEN</code> and use that.</p></main>`;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function refuse(res: ServerResponse): void {
  res.writeHead(401, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(REFUSAL);
}


export async function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  const root = resolve(opts.staticDir);
  const started = Date.now();
  // Bearer: for clients that cannot keep a cookie (a Prometheus scrape of /metrics).
  const bearer = (req: IncomingMessage): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const authorized = (req: IncomingMessage, url: URL): boolean => tokenMatches(url.searchParams.get('token') ?? cookieToken(req) ?? bearer(req), opts.token);

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ status: 'ok', version: opts.appVersion, uptimeSeconds: Math.round((Date.now() - started) / 1000) }));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (!authorized(req, url)) {
        refuse(res);
        return;
      }
      const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS };
      if (url.searchParams.has('token')) {
        headers['set-cookie'] = `${COOKIE}=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`;
      }
      for (const route of opts.routes ?? []) if (await route(req, res, url)) return;
      let rel: string;
      try {
        rel = decodeURIComponent(url.pathname);
      } catch {
        // A malformed escape (e.g. "/%E0%A4%A") would otherwise reject this handler: the request
        // hangs and the unhandled rejection takes the whole server down.
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request: malformed URL\n');
        return;
      }
      if (rel === '/' || !extname(rel)) rel = '/index.html'; // SPA: every route renders the app
      const file = normalize(join(root, rel));
      if (!file.startsWith(root + sep)) {
        res.writeHead(404).end();
        return;
      }
      try {
        const st = await stat(file);
        if (!st.isFile()) throw new Error('not a file');
        const body = await readFile(file);
        const isHtml = file.endsWith('.html');
        res.writeHead(200, {
          ...headers,
          'content-type': MIME[extname(file)] ?? 'application/octet-stream',
          'cache-control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${rel}\n`);
      }
    })().catch((e: unknown) => {
      // A route that throws must not crash the server with an unhandled rejection.
      console.error('wakedock serve: request failed', e);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error\n');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const sameOrigin = !origin || origin === `http://${req.headers.host}`;
    if (url.pathname !== '/rpc' || !authorized(req, url) || !sameOrigin) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nWakeDock: missing or wrong token\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      opts.rpc.connect(wsConnection(ws, { keepaliveMs: opts.keepaliveMs }));
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  return {
    server,
    port,
    url: `http://${hostForUrl}:${port}/?token=${encodeURIComponent(opts.token)}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
