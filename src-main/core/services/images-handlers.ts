// images.*: thin adapters over the ResourcesService (live list) and images-engine (actions).
import type { imagesProcedures, ImageRow } from '../../contract/procedures/images';
import type { CoreContext, DomainHandlers } from '../context';
import { runBuild } from '../resources/image-build';
import { runLoad, runSave } from '../resources/image-archive';
import { imageHistory, imagePrunePreview, inspectImage, pruneImages, removeImage } from '../resources/images-engine';

export function imagesHandlers(ctx: CoreContext): DomainHandlers<typeof imagesProcedures> {
  const docker = (hostId: string) => ctx.hosts.get(hostId).client();
  const touched = (hostId: string): void => ctx.services.resources.touched(hostId, 'image');
  return {
    'images.watch': ({ hostId }, sink) => ctx.services.resources.feed<ImageRow>(hostId, 'image').subscribe((e) => sink.next(e)),
    'images.inspect': ({ hostId, id }) => inspectImage(docker(hostId), id),
    'images.history': ({ hostId, id }) => imageHistory(docker(hostId), id),
    'images.remove': async ({ hostId, id, force }) => {
      const r = await removeImage(docker(hostId), id, force);
      touched(hostId);
      return r;
    },
    'images.tag': async ({ hostId, id, repo, tag }) => {
      await docker(hostId).getImage(id).tag({ repo, tag });
      touched(hostId);
      return { ref: `${repo}:${tag}` };
    },
    'images.untag': async ({ hostId, ref }) => {
      const r = await removeImage(docker(hostId), ref, false);
      touched(hostId);
      return r;
    },
    'images.build': (input, sink, signal) => runBuild({ docker: docker(input.hostId), input, sink, signal, onDone: () => touched(input.hostId) }),
    'images.save': ({ hostId, ids, path, overwrite }, sink, signal) => runSave({ docker: docker(hostId), names: ids, path, overwrite, sink, signal }),
    'images.load': ({ hostId, path }, sink, signal) => runLoad({ docker: docker(hostId), path, sink, signal, onDone: () => touched(hostId) }),
    'images.prunePreview': ({ hostId, scope }) => imagePrunePreview(docker(hostId), scope),
    'images.prune': async ({ hostId, ids }) => {
      const r = await pruneImages(docker(hostId), ids);
      touched(hostId);
      return r;
    },
  };
}
