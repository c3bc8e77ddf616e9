// A deleted, truncated or damaged stats.db is reported once and moved aside, not silently written to
// an unlinked file (issue 9 §4). Real files and real SQLite in a temp dir; the hub and the hosts are
// stand-ins that hand the service a batch when the test says so.
import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DerivedSample } from '../../../src-main/contract';
import type { HostRegistry } from '../../../src-main/core/host-registry';
import type { StatsHub } from '../../../src-main/core/stats/stats-hub';
import { StatsHistoryService } from '../../../src-main/core/stats/stats-history';
import { JsonStore } from '../../../src-main/core/store/json-store';
import { silentLogger } from '../../../src-main/rpc/dispatcher';

let dir: string;
let store: JsonStore;
let svc: StatsHistoryService;
let feed: ((batch: DerivedSample[]) => void) | null;

const sample = (t: number): DerivedSample => ({ hostId: 'local', id: 'c1', name: 'web', t, cpuPercent: 5, onlineCpus: 2, memUsed: 1, memLimit: 100, memPercent: 1, netRxRate: 0, netTxRate: 0, blockReadRate: 0, blockWriteRate: 0, pids: 1 });
const hosts = { forEachHost: (fn: (c: { id: string }) => (() => void) | void) => fn({ id: 'local' }) ?? (() => {}) } as unknown as HostRegistry;
const stats = {
  subscribe: (_h: string, _ids: unknown, listener: (b: DerivedSample[]) => void) => {
    feed = listener;
    return () => (feed = null);
  },
} as unknown as StatsHub;
const dbPath = (): string => join(dir, 'stats.db');
const aside = (): string[] => readdirSync(dir).filter((f) => f.startsWith('stats.db.corrupt-') && !f.endsWith('-wal') && !f.endsWith('-shm'));
const start = async (): Promise<void> => {
  store = await JsonStore.open(dir, silentLogger);
  svc = new StatsHistoryService({ dataDir: dir, store, hosts, stats, logger: silentLogger, checkMs: 0 });
  svc.start();
  expect(feed).not.toBeNull();
};
const points = (): number => svc.store!.query({ hostId: 'local', id: 'c1', window: '5m' }).points.length;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wakedock-histfile-'));
  feed = null;
});
afterEach(async () => {
  await svc?.dispose();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stats.db under the feet of a running WakeDock', () => {
  it('a damaged file at start is moved aside with a notice, and history starts again', async () => {
    writeFileSync(dbPath(), 'not a database '.repeat(100));
    await start();
    expect(aside()).toHaveLength(1);
    expect(store.notices.map((n) => n.message).join('\n')).toMatch(/damaged.*kept as .*stats\.db\.corrupt-/);
    feed!([sample(Date.now())]);
    expect(points()).toBe(1);
  });

  it('deleted while running: reported once, recording continues in a new file at the same path', async () => {
    await start();
    feed!([sample(Date.now() - 2000)]);
    unlinkSync(dbPath());
    feed!([sample(Date.now() - 1000)]);
    expect(existsSync(dbPath())).toBe(true); // not written to an unlinked inode any more
    expect(store.notices.filter((n) => /was deleted/.test(n.message))).toHaveLength(1);
    expect(points()).toBe(1); // the new file holds what came after

    unlinkSync(dbPath());
    feed!([sample(Date.now())]);
    expect(existsSync(dbPath())).toBe(true);
    expect(store.notices.filter((n) => /was deleted/.test(n.message))).toHaveLength(1); // once
  });

  it('truncated while running: the cut file is moved aside and reported', async () => {
    await start();
    for (let i = 0; i < 50; i++) feed!([{ ...sample(Date.now() - 60_000 + i * 1000), id: `c${i}`, name: `n${i}` }]);
    svc.store!.close(); // flush the WAL into the file so it has a size to lose
    svc.store = null;
    await svc.dispose();
    await store.close();
    await start();
    truncateSync(dbPath(), 512);
    feed!([sample(Date.now())]);
    expect(aside()).toHaveLength(1);
    expect(store.notices.some((n) => /was truncated.*kept as/.test(n.message))).toBe(true);
    expect(points()).toBe(1);
  });
});
