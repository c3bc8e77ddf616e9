// Suite `stats`: what live monitoring costs. 50 running containers on the bench engine;
// `wakedock serve` (the real CLI) streams all their stats through the StatsHub with history
// writing on (its default) and one WebSocket client subscribed to stats.watch for all of them,
// while `docker stats` (the CLI, streaming the same containers) runs over the SAME window. CPU of
// both processes from /proc; target: WakeDock / docker stats ≤ 1.0. Then the core's memory with
// 50 containers and 24 hours of history loaded (the 24 h history of every container queried).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RpcClient, type DerivedSample } from '../src-main/contract';
import type { StatsHistory } from '../src-main/contract/procedures/stats';
import { HistoryStore } from '../src-main/core/stats/history-store';
import { TEST_IMAGE, engineApi } from '../tests/support/docker-fixtures';
import { startServe } from '../tests/e2e/support/harness';
import { openWsPort } from '../tests/support/rpc-harness';
import { BENCH_LABEL, BENCH_PREFIX, pool } from './lib/engine';
import { cpuTimeMs, statusMiB } from './lib/proc';
import { ratio, round } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const RUNNING = 50;
const SETTLE_MS = 5_000;
const WINDOW_MS = 30_000;

async function api(socket: string, method: string, path: string, body?: unknown, ok: number[] = [200, 201, 204, 304]): Promise<string> {
  const r = await engineApi(method, path, { socket, body, timeoutMs: 60_000 });
  if (!ok.includes(r.status)) throw new Error(`engine ${method} ${path} → HTTP ${r.status}: ${r.body.trim()}`);
  return r.body;
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log } = ctx;
  const socket = engine.socket;

  // Exactly RUNNING bench containers run: ours; other running bench containers are stopped.
  const running = JSON.parse(await api(socket, 'GET', '/containers/json')) as { Id: string; Names: string[]; Labels: Record<string, string> }[];
  const others = running.filter((c) => c.Labels[BENCH_LABEL] === '1');
  if (others.length > 0) {
    log(`stats: killing ${others.length} running bench containers of earlier suites so exactly ${RUNNING} run`);
    await engine.kill(others.map((c) => c.Id));
  }
  const tag = Math.random().toString(36).slice(2, 7);
  const ids = await pool(
    Array.from({ length: RUNNING }, (_, i) => i),
    8,
    async (i) => {
      const name = `${BENCH_PREFIX}stats-${tag}-${String(i).padStart(2, '0')}`;
      const labels: Record<string, string> = { [BENCH_LABEL]: '1', ...(i % 5 === 0 ? { 'com.docker.compose.project': `wdbench-stats-${i % 3}` } : {}) };
      // A light, steady load like a real idle service: a short busy loop every second.
      const body = { Image: TEST_IMAGE, Cmd: ['sh', '-c', 'while :; do i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; sleep 1; done'], Labels: labels, HostConfig: { Init: true, NetworkMode: 'bridge' } };
      const res = JSON.parse(await api(socket, 'POST', `/containers/create?name=${encodeURIComponent(name)}`, body)) as { Id: string };
      await api(socket, 'POST', `/containers/${res.Id}/start`);
      return res.Id;
    },
  );
  cleanup.push('remove the stats bench containers', async () => {
    await pool(ids, 8, (id) => api(socket, 'DELETE', `/containers/${id}?force=1&v=1`, undefined, [204, 404, 409]));
  });
  const nowRunning = (JSON.parse(await api(socket, 'GET', '/containers/json')) as unknown[]).length;
  log(`stats: ${nowRunning} containers running on the engine`);

  // 24 hours of history for the 50 containers, written before the core starts (synthetic rows
  // at the real resolutions: 1 s for 10 min, 1 min for 24 h).
  const dataDir = mkdtempSync(join(tmpdir(), 'wdbench-stats-'));
  cleanup.push('remove the stats data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const hist = new HistoryStore(join(dataDir, 'stats.db'), { retentionDays: 7 });
  const sec = Math.floor(Date.now() / 1000);
  hist.raw.transaction(() => {
    const ser = hist.raw.prepare('INSERT INTO series (host, cid, name, project) VALUES (?, ?, ?, NULL)');
    const rows = (table: string, step: number, span: number, sid: number): void => {
      const st = hist.raw.prepare(`INSERT OR REPLACE INTO ${table} (sid, t, cpu, mem, lim, rx, tx, br, bw, pids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (let t = sec - span; t < sec; t += step) st.run(sid, t, 50 + (t % 300), 2_000_000 + (t % 100_000), 8_000_000_000, t % 5000, t % 3000, 0, t % 1000, 3);
    };
    ids.forEach((id, i) => {
      const sid = Number(ser.run('local', id, `${BENCH_PREFIX}stats-${tag}-${String(i).padStart(2, '0')}`).lastInsertRowid);
      rows('s1', 1, 600, sid);
      rows('m1', 60, 86_400, sid);
    });
  })();
  const rowsLoaded = hist.counts();
  hist.close();

  // WDBENCH_PROF=<dir>: write a V8 CPU profile of the core (serve) there.
  const prof = process.env.WDBENCH_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.WDBENCH_PROF}` } : {};
  const serve = await startServe({ env: { DOCKER_HOST: engine.url, ...prof }, dataDir });
  cleanup.push('stop wakedock serve (stats)', () => serve.stop());
  const pid = serve.proc.pid!;
  const { port, ws } = await openWsPort(`${serve.origin.replace(/^http/, 'ws')}/rpc?token=${encodeURIComponent(serve.token)}`);
  cleanup.push('close the WebSocket (stats)', () => ws.close());
  const client = new RpcClient(port);
  // The docker CLI streaming the same containers (all running ones), its output discarded.
  const cli = engine.cli(['stats']);
  const dockerStats = spawn(cli.bin, cli.args, { stdio: ['ignore', 'ignore', 'ignore'] });
  cleanup.push('stop docker stats', async () => {
    if (dockerStats.exitCode === null) dockerStats.kill('SIGTERM');
  });
  log(`stats: serve pid ${pid}, docker stats pid ${dockerStats.pid}; settling ${SETTLE_MS / 1000} s, then ${WINDOW_MS / 1000} s without and ${WINDOW_MS / 1000} s with a client`);
  await sleep(SETTLE_MS);
  const window = async (): Promise<{ coreMs: number; cliMs: number; wallMs: number }> => {
    const c0 = cpuTimeMs(pid);
    const d0 = cpuTimeMs(dockerStats.pid!);
    const w0 = Date.now();
    await sleep(WINDOW_MS);
    return { coreMs: cpuTimeMs(pid) - c0, cliMs: cpuTimeMs(dockerStats.pid!) - d0, wallMs: Date.now() - w0 };
  };
  // A: the core alone (history recording every running container).
  const historyOnly = await window();
  // B: plus one client on stats.watch for all of them (what the dashboard does).
  let batches = 0;
  let samples = 0;
  const seen = new Set<string>();
  client.subscribe('stats.watch', { hostId: 'local' }, {
    next: (b) => {
      batches++;
      samples += (b as DerivedSample[]).length;
      for (const s of b as DerivedSample[]) seen.add(s.id);
    },
    error: (e) => log(`stats.watch error: ${e.message}`),
  });
  await sleep(2000);
  const b0 = batches;
  const s0 = samples;
  const withClient = await window();
  const coreCpuMs = withClient.coreMs;
  const cliCpuMs = withClient.cliMs;
  const wallMs = withClient.wallMs;
  const windowBatches = batches - b0;
  const windowSamples = samples - s0;
  dockerStats.kill('SIGTERM');
  const history5m = (await client.call('stats.history', { hostId: 'local', id: ids[0]!, window: '5m' })) as StatsHistory;

  // Memory with 24 h of history loaded: every container's 24 h series fetched.
  const rssStreaming = statusMiB(pid, 'VmRSS');
  let points = 0;
  const q0 = Date.now();
  for (const id of ids) points += ((await client.call('stats.history', { hostId: 'local', id, window: '24h' })) as StatsHistory).points.length;
  const queryMs = Date.now() - q0;
  const rssLoaded = statusMiB(pid, 'VmRSS');
  const peak = statusMiB(pid, 'VmHWM');
  const r = ratio(coreCpuMs, cliCpuMs);
  const pct = (ms: number): number => round((ms / wallMs) * 100, 2);

  return {
    params: { running: nowRunning, benchContainers: RUNNING, windowMs: WINDOW_MS, settleMs: SETTLE_MS, historyRowsPreloaded: rowsLoaded, baseline: 'docker stats (CLI, streaming all running containers)' },
    metrics: {
      coreCpuMs: round(coreCpuMs),
      corePercentOfOneCore: pct(coreCpuMs),
      dockerStatsCpuMs: round(cliCpuMs),
      dockerStatsPercentOfOneCore: pct(cliCpuMs),
      ratio: r,
      historyOnly: { coreCpuMs: round(historyOnly.coreMs), dockerStatsCpuMs: round(historyOnly.cliMs), ratio: ratio(historyOnly.coreMs, historyOnly.cliMs) },
      batchesInWindow: windowBatches,
      samplesInWindow: windowSamples,
      containersSeen: seen.size,
      live5mPointsOfOne: history5m.points.length,
      rssStreamingMiB: round(rssStreaming, 1),
      rssWith24hLoadedMiB: round(rssLoaded, 1),
      peakRssMiB: round(peak, 1),
      history24hPoints: points,
      history24hQueryAllMs: queryMs,
    },
    targets: [
      check('core CPU / docker stats CPU, same containers, same window (history + one client)', r, 'ratio', '<=', 1.0),
      check('core CPU / docker stats CPU, history recording only', ratio(historyOnly.coreMs, historyOnly.cliMs), 'ratio', '<=', 1.0),
    ],
    notes: [
      'CPU is utime+stime from /proc/<pid>/stat over the same window for both processes (10 ms ticks).',
      'The core streams every running container (history on, its default) and feeds one WebSocket client subscribed to all of them.',
      'The history was preloaded with 24 h of 1-minute rows and 10 min of 1-second rows per container before the core started.',
    ],
    summary: [
      `${nowRunning} running containers, ${WINDOW_MS / 1000} s windows, history writing on; the first rows: one client on stats.watch (all):`,
      '',
      '| figure | value |',
      '|---|---|',
      `| WakeDock core (serve) CPU | ${round(coreCpuMs)} ms (${pct(coreCpuMs)} % of one core) |`,
      `| docker stats CLI CPU | ${round(cliCpuMs)} ms (${pct(cliCpuMs)} % of one core) |`,
      `| ratio core / CLI | ${r} (target ≤ 1.0) |`,
      `| history recording only, no client: core / CLI | ${round(historyOnly.coreMs)} ms / ${round(historyOnly.cliMs)} ms = ${ratio(historyOnly.coreMs, historyOnly.cliMs)} |`,
      `| batches / samples delivered in the window | ${windowBatches} / ${windowSamples} |`,
      `| core RSS while streaming | ${round(rssStreaming, 1)} MiB |`,
      `| core RSS after loading 24 h history of all ${RUNNING} | ${round(rssLoaded, 1)} MiB (peak ${round(peak, 1)} MiB) |`,
      `| 24 h history query, all ${RUNNING} containers | ${queryMs} ms (${points} points) |`,
    ],
  };
}

export const statsSuite: Suite = {
  name: 'stats',
  title: `live stats of ${RUNNING} running containers: WakeDock core vs docker stats (CPU), memory with 24 h of history`,
  timeLimitMs: 4 * 60_000,
  run,
};
