// The one HTTP edge of both shells. A route table (find-my-way: method + path, each route with its
// auth policy), security headers on every response, the token → session exchange, a per-address
// limit on failed authentication, a cap on unauthenticated connections, optional TLS, the built UI
// (static files) and the contract over WebSocket. `wakedock serve` mounts all of it; the desktop
// shell can start it on loopback with only its own routes (no UI, no WebSocket).
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import FindMyWay from 'find-my-way';
import { WebSocketServer } from 'ws';
import type { Logger, RpcServer } from '../rpc/dispatcher';
import { wsConnection } from '../rpc/ws-connection';
import { bearerToken, cookieValues, isLoopbackAddress, peerAddress, sessionCookieName, sessionMatches, setSessionCookie, tokenMatches } from './auth';
import { FailedAuthLimiter, type FailedAuthLimiterOptions } from './rate-limit';
import { originAllowed, requestIsSecure } from './request-origin';
import { securityHeaders } from './security-headers';
import { staticFiles } from './static-files';

export type AuthPolicy = 'public' | 'token';
export type EdgeMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface EdgeRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string | undefined>;
  /** The browser reached us over https (here or at a TLS-terminating proxy). */
  secure: boolean;
}

export interface EdgeRoute {
  /** GET routes answer HEAD too. */
  method: EdgeMethod | EdgeMethod[];
  /** find-my-way pattern: '/healthz', '/api/logs/*', '/wake/:name'. */
  path: string;
  auth: AuthPolicy;
  /**
   * The route writes every response header itself, so the edge's security headers are taken off
   * (the waker: the loading page carries its own CSP, and a held request gets the app's response
   * exactly as the app sent it, which the edge's CSP/CORP/framing headers would change).
   */
  ownHeaders?: boolean;
  handle(r: EdgeRequest): void | Promise<void>;
}

export interface EdgeOptions {
  host: string;
  port: number;
  routes: EdgeRoute[];
  /** Needed as soon as a route, the UI or the WebSocket is behind the token. */
  token?: string;
  /** Serve TLS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The built renderer, served (behind the token) for every GET no other route takes. */
  staticDir?: string;
  /** The contract over WebSocket at /rpc (behind the token and the Origin check). */
  rpc?: RpcServer;
  keepaliveMs?: number;
  logger?: Logger;
  limits?: {
    failedAuth?: FailedAuthLimiterOptions;
    /** Connections that have not yet shown a credential, at once (default 64). */
    maxUnauthenticatedConnections?: number;
    /** How long such a connection may live (default 30 s; 0: no limit, for a loopback-only edge whose
     *  client is a proxy that pools connections and holds requests, e.g. the waker's). */
    unauthenticatedLifetimeMs?: number;
    /** The whole request head must arrive within this (default 10 s). */
    headersTimeoutMs?: number;
    /** The whole request, body included, must arrive within this (default 60 s; 0: no limit, for streamed uploads). */
    requestTimeoutMs?: number;
  };
}

export interface RunningEdge {
  server: Server;
  port: number;
  /** http(s)://host:port */
  origin: string;
  /** The URL to open in a browser, token included (the origin when there is no token). */
  url: string;
  /** Rate limiter of failed authentication (tests, diagnostics). */
  limiter: FailedAuthLimiter;
  close(): Promise<void>;
}

const REFUSAL = `<!doctype html><meta charset="utf-8"><title>WakeDock: access refused</title>
<style>body{font:15px system-ui,sans-serif;background:#0f1419;color:#e6e6e6;display:grid;place-items:center;height:100vh;margin:0}
main{max-width:34rem;padding:2rem;border:1px solid #333;border-radius:10px;background:#161c23}h1{font-size:1.2rem;margin-top:0}code{color:#8fd3ff}</style>
<main><h1>Access refused</h1><p>This WakeDock server needs its access token, and the request had none or a wrong one.</p>
<p>Open the full address that <code>wakedock serve</code> printed when it started (it ends in <code>?token=…</code>), or set <code>WAKEDOCK_TOKEN</code> and use that.</p></main>`;

const TOO_MANY = `<!doctype html><meta charset="utf-8"><title>WakeDock: too many attempts</title>
<main><h1>Too many wrong tokens</h1><p>This address sent too many wrong access tokens. Wait a minute, then open the exact address that <code>wakedock serve</code> printed.</p></main>`;

const LEGACY_TOKEN_COOKIE = 'wakedock_token';

