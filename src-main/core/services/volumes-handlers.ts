// volumes.*: thin adapters over the ResourcesService (live list) and volumes-engine (actions).
import type { volumesProcedures, VolumeRow } from '../../contract/procedures/volumes';
import type { CoreContext, DomainHandlers } from '../context';
import { join } from 'node:path';
import { createVolume, pruneVolumes, removeVolume, volumePrunePreview } from '../resources/volumes-engine';
import { helperImages } from '../resources/volume-helper';
import { backupFileName, backupVolume, cloneVolume, listBackups, listVolumeDir, readVolumeFile, restoreVolume } from '../resources/volume-files';

/** Where backups go when no path is given: on the machine that runs WakeDock. */
export const backupDir = (dataDir: string): string => join(dataDir, 'volume-backups');

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
    'volumes.helperImages': ({ hostId }) => helperImages(docker(hostId)),
    'volumes.list': ({ hostId, name, image, path }, signal) => listVolumeDir(docker(hostId), { name, image, path, signal }),
    'volumes.readFile': ({ hostId, name, image, path }, signal) => readVolumeFile(docker(hostId), { name, image, path, signal }),
    'volumes.backups': async () => {
      const dir = backupDir(ctx.opts.dataDir);
      return { dir, files: await listBackups(dir) };
    },
    'volumes.backup': ({ hostId, name, image, path }, sink, signal) => {
      const target = path ?? join(backupDir(ctx.opts.dataDir), backupFileName(name));
      void backupVolume(docker(hostId), { name, image, path: target, signal, emit: (e) => sink.next(e) })
        .then((r) => {
          sink.next({ kind: 'done', ...r });
          sink.end();
        })
        .catch((e: unknown) => sink.fail(e));
    },
    'volumes.restore': ({ hostId, name, image, path }, sink, signal) => {
      void restoreVolume(docker(hostId), { name, image, path, signal, emit: (e) => sink.next(e) })
        .then((r) => {
          sink.next({ kind: 'done', ...r });
          sink.end();
        })
        .catch((e: unknown) => sink.fail(e))
        .finally(() => changed(hostId));
    },
    'volumes.clone': async ({ hostId, name, image, target }, signal) => {
      try {
        return await cloneVolume(docker(hostId), { name, image, target, signal });
      } finally {
        changed(hostId);
      }
    },
  };
}
