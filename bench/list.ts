// Suite `list`: what listing 500 containers costs through WakeDock, against the docker CLI and the
// raw engine API, measured interleaved in the same run so the engine's own speed cancels out.
//
//   core (in-process)  the real RpcServer + createCore handlers, reached through an in-memory
//                      transport that JSON-round-trips every message (what a UI call costs minus
//                      the socket): request → dockerode → engine → mapping → response.
//   core (WebSocket)   the same call from an RpcClient over the real WebSocket of a spawned
//                      `wakedock serve` (built output).
//   docker CLI         `docker ps -a --format '{{json .}}'`, spawned.
//   raw API (curl)     `curl --unix-socket … /containers/json?all=1`, spawned.
//   raw API (node)     one node:http request to the socket + JSON.parse, in this process: the floor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RpcClient } from '../src-main/contract';
import { createCore } from '../src-main/core/create-core';
import { mapEngineError } from '../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../src-main/rpc/dispatcher';
import { discoveryFor, engineApi, waitFor } from '../tests/support/docker-fixtures';
import { connectInMemory, openWsPort } from '../tests/support/rpc-harness';
import { startServe } from '../tests/e2e/support/harness';
import { timedExec } from './lib/proc';
import { percentile, ratio, summarize } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const CONTAINERS = 500;
const WARMUP = 3;
const ITERATIONS = 40;
const MIN_ITERATIONS = 20;

type Method = 'core' | 'coreWs' | 'cli' | 'curl' | 'node';

