// Headless mode's HTTP server: the edge (src-main/edge) with everything a browser needs: the built
// renderer, /healthz, the contract over WebSocket at /rpc, plus serve's own routes (logs download,
// /metrics). Every route but /healthz needs the token (once in the URL, then a session cookie).
import type { RpcServer, Logger } from '../rpc/dispatcher';
import { startEdge, type EdgeRoute, type RunningEdge, type EdgeOptions } from '../edge/edge-server';
import { healthRoute } from '../edge/health-route';

export { tokenMatches } from '../edge/auth';

export interface HttpServerOptions {
  rpc: RpcServer;
  token: string;
  host: string;
  port: number;
  staticDir: string;
  appVersion: string;
  keepaliveMs?: number;
  tls?: EdgeOptions['tls'];
  logger?: Logger;
  limits?: EdgeOptions['limits'];
  /** Extra routes (e.g. the logs download, /metrics), each with its auth policy. */
  routes?: EdgeRoute[];
}

export type RunningServer = RunningEdge;

export function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  return startEdge({
    host: opts.host,
    port: opts.port,
    token: opts.token,
    tls: opts.tls,
    staticDir: opts.staticDir,
    rpc: opts.rpc,
    keepaliveMs: opts.keepaliveMs,
    logger: opts.logger,
    limits: opts.limits,
    routes: [healthRoute(opts.appVersion), ...(opts.routes ?? [])],
  });
}
