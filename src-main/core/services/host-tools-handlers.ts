// hosts.importContexts, and the local socket forward of SSH hosts (hosts.forwardSocket/forwards).
import type { hostToolsProcedures } from '../../contract/procedures/host-tools';
import type { CoreContext, DomainHandlers } from '../context';
import { listDockerContexts } from '../hosts/docker-contexts';
import { SocketForwards } from '../hosts/socket-forwards';
import type { SshLinkOf } from '../hosts/ssh-link';

export function hostToolsHandlers(ctx: CoreContext, sshLink?: SshLinkOf): DomainHandlers<typeof hostToolsProcedures> {
  // Builds nothing that runs: a forward starts only when asked for; all end before the hosts stop.
  const forwards = new SocketForwards({ hosts: ctx.hosts, dataDir: ctx.opts.dataDir, logger: ctx.logger, sshLink });
  ctx.onDispose(() => forwards.dispose());
  return {
    'hosts.importContexts': async () => listDockerContexts(ctx.discovery, ctx.store.get('hosts')),
    'hosts.forwardSocket': async ({ hostId, enabled }) => forwards.set(hostId, enabled),
    'hosts.forwards': async () => forwards.list(),
  };
}
