// alerts.*, alerts.rules.* and channels.* procedures: thin adapters over the alerts service.
import type { alertsProcedures } from '../../contract/procedures/alerts';
import type { CoreContext, DomainHandlers } from '../context';

export function alertsHandlers(ctx: CoreContext): DomainHandlers<typeof alertsProcedures> {
  const svc = ctx.services.alerts;
  return {
    'alerts.rules.list': async () => svc.listRules(),
    'alerts.rules.save': async (input) => svc.saveRule(input),
    'alerts.rules.delete': async ({ id }) => {
      await svc.deleteRule(id);
      return null;
    },
    'alerts.list': async ({ state, limit }) => svc.listAlerts(state, limit),
    'alerts.watch': (_input, sink) => svc.watch((ev) => sink.next(ev)),
    'alerts.ack': async ({ ids }) => {
      await svc.ack(ids);
      return null;
    },
    'alerts.clear': async ({ which }) => ({ removed: await svc.clear(which) }),
    'channels.list': async () => svc.listChannels(),
    'channels.save': async (input) => svc.saveChannel(input),
    'channels.delete': async ({ id }) => {
      await svc.deleteChannel(id);
      return null;
    },
    'channels.test': async (input) => svc.testChannel(input),
  };
}
