// Persisted stats history: SQLite (better-sqlite3, WAL) with one table per resolution.
//   s1: 1 s samples, kept 10 minutes      (written once per second, one transaction per batch)
//   m1: 1 min averages, kept 24 hours     (rolled up from s1 once a minute, in SQL)
//   m5: 5 min averages, kept `retention`  (rolled up from m1 every 5 minutes; 7 days by default)
// The roll-ups read the persisted finer table, so a restart loses no bucket. Rows are small
// integers keyed by (series, t) in WITHOUT ROWID tables; a series is one container of one host.
// Deleted pages are reused, so the file stays bounded at steady state (see docs/features/stats.md).
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DerivedSample, StatsPoint, StatsWindow } from '../../contract';

export interface Resolution {
  table: 's1' | 'm1' | 'm5';
  seconds: number;
}

export const RESOLUTIONS: Record<'s1' | 'm1' | 'm5', Resolution> = {
  s1: { table: 's1', seconds: 1 },
  m1: { table: 'm1', seconds: 60 },
  m5: { table: 'm5', seconds: 300 },
};

/** Which table answers a window, and over how many seconds. */
export const WINDOWS: Record<StatsWindow, { res: Resolution; span: number }> = {
  '5m': { res: RESOLUTIONS.s1, span: 300 },
  '1h': { res: RESOLUTIONS.m1, span: 3600 },
  '24h': { res: RESOLUTIONS.m1, span: 86_400 },
  '7d': { res: RESOLUTIONS.m5, span: 7 * 86_400 },
};

export const S1_KEEP_S = 600;
export const M1_KEEP_S = 86_400;

export interface HistoryOptions {
  /** Days of 5-minute history to keep. */
  retentionDays: number;
  now?: () => number;
}

export interface HistorySeries {
  resolutionSec: number;
  points: StatsPoint[];
}

const COLS = 'cpu, mem, lim, rx, tx, br, bw, pids';

/** SQLite saying the file is not (or no longer) a sound database. */
export function isDamagedDb(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY_DBMOVED';
}

