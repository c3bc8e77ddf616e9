// The "history" service: wires the StatsHub to the HistoryStore. While history is on
// (settings.statsHistory), every running container of every host is recorded — hosts added later
// included, removed hosts dropped: read every 30 s in the background (one-shot readings), or every
// second while someone watches it. Settings changes arrive as store events.
import { join } from 'node:path';
import type { Logger } from '../../contract/handlers';
import type { HostRegistry } from '../host-registry';
import type { Service } from '../lifecycle';
import type { JsonStore } from '../store/json-store';
import { HistoryStore, isDamagedDb, moveDbAside } from './history-store';
import type { StatsHub } from './stats-hub';

export interface StatsHistoryDeps {
  dataDir: string;
  store: JsonStore;
  hosts: HostRegistry;
  stats: StatsHub;
  logger: Logger;
  /** How often recording checks that stats.db is still the file it writes to (ms, default 10 s). */
  checkMs?: number;
}

export class StatsHistoryService implements Service {
  /** null when SQLite could not be loaded at all (then nothing is recorded). */
  store: HistoryStore | null = null;
  private stopFollowing: (() => void) | null = null;
  private stopWatchingSettings: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;
  private lastCheck = 0;
  private readonly told = new Set<string>();

  constructor(private readonly deps: StatsHistoryDeps) {}

  /** Is history being recorded now. */
  get recording(): boolean {
    return this.stopFollowing !== null;
  }

  start(): void {
    if (this.disposed || this.timer) return;
    const { logger, store: settingsStore } = this.deps;
    const retentionDays = this.settings().statsRetentionDays ?? 7;
    try {
      this.store = this.openFile(retentionDays);
    } catch (e) {
      // The native module did not load (not rebuilt for this runtime) or the file is unusable:
      // live stats still work; charts only show what this session saw.
      logger.warn('stats history: SQLite unavailable, history is kept in memory only', e);
      settingsStore.notices.push({ level: 'warning', message: `Stats history is not saved to disk (${(e as Error).message}); charts show only this session.` });
      try {
        this.store = new HistoryStore(':memory:', { retentionDays });
      } catch {
        this.store = null;
      }
    }
    this.apply();
    this.stopWatchingSettings = settingsStore.onChange('settings', () => this.apply());
    // Roll-ups and pruning also happen with no running container (recording runs them as it writes).
    this.timer = setInterval(() => {
      this.checkFile();
      if (!this.stopFollowing) this.store?.maintain();
    }, 60_000);
    this.timer.unref?.();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopWatchingSettings?.();
    this.stopWatchingSettings = null;
    this.stopFollowing?.();
    this.stopFollowing = null;
    this.store?.close();
  }

  private settings() {
    return this.deps.store.get('settings');
  }

  private get dbPath(): string {
    return join(this.deps.dataDir, 'stats.db');
  }

  /** Open stats.db; a file that is not a sound database is moved aside (told once) and a new one made. */
  private openFile(retentionDays: number): HistoryStore {
    try {
      return new HistoryStore(this.dbPath, { retentionDays });
    } catch (e) {
      if (!isDamagedDb(e)) throw e;
      const aside = moveDbAside(this.dbPath, new Date());
      this.tell(`The stats history file was damaged (${(e as Error).message}); it was kept as ${aside} and history starts again.`);
      return new HistoryStore(this.dbPath, { retentionDays });
    }
  }

  /** Every 60 s and at most every 10 s while recording: is stats.db still the file we write to? */
  private checkFile(): void {
    this.lastCheck = Date.now();
    const store = this.store;
    if (!store || this.disposed) return;
    const state = store.checkFile();
    if (state !== 'ok') this.replaceFile(state);
  }

  private replaceFile(why: 'deleted' | 'replaced' | 'truncated' | 'damaged', e?: unknown): void {
    const old = this.store;
    if (!old || this.disposed) return;
    old.close();
    this.store = null;
    let aside = '';
    try {
      // A cut or damaged file is kept for inspection; a deleted one is gone, a replaced one is someone else's.
      if (why === 'truncated' || why === 'damaged') aside = moveDbAside(this.dbPath, new Date());
      this.store = new HistoryStore(this.dbPath, { retentionDays: this.settings().statsRetentionDays ?? 7 });
    } catch (err) {
      this.deps.logger.warn('stats history: could not reopen the history file', err);
    }
    const what = { deleted: 'was deleted', replaced: 'was replaced by another file', truncated: 'was truncated', damaged: `became unreadable (${(e as Error)?.message})` }[why];
    this.tell(`The stats history file ${what} while WakeDock was running${aside ? `; it was kept as ${aside}` : ''}. Recording continues in a new file; earlier history is not in it.`);
  }

  /** A notice, once per kind of problem, and a log line every time. */
  private tell(message: string): void {
    this.deps.logger.warn(`stats history: ${message}`);
    const kind = message.slice(0, 40);
    if (this.told.has(kind)) return;
    this.told.add(kind);
    this.deps.store.notices.push({ level: 'warning', message });
  }

  private apply(): void {
    const store = this.store;
    if (!store || this.disposed) return;
    const s = this.settings();
    store.retentionDays = s.statsRetentionDays ?? 7;
    const on = s.statsHistory !== false;
    if (on && !this.stopFollowing) {
      // One background subscription per host, following hosts as they are added and removed.
      this.stopFollowing = this.deps.hosts.forEachHost((conn) =>
        this.deps.stats.subscribe(
          conn.id,
          'all',
          (batch) => {
            if (Date.now() - this.lastCheck >= (this.deps.checkMs ?? 10_000)) this.checkFile();
            try {
              this.store?.record(batch);
            } catch (e) {
              if (isDamagedDb(e)) this.replaceFile('damaged', e);
              else this.deps.logger.warn('stats history: could not write', e);
            }
          },
          // Recording alone reads each container every 30 s; what someone watches is recorded at 1 s.
          { background: true },
        ),
      );
    } else if (!on && this.stopFollowing) {
      this.stopFollowing();
      this.stopFollowing = null;
    }
  }
}
