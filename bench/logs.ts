// Suite `logs`: how fast a container's whole log reaches a subscriber of the core's log stream,
// against `docker logs <id> > /dev/null` in the same run, and the core's peak memory meanwhile.
//
//   core (WebSocket)   logs.follow {tail:'all'} from an RpcClient over the real WebSocket of a
//                      spawned `wakedock serve` (built output): engine → demux → UTF-8 → batches →
//                      JSON → socket → client. Timed from subscribe to the 200,000th line received.
//   core (in-process)  the same through the real RpcServer + createCore handlers over an in-memory
//                      link that JSON-round-trips every message (what the transport adds, minus a socket).
//   docker CLI         `docker logs <id> > /dev/null` (spawned through sh, so the output goes to
//                      /dev/null as on a terminal, not into a pipe we read).
// The container has printed its lines and exited before timing starts, so every method reads the
// same finished json log from disk. Methods alternate round by round.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RpcClient } from '../src-main/contract';
import { createCore } from '../src-main/core/create-core';
import { mapEngineError } from '../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../src-main/rpc/dispatcher';
import { TEST_IMAGE, discoveryFor, waitFor } from '../tests/support/docker-fixtures';
import { connectInMemory, openWsPort } from '../tests/support/rpc-harness';
import { startServe } from '../tests/e2e/support/harness';
import { BENCH_LABEL, BENCH_PREFIX } from './lib/engine';
import { statusMiB, timedExec } from './lib/proc';
import { ratio, round, summarize } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const LINES = 200_000;
const ROUNDS = 5;
const MIN_ROUNDS = 3;

type Method = 'coreWs' | 'core' | 'cli';
const LABELS: Record<Method, string> = {
  coreWs: 'core logs.follow over WebSocket (wakedock serve)',
  core: 'core logs.follow, RpcServer in-process',
  cli: 'docker logs <id> > /dev/null (spawned)',
};

