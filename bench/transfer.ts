// Suite `transfer`: push and pull of a ~200 MB image through a loopback registry (Debian's
// docker-registry), WakeDock's images.push / images.pull streams vs `docker push` / `docker pull`,
// measured in the same run on the same engine.
//
// The image: the test image + one layer of 200 MB of random bytes (incompressible, so gzip does not
// shrink it), built on the bench engine. Each round:
//   1. a fresh registry (new storage folder, new port) so the push really uploads every layer;
//   2. push, timed: the core (subscribe → `done`, through the real RpcServer over an in-memory
//      JSON-round-tripping link) or the CLI;
//   3. the image is removed locally (every tag), so the pull really downloads the 200 MB layer;
//   4. pull, timed, by the other method (the base layer is local for both: only the big layer moves);
//   5. the registry is stopped and its folder removed.
// Rounds alternate which method pushes and which pulls, so both methods get the same number of each
// and the machine's load drifts over both alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../src-main/core/create-core';
import { mapEngineError } from '../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../src-main/rpc/dispatcher';
import { TEST_IMAGE, discoveryFor, waitFor } from '../tests/support/docker-fixtures';
import { connectInMemory } from '../tests/support/rpc-harness';
import { timedExec } from './lib/proc';
import { ratio, summarize } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const REGISTRY_BIN = process.env.WAKEDOCK_TEST_REGISTRY_BIN ?? '/usr/bin/docker-registry';
const BLOB_MB = 200;
const ROUNDS = 8;
const MIN_ROUNDS = 4;
const TRANSFER_TIMEOUT_MS = 300_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

interface Registry {
  server: string;
  stop(): Promise<void>;
}

