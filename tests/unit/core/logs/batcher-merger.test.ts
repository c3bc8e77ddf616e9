import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../../../src-main/core/logs/batcher';
import { TimeMerger } from '../../../../src-main/core/logs/merger';
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

describe('TimeMerger', () => {
  const l = (ts: number, src: string) => ({ ts, src });

  it('holds the history until ready, then releases it sorted by timestamp (stable)', () => {
    const m = new TimeMerger<{ ts: number; src: string }>(100, { holdUntilReady: true });
    m.push([l(1, 'a'), l(5, 'a'), l(9, 'a')], 0);
    m.push([l(2, 'b'), l(5, 'b'), l(8, 'b')], 10);
    expect(m.release(10_000)).toEqual([]);
    m.ready();
    expect(m.release(20).map((x) => `${x.src}${x.ts}`)).toEqual(['a1', 'b2', 'a5', 'b5', 'b8', 'a9']);
  });

  it('live: releases in timestamp order once lines are older than the window', () => {
    const m = new TimeMerger<{ ts: number; src: string }>(100);
    m.push([l(1000, 'a')], 1000);
    m.push([l(990, 'b')], 1060);
    // At 1100 a has waited 100 ms, but b (older timestamp) sorts before it and has not: hold both.
    expect(m.release(1100)).toEqual([]);
    expect(m.release(1160).map((x) => x.src)).toEqual(['b', 'a']);
    expect(m.size).toBe(0);
  });

  it('release(all) empties it', () => {
    const m = new TimeMerger<{ ts: number; src: string }>(100);
    m.push([l(3, 'a'), l(1, 'b')], 0);
    expect(m.release(0, true).map((x) => x.ts)).toEqual([1, 3]);
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
