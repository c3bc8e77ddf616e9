// GET /healthz: public, JSON, never cached. For load balancers, proxies and `curl`.
import type { EdgeRoute } from './edge-server';

export function healthRoute(appVersion: string, started = Date.now()): EdgeRoute {
  return {
    method: 'GET',
    path: '/healthz',
    auth: 'public',
    handle: ({ req, res }) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok', version: appVersion, uptimeSeconds: Math.round((Date.now() - started) / 1000) }));
    },
  };
}
