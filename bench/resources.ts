// Suite `resources`: the Images page's list with 300 images and the Volumes page's list with 300
// volumes, through WakeDock, against the docker CLI and the raw API, interleaved in the same run.
//
//   core images.watch / volumes.watch   the real RpcServer + createCore handlers over an in-memory
//       transport that JSON-round-trips every message: subscribe → first snapshot (what the page
//       waits for; it includes which containers use each image/volume) → unsubscribe.
//   docker CLI   `docker images --format '{{json .}}'` / `docker volume ls --format '{{json .}}'`.
//   raw API (curl)   /images/json, /volumes.
// Everything the suite creates (300 images committed from one container, 300 volumes, the
// container) is removed at the end, also when it fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../src-main/core/create-core';
import { mapEngineError } from '../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../src-main/rpc/dispatcher';
import { TEST_IMAGE, discoveryFor, engineApi, waitFor } from '../tests/support/docker-fixtures';
import { connectInMemory } from '../tests/support/rpc-harness';
import { pool } from './lib/engine';
import { timedExec } from './lib/proc';
import { ratio, summarize } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const N = 300;
const WARMUP = 3;
const ITERATIONS = 30;
const MIN_ITERATIONS = 12;
const REPO = 'wdbench-img';
const VOL = 'wdbench-vol-';

