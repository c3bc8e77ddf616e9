// One AlertService per core, created on first use (handlers, the desktop shell, /metrics).
import type { CoreContext } from '../context';
import { statsHubFor } from '../stats/stats-hub';
import { alertsStoreOf } from '../store/json-store';
import { AlertService } from './alert-service';

const services = new WeakMap<CoreContext, AlertService>();

export function alertServiceFor(ctx: CoreContext): AlertService {
  let svc = services.get(ctx);
  if (!svc) {
    const s = new AlertService({
      store: alertsStoreOf(ctx.store),
      getHost: (hostId) => ctx.hosts.get(hostId),
      stats: () => statsHubFor(ctx),
      logger: ctx.logger,
    });
    services.set(ctx, s);
    ctx.onDispose(() => s.dispose());
    svc = s;
  }
  return svc;
}
