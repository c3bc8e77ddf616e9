// Suite `project-logs`: a compose project's merged history (logs.followProject, tail all) against
// `docker logs` of the same containers in the same run, and the peak memory of `wakedock serve`.
//
//   core (WebSocket)   logs.followProject {tail:'all'} from an RpcClient over the real WebSocket of a
//                      spawned `wakedock serve`: K engine streams → demux → k-way merge → batches →
//                      JSON → socket → client. Timed from subscribe to 'caught-up' with every line in.
//   docker CLI         `docker logs <id> > /dev/null` for the K containers at once (spawned through sh).
// The containers have printed their lines and exited before timing starts. Methods alternate round by
// round. Peak RSS is VmHWM of the serve process; the figure to compare is the single-container logs
// suite's (~110 MiB): the merge holds a bounded queue per container, not the histories.
import { performance } from 'node:perf_hooks';
import { RpcClient } from '../src-main/contract';
import { TEST_IMAGE, waitFor } from '../tests/support/docker-fixtures';
import { openWsPort } from '../tests/support/rpc-harness';
import { startServe } from '../tests/e2e/support/harness';
import { BENCH_LABEL, BENCH_PREFIX } from './lib/engine';
import { statusMiB, timedExec } from './lib/proc';
import { ratio, round, summarize } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const CONTAINERS = 8;
const LINES = 100_000;
const ROUNDS = 4;
const MIN_ROUNDS = 2;

type Method = 'coreWs' | 'cli';
const LABELS: Record<Method, string> = {
  coreWs: `core logs.followProject over WebSocket (wakedock serve), ${CONTAINERS} containers merged`,
  cli: `docker logs <id> > /dev/null for the ${CONTAINERS} containers at once (spawned)`,
};

