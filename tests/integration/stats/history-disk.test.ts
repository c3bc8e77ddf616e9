// HistoryStore on disk: the size of 7 days of history for 50 containers, and a file that stops
// growing once the retention has cycled. Disk-bound (hundreds of thousands of rows through SQLite
// files, seconds each), so it runs with the integration tests, not in the fast unit project.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
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

function sample(id: string, t: number, cpu: number, mem = 1000): DerivedSample {
  return {
    hostId: 'local', id, name: `c-${id.slice(0, 4)}`,
    t, cpuPercent: cpu, onlineCpus: 2, memUsed: mem, memLimit: 8000, memPercent: (mem / 8000) * 100,
    netRxRate: 100, netTxRate: 50, blockReadRate: 0, blockWriteRate: 10, pids: 2,
  };
}

describe('HistoryStore on disk', () => {
  it('disk for 50 containers over 7 days (synthetic): rows × row size, measured', () => {
    const dir = tmp();
    const path = join(dir, 'stats.db');
    const now = T0;
    const h = new HistoryStore(path, { retentionDays: 7, now: () => now });
    const sec = T0 / 1000;
    const insert = (table: string, step: number, span: number) => {
      const st = h.raw.prepare(`INSERT INTO ${table} (sid, t, cpu, mem, lim, rx, tx, br, bw, pids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      h.raw.transaction(() => {
        for (let c = 1; c <= 50; c++) {
          for (let t = sec - span; t < sec; t += step) {
            // Realistic magnitudes: a few % CPU, ~100-500 MB, kB/s rates, 8 GB limit.
            st.run(c, t, 250 + ((t * 7 + c) % 900), 150_000_000 + ((t * 13) % 300_000_000), 8_000_000_000, 2000 + (t % 50_000), 1000 + (t % 20_000), t % 4096, (t * 3) % 65_536, 12);
          }
        }
      })();
    };
    const ser = h.raw.prepare('INSERT INTO series (host, cid, name, project) VALUES (?, ?, ?, ?)');
    for (let c = 1; c <= 50; c++) ser.run('local', c.toString(16).padStart(64, '0'), `app-${c}`, 'proj');
    insert('s1', 1, 600);
    insert('m1', 60, 86_400);
    insert('m5', 300, 7 * 86_400);
    const counts = h.counts();
    expect(counts).toEqual({ s1: 30_000, m1: 72_000, m5: 100_800 });
    const bytes = h.sizeBytes();
    const rows = counts.s1 + counts.m1 + counts.m5;
    h.close();
    const file = statSync(path).size;
    console.log(`[stats disk] 50 containers × 7 days: ${rows} rows, ${(bytes / 1e6).toFixed(2)} MB used (${(bytes / rows).toFixed(1)} B/row), file ${(file / 1e6).toFixed(2)} MB`);
    expect(bytes / rows).toBeLessThan(64);
    expect(file).toBeLessThan(15e6);
  });

  it('stays bounded: after the retention has cycled, the file no longer grows', () => {
    const dir = tmp();
    const path = join(dir, 'stats.db');
    let now = T0;
    const h = new HistoryStore(path, { retentionDays: 1, now: () => now });
    const ids = ['1', '2', '3', '4', '5'].map((c) => c.repeat(64));
    const sizes: number[] = [];
    // 3 simulated days, a batch every 10 s (sparser than real, same roll-up and prune path).
    for (let day = 0; day < 3; day++) {
      for (let s = 0; s < 86_400; s += 10) {
        now = T0 + (day * 86_400 + s) * 1000;
        h.record(ids.map((id, i) => sample(id, now, i * 10 + (s % 7), 1_000_000 + s)));
      }
      // The database and its write-ahead log, as they sit on disk.
      sizes.push(statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0));
    }
    h.close();
    console.log(`[stats disk] db + WAL after day 1/2/3 with 1-day retention: ${sizes.map((b) => (b / 1024).toFixed(0)).join(' / ')} KiB`);
    expect(sizes[2]!).toBeLessThanOrEqual(sizes[1]! * 1.1);
  });
});
