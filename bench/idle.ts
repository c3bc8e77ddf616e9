// Suite `idle`: what `wakedock serve` costs while nothing happens. The real CLI (out/main/serve.js)
// against the bench engine with 500 containers (50 running): resident memory after start-up and
// with one browser client connected, and CPU time (utime + stime) over quiet windows — no client,
// one client, and one client with stats history switched off (history streams the stats of every
// running container by default, which is work even when nobody looks). The engine's own CPU
// (dockerd + its containerd) over the same windows shows what WakeDock makes the engine do.
import { setTimeout as sleep } from 'node:timers/promises';
import { RpcClient } from '../src-main/contract';
import { launchBrowser, openApp, startServe } from '../tests/e2e/support/harness';
import { engineApi } from '../tests/support/docker-fixtures';
import { openWsPort } from '../tests/support/rpc-harness';
import { cpuTimeMs, statusMiB, threads } from './lib/proc';
import { round } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const CONTAINERS = 500;
const SETTLE_MS = 5_000;
const WINDOW_MS = 20_000;

interface Window {
  cpuMs: number;
  wallMs: number;
  percentOfOneCore: number;
  /** dockerd + containerd over the same window (null when their pids are unknown). */
  engineCpuMs: number | null;
  enginePercentOfOneCore: number | null;
}

function sumCpu(pids: number[]): number {
  let t = 0;
  for (const p of pids) {
    try {
      t += cpuTimeMs(p);
    } catch {
      // exited meanwhile
    }
  }
  return t;
}

async function cpuWindow(pid: number, enginePids: number[], ms: number): Promise<Window> {
  const c0 = cpuTimeMs(pid);
  const e0 = sumCpu(enginePids);
  const w0 = Date.now();
  await sleep(ms);
  const cpuMs = cpuTimeMs(pid) - c0;
  const engineMs = sumCpu(enginePids) - e0;
  const wallMs = Date.now() - w0;
  const pct = (v: number): number => round((v / wallMs) * 100, 3);
  return {
    cpuMs: round(cpuMs),
    wallMs,
    percentOfOneCore: pct(cpuMs),
    engineCpuMs: enginePids.length ? round(engineMs) : null,
    enginePercentOfOneCore: enginePids.length ? pct(engineMs) : null,
  };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log } = ctx;
  await engine.ensure(CONTAINERS);
  const total = await engine.total();
  const running = (JSON.parse((await engineApi('GET', '/containers/json', { socket: engine.socket })).body) as unknown[]).length;
  const enginePids = engine.enginePids();

  const serve = await startServe({ env: { DOCKER_HOST: engine.url } });
  cleanup.push('stop wakedock serve (idle)', () => serve.stop());
  const pid = serve.proc.pid;
  if (!pid) throw new Error('wakedock serve has no pid');
  const startupCpuMs = cpuTimeMs(pid);

  log(`idle: serve pid ${pid}; settling ${SETTLE_MS / 1000} s, then a ${WINDOW_MS / 1000} s quiet window without clients`);
  await sleep(SETTLE_MS);
  const rssStartup = statusMiB(pid, 'VmRSS');
  const noClient = await cpuWindow(pid, enginePids, WINDOW_MS);

  const browser = await launchBrowser();
  cleanup.push('close Chromium (idle)', () => browser.close());
  const page = await openApp(browser, serve);
  await page.locator('[data-testid="container-row"]').first().waitFor({ timeout: 20_000 });
  log(`idle: one browser client connected; settling ${SETTLE_MS / 1000} s, then a ${WINDOW_MS / 1000} s quiet window`);
  await sleep(SETTLE_MS);
  const rssClient = statusMiB(pid, 'VmRSS');
  const withClient = await cpuWindow(pid, enginePids, WINDOW_MS);

  // Stats history off (a setting), through the contract as the Settings page would do it.
  const { port, ws } = await openWsPort(`${serve.origin.replace(/^http/, 'ws')}/rpc?token=${encodeURIComponent(serve.token)}`);
  cleanup.push('close the settings WebSocket', () => ws.close());
  await new RpcClient(port).call('settings.update', { statsHistory: false });
  ws.close();
  log(`idle: stats history switched off; settling ${SETTLE_MS / 1000} s (history re-reads settings every 5 s), then a ${WINDOW_MS / 1000} s quiet window`);
  await sleep(SETTLE_MS + 1_000);
  const historyOff = await cpuWindow(pid, enginePids, WINDOW_MS);

  const peak = statusMiB(pid, 'VmHWM');
  const threadCount = threads(pid);
  if (serve.proc.exitCode !== null) throw new Error(`wakedock serve exited during the measurement:\n${serve.output()}`);

  const line = (label: string, w: Window): string =>
    `| ${label} | ${w.cpuMs} ms (${w.percentOfOneCore} %) | ${w.engineCpuMs === null ? 'n/a' : `${w.engineCpuMs} ms (${w.enginePercentOfOneCore} %)`} |`;
  return {
    params: { containers: total, running, settleMs: SETTLE_MS, windowMs: WINDOW_MS, process: 'node out/main/serve.js serve', enginePids },
    metrics: {
      startupCpuMs: round(startupCpuMs),
      rssAfterStartupMiB: round(rssStartup, 1),
      rssWithOneClientMiB: round(rssClient, 1),
      peakRssMiB: round(peak, 1),
      threads: threadCount,
      idleNoClient: noClient,
      idleOneClient: withClient,
      idleOneClientHistoryOff: historyOff,
    },
    targets: [
      check('idle CPU, no client (% of one core)', noClient.percentOfOneCore, '%', '<=', 0.5),
      check('idle CPU, one client (% of one core)', withClient.percentOfOneCore, '%', '<=', 0.5),
      check('idle CPU, one client, stats history off (% of one core)', historyOff.percentOfOneCore, '%', '<=', 0.5),
    ],
    notes: [
      'CPU is utime+stime from /proc/<pid>/stat (clock-tick resolution, 10 ms); the target "~0" is read as at most 0.5 % of one core.',
      `Stats history is on by default: it reads every running container (${running} here) with a one-shot stats request every 30 s (containers someone watches stream at 1 s); that is the idle cost with default settings.`,
      'RSS is VmRSS from /proc/<pid>/status: the Node process with V8 heap, the core and the static UI server.',
    ],
    summary: [
      `\`wakedock serve\` against ${total} containers (${running} running):`,
      '',
      '| figure | value |',
      '|---|---|',
      `| RSS after start-up (+${SETTLE_MS / 1000} s) | ${round(rssStartup, 1)} MiB |`,
      `| RSS with one browser client | ${round(rssClient, 1)} MiB |`,
      `| peak RSS (VmHWM) | ${round(peak, 1)} MiB |`,
      `| CPU used by start-up (until the URL was printed) | ${round(startupCpuMs)} ms |`,
      '',
      `CPU over ${WINDOW_MS / 1000} s quiet windows (% of one core):`,
      '',
      '| window | wakedock serve | engine (dockerd + containerd) |',
      '|---|---|---|',
      line('no client (stats history on, default)', noClient),
      line('one browser client (history on)', withClient),
      line('one browser client, stats history off', historyOff),
    ],
  };
}

export const idleSuite: Suite = { name: 'idle', title: 'wakedock serve at rest: memory and CPU', timeLimitMs: 150_000, run };
