// hosts.importContexts (and, with the SSH connector, the local socket forward).
import type { hostToolsProcedures } from '../../contract/procedures/host-tools';
import type { CoreContext, DomainHandlers } from '../context';
import { listDockerContexts } from '../hosts/docker-contexts';

export function hostToolsHandlers(ctx: CoreContext): DomainHandlers<typeof hostToolsProcedures> {
  return {
    'hosts.importContexts': async () => listDockerContexts(ctx.discovery, ctx.store.get('hosts')),
  };
}
