// How stats numbers read on screen, and where chart lines break.
import { describe, expect, it } from 'vitest';
import type { StatsPoint } from '../../../src-main/contract';
import { byteAxis, formatBytes, formatPercent, formatRate, formatTick, maxGapMs, totalsOf, withGaps } from '../../../src-renderer/src/presenters/stats-presenter';

const point = (t: number): StatsPoint => ({ t, cpuPercent: 1, memUsed: 1, memLimit: 0, netRxRate: 0, netTxRate: 0, blockReadRate: 0, blockWriteRate: 0, pids: 1 });

describe('stats presenters', () => {
  it('bytes in binary units like docker stats', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1_781_760)).toBe('1.7 MiB');
    expect(formatBytes(268_435_456)).toBe('256 MiB');
    expect(formatBytes(25_274_728_448)).toBe('23.5 GiB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatRate(2048)).toBe('2.0 KiB/s');
  });

  it('percentages keep small values visible and round big ones', () => {
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.042)).toBe('0.04 %');
    expect(formatPercent(12.345)).toBe('12.3 %');
    expect(formatPercent(199.6)).toBe('200 %');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('time ticks: seconds for 5 minutes, minutes up to a day, dates beyond', () => {
    const t = new Date(2026, 0, 2, 3, 4, 5).getTime();
    expect(formatTick(t, 5 * 60_000)).toBe('03:04:05');
    expect(formatTick(t, 3_600_000)).toBe('03:04');
    expect(formatTick(t, 7 * 86_400_000)).toBe('1/2 03h');
  });

  it('readings are connected within the recording interval; the line breaks only where nothing was recorded', () => {
    // 5-minute window (1 s points) of a container nobody watched: a reading every 30 s.
    const gap = maxGapMs(1000, 30_000);
    expect(gap).toBe(60_000);
    const every30s = [0, 30_000, 60_000, 90_000, 120_000].map(point);
    const rows = withGaps(every30s, gap);
    expect(rows.map((r) => r.t)).toEqual([0, 30_000, 60_000, 90_000, 120_000]);
    expect(rows.some((r) => r.lone)).toBe(false);
    // Stopped from 120 s to 300 s: nothing recorded, so the line breaks there and only there.
    const withStop = withGaps([...every30s, point(300_000), point(330_000)], gap);
    expect(withStop.map((r) => [r.t, r.cpuPercent])).toEqual([[0, 1], [30_000, 1], [60_000, 1], [90_000, 1], [120_000, 1], [120_001, undefined], [300_000, 1], [330_000, 1]]);
    // Live readings (1 s) and background readings (30 s) mixed: one line.
    expect(withGaps([0, 1000, 2000, 32_000, 62_000, 63_000].map(point), gap).every((r) => r.cpuPercent !== undefined)).toBe(true);
    // Coarse windows keep their own rule: 3 points of 5 minutes.
    expect(maxGapMs(300_000, 30_000)).toBe(900_000);
  });

  it('a reading with no neighbour to connect to is marked lone (drawn as a dot)', () => {
    const rows = withGaps([0, 200_000, 400_000, 401_000].map(point), 60_000);
    expect(rows.map((r) => [r.t, r.lone ?? false])).toEqual([[0, true], [1, false], [200_000, true], [200_001, false], [400_000, false], [401_000, false]]);
    expect(withGaps([point(5)], 60_000)[0]!.lone).toBe(true);
    expect(withGaps([], 60_000)).toEqual([]);
  });

  it('byte axes have round ticks in one unit and never two equal labels', () => {
    const labels = (max: number): string[] => {
      const a = byteAxis(max, '/s');
      expect(a.top).toBeGreaterThanOrEqual(max);
      return a.ticks.map(a.format);
    };
    // Tiny rates used to read "0 B/s, 1 B/s, 1 B/s, 2 B/s".
    expect(labels(1.7)).toEqual(['0', '1 B/s', '2 B/s']);
    expect(labels(0)).toEqual(['0', '1 B/s']);
    expect(labels(700)).toEqual(['0', '200 B/s', '400 B/s', '600 B/s', '800 B/s']);
    expect(labels(5000)).toEqual(['0', '2 KiB/s', '4 KiB/s', '6 KiB/s']);
    expect(labels(100 * 1024)).toEqual(['0', '25 KiB/s', '50 KiB/s', '75 KiB/s', '100 KiB/s']);
    expect(labels(3.3e9)).toEqual(['0', '1 GiB/s', '2 GiB/s', '3 GiB/s', '4 GiB/s']);
    for (let max = 0.3; max < 5e10; max *= 1.37) {
      const l = labels(max);
      expect(new Set(l).size, `max ${max}: ${l.join(', ')}`).toBe(l.length);
    }
  });

  it('totals add CPU % and memory over containers', () => {
    const s = (cpu: number, mem: number) => ({ hostId: 'local', id: String(cpu), name: 'x', t: 0, cpuPercent: cpu, onlineCpus: 2, memUsed: mem, memLimit: 1, memPercent: 0, netRxRate: 0, netTxRate: 0, blockReadRate: 0, blockWriteRate: 0, pids: 1 });
    expect(totalsOf([s(50, 100), s(120, 300)])).toEqual({ cpuPercent: 170, memUsed: 400, count: 2 });
  });
});
