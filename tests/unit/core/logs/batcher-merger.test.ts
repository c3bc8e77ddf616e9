import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../../../src-main/core/logs/batcher';
import { KWayMerger } from '../../../../src-main/core/logs/merger';
import { endOfMsEngineTime, fromRfc3339, toEngineTime } from '../../../../src-main/core/logs/engine-logs';

describe('Batcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers after maxMs from the first item, not per item', () => {
    const out: number[][] = [];
    const b = new Batcher<number>((x) => out.push(x), { maxMs: 50 });
    b.push(1, 1);
    b.push(2, 1);
    vi.advanceTimersByTime(49);
    expect(out).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(out).toEqual([[1, 2]]);
  });

  it('delivers at once when the line or byte cap is reached, whichever first', () => {
    const out: number[][] = [];
    const b = new Batcher<number>((x) => out.push(x), { maxLines: 3, maxBytes: 100 });
    for (let i = 0; i < 7; i++) b.push(i, 1);
    expect(out).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    b.push(7, 200);
    expect(out[2]).toEqual([6, 7]);
    vi.advanceTimersByTime(1000);
    expect(out).toHaveLength(3);
  });

  it('flush() delivers early (order with non-line events); dispose() drops and stops', () => {
    const out: number[][] = [];
    const b = new Batcher<number>((x) => out.push(x));
    b.push(1, 1);
    b.flush();
    expect(out).toEqual([[1]]);
    b.push(2, 1);
    b.dispose();
    vi.advanceTimersByTime(1000);
    b.push(3, 1);
    expect(out).toEqual([[1]]);
  });
});

describe('KWayMerger', () => {
  type L = { ts: number; src: string };
  const make = (o: { cap?: number; full?: [string, boolean][] } = {}) =>
    new KWayMerger<L>({ windowMs: 100, maxBytesPerSource: o.cap, sizeOf: () => 10, onFull: (id, f) => o.full?.push([id, f]) });
  const names = (xs: L[]) => xs.map((x) => `${x.src}${x.ts}`);

  it('history: merges exactly by timestamp, waiting while a container still sending history has nothing queued', () => {
    const m = make();
    m.addSource('a');
    m.addSource('b');
    for (const ts of [1, 5, 9]) m.push('a', { ts, src: 'a' }, 0);
    // b has sent nothing yet: its first line may be the earliest of all.
    expect(m.take(10_000, 100)).toEqual([]);
    m.push('b', { ts: 2, src: 'b' }, 0);
    expect(names(m.take(10_000, 100))).toEqual(['a1', 'b2']);
    m.push('b', { ts: 5, src: 'b' }, 0);
    m.push('b', { ts: 8, src: 'b' }, 0);
    m.setLive('b');
    expect(names(m.take(0, 100, true))).toEqual(['a5', 'b5', 'b8', 'a9']);
  });

  it('live: an empty live source holds a line only for the window', () => {
    const m = make();
    m.addSource('a', 'live');
    m.addSource('b', 'live');
    m.push('a', { ts: 1000, src: 'a' }, 1000);
    expect(m.take(1050, 100)).toEqual([]);
    m.push('b', { ts: 990, src: 'b' }, 1060);
    // b's line sorts first; a's then waits out its window (b may still send something earlier).
    expect(names(m.take(1060, 100))).toEqual(['b990']);
    expect(names(m.take(1101, 100))).toEqual(['a1000']);
    m.push('a', { ts: 1200, src: 'a' }, 1200);
    expect(m.take(1250, 100)).toEqual([]);
    expect(names(m.take(1301, 100))).toEqual(['a1200']);
  });

  it('bounded: a queue over its cap says full, and not full once below half; ended sources never block', () => {
    const full: [string, boolean][] = [];
    const m = make({ cap: 100, full });
    m.addSource('a');
    m.addSource('b');
    for (let i = 0; i < 10; i++) m.push('a', { ts: i, src: 'a' }, 0);
    expect(full).toEqual([['a', true]]);
    expect(m.isFull('a')).toBe(true);
    expect(m.bytes).toBe(100);
    m.end('b');
    expect(m.take(0, 5).length).toBe(5);
    expect(full).toEqual([['a', true]]);
    m.take(0, 1);
    expect(full).toEqual([['a', true], ['a', false]]);
    expect(m.size).toBe(4);
  });

  it('takes at most max per call (the caller yields between slices)', () => {
    const m = make();
    m.addSource('a', 'live');
    for (let i = 0; i < 50; i++) m.push('a', { ts: i, src: 'a' }, 0);
    expect(m.take(1000, 20)).toHaveLength(20);
    expect(m.take(1000, 100)).toHaveLength(30);
  });
});

describe('engine time', () => {
  it('converts epoch seconds, ISO dates and RFC 3339 nanos to "<s>.<ns>"', () => {
    expect(toEngineTime(1714564800)).toBe('1714564800.000000000');
    expect(toEngineTime(1714564800.5)).toBe('1714564800.500000000');
    expect(toEngineTime('2024-05-01T12:00:00Z')).toBe('1714564800.000000000');
    expect(toEngineTime('1714564800.25')).toBe('1714564800.250000000');
    expect(fromRfc3339('2024-05-01T12:00:00.123456789Z')).toBe('1714564800.123456789');
    expect(endOfMsEngineTime(1714564800123)).toBe('1714564800.123999999');
  });
});
