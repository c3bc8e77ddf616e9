// Suite `wake`: the awake path. While a service is awake its traffic goes Caddy → container, not
// through Node, so WakeDock's config must add nothing: the same GET through WakeDock's server (its
// host route, with the status route before it and the error routes behind it) against a plain Caddy
// `reverse_proxy` server to the same upstream, in the same Caddy process, interleaved request by
// request over keep-alive connections. Figure: p50 ratio (target <= 1.05). The access log is sampled
// (caddy-config.ts ACCESS_LOG_SAMPLING).
// The cold path (wake overhead, 100 sleeping services, a burst of 10) is the `wake-cold` suite.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ACTIVITY_WINDOW_MS, buildConfig } from '../src-main/core/caddy/caddy-config';
import { ADMIN_ORIGIN, CaddySupervisor, findCaddy } from '../src-main/core/caddy/caddy-supervisor';
import { silentLogger } from '../src-main/contract/handlers';
import { freePort } from '../tests/support/docker-fixtures';
import { percentile, ratio, round, summarize } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const WARMUP = 200;
const IGNORE = { user_agents: ['Uptime-Kuma', 'Googlebot'], paths: ['/health'] };
const ITERATIONS = 3000;
/** What a browser sends (the ignore rules' user-agent pattern runs on it). */
const BROWSER = {
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Accept-Language': 'en-US,en;q=0.9',
};

