// Background subscribers (history recording) read containers with one-shot requests every
// backgroundMs instead of holding engine streams open; live subscribers still stream, and the
// background subscriber then gets the live samples.
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContainerPatch, ContainerSummary, DerivedSample } from '../../../src-main/contract';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { StatsHub, type StatsHost } from '../../../src-main/core/stats/stats-hub';
import type { EngineStats } from '../../../src-main/core/stats/formulas';

const ID_A = 'a'.repeat(64);

const container = (id: string, name: string): ContainerSummary => ({ id, name, image: 'x', imageId: 'x', command: '', state: 'running', status: '', health: 'none', ports: [], created: 0, labels: {} });

class FakeHost implements StatsHost {
  readonly id = 'local';
  host = { state: 'connected' };
  cached = [container(ID_A, 'alpha')];
  watch(_l: (p: ContainerPatch) => void): () => void {
    return () => {};
  }
}

/** Cumulative counters growing by 0.5 s of CPU per 1 s of system time per reading (2 CPUs → 100 %). */
function reading(n: number): EngineStats {
  return {
    read: new Date(Date.UTC(2026, 0, 1, 0, 0, n * 10)).toISOString(),
    cpu_stats: { cpu_usage: { total_usage: n * 5e9 }, system_cpu_usage: n * 10e9, online_cpus: 2 },
    memory_stats: { usage: 2000, limit: 10_000, stats: { total_inactive_file: 1000 } },
    networks: { eth0: { rx_bytes: n * 10_000, tx_bytes: 0 } },
  };
}

// The hub's reading and flush timers run on a fake clock: the test advances it, nothing sleeps.
const wait = (ms: number): Promise<void> => vi.advanceTimersByTimeAsync(ms).then(() => undefined);
beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
afterEach(() => void vi.useRealTimers());

describe('StatsHub background readings', () => {
  it('reads with one-shot requests, derives CPU % and rates between readings, opens no stream', async () => {
    let n = 0;
    const reads: string[] = [];
    let streams = 0;
    const hub = new StatsHub({
      getHost: () => new FakeHost(),
      openStats: async () => {
        streams++;
        return new PassThrough();
      },
      readOnce: async (_h, id) => {
        reads.push(id);
        return reading(++n);
      },
      backgroundMs: 20,
      flushMs: 10,
      logger: silentLogger,
    });
    const got: DerivedSample[] = [];
    const off = hub.subscribe('local', 'all', (b) => got.push(...b), { background: true });
    await wait(120);
    off();
    hub.dispose();
    expect(streams).toBe(0);
    expect(hub.openStreams).toBe(0);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(got.length).toBeGreaterThanOrEqual(2);
    const s = got[0]!;
    expect(s.cpuPercent).toBeCloseTo(100, 5); // (5e9 / 10e9) × 2 CPUs × 100
    expect(s.memUsed).toBe(1000); // page cache excluded
    expect(s.netRxRate).toBeCloseTo(1000, 5); // 10,000 bytes per 10 s
  });

  it('a live subscriber streams the container; the background subscriber gets those samples and no one-shot reads happen', async () => {
    const opened: PassThrough[] = [];
    let reads = 0;
    const hub = new StatsHub({
      getHost: () => new FakeHost(),
      openStats: async () => {
        const s = new PassThrough();
        opened.push(s);
        return s;
      },
      readOnce: async () => {
        reads++;
        return reading(1);
      },
      backgroundMs: 15,
      flushMs: 5,
      logger: silentLogger,
    });
    const bg: DerivedSample[] = [];
    const offLive = hub.subscribe('local', [ID_A], () => {});
    const offBg = hub.subscribe('local', 'all', (b) => bg.push(...b), { background: true });
    await wait(10);
    expect(opened).toHaveLength(1);
    const frame = { ...reading(2), precpu_stats: reading(1).cpu_stats };
    opened[0]!.write(JSON.stringify(frame) + '\n');
    await wait(60);
    expect(reads).toBe(0);
    expect(bg.length).toBeGreaterThanOrEqual(1);
    // The live viewer leaves: recording falls back to background readings.
    offLive();
    await wait(60);
    expect(opened[0]!.destroyed).toBe(true);
    expect(reads).toBeGreaterThan(0);
    offBg();
    hub.dispose();
  });
});
