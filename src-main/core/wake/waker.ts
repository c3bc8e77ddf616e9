// The waker: the request handler that Caddy's error routes reach when a service's upstream is down,
// and that serves /__wakedock/* (status polling of the loading page) on every service host. It has
// no listener of its own: it is a route of the shell's HTTP edge (edge/waker-edge.ts, a loopback
// edge both shells start through `WakeOptions.serveWaker`), so the core stays free of servers.
//
// - HTML GET (Accept: text/html) → the loading page at once: 503, Retry-After, no-store; wakes.
// - Other GET/HEAD → wakes and holds the request up to `holdMs`; when the service is ready in time the
//   request is forwarded to the upstream once, else 503 + Retry-After.
// - A request with a body, handed over by Caddy's error route as a GET with its method in
//   X-WakeDock-Rejected (its body is gone), or any other method → 503 + Retry-After at once; wakes.
// - Ignored user agents / paths → 503 without waking.
// Every request that is not ignored is noted as the service's last request.
import { randomBytes } from 'node:crypto';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../../contract/handlers';
import { REJECTED_HEADER, WAKEDOCK_HEADER, WAKEDOCK_PATH_PREFIX } from '../caddy/caddy-config';
import { loadingPage, statusJson } from './loading-page';
import type { WakeController } from './wake-controller';

export interface WakerOptions {
  controller: WakeController;
  logger: Logger;
  /** How long a non-HTML GET waits for the wake before 503 (default 30 s). */
  holdMs?: number;
  retryAfterSeconds?: number;
}

/** What a shell's edge serves the waker with. */
export interface WakerHandler {
  /** Answers one request Caddy sent (any method, any path, the service's Host); never throws. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** The waker's requests served on loopback, where Caddy dials them. */
export interface ServedWaker {
  /** host:port on loopback. */
  address: string;
  close(): Promise<void>;
}

/**
 * Starts serving the waker and says where (the shells pass `serveWakerOnEdge` from
 * edge/waker-edge.ts). Called by the wake service before Caddy starts; closed after Caddy stops.
 */
export type ServeWaker = (waker: WakerHandler) => Promise<ServedWaker>;

export class Waker implements WakerHandler {
  /** Requests answered with the loading page (tests read it). */
  pagesServed = 0;

  constructor(private readonly opts: WakerOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.answer(req, res);
    } catch (e) {
      this.opts.logger.warn('waker: request failed', e);
      if (!res.headersSent) this.plain(res, 500, 'WakeDock could not handle this request.');
      else res.destroy();
    }
  }

  private retryAfter(): string {
    return String(this.opts.retryAfterSeconds ?? 5);
  }

  private plain(res: ServerResponse, status: number, text: string, tag = 'waker'): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Retry-After': this.retryAfter(), [WAKEDOCK_HEADER]: tag });
    res.end(`${text}\n`);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const c = this.opts.controller;
    const host = (req.headers.host ?? '').toLowerCase();
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const name = c.serviceForHost(host);
    // Caddy's error route sends a request with a body as a GET (the body is gone) and says which it was.
    const rejected = req.headers[REJECTED_HEADER.toLowerCase()];
    const method = typeof rejected === 'string' && /^[A-Z]{1,32}$/.test(rejected) ? rejected : (req.method ?? 'GET');

    if (path.startsWith(WAKEDOCK_PATH_PREFIX)) {
      req.resume();
      if (!name) return this.plain(res, 404, `No WakeDock service answers for ${host}.`, 'unknown');
      if (path === `${WAKEDOCK_PATH_PREFIX}status`) {
        const v = c.view(name);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', [WAKEDOCK_HEADER]: 'status' });
        res.end(JSON.stringify(v ? statusJson(v, Date.now()) : null));
        return;
      }
      if (path === `${WAKEDOCK_PATH_PREFIX}wake` && method === 'POST') {
        void c.wake(name, 'loading page: try again', { force: true }).catch(() => undefined);
        res.writeHead(202, { 'Cache-Control': 'no-store', [WAKEDOCK_HEADER]: 'status' });
        res.end();
        return;
      }
      return this.plain(res, 404, 'Not found.', 'status');
    }

    if (!name) {
      req.resume();
      return this.plain(res, 502, `No WakeDock service answers for ${host}.`, 'unknown');
    }
    const ignored = c.ignored(name, url, String(req.headers['user-agent'] ?? ''));
    if (ignored) {
      req.resume();
      return this.plain(res, 503, `${name} is asleep.`, 'ignored');
    }

    c.noteRequest(name);
    const wake = c.wake(name, `${method} ${path}`).catch(() => undefined);
    if (method !== 'GET' && method !== 'HEAD') {
      req.resume();
      return this.plain(res, 503, `${name} is asleep and is being woken. Retry this request in a few seconds.`, 'rejected');
    }
    const accept = String(req.headers.accept ?? '');
    const view = c.view(name);
    if (view && method === 'GET' && /text\/html/i.test(accept)) {
      this.pagesServed++;
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(503, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Retry-After': '2',
        'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'`,
        'X-Content-Type-Options': 'nosniff',
        [WAKEDOCK_HEADER]: 'loading',
      });
      res.end(loadingPage(view, nonce, Date.now()));
      return;
    }

    // Another GET/HEAD (API client, asset): hold it until the service is ready, then forward it once.
    let timer: NodeJS.Timeout | undefined;
    const gone = new Promise<'gone'>((r) => res.on('close', () => r('gone')));
    const outcome = await Promise.race([wake.then(() => 'woken' as const), gone, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), this.opts.holdMs ?? 30_000)))]);
    clearTimeout(timer);
    if (outcome === 'gone') return;
    const after = c.view(name);
    const upstream = c.upstreamOf(name);
    if (outcome !== 'woken' || after?.state !== 'awake' || !upstream) {
      req.resume();
      const why = after?.state === 'failed' ? ` It failed to start: ${after.message ?? ''}` : '';
      return this.plain(res, 503, `${name} is still starting.${why} Retry in a few seconds.`, 'held');
    }
    this.forward(req, res, upstream);
  }

  private forward(req: IncomingMessage, res: ServerResponse, upstream: string): void {
    const m = /^\[?([^\]]+)\]?:(\d+)$/.exec(upstream);
    const headers = { ...req.headers };
    delete headers['x-wakedock-error'];
    delete headers[REJECTED_HEADER.toLowerCase()];
    const up = request({ host: m?.[1], port: Number(m?.[2]), method: req.method, path: req.url, headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', (e) => {
      if (!res.headersSent) this.plain(res, 502, `The service did not answer: ${e.message}`, 'held');
      else res.destroy();
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  }
}