const LABELS: Record<Method, string> = {
  core: 'core containers.list (RpcServer, in-process)',
  coreWs: 'core containers.list (WebSocket to wakedock serve)',
  cli: "docker ps -a --format '{{json .}}' (spawned)",
  curl: 'curl --unix-socket /containers/json?all=1 (spawned)',
  node: 'raw API, node:http + JSON.parse (in-process)',
};

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log } = ctx;
  await engine.ensure(CONTAINERS);
  const total = await engine.total();

  // In-process core: the handlers of createCore behind the real RpcServer.
  const dataDir = mkdtempSync(join(tmpdir(), 'wdbench-core-'));
  cleanup.push('remove the core data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const core = await createCore({ dataDir, mode: 'serve', appVersion: 'bench', logger: silentLogger, discovery: discoveryFor(engine.socket) });
  cleanup.push('dispose the in-process core', () => core.dispose());
  await waitFor('the in-process core to connect', () => core.hosts.get('local').host.state === 'connected', { timeoutMs: 20_000 });
  const server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger });
  const mem = connectInMemory(server);
  cleanup.push('close the in-memory link', () => mem.close());

  // The real server process, called over its WebSocket.
  const serve = await startServe({ env: { DOCKER_HOST: engine.url } });
  cleanup.push('stop wakedock serve (list)', () => serve.stop());
  const { port, ws } = await openWsPort(`${serve.origin.replace(/^http/, 'ws')}/rpc?token=${encodeURIComponent(serve.token)}`);
  cleanup.push('close the WebSocket', () => ws.close());
  const wsClient = new RpcClient(port);
  await waitFor(
    'wakedock serve to connect to the engine',
    async () => ((await wsClient.call('hosts.list', {})) as { state: string }[])[0]?.state === 'connected',
    { timeoutMs: 20_000, intervalMs: 200 },
  );

  const cli = engine.cli(['ps', '-a', '--format', '{{json .}}']);
  const methods: Record<Method, () => Promise<{ ms: number; count: number }>> = {
    core: async () => {
      const t0 = performance.now();
      const list = (await mem.client.call('containers.list', { hostId: 'local' })) as unknown[];
      return { ms: performance.now() - t0, count: list.length };
    },
    coreWs: async () => {
      const t0 = performance.now();
      const list = (await wsClient.call('containers.list', { hostId: 'local' })) as unknown[];
      return { ms: performance.now() - t0, count: list.length };
    },
    cli: async () => {
      const r = await timedExec(cli.bin, cli.args);
      return { ms: r.ms, count: r.stdout.trim().split('\n').filter(Boolean).length };
    },
    curl: async () => {
      const r = await timedExec('curl', ['-sS', '--fail', '--unix-socket', engine.socket, 'http://localhost/containers/json?all=1']);
      return { ms: r.ms, count: (JSON.parse(r.stdout) as unknown[]).length };
    },
    node: async () => {
      const t0 = performance.now();
      const r = await engineApi('GET', '/containers/json?all=1', { socket: engine.socket });
      const list = JSON.parse(r.body) as unknown[];
      return { ms: performance.now() - t0, count: list.length };
    },
  };
  const order = Object.keys(methods) as Method[];
  const samples: Record<Method, number[]> = { core: [], coreWs: [], cli: [], curl: [], node: [] };

  const once = async (m: Method): Promise<number> => {
    const r = await methods[m]();
    // A list that came back short would make the timing meaningless. (On a shared engine other
    // people's containers come and go, so only the bench's own count is a hard floor there.)
    const floor = engine.kind === 'private' ? total : engine.containers.length;
    if (r.count < floor) throw new Error(`${LABELS[m]} returned ${r.count} containers, expected at least ${floor}`);
    return r.ms;
  };

  log(`list: warm-up (${WARMUP} rounds), then ${ITERATIONS} interleaved rounds over ${total} containers`);
  for (let i = 0; i < WARMUP; i++) for (const m of order) await once(m);
  let rounds = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    if (ctx.budget.expired && rounds >= MIN_ITERATIONS) break;
    // Rotate the order each round: no method always runs right after the CLI's process churn.
    for (let k = 0; k < order.length; k++) {
      const m = order[(i + k) % order.length]!;
      samples[m].push(await once(m));
    }
    rounds++;
  }

  const paired = (a: Method, b: Method): number[] => samples[a].map((v, i) => v / samples[b][i]!);
  const s = Object.fromEntries(order.map((m) => [m, summarize(samples[m])])) as Record<Method, ReturnType<typeof summarize>>;
  const ratios = {
    coreVsCli: ratio(s.core.median, s.cli.median),
    coreVsCurl: ratio(s.core.median, s.curl.median),
    coreVsNode: ratio(s.core.median, s.node.median),
    coreWsVsCli: ratio(s.coreWs.median, s.cli.median),
    coreWsVsCurl: ratio(s.coreWs.median, s.curl.median),
    coreP95VsCliP95: ratio(s.core.p95, s.cli.p95),
    coreP95VsCurlP95: ratio(s.core.p95, s.curl.p95),
    // Same-round pairs: less sensitive to load drifting during the run (other work on the machine).
    pairedMedianCoreVsCli: ratio(percentile(paired('core', 'cli'), 50), 1),
    pairedMedianCoreVsCurl: ratio(percentile(paired('core', 'curl'), 50), 1),
  };

  const notes: string[] = [];
  if (rounds < ITERATIONS) notes.push(`stopped after ${rounds} rounds: the suite's time budget ran out`);
  notes.push(`Median of same-round ratios: core/CLI ${ratios.pairedMedianCoreVsCli}, core/curl ${ratios.pairedMedianCoreVsCurl}.`);
  notes.push('Ratios are of medians; the p95 ratios are in the JSON. Spawned baselines include process start-up, which is what a script or a UI that shells out pays.');

  const row = (m: Method) => `| ${LABELS[m]} | ${s[m].median} | ${s[m].p95} | ${s[m].min} | ${s[m].max} |`;
  return {
    params: { containers: total, warmup: WARMUP, iterations: rounds, interleaved: true, methods: LABELS },
    metrics: { ...s, ratios },
    targets: [
      check('core / docker CLI (median)', ratios.coreVsCli, 'ratio', '<=', 1.0),
      check('core / raw API via curl (median)', ratios.coreVsCurl, 'ratio', '<=', 1.5),
    ],
    notes,
    summary: [
      `${total} containers, ${rounds} interleaved rounds after ${WARMUP} warm-up rounds (ms):`,
      '',
      '| method | median | p95 | min | max |',
      '|---|---|---|---|---|',
      ...order.map(row),
      '',
      `Ratios (medians): core/CLI **${ratios.coreVsCli}**, core/curl **${ratios.coreVsCurl}**, core/node-http ${ratios.coreVsNode}; over WebSocket: core/CLI ${ratios.coreWsVsCli}, core/curl ${ratios.coreWsVsCurl}.`,
    ],
  };
}

export const listSuite: Suite = { name: 'list', title: 'containers.list with 500 containers vs docker CLI and raw API', timeLimitMs: 180_000, run };