type AuthResult = { ok: true; via: 'session' | 'token' } | { ok: false; status: 401 | 429; retryAfterS?: number };

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** Answer a WebSocket upgrade (a raw socket) with an HTTP error and close it. */
function refuseUpgrade(socket: Duplex, req: IncomingMessage, status: number, body: string, extra: Record<string, string> = {}): void {
  const headers = { ...securityHeaders(req), 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close', ...extra };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n${head}\r\n\r\n${body}`);
}

export async function startEdge(opts: EdgeOptions): Promise<RunningEdge> {
  const logger = opts.logger;
  const limiter = new FailedAuthLimiter(opts.limits?.failedAuth);
  const files = opts.staticDir ? staticFiles(opts.staticDir) : null;
  const maxPending = opts.limits?.maxUnauthenticatedConnections ?? 64;
  const pendingLifetime = opts.limits?.unauthenticatedLifetimeMs ?? 30_000;
  let port = 0;
  const token = opts.token;
  const needsToken = opts.routes.some((r) => r.auth === 'token') || !!opts.staticDir || !!opts.rpc;
  if (needsToken && !token) throw new Error('edge: a token is required for token-protected routes, the UI or the WebSocket');

  // The address failed attempts are counted against: the peer, or, when the peer is a proxy on
  // this machine, the client address it appended to X-Forwarded-For (its rightmost entry).
  const clientAddress = (req: IncomingMessage): string => {
    const peer = peerAddress(req);
    if (!isLoopbackAddress(peer)) return peer;
    const xff = req.headers['x-forwarded-for'];
    const last = (Array.isArray(xff) ? xff.join(',') : xff)?.split(',').pop()?.trim();
    return last && last.length <= 64 ? last : peer;
  };

  const authenticate = (req: IncomingMessage, url: URL): AuthResult => {
    if (!token) return { ok: false, status: 401 };
    const peer = peerAddress(req);
    for (const secure of [true, false]) {
      for (const v of cookieValues(req, sessionCookieName(port, secure))) if (sessionMatches(v, token, peer)) return { ok: true, via: 'session' };
    }
    const given = url.searchParams.get('token') ?? bearerToken(req);
    if (given === null || given === undefined) return { ok: false, status: 401 };
    const addr = clientAddress(req);
    const wait = limiter.retryAfterMs(addr);
    if (wait > 0) return { ok: false, status: 429, retryAfterS: Math.ceil(wait / 1000) };
    if (tokenMatches(given, token)) return { ok: true, via: 'token' };
    const f = limiter.fail(addr);
    if (f.firstLimited) logger?.warn(`edge: ${f.failures} wrong tokens from ${addr}; refusing its tokens with 429 for a while`);
    else if (!f.limited) logger?.warn(`edge: wrong token from ${addr} (${req.method} ${url.pathname}); attempt ${f.failures}`);
    return { ok: false, status: 401 };
  };

  // Connections that have not shown a credential yet: capped in number and in lifetime, so slow or
  // idle unauthenticated clients cannot hold the server's sockets.
  const pending = new Map<string, { socket: Socket; timer: NodeJS.Timeout | undefined }>();
  const socketKey = (s: { remoteAddress?: string; remotePort?: number }): string => `${s.remoteAddress}|${s.remotePort}`;
  const markAuthenticated = (s: { remoteAddress?: string; remotePort?: number }): void => {
    const key = socketKey(s);
    const p = pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(key);
  };

  // The route table; the UI (when mounted) answers every other GET/HEAD (SPA fallback).
  const router = FindMyWay({ ignoreTrailingSlash: false, maxParamLength: 500 });
  for (const r of opts.routes) {
    const methods = new Set(Array.isArray(r.method) ? r.method : [r.method]);
    if (methods.has('GET')) methods.add('HEAD');
    router.on([...methods], r.path, () => {}, r);
  }
  const uiRoute: EdgeRoute | null = files ? { method: 'GET', path: '/*', auth: 'token', handle: ({ req, res, url }) => files.serve(req, res, url.pathname) } : null;
  const allowedMethods = (path: string): string[] =>
    (['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'] as const).filter((m) => router.find(m, path) !== null);

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(securityHeaders(req))) res.setHeader(k, v);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request\n');
      return;
    }
    try {
      decodeURIComponent(url.pathname);
    } catch {
      // A malformed escape (e.g. "/%E0%A4%A"): answer, never leave the request hanging.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request: malformed URL\n');
      return;
    }
    const found = router.find(req.method as FindMyWay.HTTPMethod, url.pathname);
    let route: EdgeRoute;
    let params: Record<string, string | undefined> = {};
    if (found) {
      route = found.store as EdgeRoute;
      params = found.params;
    } else {
      const allow = allowedMethods(url.pathname);
      if (allow.length === 0 && uiRoute && (req.method === 'GET' || req.method === 'HEAD')) route = uiRoute;
      else {
        if (allow.length === 0 && uiRoute) allow.push('GET', 'HEAD');
        if (allow.length > 0) res.writeHead(405, { allow: allow.join(', '), 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
        else res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
        return;
      }
    }
    if (route.ownHeaders) for (const k of res.getHeaderNames()) res.removeHeader(k);
    const secure = requestIsSecure(req);
    if (route.auth === 'token') {
      const auth = authenticate(req, url);
      if (!auth.ok) {
        const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
        if (auth.retryAfterS) headers['retry-after'] = String(auth.retryAfterS);
        res.writeHead(auth.status, headers).end(auth.status === 429 ? TOO_MANY : REFUSAL);
        return;
      }
      markAuthenticated(req.socket);
      const cookies: string[] = [];
      // The token came in the URL (a browser following the printed address): give it a session
      // cookie instead, so the token can leave the address bar (the page drops it).
      if (auth.via === 'token' && url.searchParams.has('token')) cookies.push(setSessionCookie(port, secure, token!, peerAddress(req)));
      // Versions before the session cookie kept the token itself in `wakedock_token`, which every
      // port of the host name receives: delete it wherever it still comes in.
      if (cookieValues(req, LEGACY_TOKEN_COOKIE).length > 0) cookies.push(`${LEGACY_TOKEN_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`);
      if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    }
    await route.handle({ req, res, url, params, secure });
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    onRequest(req, res).catch((e: unknown) => {
      // A route that throws must not crash the server with an unhandled rejection.
      logger?.error(`edge: ${req.method} ${req.url} failed`, e);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal error\n');
      else res.destroy();
    });
  };

  const server: Server = opts.tls ? (createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: 10_000 }, handler) as unknown as Server) : createHttpServer(handler);
  server.headersTimeout = opts.limits?.headersTimeoutMs ?? 10_000;
  server.requestTimeout = opts.limits?.requestTimeoutMs ?? 60_000;
  server.on('connection', (socket: Socket) => {
    if (pending.size >= maxPending) {
      logger?.warn(`edge: ${pending.size} unauthenticated connections open; refusing one from ${socket.remoteAddress}`);
      if (!opts.tls) {
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 5\r\nconnection: close\r\n\r\n' +
            JSON.stringify({ code: 'LIMIT', message: 'Too many unauthenticated connections; try again shortly', retryable: true }),
        );
      }
      socket.destroy();
      return;
    }
    const key = socketKey(socket);
    const timer =
      pendingLifetime > 0
        ? setTimeout(() => {
            if (pending.get(key)?.socket === socket) {
              pending.delete(key);
              socket.destroy();
            }
          }, pendingLifetime).unref()
        : undefined;
    pending.set(key, { socket, timer });
    socket.once('close', () => {
      if (pending.get(key)?.socket === socket) {
        clearTimeout(timer);
        pending.delete(key);
      }
    });
  });

  const wss = opts.rpc ? new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 }) : null;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      refuseUpgrade(socket, req, 400, 'Bad request\n');
      return;
    }
    if (!wss || !opts.rpc || url.pathname !== '/rpc') {
      refuseUpgrade(socket, req, 404, 'Not found\n');
      return;
    }
    const auth = authenticate(req, url);
    if (!auth.ok) {
      refuseUpgrade(socket, req, auth.status, auth.status === 429 ? 'WakeDock: too many wrong tokens\n' : 'WakeDock: missing or wrong token\n', auth.retryAfterS ? { 'retry-after': String(auth.retryAfterS) } : {});
      return;
    }
    if (!originAllowed(req)) {
      logger?.warn(`edge: WebSocket from foreign origin ${req.headers.origin} refused`);
      refuseUpgrade(socket, req, 403, 'WakeDock: cross-origin WebSocket refused\n');
      return;
    }
    markAuthenticated(req.socket);
    const rpc = opts.rpc;
    wss.handleUpgrade(req, socket, head, (ws) => {
      rpc.connect(wsConnection(ws, { keepaliveMs: opts.keepaliveMs }));
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => {
      server.off('error', fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  const origin = `${opts.tls ? 'https' : 'http'}://${hostForUrl}:${port}`;
  return {
    server,
    port,
    origin,
    url: token && (files || opts.rpc) ? `${origin}/?token=${encodeURIComponent(token)}` : origin,
    limiter,
    close: () =>
      new Promise<void>((ok) => {
        if (wss) {
          for (const c of wss.clients) c.terminate();
          wss.close();
        }
        for (const p of pending.values()) clearTimeout(p.timer);
        pending.clear();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