function receiveProject(client: RpcClient, project: string, expect: number, onLines: () => void): Promise<{ ms: number; lines: number; ordered: boolean }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let n = 0;
    let lastTs = 0;
    let ordered = true;
    const sub = client.subscribe('logs.followProject', { hostId: 'local', project, tail: 'all' }, {
      next: (d) => {
        const ev = d as { kind: string; lines?: { ts: number }[] };
        if (ev.kind === 'lines' && ev.lines) {
          for (const l of ev.lines) {
            if (l.ts < lastTs) ordered = false;
            lastTs = l.ts;
          }
          n += ev.lines.length;
          onLines();
        }
        if (ev.kind === 'caught-up') {
          const ms = performance.now() - t0;
          client.unsubscribe(sub);
          if (n !== expect) reject(new Error(`logs.followProject delivered ${n} lines, not ${expect}`));
          else resolve({ ms, lines: n, ordered });
        }
      },
      error: (e) => reject(new Error(`logs.followProject failed: ${JSON.stringify(e)}`)),
    });
  });
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log } = ctx;
  const project = `wdbenchproj${Math.random().toString(36).slice(2, 8)}`;
  const ids: string[] = [];
  for (let i = 0; i < CONTAINERS; i++) {
    const name = `${BENCH_PREFIX}plogs-${project}-${i}`;
    const cli = engine.cli(['run', '-d', '--name', name, '--label', `${BENCH_LABEL}=1`, '--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=s${i}`, TEST_IMAGE, 'seq', '1', String(LINES)]);
    ids.push((await timedExec(cli.bin, cli.args)).stdout.trim());
  }
  cleanup.push('remove the project containers', async () => {
    const rm = engine.cli(['rm', '-f', ...ids]);
    await timedExec(rm.bin, rm.args).catch(() => undefined);
  });
  for (const id of ids) {
    const inspect = engine.cli(['inspect', '-f', '{{.State.Status}}', id]);
    await waitFor('the containers to print their lines and exit', async () => (await timedExec(inspect.bin, inspect.args)).stdout.trim() === 'exited', { timeoutMs: 60_000, intervalMs: 200 });
  }

  const serve = await startServe({ env: { DOCKER_HOST: engine.url } });
  cleanup.push('stop wakedock serve (project-logs)', () => serve.stop());
  const pid = serve.proc.pid!;
  const { port, ws } = await openWsPort(`${serve.origin.replace(/^http/, 'ws')}/rpc?token=${encodeURIComponent(serve.token)}`);
  cleanup.push('close the WebSocket (project-logs)', () => ws.close());
  const client = new RpcClient(port);
  await waitFor('wakedock serve to connect', async () => ((await client.call('hosts.list', {})) as { state: string }[])[0]?.state === 'connected', { timeoutMs: 20_000, intervalMs: 200 });
  const rssBefore = statusMiB(pid, 'VmRSS');
  let rssPeakSampled = rssBefore;
  let k = 0;
  const sampleRss = (): void => {
    if (++k % 20 !== 0) return;
    try {
      rssPeakSampled = Math.max(rssPeakSampled, statusMiB(pid, 'VmRSS'));
    } catch {
      /* gone: the run fails elsewhere */
    }
  };

  const bin = engine.cli([]).bin;
  const cliAll = ids.map((id) => `"${bin}" -H ${engine.url} logs ${id} > /dev/null &`).join(' ') + ' wait';
  let unordered = 0;
  const methods: Record<Method, () => Promise<number>> = {
    coreWs: async () => {
      const r = await receiveProject(client, project, CONTAINERS * LINES, sampleRss);
      if (!r.ordered) unordered++;
      return r.ms;
    },
    cli: async () => (await timedExec('sh', ['-c', cliAll], 180_000)).ms,
  };
  const order = Object.keys(methods) as Method[];
  const samples: Record<Method, number[]> = { coreWs: [], cli: [] };
  log(`project-logs: warm-up, then up to ${ROUNDS} rounds over ${CONTAINERS} × ${LINES.toLocaleString('en-US')} lines`);
  for (const m of order) await methods[m]();
  let rounds = 0;
  for (let i = 0; i < ROUNDS; i++) {
    if (ctx.budget.expired && rounds >= MIN_ROUNDS) break;
    for (let j = 0; j < order.length; j++) {
      const m = order[(i + j) % order.length]!;
      samples[m].push(await methods[m]());
    }
    rounds++;
  }
  const peakHwm = statusMiB(pid, 'VmHWM');
  const s = Object.fromEntries(order.map((m) => [m, summarize(samples[m])])) as Record<Method, ReturnType<typeof summarize>>;
  const wsVsCli = ratio(s.coreWs.median, s.cli.median);
  const total = CONTAINERS * LINES;
  const linesPerS = (ms: number): number => Math.round((total / ms) * 1000);
  return {
    params: { containers: CONTAINERS, linesPerContainer: LINES, rounds, methods: LABELS },
    metrics: {
      ...Object.fromEntries(order.map((m) => [m, s[m]])),
      ratios: { coreWsVsCli: wsVsCli },
      linesPerSecond: Object.fromEntries(order.map((m) => [m, linesPerS(s[m].median)])),
      roundsOutOfTimestampOrder: unordered,
      serveRssBeforeMiB: round(rssBefore, 1),
      serveRssPeakSampledMiB: round(rssPeakSampled, 1),
      servePeakRssHwmMiB: round(peakHwm, 1),
    },
    targets: [
      check('core (WebSocket) / docker logs of the same containers, median time for all lines', wsVsCli, 'ratio', '<=', 3),
      // The single-container logs suite's peak (~110 MiB) plus a small constant per container.
      check('peak RSS of wakedock serve (VmHWM)', round(peakHwm, 1), 'MiB', '<=', 110 + 4 * CONTAINERS),
      check('rounds delivered out of timestamp order', unordered, 'rounds', '<=', 0),
    ],
    notes: [
      'docker logs does no merging: it is the floor for reading the same histories; the core also demuxes, merges by timestamp and sends JSON over a socket.',
      'Peak RSS is VmHWM of the spawned serve process over its whole life.',
    ],
    summary: [
      `| method | median | p95 | lines/s |`,
      `|---|---|---|---|`,
      ...order.map((m) => `| ${LABELS[m]} | ${round(s[m].median, 0)} ms | ${round(s[m].p95, 0)} ms | ${linesPerS(s[m].median).toLocaleString('en-US')} |`),
      '',
      `core (WebSocket) / docker logs: **${wsVsCli}**; serve peak RSS ${round(peakHwm, 1)} MiB (target ≤ ${110 + 4 * CONTAINERS}); merged in timestamp order in ${rounds + 1 - unordered}/${rounds + 1} rounds.`,
    ],
  };
}

export const projectLogsSuite: Suite = {
  name: 'project-logs',
  title: `logs.followProject of ${CONTAINERS} × ${LINES.toLocaleString('en-US')} lines vs docker logs; core peak RSS`,
  timeLimitMs: 5 * 60_000,
  run,
};
