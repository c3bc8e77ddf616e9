// The edge for the desktop shell: the same server as `wakedock serve`, on loopback only, with just
// the routes the shell hands it (no UI: the window loads the renderer from disk; no WebSocket: the
// window speaks IPC). Wake-on-demand needs it for Caddy's error routes and the loading page. Off
// unless some route needs it: with no routes nothing listens.
import type { Logger } from '../rpc/dispatcher';
import { startEdge, type EdgeRoute, type RunningEdge } from './edge-server';

export interface LocalEdgeOptions {
  routes: EdgeRoute[];
  /** 0 (default) picks a free port; the caller tells Caddy which one it got. */
  port?: number;
  /** Needed only when a route has auth 'token'. */
  token?: string;
  logger?: Logger;
}

export async function startLocalEdge(opts: LocalEdgeOptions): Promise<RunningEdge | null> {
  if (opts.routes.length === 0) return null;
  return startEdge({ host: '127.0.0.1', port: opts.port ?? 0, routes: opts.routes, token: opts.token, logger: opts.logger });
}
