// GET /metrics (Prometheus text format) behind the same token as the rest: cookie, ?token= or
// `Authorization: Bearer <token>` (what Prometheus' scrape config sends). Off unless
// `wakedock serve --metrics`; then a scrape that finds it off gets a 404 that says so.
import type { ServerResponse } from 'node:http';
import type { EdgeRoute } from '../edge/edge-server';
import type { MetricsCollector } from '../core/metrics/collector';
import { PROMETHEUS_CONTENT_TYPE } from '../core/metrics/prometheus';

export function metricsRoute(collector: MetricsCollector | null): EdgeRoute {
  return { method: 'GET', path: '/metrics', auth: 'token', handle: ({ req, res }) => scrape(req.method === 'HEAD', res) };

  function scrape(head: boolean, res: ServerResponse): void {
    if (!collector) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics are off: start wakedock serve with --metrics\n');
      return;
    }
    let body: string;
    try {
      body = collector.render();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${(e as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(head ? undefined : body);
  }
}