/** Move a damaged database (and its WAL and shared-memory files) aside; returns the new name. */
export function moveDbAside(path: string, at: Date): string {
  const aside = `${path}.corrupt-${at.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  return aside;
}

/**
 * What the file at `path` is now compared with the one we opened: SQLite keeps writing to a file
 * that was deleted (an unlinked inode) and keeps reading a truncated one from its cache, silently.
 */
export type DbFileState = 'ok' | 'deleted' | 'replaced' | 'truncated';

export class HistoryStore {
  private readonly db: Database.Database;
  private readonly path: string;
  private fileId: { ino: number; dev: number } | null = null;
  private lastSize = 0;
  private readonly seriesIds = new Map<string, number>();
  private readonly now: () => number;
  retentionDays: number;
  /** Start of the last finished bucket rolled up, per coarse table. */
  private lastM1 = 0;
  private lastM5 = 0;
  private readonly stmts: {
    insertS1: Database.Statement;
    getSeries: Database.Statement;
    insertSeries: Database.Statement;
    updateSeries: Database.Statement;
  };

  constructor(path: string, opts: HistoryOptions) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.path = path;
    this.db = new Database(path);
    this.now = opts.now ?? Date.now;
    this.retentionDays = opts.retentionDays;
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL: durable across an app crash, may lose the last second on power loss; no fsync per batch.
    this.db.pragma('synchronous = NORMAL');
    // After a checkpoint the WAL is truncated back to this size, so it never grows unbounded.
    this.db.pragma('journal_size_limit = 4194304');
    // Two WakeDock processes on one data dir (desktop and serve) wait for each other's write.
    this.db.pragma('busy_timeout = 2000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS series (
        sid INTEGER PRIMARY KEY, host TEXT NOT NULL, cid TEXT NOT NULL, name TEXT NOT NULL, project TEXT,
        UNIQUE (host, cid));
      CREATE INDEX IF NOT EXISTS series_project ON series (host, project);
      CREATE INDEX IF NOT EXISTS series_name ON series (host, name);
    `);
    for (const t of ['s1', 'm1', 'm5']) {
      // cpu in hundredths of a percent, memory in bytes, rates in bytes/s: integers keep rows small.
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (
        sid INTEGER NOT NULL, t INTEGER NOT NULL, cpu INTEGER NOT NULL, mem INTEGER NOT NULL, lim INTEGER NOT NULL,
        rx INTEGER NOT NULL, tx INTEGER NOT NULL, br INTEGER NOT NULL, bw INTEGER NOT NULL, pids INTEGER NOT NULL,
        PRIMARY KEY (sid, t)) WITHOUT ROWID;`);
    }
    this.stmts = {
      insertS1: this.db.prepare(`INSERT OR REPLACE INTO s1 (sid, t, ${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getSeries: this.db.prepare('SELECT sid, name, project FROM series WHERE host = ? AND cid = ?'),
      insertSeries: this.db.prepare('INSERT INTO series (host, cid, name, project) VALUES (?, ?, ?, ?)'),
      updateSeries: this.db.prepare('UPDATE series SET name = ?, project = ? WHERE sid = ?'),
    };
    // Catch up on start: buckets the previous run did not finish (it quit mid-minute, or was
    // down) are rolled up from what the finer tables still hold.
    const sec = Math.floor(this.now() / 1000);
    this.lastM1 = sec - (sec % 60);
    this.lastM5 = sec - (sec % 300);
    this.rollUp('s1', 'm1', 60, ceilTo(sec - S1_KEEP_S, 60), this.lastM1);
    this.rollUp('m1', 'm5', 300, ceilTo(sec - M1_KEEP_S, 300), this.lastM5);
    this.noteFile();
  }

  private seriesId(s: DerivedSample): number {
    const key = `${s.hostId}\u0000${s.id}\u0000${s.name}\u0000${s.composeProject ?? ''}`;
    const cached = this.seriesIds.get(key);
    if (cached !== undefined) return cached;
    const row = this.stmts.getSeries.get(s.hostId, s.id) as { sid: number; name: string; project: string | null } | undefined;
    let sid: number;
    if (row) {
      sid = row.sid;
      if (row.name !== s.name || (row.project ?? undefined) !== s.composeProject) this.stmts.updateSeries.run(s.name, s.composeProject ?? null, sid);
    } else {
      sid = Number(this.stmts.insertSeries.run(s.hostId, s.id, s.name, s.composeProject ?? null).lastInsertRowid);
    }
    this.seriesIds.set(key, sid);
    return sid;
  }

  /** One transaction per batch (once per second), then the roll-ups that are due. */
  record(batch: readonly DerivedSample[]): void {
    if (batch.length > 0) {
      this.db.transaction(() => {
        for (const s of batch) {
          this.stmts.insertS1.run(
            this.seriesId(s),
            Math.floor(s.t / 1000),
            Math.round(s.cpuPercent * 100),
            Math.round(s.memUsed),
            Math.round(s.memLimit),
            Math.round(s.netRxRate),
            Math.round(s.netTxRate),
            Math.round(s.blockReadRate),
            Math.round(s.blockWriteRate),
            Math.round(s.pids),
          );
        }
      })();
    }
    this.maintain();
  }

  /** Roll up finished buckets and prune what fell out of retention. Cheap when nothing is due. */
  maintain(): void {
    const sec = Math.floor(this.now() / 1000);
    const m1 = sec - (sec % 60);
    if (m1 > this.lastM1) {
      this.rollUp('s1', 'm1', 60, this.lastM1 - 60, m1);
      this.lastM1 = m1;
      this.db.prepare('DELETE FROM s1 WHERE t < ?').run(sec - S1_KEEP_S);
      this.db.prepare('DELETE FROM m1 WHERE t < ?').run(sec - M1_KEEP_S);
    }
    const m5 = sec - (sec % 300);
    if (m5 > this.lastM5) {
      this.rollUp('m1', 'm5', 300, this.lastM5 - 300, m5);
      this.lastM5 = m5;
      this.db.prepare('DELETE FROM m5 WHERE t < ?').run(sec - this.retentionDays * 86_400);
      this.db.prepare('DELETE FROM series WHERE sid NOT IN (SELECT sid FROM m5) AND sid NOT IN (SELECT sid FROM m1) AND sid NOT IN (SELECT sid FROM s1)').run();
      this.seriesIds.clear();
    }
  }

  /**
   * Average the finer rows of [from, to) into buckets of `size` seconds. The bucket before the
   * last one is redone too (INSERT OR REPLACE), so a bucket cut by a restart is completed.
   */
  private rollUp(from: 's1' | 'm1', to: 'm1' | 'm5', size: number, start: number, end: number): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO ${to} (sid, t, ${COLS})
         SELECT sid, (t / ${size}) * ${size} AS b, CAST(ROUND(AVG(cpu)) AS INTEGER), CAST(ROUND(AVG(mem)) AS INTEGER), MAX(lim),
                CAST(ROUND(AVG(rx)) AS INTEGER), CAST(ROUND(AVG(tx)) AS INTEGER), CAST(ROUND(AVG(br)) AS INTEGER),
                CAST(ROUND(AVG(bw)) AS INTEGER), MAX(pids)
         FROM ${from} WHERE t >= ? AND t < ? GROUP BY sid, b`,
      )
      .run(Math.max(0, start), end);
  }

  /** A container's series (by full id, else by name), or a compose project's sum. */
  query(q: { hostId: string; id?: string; project?: string; window: StatsWindow }): HistorySeries {
    const { res, span } = WINDOWS[q.window];
    const sec = Math.floor(this.now() / 1000);
    const since = sec - span;
    let rows: RawRow[];
    if (q.project !== undefined) {
      // Sum the containers of the project per bucket (1 s samples arrive out of phase: 5 s buckets).
      const size = res.seconds === 1 ? 5 : res.seconds;
      rows = this.db
        .prepare(
          `SELECT b AS t, SUM(cpu) AS cpu, SUM(mem) AS mem, 0 AS lim, SUM(rx) AS rx, SUM(tx) AS tx, SUM(br) AS br, SUM(bw) AS bw, SUM(pids) AS pids
           FROM (SELECT d.sid, (d.t / ${size}) * ${size} AS b, AVG(cpu) AS cpu, AVG(mem) AS mem, AVG(rx) AS rx, AVG(tx) AS tx, AVG(br) AS br, AVG(bw) AS bw, MAX(pids) AS pids
                 FROM ${res.table} d JOIN series s ON s.sid = d.sid
                 WHERE s.host = ? AND s.project = ? AND d.t >= ? GROUP BY d.sid, b)
           GROUP BY b ORDER BY b`,
        )
        .all(q.hostId, q.project, since) as RawRow[];
      return { resolutionSec: size, points: rows.map(toPoint) };
    }
    const id = q.id ?? '';
    rows = this.db
      .prepare(
        `SELECT d.t AS t, ${COLS} FROM ${res.table} d
         WHERE d.sid IN (SELECT sid FROM series WHERE host = ? AND (cid = ? OR (length(?) >= 4 AND substr(cid, 1, length(?)) = ?) OR name = ?))
           AND d.t >= ? ORDER BY d.t`,
      )
      .all(q.hostId, id, id, id, id, id.replace(/^\//, ''), since) as RawRow[];
    return { resolutionSec: res.seconds, points: rows.map(toPoint) };
  }

  /** Rows per table (tests and the bench). */
  counts(): Record<'s1' | 'm1' | 'm5', number> {
    const n = (t: string): number => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { s1: n('s1'), m1: n('m1'), m5: n('m5') };
  }

  /** Bytes of the database (page count × page size) after a checkpoint. */
  sizeBytes(): number {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * size;
  }

  /** Direct access for tests and the bench (synthetic data). */
  get raw(): Database.Database {
    return this.db;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Remember the file we have open (after the constructor created it). */
  private noteFile(): void {
    if (this.path === ':memory:' || this.fileId) return;
    const st = statSync(this.path);
    this.fileId = { ino: st.ino, dev: st.dev };
    this.lastSize = st.size;
  }

  /** Is the file on disk still the one we write to, and whole? (A stat; cheap.) */
  checkFile(): DbFileState {
    if (this.path === ':memory:') return 'ok';
    if (!this.fileId) this.noteFile();
    let st;
    try {
      st = statSync(this.path);
    } catch {
      return 'deleted';
    }
    if (st.ino !== this.fileId!.ino || st.dev !== this.fileId!.dev) return 'replaced';
    // Nothing here shrinks the file (no VACUUM): a smaller file was cut by someone else.
    if (st.size < this.lastSize) return 'truncated';
    this.lastSize = st.size;
    return 'ok';
  }
}

interface RawRow {
  t: number;
  cpu: number;
  mem: number;
  lim: number;
  rx: number;
  tx: number;
  br: number;
  bw: number;
  pids: number;
}

function ceilTo(v: number, step: number): number {
  return Math.ceil(v / step) * step;
}

function toPoint(r: RawRow): StatsPoint {
  return {
    t: r.t * 1000,
    cpuPercent: r.cpu / 100,
    memUsed: Math.round(r.mem),
    memLimit: r.lim,
    netRxRate: Math.round(r.rx),
    netTxRate: Math.round(r.tx),
    blockReadRate: Math.round(r.br),
    blockWriteRate: Math.round(r.bw),
    pids: r.pids,
  };
}
