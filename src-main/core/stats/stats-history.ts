// The "history" service: wires the StatsHub to the HistoryStore. While history is on
// (settings.statsHistory), every running container of every host is recorded — hosts added later
// included, removed hosts dropped: read every 30 s in the background (one-shot readings), or every
// second while someone watches it. Settings changes arrive as store events.
import { join } from 'node:path';
import type { Logger } from '../../contract/handlers';
import type { HostRegistry } from '../host-registry';
import type { Service } from '../lifecycle';
import type { JsonStore } from '../store/json-store';
import { HistoryStore } from './history-store';
import type { StatsHub } from './stats-hub';

export interface StatsHistoryDeps {
  dataDir: string;
  store: JsonStore;
  hosts: HostRegistry;
  stats: StatsHub;
  logger: Logger;
}

export class StatsHistoryService implements Service {
  /** null when SQLite could not be loaded at all (then nothing is recorded). */
  store: HistoryStore | null = null;
  private stopFollowing: (() => void) | null = null;
  private stopWatchingSettings: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;

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
      this.store = new HistoryStore(join(this.deps.dataDir, 'stats.db'), { retentionDays });
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
            try {
              store.record(batch);
            } catch (e) {
              this.deps.logger.warn('stats history: could not write', e);
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
