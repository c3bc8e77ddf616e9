// A loopback-only edge: the same server as `wakedock serve`, on 127.0.0.1 only, with just the routes
// it is handed (no UI: the desktop window loads the renderer from disk; no WebSocket: the window
// speaks IPC). Both shells use it for the waker (edge/waker-edge.ts), which Caddy dials on loopback.
// Off unless some route needs it: with no routes nothing listens.
import type { Logger } from '../rpc/dispatcher';
import { startEdge, type EdgeOptions, type EdgeRoute, type RunningEdge } from './edge-server';

export interface LocalEdgeOptions {
  routes: EdgeRoute[];
  /** 0 (default) picks a free port; the caller tells Caddy which one it got. */
  port?: number;
  /** Needed only when a route has auth 'token'. */
  token?: string;
  logger?: Logger;
  limits?: EdgeOptions['limits'];
}

export async function startLocalEdge(opts: LocalEdgeOptions): Promise<RunningEdge | null> {
  if (opts.routes.length === 0) return null;
  return startEdge({ host: '127.0.0.1', port: opts.port ?? 0, routes: opts.routes, token: opts.token, logger: opts.logger, limits: opts.limits });
}
