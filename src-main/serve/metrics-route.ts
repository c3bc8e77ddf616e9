// GET /metrics (Prometheus text format) behind the same token as the rest: cookie, ?token= or
// `Authorization: Bearer <token>` (what Prometheus' scrape config sends). Off unless
// `wakedock serve --metrics`; then a scrape that finds it off gets a 404 that says so.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsCollector } from '../core/metrics/collector';
import { PROMETHEUS_CONTENT_TYPE } from '../core/metrics/prometheus';

export function metricsRoute(collector: MetricsCollector | null) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== '/metrics') return false;
    if (!collector) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics are off: start wakedock serve with --metrics\n');
      return true;
    }
    let body: string;
    try {
      body = collector.render();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${(e as Error).message}\n`);
      return true;
    }
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
