// volumes.*: thin adapters over the ResourcesService (live list) and volumes-engine (actions).
import type { volumesProcedures, VolumeRow } from '../../contract/procedures/volumes';
import type { CoreContext, DomainHandlers } from '../context';
import { createVolume, pruneVolumes, removeVolume, volumePrunePreview } from '../resources/volumes-engine';

export function volumesHandlers(ctx: CoreContext): DomainHandlers<typeof volumesProcedures> {
  const docker = (hostId: string) => ctx.hosts.get(hostId).client();
  const changed = (hostId: string): void => ctx.services.resources.volumesChanged(hostId);
  return {
    'volumes.watch': ({ hostId }, sink) => ctx.services.resources.feed<VolumeRow>(hostId, 'volume').subscribe((e) => sink.next(e)),
    'volumes.measure': async ({ hostId }) => {
      changed(hostId);
      return null;
    },
    'volumes.create': async ({ hostId, ...spec }) => {
      const r = await createVolume(docker(hostId), spec);
      changed(hostId);
      return r;
    },
    'volumes.remove': async ({ hostId, name, force }) => {
      await removeVolume(docker(hostId), name, force);
      changed(hostId);
      return null;
    },
    'volumes.prunePreview': ({ hostId, scope }) => volumePrunePreview(docker(hostId), scope),
    'volumes.prune': async ({ hostId, names }) => {
      const r = await pruneVolumes(docker(hostId), names);
      changed(hostId);
      return r;
    },
  };
}
