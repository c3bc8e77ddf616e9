// Wires the StatsHub to the HistoryStore: while history is on (settings.statsHistory), every
// running container of the local host is recorded: read every 30 s in the background (one-shot
// readings), or every second while someone watches it. Settings changes arrive as store events.
import { join } from 'node:path';
import type { CoreContext } from '../context';
import { HistoryStore } from './history-store';
import { statsHubFor } from './stats-hub';

export interface StatsHistoryService {
  /** null when SQLite could not be loaded at all (then nothing is recorded). */
  store: HistoryStore | null;
  /** Is history being recorded now. */
  readonly recording: boolean;
}

const services = new WeakMap<CoreContext, StatsHistoryService>();

export function statsHistoryFor(ctx: CoreContext): StatsHistoryService {
  const existing = services.get(ctx);
  if (existing) return existing;
  const settings = () => ctx.store.get('settings');
  let store: HistoryStore | null;
  try {
    store = new HistoryStore(join(ctx.opts.dataDir, 'stats.db'), { retentionDays: settings().statsRetentionDays ?? 7 });
  } catch (e) {
    // The native module did not load (not rebuilt for this runtime) or the file is unusable:
    // live stats still work; charts only show what this session saw.
    ctx.logger.warn('stats history: SQLite unavailable, history is kept in memory only', e);
    ctx.store.notices.push({ level: 'warning', message: `Stats history is not saved to disk (${(e as Error).message}); charts show only this session.` });
    try {
      store = new HistoryStore(':memory:', { retentionDays: settings().statsRetentionDays ?? 7 });
    } catch {
      store = null;
    }
  }
  let unsubscribe: (() => void) | null = null;
  const apply = (): void => {
    const s = settings();
    if (!store) return;
    store.retentionDays = s.statsRetentionDays ?? 7;
    const on = s.statsHistory !== false;
    if (on && !unsubscribe) {
      unsubscribe = statsHubFor(ctx).subscribe(
        ctx.local.id,
        'all',
        (batch) => {
          try {
            store?.record(batch);
          } catch (e) {
            ctx.logger.warn('stats history: could not write', e);
          }
        },
        // Recording alone reads each container every 30 s; what someone watches is recorded at 1 s.
        { background: true },
      );
    } else if (!on && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  };
  apply();
  const stopWatching = ctx.store.onChange('settings', apply);
  // Roll-ups and pruning also happen with no running container (recording runs them as it writes).
  const timer = setInterval(() => {
    if (!unsubscribe) store?.maintain();
  }, 60_000);
  timer.unref?.();
  const svc: StatsHistoryService = {
    store,
    get recording() {
      return unsubscribe !== null;
    },
  };
  services.set(ctx, svc);
  ctx.onDispose(() => {
    clearInterval(timer);
    stopWatching();
    unsubscribe?.();
    unsubscribe = null;
    store?.close();
  });
  return svc;
}
