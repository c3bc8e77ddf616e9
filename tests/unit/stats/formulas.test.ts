// The docker CLI's formulas on payloads recorded from the real engine (cgroup v1, Docker 20.10)
// and on cgroup v2 payloads written by the documented shape (lower-case blkio ops, no percpu,
// memory stats with inactive_file instead of total_inactive_file).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockIo, countersOf, cpuPercentUnix, derive, hasPrevious, memUsedNoCache, network, rate, type EngineStats } from '../../../src-main/core/stats/formulas';
import { NdjsonSplitter } from '../../../src-main/core/stats/ndjson';

const fixture = (name: string): EngineStats => JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as EngineStats;
const meta = { hostId: 'local', id: 'abc', name: 'web' };

describe('cgroup v1 (recorded from this engine)', () => {
  const first = fixture('cgroup-v1-first-frame');
  const a = fixture('cgroup-v1-frame-a');
  const b = fixture('cgroup-v1-frame-b');

  it('CPU % = container delta / system delta × online CPUs × 100', () => {
    // frame a: 552917975 ns over 2020000000 ns of system time, 2 CPUs
    expect(cpuPercentUnix(a)).toBeCloseTo((552_917_975 / 2_020_000_000) * 2 * 100, 6);
    expect(cpuPercentUnix(a)).toBeCloseTo(54.744, 2);
    expect(cpuPercentUnix(b)).toBeCloseTo(62.822, 2);
  });

  it('the first frame of a stream has no previous reading and is not used for CPU', () => {
    expect(hasPrevious(first)).toBe(false);
    expect(hasPrevious(a)).toBe(true);
  });

  it('memory excludes the page cache (usage - total_inactive_file): 50 MiB of written file is not "used"', () => {
    expect(a.memory_stats?.usage).toBe(54_370_304);
    expect(memUsedNoCache(a)).toBe(54_370_304 - 52_428_800);
    const { sample } = derive(meta, a, undefined);
    expect(sample.memLimit).toBe(268_435_456);
    expect(sample.memPercent).toBeCloseTo((1_941_504 / 268_435_456) * 100, 6);
    expect(sample.pids).toBe(1);
    expect(sample.onlineCpus).toBe(2);
  });

  it('subtracts total_inactive_file, not all of cache (active file pages are in use)', () => {
    const m = structuredClone(a);
    m.memory_stats!.stats = { ...m.memory_stats!.stats, cache: 60_000_000, total_inactive_file: 40_000_000 };
    expect(memUsedNoCache(m)).toBe(54_370_304 - 40_000_000);
  });

  it('falls back as the CLI does: to inactive_file, then to usage when inactive file exceeds usage', () => {
    const m = structuredClone(a);
    m.memory_stats!.stats = { ...m.memory_stats!.stats, total_inactive_file: 99_000_000 };
    expect(memUsedNoCache(m)).toBe(54_370_304 - 52_428_800);
    m.memory_stats!.stats = { ...m.memory_stats!.stats, inactive_file: 99_000_000 };
    expect(memUsedNoCache(m)).toBe(54_370_304);
  });

  it('uses the percpu count when online_cpus is missing (old engines)', () => {
    const m = structuredClone(a);
    delete m.cpu_stats!.online_cpus;
    expect(cpuPercentUnix(m)).toBeCloseTo(54.744, 2);
  });

  it('a container limited to 0.1 CPU never shows 600 %: the percentage is of one core, bounded by the CPU count', () => {
    const m = structuredClone(a);
    // 0.1 CPU for 1 s of a 2-CPU system: 1e8 ns of container time over 2e9 ns of system time.
    m.precpu_stats = { ...m.precpu_stats, cpu_usage: { total_usage: 0 }, system_cpu_usage: 1 };
    m.cpu_stats = { ...m.cpu_stats, cpu_usage: { total_usage: 100_000_000 }, system_cpu_usage: 2_000_000_001 };
    expect(cpuPercentUnix(m)).toBeCloseTo(10, 6);
  });
});

describe('cgroup v2 (documented shape)', () => {
  const a = fixture('cgroup-v2-frame-a');
  const b = fixture('cgroup-v2-frame-b');

  it('CPU % with online_cpus and no percpu_usage', () => {
    expect(cpuPercentUnix(a)).toBeCloseTo(50, 9); // 0.5e9 / 4e9 × 4 × 100
    expect(cpuPercentUnix(b)).toBeCloseTo(75, 9); // 1.5e9 / 8e9 × 4 × 100
  });

  it('memory = usage - inactive_file', () => {
    expect(memUsedNoCache(a)).toBe(300_000_000 - 200_000_000);
    const { sample } = derive(meta, b, undefined);
    expect(sample.memUsed).toBe(105_000_000);
    expect(sample.memPercent).toBeCloseTo((105_000_000 / 536_870_912) * 100, 9);
    expect(sample.pids).toBe(9);
  });

  it('block I/O reads lower-case ops; network sums every interface', () => {
    expect(blockIo(a)).toEqual({ read: 4_096_000, write: 8_192_000 });
    expect(network(a)).toEqual({ rx: 1_001_000, tx: 500_500 });
  });

  it('rates are bytes per second between consecutive samples (2 s apart here)', () => {
    const prev = countersOf(a);
    const { sample } = derive(meta, b, prev);
    expect(sample.t).toBe(Date.parse('2026-11-26T10:00:02Z'));
    expect(sample.netRxRate).toBe(1_000_000); // +2 MB over 2 s
    expect(sample.netTxRate).toBe(500_000);
    expect(sample.blockReadRate).toBe(524_288); // +1 MiB over 2 s
    expect(sample.blockWriteRate).toBe(2_097_152); // +4 MiB over 2 s
  });

  it('no previous sample → rates 0; a counter that went down → 0, not negative', () => {
    expect(derive(meta, b, undefined).sample.netRxRate).toBe(0);
    expect(rate(5000, 100, 1000)).toBe(0);
    expect(rate(0, 100, 0)).toBe(0);
    expect(rate(0, 500, 500)).toBe(1000);
  });
});

describe('NdjsonSplitter', () => {
  it('joins frames cut anywhere and skips a garbled line', () => {
    const s = new NdjsonSplitter<{ n: number }>();
    expect(s.push('{"n":1}\n{"n"')).toEqual([{ n: 1 }]);
    expect(s.push(':2}\n{oops\n')).toEqual([{ n: 2 }]);
    expect(s.push(Buffer.from('{"n":3}\n\n'))).toEqual([{ n: 3 }]);
  });
});
