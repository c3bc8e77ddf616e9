// HistoryStore: downsampling (1 s → 1 min → 5 min averages), retention, project sums, what
// survives a reopen. The disk-bound checks (7 days for 50 containers, 3 days of retention cycling)
// write real files for seconds: they are in tests/integration/stats/history-disk.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DerivedSample } from '../../../src-main/contract';
import { HistoryStore } from '../../../src-main/core/stats/history-store';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0); // on a 5-minute boundary
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'wd-hist-'));
  dirs.push(d);
  return d;
}

function sample(id: string, t: number, cpu: number, mem = 1000, project?: string): DerivedSample {
  return {
    hostId: 'local', id, name: `c-${id.slice(0, 4)}`, ...(project ? { composeProject: project } : {}),
    t, cpuPercent: cpu, onlineCpus: 2, memUsed: mem, memLimit: 8000, memPercent: (mem / 8000) * 100,
    netRxRate: 100, netTxRate: 50, blockReadRate: 0, blockWriteRate: 10, pids: 2,
  };
}

describe('HistoryStore', () => {
  it('keeps 1 s samples for 10 minutes and averages them into 1-minute and 5-minute buckets', () => {
    let now = T0;
    const h = new HistoryStore(':memory:', { retentionDays: 7, now: () => now });
    const id = 'a'.repeat(64);
    // 12 minutes at 1 s: CPU is 10 % in even minutes and 30 % in odd minutes.
    for (let s = 0; s < 12 * 60; s++) {
      now = T0 + s * 1000 + 300;
      h.record([sample(id, T0 + s * 1000, Math.floor(s / 60) % 2 === 0 ? 10 : 30)]);
    }
    now = T0 + 12 * 60_000 + 500;
    h.record([]);
    const counts = h.counts();
    expect(counts.s1).toBeLessThanOrEqual(601);
    expect(counts.s1).toBeGreaterThanOrEqual(599);
    expect(counts.m1).toBe(12);
    expect(counts.m5).toBe(2); // 12:00 and 12:05 finished; 12:10 not yet
    const m1 = h.query({ hostId: 'local', id, window: '1h' });
    expect(m1.resolutionSec).toBe(60);
    expect(m1.points.map((p) => p.cpuPercent)).toEqual([10, 30, 10, 30, 10, 30, 10, 30, 10, 30, 10, 30]);
    expect(m1.points[0]!.t).toBe(T0);
    const m5 = h.query({ hostId: 'local', id, window: '7d' });
    expect(m5.resolutionSec).toBe(300);
    expect(m5.points.map((p) => p.cpuPercent)).toEqual([18, 22]); // (10+30+10+30+10)/5, (30+10+30+10+30)/5
    const s1 = h.query({ hostId: 'local', id, window: '5m' });
    expect(s1.resolutionSec).toBe(1);
    expect(s1.points.length).toBeGreaterThanOrEqual(299);
    expect(s1.points.length).toBeLessThanOrEqual(301);
    // By name and by short id too.
    expect(h.query({ hostId: 'local', id: 'c-aaaa', window: '1h' }).points).toHaveLength(12);
    expect(h.query({ hostId: 'local', id: 'aaaaaaaaaaaa', window: '1h' }).points).toHaveLength(12);
    h.close();
  });

  it('sums a compose project per bucket', () => {
    let now = T0;
    const h = new HistoryStore(':memory:', { retentionDays: 7, now: () => now });
    for (let s = 0; s < 130; s++) {
      now = T0 + s * 1000;
      h.record([sample('a'.repeat(64), now, 10, 1000, 'shop'), sample('b'.repeat(64), now + 400, 20, 3000, 'shop'), sample('c'.repeat(64), now, 99, 5, 'other')]);
    }
    const live = h.query({ hostId: 'local', project: 'shop', window: '5m' });
    expect(live.resolutionSec).toBe(5);
    expect(live.points.every((p) => p.cpuPercent === 30 && p.memUsed === 4000 && p.memLimit === 0)).toBe(true);
    const m1 = h.query({ hostId: 'local', project: 'shop', window: '24h' });
    expect(m1.points.map((p) => p.cpuPercent)).toEqual([30, 30]);
    h.close();
  });

  it('prunes 5-minute history older than the retention', () => {
    let now = T0;
    const h = new HistoryStore(':memory:', { retentionDays: 1, now: () => now });
    const id = 'd'.repeat(64);
    // Synthetic old rows straight into m5 (2 days of 5-minute buckets).
    const ins = h.raw.prepare('INSERT INTO m5 (sid, t, cpu, mem, lim, rx, tx, br, bw, pids) VALUES (?, ?, 0, 0, 0, 0, 0, 0, 0, 0)');
    h.record([sample(id, now, 1)]);
    for (let t = T0 / 1000 - 2 * 86_400; t < T0 / 1000; t += 300) ins.run(1, t);
    now = T0 + 300_000 + 1000;
    h.record([sample(id, now, 1)]);
    const oldest = h.raw.prepare('SELECT MIN(t) AS t FROM m5').get() as { t: number };
    expect(oldest.t).toBeGreaterThanOrEqual(now / 1000 - 86_400 - 1);
    h.close();
  });

  it('history survives closing and reopening the file; a bucket cut by the restart is completed', () => {
    const dir = tmp();
    const path = join(dir, 'stats.db');
    let now = T0;
    const id = 'e'.repeat(64);
    let h = new HistoryStore(path, { retentionDays: 7, now: () => now });
    for (let s = 0; s < 90; s++) {
      now = T0 + s * 1000;
      h.record([sample(id, now, 40)]);
    }
    h.close(); // quit at 12:01:29, the 12:01 bucket not rolled up yet
    now = T0 + 150_000; // restart at 12:02:30
    h = new HistoryStore(path, { retentionDays: 7, now: () => now });
    const m1 = h.query({ hostId: 'local', id, window: '1h' });
    expect(m1.points.map((p) => [p.t - T0, p.cpuPercent])).toEqual([[0, 40], [60_000, 40]]);
    expect(h.query({ hostId: 'local', id, window: '5m' }).points).toHaveLength(90);
    h.close();
  });
});
