// logs.earlier's bounded window: the last `limit` lines before a time, minus the `have` lines at that
// millisecond the caller holds, in memory bounded by limit (+have at one millisecond) and bytes.
import { describe, expect, it } from 'vitest';
import { EarlierWindow } from '../../../../src-main/core/services/logs-handlers';

const line = (ts: number, text: string) => ({ ts, stream: 'stdout' as const, text });

function run(lines: { ts: number; text: string }[], before: number, have: number, limit: number, maxBytes = 1 << 30) {
  const w = new EarlierWindow(limit, have, maxBytes);
  for (const l of lines) if (l.ts <= before) w.push(line(l.ts, l.text), l.ts === before);
  const r = w.result();
  return { texts: r.lines.map((l) => l.text), more: r.more };
}

describe('EarlierWindow', () => {
  const log = [line(1, 'a'), line(2, 'b'), line(3, 'c'), line(4, 'd1'), line(4, 'd2'), line(4, 'd3'), line(5, 'e')];

  it('the last `limit` lines at or before the time, minus the last `have` at that millisecond', () => {
    expect(run(log, 4, 2, 3)).toEqual({ texts: ['b', 'c', 'd1'], more: true });
    expect(run(log, 4, 0, 10)).toEqual({ texts: ['a', 'b', 'c', 'd1', 'd2', 'd3'], more: false });
    expect(run(log, 4, 3, 10)).toEqual({ texts: ['a', 'b', 'c'], more: false });
    expect(run(log, 4, 3, 3)).toEqual({ texts: ['a', 'b', 'c'], more: false });
    expect(run(log, 4, 3, 2)).toEqual({ texts: ['b', 'c'], more: true });
  });

  it('holds at most limit lines however long the log and however big `have` is', () => {
    const w = new EarlierWindow(1000, 1_000_000, 1 << 30);
    for (let i = 0; i < 500_000; i++) w.push(line(i, String(i)), false);
    const r = w.result();
    expect(r.lines).toHaveLength(1000);
    expect(r.lines[999]!.text).toBe('499999');
    expect(r.more).toBe(true);
  });

  it('cuts an answer at the byte cap and says there is more', () => {
    const big = Array.from({ length: 100 }, (_, i) => line(i, 'x'.repeat(1000) + i));
    const r = run(big, 1000, 0, 100, 10 * 1048);
    expect(r.texts.length).toBeLessThanOrEqual(10);
    expect(r.texts[r.texts.length - 1]!.endsWith('99')).toBe(true);
    expect(r.more).toBe(true);
  });
});
