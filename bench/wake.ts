// Suite `wake`: the awake path. While a service is awake its traffic goes Caddy → container, not
// through Node, so WakeDock's config must add nothing: the same GET through WakeDock's server (its
// host route, with the status route before it and the error routes behind it) against a plain Caddy
// `reverse_proxy` server to the same upstream, in the same Caddy process, interleaved request by
// request over keep-alive connections. Figure: p50 ratio (target <= 1.05). The access log is sampled
// (caddy-config.ts ACCESS_LOG_SAMPLING).
// The cold path (wake overhead, 100 sleeping services, a burst of 10) is the `wake-cold` suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccessLogListener } from '../src-main/core/caddy/access-log';
import { buildConfig } from '../src-main/core/caddy/caddy-config';
import { ADMIN_ORIGIN, CaddySupervisor, findCaddy } from '../src-main/core/caddy/caddy-supervisor';
import { silentLogger } from '../src-main/contract/handlers';
import { freePort } from '../tests/support/docker-fixtures';
import { ratio, summarize } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const WARMUP = 200;
const ITERATIONS = 2000;

function get(agent: Agent, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const r = request({ host: '127.0.0.1', port, path: '/', agent, headers: { Host: host } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    r.on('error', reject);
    r.end();
  });
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { cleanup, log } = ctx;
  if (!findCaddy()) throw new Error('no caddy binary on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'wd-bench-wake-'));
  cleanup.push('temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const body = 'x'.repeat(1024);
  const upstream = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
  cleanup.push('upstream', () => new Promise<void>((ok) => upstream.close(() => ok())));
  const upPort = (upstream.address() as AddressInfo).port;
  const log0 = new AccessLogListener();
  const logAddr = await log0.listen();
  cleanup.push('access log', () => log0.close());
  const ourPort = await freePort();
  const plainPort = await freePort();
  const sup = new CaddySupervisor({ dir: join(dir, 'caddy'), logger: silentLogger });
  cleanup.push('caddy', () => sup.dispose());
  const config = buildConfig({
    adminListen: sup.adminListen,
    adminOrigin: ADMIN_ORIGIN,
    listen: `127.0.0.1:${ourPort}`,
    waker: '127.0.0.1:9',
    accessLog: logAddr,
    services: Array.from({ length: 20 }, (_, i) => ({ name: `svc${i}`, hosts: [`svc${i}.localhost`], upstream: i === 7 ? `127.0.0.1:${upPort}` : `127.0.0.1:${20000 + i}` })),
  });
  const servers = (config.apps as { http: { servers: Record<string, unknown> } }).http.servers;
  // The same WakeDock server without its access log (ids stripped: Caddy indexes @id globally).
  const noLogPort = await freePort();
  const { logs: _logs, ...ourServer } = servers.wakedock as Record<string, unknown>;
  servers.nolog = JSON.parse(JSON.stringify({ ...ourServer, listen: [`127.0.0.1:${noLogPort}`] }).replace(/"@id":"[^"]*",?/g, ''));
  servers.plain = { listen: [`127.0.0.1:${plainPort}`], automatic_https: { disable: true }, routes: [{ handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${upPort}` }] }] }] };
  await sup.start(config);
  log(`caddy running: WakeDock server on ${ourPort} (20 services), plain server on ${plainPort}`);

  const agentA = new Agent({ keepAlive: true, maxSockets: 1 });
  const agentB = new Agent({ keepAlive: true, maxSockets: 1 });
  const agentC = new Agent({ keepAlive: true, maxSockets: 1 });
  cleanup.push('agents', () => {
    agentA.destroy();
    agentB.destroy();
    agentC.destroy();
  });
  for (let i = 0; i < WARMUP; i++) {
    await get(agentA, ourPort, 'svc7.localhost');
    await get(agentB, plainPort, 'svc7.localhost');
    await get(agentC, noLogPort, 'svc7.localhost');
  }
  const ours: number[] = [];
  const plain: number[] = [];
  const nolog: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const order = [
      async () => ours.push(await get(agentA, ourPort, 'svc7.localhost')),
      async () => plain.push(await get(agentB, plainPort, 'svc7.localhost')),
      async () => nolog.push(await get(agentC, noLogPort, 'svc7.localhost')),
    ];
    for (let k = 0; k < 3; k++) await order[(i + k) % 3]!();
  }
  const a = summarize(ours);
  const b = summarize(plain);
  const c = summarize(nolog);
  const r = ratio(a.median, b.median);
  const rRoutes = ratio(c.median, b.median);
  log(`awake path p50 ${a.median} ms vs plain ${b.median} ms → ${r}; without the access log ${c.median} ms → ${rRoutes}`);
  return {
    params: { iterations: ITERATIONS, warmup: WARMUP, services: 20, body: '1 KiB', accessLog: 'on, sampled: 50 lines/s (WakeDock listener)' },
    metrics: { wakedock: a, plain: b, wakedockWithoutAccessLog: c, p50Ratio: r, p95Ratio: ratio(a.p95, b.p95), p50RatioWithoutAccessLog: rRoutes },
    targets: [check('awake path p50, WakeDock config / plain reverse_proxy', r, 'ratio', '<=', 1.05), check('awake path p50, WakeDock routes without the access log / plain', rRoutes, 'ratio', '<=', 1.05)],
    notes: [
      'The access log is sampled (the first 50 lines per second, then 1 in 1,000,000; zap drops a sampled-out line before encoding it). Unsampled, Caddy 2.6.2 encoded and wrote every line synchronously: 1.34. One sampled logger per service (isolation) measured 1.17-1.19 with 20 services: every line is matched against every log.',
      'What is left over the routes alone is the access-log machinery Caddy runs for every request while a server logs (response recorder, fields), sampled or not.',
      'Same Caddy process, same upstream, interleaved.',
      'Wake overhead, 100 sleeping services and a burst of 10: suite wake-cold.',
    ],
    summary: [`| awake path p50 (WakeDock / plain Caddy) | ${a.median} ms / ${b.median} ms | **${r}** |`, `| routes only (no access log) / plain | ${c.median} ms / ${b.median} ms | ${rRoutes} |`, `| awake path p95 | ${a.p95} ms / ${b.p95} ms | ${ratio(a.p95, b.p95)} |`],
  };
}

export const wakeSuite: Suite = { name: 'wake', title: 'Wake on demand: the awake path through Caddy', timeLimitMs: 3 * 60_000, run };