/** Subscribe and resolve when `expect` lines have arrived (or reject on a stream error). */
function receiveAll(client: RpcClient, id: string, expect: number, onLines?: () => void): Promise<{ ms: number; lines: number; last: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let n = 0;
    let last = '';
    const sub = client.subscribe('logs.follow', { hostId: 'local', id, tail: 'all' }, {
      next: (d) => {
        const ev = d as { kind: string; lines?: { text: string }[] };
        if (ev.kind !== 'lines' || !ev.lines) return;
        n += ev.lines.length;
        last = ev.lines[ev.lines.length - 1]!.text;
        onLines?.();
        if (n >= expect) {
          const ms = performance.now() - t0;
          client.unsubscribe(sub);
          resolve({ ms, lines: n, last });
        }
      },
      error: (e) => reject(new Error(`logs.follow failed: ${JSON.stringify(e)}`)),
    });
  });
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log } = ctx;
  const name = `${BENCH_PREFIX}logs-${Math.random().toString(36).slice(2, 8)}`;
  const cli = engine.cli(['run', '-d', '--name', name, '--label', `${BENCH_LABEL}=1`, TEST_IMAGE, 'seq', '1', String(LINES)]);
  const id = (await timedExec(cli.bin, cli.args)).stdout.trim();
  cleanup.push('remove the logs container', async () => {
    const rm = engine.cli(['rm', '-f', id]);
    await timedExec(rm.bin, rm.args).catch(() => undefined);
  });
  const inspect = engine.cli(['inspect', '-f', '{{.State.Status}}', id]);
  await waitFor('the container to print its lines and exit', async () => (await timedExec(inspect.bin, inspect.args)).stdout.trim() === 'exited', { timeoutMs: 60_000, intervalMs: 200 });

  // The spawned server (its RSS is the core's), and a WebSocket client.
  const serve = await startServe({ env: { DOCKER_HOST: engine.url } });
  cleanup.push('stop wakedock serve (logs)', () => serve.stop());
  const pid = serve.proc.pid!;
  const { port, ws } = await openWsPort(`${serve.origin.replace(/^http/, 'ws')}/rpc?token=${encodeURIComponent(serve.token)}`);
  cleanup.push('close the WebSocket (logs)', () => ws.close());
  const wsClient = new RpcClient(port);
  await waitFor('wakedock serve to connect', async () => ((await wsClient.call('hosts.list', {})) as { state: string }[])[0]?.state === 'connected', { timeoutMs: 20_000, intervalMs: 200 });
  const rssBefore = statusMiB(pid, 'VmRSS');

  // In-process core.
  const dataDir = mkdtempSync(join(tmpdir(), 'wdbench-logs-'));
  cleanup.push('remove the core data dir (logs)', () => rmSync(dataDir, { recursive: true, force: true }));
  const core = await createCore({ dataDir, mode: 'serve', appVersion: 'bench', logger: silentLogger, discovery: discoveryFor(engine.socket) });
  cleanup.push('dispose the in-process core (logs)', () => core.dispose());
  await waitFor('the in-process core to connect', () => core.hosts.get('local').host.state === 'connected', { timeoutMs: 20_000 });
  const mem = connectInMemory(new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger }));
  cleanup.push('close the in-memory link (logs)', () => mem.close());

  let rssPeakSampled = rssBefore;
  const sampleRss = (): void => {
    try {
      rssPeakSampled = Math.max(rssPeakSampled, statusMiB(pid, 'VmRSS'));
    } catch {
      /* the process is gone: the run fails elsewhere */
    }
  };
  const devnull = `"${engine.cli([]).bin}" -H ${engine.url} logs ${id} > /dev/null`;
  const methods: Record<Method, () => Promise<number>> = {
    coreWs: async () => {
      let k = 0;
      const r = await receiveAll(wsClient, id, LINES, () => {
        if (++k % 20 === 0) sampleRss();
      });
      if (r.last !== String(LINES)) throw new Error(`the last line over WebSocket was "${r.last}"`);
      return r.ms;
    },
    core: async () => {
      const r = await receiveAll(mem.client, id, LINES);
      if (r.last !== String(LINES)) throw new Error(`the last line in-process was "${r.last}"`);
      return r.ms;
    },
    cli: async () => (await timedExec('sh', ['-c', devnull], 120_000)).ms,
  };
  const order = Object.keys(methods) as Method[];
  const samples: Record<Method, number[]> = { coreWs: [], core: [], cli: [] };
  log(`logs: warm-up, then up to ${ROUNDS} interleaved rounds over ${LINES.toLocaleString('en-US')} lines`);
  for (const m of order) await methods[m]();
  let rounds = 0;
  for (let i = 0; i < ROUNDS; i++) {
    if (ctx.budget.expired && rounds >= MIN_ROUNDS) break;
    for (let k = 0; k < order.length; k++) {
      const m = order[(i + k) % order.length]!;
      samples[m].push(await methods[m]());
    }
    rounds++;
  }
  const peakHwm = statusMiB(pid, 'VmHWM');
  const s = Object.fromEntries(order.map((m) => [m, summarize(samples[m])])) as Record<Method, ReturnType<typeof summarize>>;
  const wsVsCli = ratio(s.coreWs.median, s.cli.median);
  const coreVsCli = ratio(s.core.median, s.cli.median);
  const linesPerS = (ms: number): number => Math.round((LINES / ms) * 1000);
  return {
    params: { lines: LINES, rounds, methods: LABELS },
    metrics: {
      ...Object.fromEntries(order.map((m) => [m, s[m]])),
      ratios: { coreWsVsCli: wsVsCli, coreInProcessVsCli: coreVsCli },
      linesPerSecond: Object.fromEntries(order.map((m) => [m, linesPerS(s[m].median)])),
      serveRssBeforeMiB: round(rssBefore, 1),
      serveRssPeakSampledMiB: round(rssPeakSampled, 1),
      servePeakRssHwmMiB: round(peakHwm, 1),
    },
    targets: [check('core (WebSocket) / docker logs, median time for all lines', wsVsCli, 'ratio', '<=', 1.5), check('peak RSS of wakedock serve (VmHWM)', round(peakHwm, 1), 'MiB', '<=', 200)],
    notes: [
      'Each round reads the same finished json-file log; methods alternate so engine caching helps none of them more.',
      'Peak RSS is VmHWM of the spawned serve process over its whole life (start-up, the warm-up and every WebSocket round).',
    ],
    summary: [
      `| method | median | p95 | lines/s |`,
      `|---|---|---|---|`,
      ...order.map((m) => `| ${LABELS[m]} | ${round(s[m].median, 0)} ms | ${round(s[m].p95, 0)} ms | ${linesPerS(s[m].median).toLocaleString('en-US')} |`),
      '',
      `core (WebSocket) / docker logs: **${wsVsCli}** (target ≤ 1.5); in-process / docker logs: ${coreVsCli}; serve peak RSS ${round(peakHwm, 1)} MiB (target < 200).`,
    ],
  };
}

export const logsSuite: Suite = { name: 'logs', title: `logs.follow of ${LINES.toLocaleString('en-US')} lines vs docker logs; core peak RSS`, timeLimitMs: 4 * 60_000, run };
