// How stats numbers read on screen, and where chart lines break.
import { describe, expect, it } from 'vitest';
import type { StatsPoint } from '../../../src-main/contract';
import { formatBytes, formatPercent, formatRate, formatTick, totalsOf, withGaps } from '../../../src-renderer/src/presenters/stats-presenter';

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

  it('a gap longer than 3 resolutions breaks the line; normal spacing does not', () => {
    const rows = withGaps([point(0), point(1000), point(2000), point(10_000), point(11_000)], 1000);
    expect(rows.map((r) => [r.t, r.cpuPercent])).toEqual([[0, 1], [1000, 1], [2000, 1], [3000, undefined], [10_000, 1], [11_000, 1]]);
    expect(withGaps([point(0), point(3000)], 1000)).toHaveLength(2);
  });

  it('totals add CPU % and memory over containers', () => {
    const s = (cpu: number, mem: number) => ({ hostId: 'local', id: String(cpu), name: 'x', t: 0, cpuPercent: cpu, onlineCpus: 2, memUsed: mem, memLimit: 1, memPercent: 0, netRxRate: 0, netTxRate: 0, blockReadRate: 0, blockWriteRate: 0, pids: 1 });
    expect(totalsOf([s(50, 100), s(120, 300)])).toEqual({ cpuPercent: 170, memUsed: 400, count: 2 });
  });
});
