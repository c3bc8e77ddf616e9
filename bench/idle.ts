// Suite `idle`: what `wakedock serve` costs while nothing happens. The real CLI (out/main/serve.js)
// against the bench engine with 500 containers: resident memory after start-up and with one browser
// client connected, and CPU time (utime + stime) over quiet windows, without and with the client.
import { setTimeout as sleep } from 'node:timers/promises';
import { launchBrowser, openApp, startServe } from '../tests/e2e/support/harness';
import { cpuTimeMs, statusMiB, threads } from './lib/proc';
import { round } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const CONTAINERS = 500;
const SETTLE_MS = 5_000;
const WINDOW_MS = 20_000;

async function cpuWindow(pid: number, ms: number): Promise<{ cpuMs: number; wallMs: number; percentOfOneCore: number }> {
  const c0 = cpuTimeMs(pid);
  const w0 = Date.now();
  await sleep(ms);
  const cpuMs = cpuTimeMs(pid) - c0;
  const wallMs = Date.now() - w0;
  return { cpuMs: round(cpuMs), wallMs, percentOfOneCore: round((cpuMs / wallMs) * 100, 3) };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log } = ctx;
  await engine.ensure(CONTAINERS);
  const total = await engine.total();

  const serve = await startServe({ env: { DOCKER_HOST: engine.url } });
  cleanup.push('stop wakedock serve (idle)', () => serve.stop());
  const pid = serve.proc.pid;
  if (!pid) throw new Error('wakedock serve has no pid');
  const startupCpuMs = cpuTimeMs(pid);

  log(`idle: serve pid ${pid}; settling ${SETTLE_MS / 1000} s, then a ${WINDOW_MS / 1000} s quiet window without clients`);
  await sleep(SETTLE_MS);
  const rssStartup = statusMiB(pid, 'VmRSS');
  const noClient = await cpuWindow(pid, WINDOW_MS);

  const browser = await launchBrowser();
  cleanup.push('close Chromium (idle)', () => browser.close());
  const page = await openApp(browser, serve);
  await page.locator('[data-testid="container-row"]').first().waitFor({ timeout: 20_000 });
  log(`idle: one browser client connected; settling ${SETTLE_MS / 1000} s, then a ${WINDOW_MS / 1000} s quiet window`);
  await sleep(SETTLE_MS);
  const rssClient = statusMiB(pid, 'VmRSS');
  const withClient = await cpuWindow(pid, WINDOW_MS);
  const peak = statusMiB(pid, 'VmHWM');
  const threadCount = threads(pid);
  if (serve.proc.exitCode !== null) throw new Error(`wakedock serve exited during the measurement:\n${serve.output()}`);

  return {
    params: { containers: total, settleMs: SETTLE_MS, windowMs: WINDOW_MS, process: 'node out/main/serve.js serve' },
    metrics: {
      startupCpuMs: round(startupCpuMs),
      rssAfterStartupMiB: round(rssStartup, 1),
      rssWithOneClientMiB: round(rssClient, 1),
      peakRssMiB: round(peak, 1),
      threads: threadCount,
      idleNoClient: noClient,
      idleOneClient: withClient,
    },
    targets: [
      check('idle CPU, no client (% of one core)', noClient.percentOfOneCore, '%', '<=', 0.5),
      check('idle CPU, one client (% of one core)', withClient.percentOfOneCore, '%', '<=', 0.5),
    ],
    notes: [
      'CPU is utime+stime from /proc/<pid>/stat (clock-tick resolution, 10 ms); the target "~0" is read as at most 0.5 % of one core.',
      'RSS is VmRSS from /proc/<pid>/status: the Node process with V8 heap, the core and the static UI server.',
    ],
    summary: [
      `\`wakedock serve\` against ${total} containers:`,
      '',
      '| figure | value |',
      '|---|---|',
      `| RSS after start-up (+${SETTLE_MS / 1000} s) | ${round(rssStartup, 1)} MiB |`,
      `| RSS with one browser client | ${round(rssClient, 1)} MiB |`,
      `| peak RSS (VmHWM) | ${round(peak, 1)} MiB |`,
      `| CPU over ${WINDOW_MS / 1000} s idle, no client | ${noClient.cpuMs} ms (${noClient.percentOfOneCore} % of one core) |`,
      `| CPU over ${WINDOW_MS / 1000} s idle, one client | ${withClient.cpuMs} ms (${withClient.percentOfOneCore} % of one core) |`,
      `| CPU used by start-up (until the URL was printed) | ${round(startupCpuMs)} ms |`,
    ],
  };
}

export const idleSuite: Suite = { name: 'idle', title: 'wakedock serve at rest: memory and CPU', timeLimitMs: 120_000, run };
