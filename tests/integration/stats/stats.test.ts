// Stats against the real engine, through the core's handlers behind a real RpcServer: a CPU burner
// shows ≥ 80 % of one core, an idle container < 5 %, the numbers agree with `docker stats
// --no-stream`, viewers share one engine stream, and the history survives a core restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DerivedSample } from '../../../src-main/contract';
import type { StatsHistory } from '../../../src-main/contract/procedures/stats';
import type { Core } from '../../../src-main/core/create-core';
import { cleanupTestContainers, docker, ensureTestImage, runContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import type { InMemoryLink } from '../../support/rpc-harness';

const PREFIX = 'wdtest-stats-';
let dataDir: string;
let rig: CoreRig | undefined;
let core: Core;
let link: InMemoryLink;
let burner: TestContainer;
let idle: TestContainer;

/** A core on this test's data dir (kept across a restart; removed in afterAll). */
async function startCore(): Promise<void> {
  rig = await startCoreRig({ area: 'stats', mode: 'serve', dataDir });
  ({ core, link } = rig);
}

const UNIT: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1000, MB: 1e6, GB: 1e9 };
function bytes(s: string): number {
  const m = /^([\d.]+)\s*([A-Za-z]+)$/.exec(s.trim());
  if (!m) throw new Error(`not a size: ${s}`);
  return Number(m[1]) * (UNIT[m[2]!] ?? NaN);
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-stats-'));
  burner = await runContainer({ area: 'stats', cmd: ['sh', '-c', 'while :; do :; done'], labels: { 'com.docker.compose.project': 'wdtest-stats-proj' } });
  idle = await runContainer({ area: 'stats', extra: ['--memory', '128m'], labels: { 'com.docker.compose.project': 'wdtest-stats-proj' } });
  await startCore();
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('stats on the real engine', () => {
  it('a busy-loop container shows ≥ 80 % of one core, an idle one < 5 %; one batch per second, only the asked ids', async () => {
    const batches: DerivedSample[][] = [];
    const sub = link.client.subscribe('stats.watch', { hostId: 'local', ids: [burner.id, idle.name] }, { next: (b) => batches.push(b as DerivedSample[]), error: () => {} });
    await new Promise((r) => setTimeout(r, 6500));
    const perSecond = batches.length;
    // On a machine shared with other suites a busy loop may not get its core every second: give it
    // up to 20 s to show one second at ≥ 80 %.
    await waitFor('a second with the burner at >= 80 %', () => batches.flat().some((s) => s.id === burner.id && s.cpuPercent >= 80), { timeoutMs: 20_000, intervalMs: 250 }).catch(() => undefined);
    link.client.unsubscribe(sub);
    // ~1 per second (the first arrives after the engine's second frame).
    expect(perSecond).toBeGreaterThanOrEqual(3);
    expect(perSecond).toBeLessThanOrEqual(8);
    const all = batches.flat();
    expect(new Set(all.map((s) => s.id))).toEqual(new Set([burner.id, idle.id]));
    const burn = all.filter((s) => s.id === burner.id).map((s) => s.cpuPercent);
    const rest = all.filter((s) => s.id === idle.id);
    // The machine is shared with other suites: judge the burner by its best second.
    expect(Math.max(...burn)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...rest.map((s) => s.cpuPercent))).toBeLessThan(5);
    const last = rest[rest.length - 1]!;
    expect(last.memLimit).toBe(128 * 1024 * 1024);
    expect(last.memUsed).toBeGreaterThan(0);
    expect(last.memUsed).toBeLessThan(16 * 1024 * 1024); // sleep: well under 16 MiB without page cache
    expect(last.pids).toBeGreaterThanOrEqual(1);
    expect(last.name).toBe(idle.name);
    expect(last.composeProject).toBe('wdtest-stats-proj');
  });

  it('agrees with `docker stats --no-stream` (CPU within 15 points, memory within 10 % or 1 MiB)', async () => {
    const mine = new Map<string, DerivedSample[]>();
    const id = link.client.subscribe('stats.watch', { hostId: 'local', ids: [burner.id, idle.id] }, {
      next: (b) => {
        for (const s of b as DerivedSample[]) mine.set(s.id, [...(mine.get(s.id) ?? []), s]);
      },
      error: () => {},
    });
    await waitFor('our first samples', () => mine.get(burner.id)?.length && mine.get(idle.id)?.length, { timeoutMs: 10_000 });
    const out = await docker(['stats', '--no-stream', '--no-trunc', '--format', '{{.ID}}|{{.CPUPerc}}|{{.MemUsage}}', burner.id, idle.id]);
    await new Promise((r) => setTimeout(r, 1500));
    link.client.unsubscribe(id);
    const cli = new Map(
      out.split('\n').map((l) => {
        const [cid, cpu, mem] = l.split('|');
        return [cid!, { cpu: Number.parseFloat(cpu!), mem: bytes(mem!.split('/')[0]!) }] as const;
      }),
    );
    for (const c of [burner, idle]) {
      const ref = cli.get(c.id)!;
      expect(ref, `docker stats printed ${c.name}`).toBeDefined();
      const ours = mine.get(c.id)!;
      const cpuNear = ours.some((s) => Math.abs(s.cpuPercent - ref.cpu) <= 15);
      expect(cpuNear, `CPU ${ours.map((s) => s.cpuPercent.toFixed(1)).join(', ')} vs docker stats ${ref.cpu}`).toBe(true);
      const memNear = ours.some((s) => Math.abs(s.memUsed - ref.mem) <= Math.max(0.1 * ref.mem, 1024 * 1024));
      expect(memNear, `memory ${ours.map((s) => s.memUsed).join(', ')} vs docker stats ${ref.mem}`).toBe(true);
    }
  });

  it('two viewers of one container share ONE engine stream; it closes with the last', async () => {
    const hub = core.services.stats;
    // The previous tests' viewers are gone; the history recorder holds no stream (background reads).
    await waitFor('no stream left open', () => hub.openStreams === 0);
    const baseOpen = 0;
    const before = hub.streamsOpened;
    const a = link.client.subscribe('stats.watch', { hostId: 'local', ids: [idle.id] }, { next: () => {}, error: () => {} });
    const b = link.client.subscribe('stats.watch', { hostId: 'local', ids: [idle.name] }, { next: () => {}, error: () => {} });
    await waitFor('two subscribers', () => hub.subscriberCount >= 3); // + the history recorder
    // The history recorder reads in the background (no stream); the two viewers share ONE stream.
    await waitFor('the viewers\' stream', () => hub.openStreams === baseOpen + 1);
    expect(hub.streamsOpened).toBe(before + 1);
    link.client.unsubscribe(a);
    link.client.unsubscribe(b);
    await waitFor('subscribers gone', () => hub.subscriberCount === 1);
    await waitFor('the stream closed with the last viewer', () => hub.openStreams === baseOpen);
  });

  it('history is recorded and still there after the core restarts on the same data dir', async () => {
    await waitFor(
      'a few seconds of history',
      async () => ((await link.client.call('stats.history', { hostId: 'local', id: burner.id, window: '5m' })) as StatsHistory).points.length >= 4,
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const before = (await link.client.call('stats.history', { hostId: 'local', id: burner.id, window: '5m' })) as StatsHistory;
    const project = (await link.client.call('stats.history', { hostId: 'local', project: 'wdtest-stats-proj', window: '5m' })) as StatsHistory;
    expect(project.points.length).toBeGreaterThan(0);
    // The project's sum carries the burner (the idle container alone stays under 5 %).
    expect(Math.max(...project.points.map((p) => p.cpuPercent))).toBeGreaterThan(20);
    await rig!.dispose(); // awaited: the history database is closed and the data dir unlocked
    await startCore();
    const after = (await link.client.call('stats.history', { hostId: 'local', id: burner.id, window: '5m' })) as StatsHistory;
    expect(after.resolutionSec).toBe(1);
    const afterTimes = new Set(after.points.map((p) => p.t));
    expect(before.points.every((p) => afterTimes.has(p.t))).toBe(true);
    expect(Math.max(...after.points.map((p) => p.cpuPercent))).toBeGreaterThanOrEqual(Math.max(...before.points.map((p) => p.cpuPercent)));
  });

  it('refuses a history query that names neither a container nor a project', async () => {
    const r = await link.client.callRaw('stats.history', { hostId: 'local', window: '1h' } as never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('VALIDATION');
  });
});
