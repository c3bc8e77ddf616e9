// containers.* list and lifecycle procedures: thin adapters over the containers service.
import type { containerProcedures } from '../../contract/procedures/containers';
import type { CoreContext, DomainHandlers } from '../context';

export function containerHandlers(ctx: CoreContext): DomainHandlers<typeof containerProcedures> {
  const c = ctx.services.containers;
  return {
    'containers.list': async ({ hostId }) => c.list(hostId),
    'containers.watch': ({ hostId }, sink) => c.watch(hostId, (patch) => sink.next(patch)),
    'containers.reconcile': async ({ hostId }) => ({ changed: await c.reconcile(hostId) }),
    'containers.start': ({ hostId, id }, signal) => c.start(hostId, id, signal),
    'containers.stop': ({ hostId, id, timeout }, signal) => c.stop(hostId, id, timeout, signal),
    'containers.restart': ({ hostId, id, timeout }, signal) => c.restart(hostId, id, timeout, signal),
    'containers.pause': ({ hostId, id }, signal) => c.pause(hostId, id, signal),
    'containers.unpause': ({ hostId, id }, signal) => c.unpause(hostId, id, signal),
    'containers.kill': ({ hostId, id, signal: name }, signal) => c.kill(hostId, id, name, signal),
    'containers.rename': ({ hostId, id, name }, signal) => c.rename(hostId, id, name, signal),
    'containers.remove': ({ hostId, id, force, volumes }, signal) => c.remove(hostId, id, { force, volumes }, signal),
  };
}
