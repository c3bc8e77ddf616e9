// One WakeManager per core, when the core was created with `wake` options (desktop: on; serve:
// --wake; tests: on request). Started with the core, disposed with it (Caddy stopped).
import type { CoreContext } from '../context';
import { DISCOVERED_HOST_ID } from '../engine/discovery';
import { WakeManager } from './wake-manager';

const managers = new WeakMap<CoreContext, WakeManager | null>();

export function wakeManagerFor(ctx: CoreContext): WakeManager | null {
  if (managers.has(ctx)) return managers.get(ctx) ?? null;
  const opts = ctx.opts.wake;
  if (!opts) {
    managers.set(ctx, null);
    return null;
  }
  const m = new WakeManager({
    ...opts,
    dataDir: ctx.opts.dataDir,
    logger: ctx.logger,
    // Wake-on-demand serves the auto-detected engine (the one Caddy runs next to).
    host: ctx.hosts.get(DISCOVERED_HOST_ID),
    stored: {
      get: () => ctx.store.get('wakeServices'),
      update: (fn) => ctx.store.update('wakeServices', fn),
      onChange: (fn) => ctx.store.onChange('wakeServices', () => fn()),
    },
  });
  managers.set(ctx, m);
  m.ready = m.start().catch((e) => ctx.logger.warn('wake: could not start', e));
  ctx.onDispose(() => m.dispose());
  return m;
}
