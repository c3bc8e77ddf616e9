// containers.* list and lifecycle procedures.
import type { containerProcedures } from '../../contract/procedures/containers';
import { idempotent, type CoreContext, type DomainHandlers } from '../context';

export function containerHandlers(ctx: CoreContext): DomainHandlers<typeof containerProcedures> {
  const { hosts } = ctx;
  const container = (hostId: string, id: string) => hosts.get(hostId).client().getContainer(id);
  return {
    'containers.list': async ({ hostId }) => hosts.get(hostId).list(),
    'containers.watch': ({ hostId }, sink) => hosts.get(hostId).watch((patch) => sink.next(patch)),
    'containers.reconcile': async ({ hostId }) => ({ changed: await hosts.get(hostId).reconcile() }),
    'containers.start': ({ hostId, id }) => idempotent(container(hostId, id).start()),
    'containers.stop': ({ hostId, id, timeout }) => idempotent(container(hostId, id).stop(timeout === undefined ? {} : { t: timeout })),
    'containers.restart': ({ hostId, id, timeout }) => idempotent(container(hostId, id).restart(timeout === undefined ? {} : { t: timeout })),
    'containers.pause': ({ hostId, id }) => idempotent(container(hostId, id).pause()),
    'containers.unpause': ({ hostId, id }) => idempotent(container(hostId, id).unpause()),
    'containers.kill': ({ hostId, id, signal }) => idempotent(container(hostId, id).kill(signal ? { signal } : {})),
    'containers.rename': ({ hostId, id, name }) => idempotent(container(hostId, id).rename({ name })),
    'containers.remove': ({ hostId, id, force, volumes }) => idempotent(container(hostId, id).remove({ force, v: volumes })),
  };
}
