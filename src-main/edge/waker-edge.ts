// The waker as routes of the HTTP edge, on a loopback-only edge of its own (both shells): Caddy's
// error routes and /__wakedock/* (the loading page's status polling) reach it there. Why not on
// serve's main listener: docs/features/edge.md, "The waker".
import type { Logger } from '../rpc/dispatcher';
import type { ServeWaker, WakerHandler } from '../core/wake/waker';
import type { EdgeMethod, EdgeOptions, EdgeRoute } from './edge-server';
import { startLocalEdge } from './local-edge';

const ALL_METHODS: EdgeMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];

/**
 * The only client is Caddy on loopback: it pools keep-alive connections and holds requests while a
 * service wakes (up to the waker's 30 s, then streams the app's answer), so the edge's lifetime for
 * connections without a credential (30 s) would cut both. The count stays bounded.
 */
export const WAKER_EDGE_LIMITS: NonNullable<EdgeOptions['limits']> = { maxUnauthenticatedConnections: 1024, unauthenticatedLifetimeMs: 0 };

/**
 * Every method on every path, public (Caddy cannot carry the token, and the edge listens on
 * loopback only), with the waker's own headers: the loading page has its own CSP, and a held request
 * gets the app's answer as the app sent it.
 */
export function wakerRoutes(waker: WakerHandler): EdgeRoute[] {
  return [{ method: ALL_METHODS, path: '/*', auth: 'public', ownHeaders: true, handle: ({ req, res }) => waker.handle(req, res) }];
}

/** What both shells give the core (`WakeOptions.serveWaker`): the waker on a loopback edge. */
export function serveWakerOnEdge(opts: { logger?: Logger; port?: number } = {}): ServeWaker {
  return async (waker) => {
    const edge = await startLocalEdge({ routes: wakerRoutes(waker), port: opts.port, logger: opts.logger, limits: WAKER_EDGE_LIMITS });
    if (!edge) throw new Error('waker: the edge did not start');
    return { address: `127.0.0.1:${edge.port}`, close: () => edge.close() };
  };
}