async function startRegistry(): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'wdbench-registry-'));
  const port = await freePort();
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const proc: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('the registry to answer', async () => (await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => null))?.ok, { timeoutMs: 15_000 });
  } catch (e) {
    await stop();
    throw e;
  }
  return { server: `127.0.0.1:${port}`, stop };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log, budget } = ctx;
  if (!existsSync(REGISTRY_BIN)) throw new Error(`${REGISTRY_BIN} is missing (apt-get install docker-registry)`);
  const cli = async (args: string[], timeoutMs = TRANSFER_TIMEOUT_MS): Promise<{ ms: number; stdout: string }> => {
    const c = engine.cli(args);
    return timedExec(c.bin, c.args, timeoutMs);
  };

  // The image: the test image + 200 MB of random bytes in one layer.
  const repo = `wdbench-xfer-${randomBytes(3).toString('hex')}`;
  const local = `${repo}:src`;
  const ctxDir = mkdtempSync(join(tmpdir(), 'wdbench-xfer-ctx-'));
  cleanup.push('remove the transfer bench build folder', () => rmSync(ctxDir, { recursive: true, force: true }));
  mkdirSync(ctxDir, { recursive: true });
  writeFileSync(join(ctxDir, 'blob'), randomBytes(BLOB_MB * 1024 * 1024));
  writeFileSync(join(ctxDir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL wakedock.bench=1\nCOPY blob /blob\n`);
  const t0 = Date.now();
  await cli(['build', '-q', '-t', local, ctxDir], 600_000);
  rmSync(join(ctxDir, 'blob'));
  const size = Number((await cli(['image', 'inspect', '--format', '{{.Size}}', local])).stdout.trim());
  log(`transfer: built ${local} (${(size / 1e6).toFixed(0)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // Every name this suite gives the image, to remove it at the end.
  const names = new Set<string>([local]);
  cleanup.push('remove the transfer bench image', async () => {
    await cli(['rmi', '-f', ...names], 120_000).catch(() => undefined);
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'wdbench-xfer-'));
  cleanup.push('remove the core data dir (transfer)', () => rmSync(dataDir, { recursive: true, force: true }));
  const core = await createCore({ dataDir, mode: 'serve', appVersion: 'bench', logger: silentLogger, discovery: discoveryFor(engine.socket), dockerConfig: { dir: dataDir } });
  cleanup.push('dispose the in-process core (transfer)', () => core.dispose());
  await waitFor('the in-process core to connect', () => core.hosts.get('local').host.state === 'connected', { timeoutMs: 20_000 });
  const server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger });
  const mem = connectInMemory(server);
  cleanup.push('close the in-memory link (transfer)', () => mem.close());

  const coreStream = (proc: 'images.push' | 'images.pull', ref: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      const timer = setTimeout(() => reject(new Error(`${proc} ${ref}: no end after ${TRANSFER_TIMEOUT_MS} ms`)), TRANSFER_TIMEOUT_MS);
      mem.client.subscribe(proc, { hostId: 'local', ref }, {
        next: (e: unknown) => {
          if ((e as { kind: string }).kind === 'done') {
            clearTimeout(timer);
            resolve(performance.now() - t);
          }
        },
        error: (err: unknown) => {
          clearTimeout(timer);
          reject(new Error(`${proc} ${ref}: ${(err as { message?: string }).message ?? String(err)}`));
        },
        end: () => undefined,
      });
    });

  type Method = 'core' | 'cli';
  const push: Record<Method, number[]> = { core: [], cli: [] };
  const pull: Record<Method, number[]> = { core: [], cli: [] };
  let rounds = 0;
  for (let i = 0; i < ROUNDS; i++) {
    if (budget.expired && rounds >= MIN_ROUNDS) break;
    const pusher: Method = i % 2 === 0 ? 'core' : 'cli';
    const puller: Method = pusher === 'core' ? 'cli' : 'core';
    const reg = await startRegistry();
    cleanup.push(`stop the bench registry ${reg.server}`, () => reg.stop());
    try {
      const ref = `${reg.server}/${repo}:r${i}`;
      names.add(ref);
      await cli(['tag', local, ref]);
      push[pusher].push(pusher === 'core' ? await coreStream('images.push', ref) : (await cli(['push', ref])).ms);
      // Gone locally (every name), so the pull downloads the big layer.
      await cli(['rmi', '-f', local, ref], 120_000);
      pull[puller].push(puller === 'core' ? await coreStream('images.pull', ref) : (await cli(['pull', ref])).ms);
      await cli(['tag', ref, local]);
      await cli(['rmi', ref]);
      names.delete(ref);
    } finally {
      await reg.stop();
    }
    rounds++;
    log(`transfer: round ${rounds}: push ${pusher} ${Math.round(push[pusher].at(-1)!)} ms, pull ${puller} ${Math.round(pull[puller].at(-1)!)} ms`);
  }

  const s = {
    pushCore: summarize(push.core),
    pushCli: summarize(push.cli),
    pullCore: summarize(pull.core),
    pullCli: summarize(pull.cli),
  };
  const ratios = { push: ratio(s.pushCore.median, s.pushCli.median), pull: ratio(s.pullCore.median, s.pullCli.median) };
  const mbps = (ms: number): string => ((size / 1e6 / ms) * 1000).toFixed(0);
  return {
    params: { imageBytes: size, randomLayerMB: BLOB_MB, rounds, freshRegistryPerRound: true, interleaved: 'rounds alternate which method pushes and which pulls' },
    metrics: { ...s, ratios },
    targets: [check('images.push / docker push (median)', ratios.push, 'ratio', '<=', 1.1), check('images.pull / docker pull (median)', ratios.pull, 'ratio', '<=', 1.1)],
    notes: [
      'Both methods drive the same engine; the engine moves the bytes. What WakeDock adds is the request, the progress parsing (PullProgress, snapshots at most every 200 ms) and the RPC stream; the CLI adds its own progress rendering. A fresh registry per round makes every push upload every layer; the image is removed before each pull so the 200 MB layer is downloaded (the base layer stays local for both).',
      rounds < ROUNDS ? `stopped after ${rounds} rounds: the suite's time budget ran out` : `${rounds} rounds`,
    ],
    summary: [
      `Image of ${(size / 1e6).toFixed(0)} MB (a ${BLOB_MB} MB random layer), loopback registry, ${rounds} rounds (ms):`,
      '',
      '| method | median | p95 | min | max | MB/s (median) |',
      '|---|---|---|---|---|---|',
      `| core images.push → done | ${s.pushCore.median} | ${s.pushCore.p95} | ${s.pushCore.min} | ${s.pushCore.max} | ${mbps(s.pushCore.median)} |`,
      `| docker push | ${s.pushCli.median} | ${s.pushCli.p95} | ${s.pushCli.min} | ${s.pushCli.max} | ${mbps(s.pushCli.median)} |`,
      `| core images.pull → done | ${s.pullCore.median} | ${s.pullCore.p95} | ${s.pullCore.min} | ${s.pullCore.max} | ${mbps(s.pullCore.median)} |`,
      `| docker pull | ${s.pullCli.median} | ${s.pullCli.p95} | ${s.pullCli.min} | ${s.pullCli.max} | ${mbps(s.pullCli.median)} |`,
      '',
      `Ratios (medians): push core/CLI **${ratios.push}**, pull core/CLI **${ratios.pull}**.`,
    ],
  };
}

export const transferSuite: Suite = { name: 'transfer', title: 'Push and pull of a 200 MB image through a loopback registry vs the docker CLI', timeLimitMs: 540_000, run };
