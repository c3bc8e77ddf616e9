// networks.*: thin adapters over the ResourcesService (live list) and networks-engine (actions).
import type { networksProcedures, NetworkRow } from '../../contract/procedures/networks';
import type { CoreContext, DomainHandlers } from '../context';
import { connectNetwork, createNetwork, disconnectNetwork, networkMembers, networkPrunePreview, pruneNetworks, removeNetwork } from '../resources/networks-engine';

export function networksHandlers(ctx: CoreContext): DomainHandlers<typeof networksProcedures> {
  const docker = (hostId: string) => ctx.hosts.get(hostId).client();
  const after = async <T>(hostId: string, p: Promise<T>): Promise<T> => {
    const r = await p;
    ctx.services.resources.touched(hostId, 'network');
    return r;
  };
  return {
    'networks.watch': ({ hostId }, sink) => ctx.services.resources.feed<NetworkRow>(hostId, 'network').subscribe((e) => sink.next(e)),
    'networks.create': ({ hostId, ...spec }) => after(hostId, createNetwork(docker(hostId), spec)),
    'networks.members': ({ hostId, id }) => networkMembers(docker(hostId), id),
    'networks.remove': ({ hostId, id }) => after(hostId, removeNetwork(docker(hostId), id)),
    'networks.connect': ({ hostId, id, container, aliases }) => after(hostId, connectNetwork(docker(hostId), id, container, aliases)),
    'networks.disconnect': ({ hostId, id, container, force }) => after(hostId, disconnectNetwork(docker(hostId), id, container, force)),
    'networks.prunePreview': ({ hostId }) => networkPrunePreview(docker(hostId)),
    'networks.prune': ({ hostId, ids }) => after(hostId, pruneNetworks(docker(hostId), ids)),
  };
}