async function api(socket: string, method: string, path: string, body?: unknown): Promise<string> {
  const r = await engineApi(method, path, { socket, body, timeoutMs: 60_000 });
  if (r.status >= 300 && r.status !== 304) throw new Error(`engine ${method} ${path} → HTTP ${r.status}: ${r.body.trim()}`);
  return r.body;
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log, budget } = ctx;
  const socket = engine.socket;

  // 300 distinct images: commits of one stopped container, each with its own label (own id).
  const base = JSON.parse(await api(socket, 'POST', `/containers/create?name=wdbench-res-${Date.now()}`, { Image: TEST_IMAGE, Cmd: ['true'], Labels: { 'wakedock.bench': '1' } })) as { Id: string };
  cleanup.push('remove the resources bench images, volumes and container', async () => {
    const imgs = JSON.parse(await api(socket, 'GET', `/images/json?filters=${encodeURIComponent(JSON.stringify({ reference: [`${REPO}`] }))}`)) as { Id: string }[];
    await pool(imgs, 4, (i) => api(socket, 'DELETE', `/images/${i.Id}?force=1`).catch(() => ''));
    const vols = (JSON.parse(await api(socket, 'GET', `/volumes?filters=${encodeURIComponent(JSON.stringify({ name: [VOL] }))}`)) as { Volumes: { Name: string }[] | null }).Volumes ?? [];
    await pool(vols.filter((v) => v.Name.startsWith(VOL)), 4, (v) => api(socket, 'DELETE', `/volumes/${v.Name}`).catch(() => ''));
    await api(socket, 'DELETE', `/containers/${base.Id}?force=1`).catch(() => '');
  });
  const t0 = Date.now();
  await pool(
    Array.from({ length: N }, (_, i) => i),
    4,
    (i) => api(socket, 'POST', `/commit?container=${base.Id}&repo=${REPO}&tag=${i}&changes=${encodeURIComponent(`LABEL wdbench.n=${i}`)}`),
  );
  await pool(
    Array.from({ length: N }, (_, i) => i),
    4,
    (i) => api(socket, 'POST', '/volumes/create', { Name: `${VOL}${i}`, Labels: { 'wakedock.bench': '1' } }),
  );
  log(`resources: made ${N} images and ${N} volumes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const imageCount = (JSON.parse(await api(socket, 'GET', '/images/json')) as unknown[]).length;
  const volumeCount = ((JSON.parse(await api(socket, 'GET', '/volumes')) as { Volumes: unknown[] | null }).Volumes ?? []).length;

  const dataDir = mkdtempSync(join(tmpdir(), 'wdbench-res-'));
  cleanup.push('remove the core data dir (resources)', () => rmSync(dataDir, { recursive: true, force: true }));
  const core = await createCore({ dataDir, mode: 'serve', appVersion: 'bench', logger: silentLogger, discovery: discoveryFor(socket) });
  cleanup.push('dispose the in-process core (resources)', () => core.dispose());
  await waitFor('the in-process core to connect', () => core.hosts.get('local').host.state === 'connected', { timeoutMs: 20_000 });
  const server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger });
  const mem = connectInMemory(server);
  cleanup.push('close the in-memory link (resources)', () => mem.close());

  const snapshot = (proc: 'images.watch' | 'volumes.watch'): Promise<{ ms: number; count: number }> =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      let done = false;
      const id = mem.client.subscribe(proc, { hostId: 'local' }, {
        next: (e: unknown) => {
          const ev = e as { kind: string; items?: unknown[] };
          if (done || ev.kind !== 'snapshot') return;
          done = true;
          const ms = performance.now() - t;
          setImmediate(() => mem.client.unsubscribe(id));
          resolve({ ms, count: ev.items!.length });
        },
        error: (err: unknown) => reject(err),
        end: () => undefined,
      });
    });

  type Method = 'coreImages' | 'cliImages' | 'curlImages' | 'coreVolumes' | 'cliVolumes' | 'curlVolumes';
  const LABELS: Record<Method, string> = {
    coreImages: 'core images.watch → first snapshot (RpcServer, in-process)',
    cliImages: "docker images --format '{{json .}}' (spawned)",
    curlImages: 'curl --unix-socket /images/json (spawned)',
    coreVolumes: 'core volumes.watch → first snapshot (RpcServer, in-process)',
    cliVolumes: "docker volume ls --format '{{json .}}' (spawned)",
    curlVolumes: 'curl --unix-socket /volumes (spawned)',
  };
  const lines = (s: string): number => s.trim().split('\n').filter(Boolean).length;
  const cliI = engine.cli(['images', '--format', '{{json .}}']);
  const cliV = engine.cli(['volume', 'ls', '--format', '{{json .}}']);
  const methods: Record<Method, () => Promise<{ ms: number; count: number }>> = {
    coreImages: () => snapshot('images.watch'),
    coreVolumes: () => snapshot('volumes.watch'),
    cliImages: async () => {
      const r = await timedExec(cliI.bin, cliI.args);
      return { ms: r.ms, count: lines(r.stdout) };
    },
    cliVolumes: async () => {
      const r = await timedExec(cliV.bin, cliV.args);
      return { ms: r.ms, count: lines(r.stdout) };
    },
    curlImages: async () => {
      const r = await timedExec('curl', ['-sS', '--fail', '--unix-socket', socket, 'http://localhost/images/json']);
      return { ms: r.ms, count: (JSON.parse(r.stdout) as unknown[]).length };
    },
    curlVolumes: async () => {
      const r = await timedExec('curl', ['-sS', '--fail', '--unix-socket', socket, 'http://localhost/volumes']);
      return { ms: r.ms, count: ((JSON.parse(r.stdout) as { Volumes: unknown[] }).Volumes ?? []).length };
    },
  };
  const order = Object.keys(methods) as Method[];
  const samples = Object.fromEntries(order.map((m) => [m, [] as number[]])) as Record<Method, number[]>;
  const once = async (m: Method): Promise<number> => {
    const r = await methods[m]();
    // Every image of ours has exactly one tag, so docker images' one line per tag is one per image.
    if (r.count < N) throw new Error(`${LABELS[m]} returned ${r.count} items, expected at least ${N}`);
    return r.ms;
  };
  log(`resources: warm-up (${WARMUP} rounds), then up to ${ITERATIONS} interleaved rounds (${imageCount} images, ${volumeCount} volumes)`);
  for (let i = 0; i < WARMUP; i++) for (const m of order) await once(m);
  let rounds = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    if (budget.expired && rounds >= MIN_ITERATIONS) break;
    for (let k = 0; k < order.length; k++) {
      const m = order[(i + k) % order.length]!;
      samples[m].push(await once(m));
    }
    rounds++;
  }
  const s = Object.fromEntries(order.map((m) => [m, summarize(samples[m])])) as Record<Method, ReturnType<typeof summarize>>;
  const ratios = {
    imagesCoreVsCli: ratio(s.coreImages.median, s.cliImages.median),
    imagesCoreVsCurl: ratio(s.coreImages.median, s.curlImages.median),
    volumesCoreVsCli: ratio(s.coreVolumes.median, s.cliVolumes.median),
    volumesCoreVsCurl: ratio(s.coreVolumes.median, s.curlVolumes.median),
  };
  const row = (m: Method) => `| ${LABELS[m]} | ${s[m].median} | ${s[m].p95} | ${s[m].min} | ${s[m].max} |`;
  return {
    params: { images: imageCount, volumes: volumeCount, warmup: WARMUP, iterations: rounds, interleaved: true, methods: LABELS },
    metrics: { ...s, ratios },
    targets: [check('images.watch snapshot / docker images (median)', ratios.imagesCoreVsCli, 'ratio', '<=', 1.0), check('volumes.watch snapshot / docker volume ls (median)', ratios.volumesCoreVsCli, 'ratio', '<=', 1.0)],
    notes: [
      'The core figure is subscribe → first snapshot → unsubscribe: each round reads the list afresh (the feed stops when its last subscriber leaves). It reads /images/json (or /volumes) and /containers/json?all=1 in parallel, because the rows say which containers use each image or volume; volume sizes come later as a patch (/system/df walks the files) and are not in this figure.',
      rounds < ITERATIONS ? `stopped after ${rounds} rounds: the suite's time budget ran out` : `${rounds} rounds`,
    ],
    summary: [
      `${imageCount} images, ${volumeCount} volumes, ${rounds} interleaved rounds after ${WARMUP} warm-up rounds (ms):`,
      '',
      '| method | median | p95 | min | max |',
      '|---|---|---|---|---|',
      ...order.map(row),
      '',
      `Ratios (medians): images core/CLI **${ratios.imagesCoreVsCli}**, core/curl ${ratios.imagesCoreVsCurl}; volumes core/CLI **${ratios.volumesCoreVsCli}**, core/curl ${ratios.volumesCoreVsCurl}.`,
    ],
  };
}

export const resourcesSuite: Suite = { name: 'resources', title: 'Images list with 300 images and volume list with 300 volumes vs docker CLI and raw API', timeLimitMs: 240_000, run };
