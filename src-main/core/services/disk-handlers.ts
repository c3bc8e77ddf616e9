// disk.*: thin adapters over disk-engine; a clean-up tells the live lists to re-read.
import type { diskProcedures } from '../../contract/procedures/disk';
import type { CoreContext, DomainHandlers } from '../context';
import { cleanup, cleanupPreview, diskUsageOf } from '../resources/disk-engine';

export function diskHandlers(ctx: CoreContext): DomainHandlers<typeof diskProcedures> {
  const docker = (hostId: string) => ctx.hosts.get(hostId).client();
  return {
    'disk.usage': ({ hostId }) => diskUsageOf(docker(hostId)),
    'disk.cleanupPreview': ({ hostId, ...sel }) => cleanupPreview(docker(hostId), sel),
    'disk.cleanup': async ({ hostId, items }) => {
      const r = await cleanup(docker(hostId), items);
      ctx.services.resources.touched(hostId, 'image', 'network');
      ctx.services.resources.volumesChanged(hostId);
      return r;
    },
  };
}