function get(agent: Agent, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    // Host as a browser sends it for a non-default port.
    const r = request({ host: '127.0.0.1', port, path: '/', agent, headers: { Host: `${host}:${port}`, ...BROWSER } }, (res) => {
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
  const ourPort = await freePort();
  const plainPort = await freePort();
  const sup = new CaddySupervisor({ dir: join(dir, 'caddy'), logger: silentLogger });
  cleanup.push('caddy', () => sup.dispose());
  const config = buildConfig({
    adminListen: sup.adminListen,
    adminOrigin: ADMIN_ORIGIN,
    listen: `127.0.0.1:${ourPort}`,
    waker: '127.0.0.1:9',
    services: Array.from({ length: 20 }, (_, i) => ({ name: `svc${i}`, hosts: [`svc${i}.localhost`], upstream: i === 7 ? `127.0.0.1:${upPort}` : `127.0.0.1:${20000 + i}` })),
  });
  // The same services, each with ignore rules (ids stripped: Caddy indexes @id globally).
  const ignoringPort = await freePort();
  const withIgnore = buildConfig({
    adminListen: sup.adminListen,
    adminOrigin: ADMIN_ORIGIN,
    listen: `127.0.0.1:${ignoringPort}`,
    waker: '127.0.0.1:9',
    services: Array.from({ length: 20 }, (_, i) => ({ name: `svc${i}`, hosts: [`svc${i}.localhost`], upstream: i === 7 ? `127.0.0.1:${upPort}` : `127.0.0.1:${20000 + i}`, ignore: IGNORE })),
  });
  const servers = (config.apps as { http: { servers: Record<string, unknown> } }).http.servers;
  // The same WakeDock server without the activity count (its routes alone; ids stripped: Caddy indexes
  // @id globally; the count's passive check removed).
  const noLogPort = await freePort();
  servers.nolog = JSON.parse(
    JSON.stringify({ ...(servers.wakedock as Record<string, unknown>), listen: [`127.0.0.1:${noLogPort}`] })
      .replace(/"@id":"[^"]*",?/g, '')
      .replace(/,?"health_checks":\{"passive":\{[^}]*\}\}/g, ''),
  );
  if (JSON.stringify(servers.nolog).includes('"passive"')) throw new Error('the routes-only server still counts');
  servers.ignoring = JSON.parse(JSON.stringify((withIgnore.apps as { http: { servers: Record<string, unknown> } }).http.servers.wakedock).replace(/"@id":"[^"]*",?/g, ''));
  servers.plain = { listen: [`127.0.0.1:${plainPort}`], automatic_https: { disable: true }, routes: [{ handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${upPort}` }] }] }] };
  await sup.start(config);
  log(`caddy running: WakeDock server on ${ourPort} (20 services), plain server on ${plainPort}`);
  const caddyRss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${sup.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

  const agentA = new Agent({ keepAlive: true, maxSockets: 1 });
  const agentB = new Agent({ keepAlive: true, maxSockets: 1 });
  const agentC = new Agent({ keepAlive: true, maxSockets: 1 });
  const agentD = new Agent({ keepAlive: true, maxSockets: 1 });
  cleanup.push('agents', () => {
    agentA.destroy();
    agentB.destroy();
    agentC.destroy();
    agentD.destroy();
  });
  for (let i = 0; i < WARMUP; i++) {
    await get(agentA, ourPort, 'svc7.localhost');
    await get(agentB, plainPort, 'svc7.localhost');
    await get(agentC, noLogPort, 'svc7.localhost');
    await get(agentD, ignoringPort, 'svc7.localhost');
  }
  const ours: number[] = [];
  const plain: number[] = [];
  const nolog: number[] = [];
  const ignoring: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const order = [
      async () => ours.push(await get(agentA, ourPort, 'svc7.localhost')),
      async () => plain.push(await get(agentB, plainPort, 'svc7.localhost')),
      async () => nolog.push(await get(agentC, noLogPort, 'svc7.localhost')),
      async () => ignoring.push(await get(agentD, ignoringPort, 'svc7.localhost')),
    ];
    for (let k = 0; k < order.length; k++) await order[(i + k) % order.length]!();
  }
  const a = summarize(ours);
  const b = summarize(plain);
  const c = summarize(nolog);
  // Ratios of the raw medians (the summaries round to 0.01 ms, ~3 % of a 0.3 ms median).
  const r = ratio(percentile(ours, 50), percentile(plain, 50));
  const rRoutes = ratio(percentile(nolog, 50), percentile(plain, 50));
  const d = summarize(ignoring);
  const rIgnore = ratio(percentile(ignoring, 50), percentile(plain, 50));
  log(`awake path p50 ${a.median} ms vs plain ${b.median} ms → ${r}; routes without the activity count ${c.median} ms → ${rRoutes}; with ignore rules ${d.median} ms → ${rIgnore}`);

  // Memory: Caddy keeps one sleeping goroutine per counted request for ACTIVITY_WINDOW_MS. 8 keep-alive
  // clients as fast as they go for 2 windows, to the WakeDock server, then to the routes-only one.
  const burst = async (p: number): Promise<{ rate: number; rssPeakMiB: number; rssBeforeMiB: number }> => {
    const rssBefore = caddyRss();
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    let n = 0;
    let peak = rssBefore;
    const end = performance.now() + 2 * ACTIVITY_WINDOW_MS;
    const iv = setInterval(() => (peak = Math.max(peak, caddyRss())), 100);
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (performance.now() < end) {
        await get(agent, p, 'svc7.localhost');
        n++;
      }
    }));
    clearInterval(iv);
    agent.destroy();
    return { rate: Math.round(n / ((2 * ACTIVITY_WINDOW_MS) / 1000)), rssPeakMiB: round(Math.max(peak, caddyRss()), 1), rssBeforeMiB: round(rssBefore, 1) };
  };
  const memRoutes = await burst(noLogPort);
  const memOurs = await burst(ourPort);
  // Routes-only first: what the ours burst adds over its peak is the count's (Go reuses the heap).
  const perThousand = round(((memOurs.rssPeakMiB - memRoutes.rssPeakMiB) / memOurs.rate) * 1000, 1);
  log(`caddy RSS under load: routes only ${memRoutes.rssBeforeMiB} → ${memRoutes.rssPeakMiB} MiB at ${memRoutes.rate} req/s; counted ${memOurs.rssBeforeMiB} → ${memOurs.rssPeakMiB} MiB at ${memOurs.rate} req/s (~${perThousand} MiB per 1,000 req/s)`);
  return {
    params: { iterations: ITERATIONS, warmup: WARMUP, services: 20, body: '1 KiB', activity: `counted by Caddy per upstream (passive check, ${ACTIVITY_WINDOW_MS} ms window), no access log`, ignoreRules: 'fourth server: user agents Uptime-Kuma, Googlebot; path /health', client: 'browser headers' },
    metrics: { wakedock: a, plain: b, wakedockWithoutActivityCount: c, p50Ratio: r, p95Ratio: ratio(percentile(ours, 95), percentile(plain, 95)), p50RatioRoutesOnly: rRoutes, wakedockWithIgnoreRules: d, p50RatioWithIgnoreRules: rIgnore, caddyMemoryRoutesOnly: memRoutes, caddyMemoryCounted: memOurs, caddyMiBPer1000ReqPerS: perThousand },
    targets: [check('awake path p50, WakeDock config / plain reverse_proxy', r, 'ratio', '<=', 1.05), check('awake path p50, WakeDock routes without the activity count / plain', rRoutes, 'ratio', '<=', 1.05)],
    notes: [
      'Activity is counted by Caddy: a passive health check on each service route counts every answered request and forgets it after the window (max_fails so high the upstream is never marked down); WakeDock polls /reverse_proxy/upstreams every second while a service is awake. No access log: in 2.6.2 its machinery (response recorder, the request encoded into every log core, the deferred entry) ran for every request even when sampled: 1.06-1.09 (every line: 1.34; a sampled logger per service: 1.17-1.19).',
      'The cost moved to memory: Caddy keeps a sleeping goroutine per counted request for the window (caddyMemory*: RSS before and peak during 8 keep-alive clients for two windows).',
      'Same Caddy process, same upstream, interleaved; ratios of the raw medians.',
      'Ignore rules put a subroute in the service route (the monitor/health requests take the same proxy without the count); Caddy 2.6.2 runs its per-handler metrics for each handler level, which that costs. As separate top-level routes the user-agent pattern ran for every service on every request (1.27).',
      'Wake overhead, 100 sleeping services and a burst of 10: suite wake-cold.',
    ],
    summary: [
      `| awake path p50 (WakeDock / plain Caddy) | ${a.median} ms / ${b.median} ms | **${r}** |`,
      `| routes only (no activity count) / plain | ${c.median} ms / ${b.median} ms | ${rRoutes} |`,
      `| services with ignore rules (subroute) / plain | ${d.median} ms / ${b.median} ms | ${rIgnore} |`,
      `| awake path p95 | ${a.p95} ms / ${b.p95} ms | ${ratio(percentile(ours, 95), percentile(plain, 95))} |`,
      `| Caddy RSS, 8 clients for ${(2 * ACTIVITY_WINDOW_MS) / 1000} s | routes only ${memRoutes.rssBeforeMiB} → ${memRoutes.rssPeakMiB} MiB (${memRoutes.rate} req/s); counted ${memOurs.rssBeforeMiB} → ${memOurs.rssPeakMiB} MiB (${memOurs.rate} req/s) | ~${perThousand} MiB per 1,000 req/s |`,
    ],
  };
}

export const wakeSuite: Suite = { name: 'wake', title: 'Wake on demand: the awake path through Caddy', timeLimitMs: 3 * 60_000, run };
