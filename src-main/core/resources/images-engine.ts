// Images against the engine: the list rows (images + which containers use them), inspect and
// history views, remove with the blocking containers named, and prune of exactly a previewed set.
import type Dockerode from 'dockerode';
import type { ImageDetail, ImageLayer, ImagePrunePreview, ImageRow, PruneResult } from '../../contract/procedures/images';
import { engineError, engineMessage, engineStatus } from '../engine/engine-errors';
import { systemDf } from './system-df';

const MAX_NAMES = 20;
const NONE = new Set(['<none>:<none>', '<none>@<none>']);

interface RawImage {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Size: number;
  Created: number;
  Labels?: Record<string, string> | null;
  SharedSize?: number;
  Containers?: number;
}

interface RawContainerRef {
  Id: string;
  Names?: string[];
  ImageID?: string;
}

export const containerName = (c: { Id: string; Names?: string[] }): string => (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');

export function toImageRows(images: RawImage[], containers: RawContainerRef[]): ImageRow[] {
  const users = new Map<string, string[]>();
  for (const c of containers) {
    if (!c.ImageID) continue;
    const list = users.get(c.ImageID) ?? [];
    list.push(containerName(c));
    users.set(c.ImageID, list);
  }
  return images.map((i) => {
    const names = (users.get(i.Id) ?? []).sort();
    return {
      id: i.Id,
      repoTags: (i.RepoTags ?? []).filter((t) => !NONE.has(t)),
      repoDigests: (i.RepoDigests ?? []).filter((t) => !NONE.has(t)),
      size: i.Size,
      created: i.Created,
      containers: names.slice(0, MAX_NAMES),
      containerCount: names.length,
      labels: i.Labels ?? {},
    };
  });
}

export async function fetchImageRows(docker: Dockerode): Promise<ImageRow[]> {
  const [images, containers] = await Promise.all([docker.listImages() as unknown as Promise<RawImage[]>, docker.listContainers({ all: true }) as unknown as Promise<RawContainerRef[]>]);
  return toImageRows(images, containers);
}

const statusOf = engineStatus;

interface RawImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: string;
  Size?: number;
  Architecture?: string;
  Os?: string;
  Author?: string;
  Config?: {
    User?: string;
    WorkingDir?: string;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Env?: string[] | null;
    ExposedPorts?: Record<string, unknown> | null;
    Volumes?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
  } | null;
}

export function toImageDetail(i: RawImageInspect): ImageDetail {
  const c = i.Config ?? {};
  return {
    id: i.Id,
    repoTags: i.RepoTags ?? [],
    repoDigests: i.RepoDigests ?? [],
    created: i.Created ?? '',
    size: i.Size ?? 0,
    architecture: i.Architecture ?? '',
    os: i.Os ?? '',
    author: i.Author ?? '',
    user: c.User ?? '',
    workingDir: c.WorkingDir ?? '',
    cmd: c.Cmd ?? [],
    entrypoint: c.Entrypoint ?? [],
    env: c.Env ?? [],
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    labels: c.Labels ?? {},
    raw: JSON.stringify(i, null, 2),
  };
}

export async function inspectImage(docker: Dockerode, id: string): Promise<ImageDetail> {
  return toImageDetail((await docker.getImage(id).inspect()) as unknown as RawImageInspect);
}

export async function imageHistory(docker: Dockerode, id: string): Promise<ImageLayer[]> {
  const layers = (await docker.getImage(id).history()) as { Id: string; Created: number; CreatedBy: string; Size: number; Tags?: string[] | null; Comment?: string }[];
  return layers.map((l) => ({ id: l.Id, created: l.Created, createdBy: l.CreatedBy, size: l.Size, tags: l.Tags ?? [], comment: l.Comment ?? '' }));
}

/** Containers (any state) made from the image, by name. */
async function usersOf(docker: Dockerode, imageId: string): Promise<string[]> {
  const list = (await docker.listContainers({ all: true })) as unknown as RawContainerRef[];
  return list.filter((c) => c.ImageID === imageId).map(containerName).sort();
}

export async function removeImage(docker: Dockerode, id: string, force: boolean): Promise<{ untagged: string[]; deleted: string[] }> {
  let imageId: string | undefined;
  try {
    imageId = ((await docker.getImage(id).inspect()) as unknown as RawImageInspect).Id;
    const out = (await docker.getImage(id).remove({ force })) as { Untagged?: string; Deleted?: string }[];
    return { untagged: out.flatMap((o) => (o.Untagged ? [o.Untagged] : [])), deleted: out.flatMap((o) => (o.Deleted ? [o.Deleted] : [])) };
  } catch (e) {
    if (statusOf(e) === 409 && imageId) {
      // The engine names one container by id; the user wants to know every container, by name.
      const users = await usersOf(docker, imageId).catch(() => []);
      const hint = users.length > 0 ? `Used by ${users.length === 1 ? 'the container' : `${users.length} containers:`} ${users.slice(0, 10).join(', ')}${users.length > 10 ? '…' : ''}. Remove ${users.length === 1 ? 'it' : 'them'} first, or force the removal (the image is then only untagged while they exist).` : undefined;
      throw engineError(e, { fallbackCode: 'CONFLICT', ...(hint ? { hint } : {}) });
    }
    throw e;
  }
}

interface RawDf {
  LayersSize?: number;
  Images?: (RawImage & { SharedSize: number; Containers: number })[] | null;
}

export async function diskUsage(docker: Dockerode): Promise<RawDf> {
  return await systemDf<RawDf>(docker);
}

export async function imagePrunePreview(docker: Dockerode, scope: 'dangling' | 'unused'): Promise<ImagePrunePreview> {
  const [df, containers] = await Promise.all([diskUsage(docker), docker.listContainers({ all: true }) as unknown as Promise<RawContainerRef[]>]);
  const used = new Set(containers.map((c) => c.ImageID));
  const items = (df.Images ?? [])
    .filter((i) => !used.has(i.Id) && i.Containers <= 0)
    .filter((i) => scope === 'unused' || (i.RepoTags ?? []).every((t) => NONE.has(t)))
    .map((i) => ({
      id: i.Id,
      repoTags: (i.RepoTags ?? []).filter((t) => !NONE.has(t)),
      size: i.Size,
      uniqueSize: Math.max(0, i.Size - Math.max(0, i.SharedSize)),
      created: i.Created,
    }))
    .sort((a, b) => b.uniqueSize - a.uniqueSize);
  return { items, reclaimable: items.reduce((n, i) => n + i.uniqueSize, 0) };
}

/** Remove exactly these images (never force: one a container started using meanwhile stays). */
export async function pruneImages(docker: Dockerode, ids: string[]): Promise<PruneResult> {
  const before = (await diskUsage(docker)).LayersSize ?? 0;
  const removed: string[] = [];
  const failed: { id: string; message: string }[] = [];
  const containers = (await docker.listContainers({ all: true })) as unknown as RawContainerRef[];
  const used = new Set(containers.map((c) => c.ImageID));
  for (const id of ids) {
    try {
      // Remove by id: with several tags, the engine needs force to drop them all, but never while in use.
      if (used.has(id)) {
        failed.push({ id, message: 'a container uses this image now; it was kept' });
        continue;
      }
      await docker.getImage(id).remove({ force: true, noprune: false });
      removed.push(id);
    } catch (e) {
      failed.push({ id, message: engineMessage(e as never) });
    }
  }
  const after = (await diskUsage(docker)).LayersSize ?? 0;
  return { removed, failed, spaceFreed: Math.max(0, before - after) };
}
