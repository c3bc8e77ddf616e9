// Disk usage from /system/df and the clean-up of exactly a previewed set of items.
import type Dockerode from 'dockerode';
import type { CleanupResult, DiskItem, DiskKind, DiskUsage } from '../../contract/procedures/disk';
import { engineMessage } from '../engine/engine-errors';
import { systemDf } from './system-df';

const NONE = new Set(['<none>:<none>', '<none>@<none>']);
const ANON = /^[a-f0-9]{64}$/;

interface RawDf {
  LayersSize?: number;
  Images?: { Id: string; RepoTags?: string[] | null; Size: number; SharedSize: number; Containers: number }[] | null;
  Containers?: { Id: string; Names?: string[]; Image?: string; State?: string; SizeRw?: number; SizeRootFs?: number }[] | null;
  Volumes?: { Name: string; UsageData?: { Size: number; RefCount: number } | null }[] | null;
  BuildCache?: { ID: string; Type?: string; Description?: string; InUse?: boolean; Shared?: boolean; Size?: number; LastUsedAt?: string }[] | null;
}

const unique = (i: { Size: number; SharedSize: number }): number => Math.max(0, i.Size - Math.max(0, i.SharedSize));
const imageName = (i: { Id: string; RepoTags?: string[] | null }): string => (i.RepoTags ?? []).filter((t) => !NONE.has(t))[0] ?? i.Id.replace(/^sha256:/, '').slice(0, 12);
const dangling = (i: { RepoTags?: string[] | null }): boolean => (i.RepoTags ?? []).every((t) => NONE.has(t));
const cName = (c: { Id: string; Names?: string[] }): string => (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');

function items(df: RawDf): DiskItem[] {
  return [
    ...(df.Images ?? []).map((i) => ({ kind: 'image' as const, id: i.Id, name: imageName(i), size: unique(i), note: i.Containers > 0 ? `used by ${i.Containers} container${i.Containers === 1 ? '' : 's'}` : dangling(i) ? 'dangling' : 'unused' })),
    ...(df.Containers ?? []).map((c) => ({ kind: 'container' as const, id: c.Id, name: cName(c), size: Math.max(0, c.SizeRw ?? 0), note: c.State ?? '' })),
    ...(df.Volumes ?? []).map((v) => ({ kind: 'volume' as const, id: v.Name, name: ANON.test(v.Name) ? `${v.Name.slice(0, 12)}… (anonymous)` : v.Name, size: Math.max(0, v.UsageData?.Size ?? 0), note: (v.UsageData?.RefCount ?? 0) > 0 ? 'in use' : 'unused' })),
    ...(df.BuildCache ?? []).map((b) => ({ kind: 'build-cache' as const, id: b.ID, name: b.Description || b.Type || b.ID.slice(0, 12), size: Math.max(0, b.Size ?? 0), note: b.InUse ? 'in use' : b.Shared ? 'shared' : 'unused' })),
  ];
}

export function toDiskUsage(df: RawDf): DiskUsage {
  const imgs = df.Images ?? [];
  const cons = df.Containers ?? [];
  const vols = df.Volumes ?? [];
  const cache = df.BuildCache ?? [];
  const categories = [
    { kind: 'image' as const, count: imgs.length, active: imgs.filter((i) => i.Containers > 0).length, size: df.LayersSize ?? imgs.reduce((n, i) => n + unique(i), 0), reclaimable: imgs.filter((i) => i.Containers <= 0).reduce((n, i) => n + unique(i), 0) },
    { kind: 'container' as const, count: cons.length, active: cons.filter((c) => c.State === 'running').length, size: cons.reduce((n, c) => n + Math.max(0, c.SizeRw ?? 0), 0), reclaimable: cons.filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting').reduce((n, c) => n + Math.max(0, c.SizeRw ?? 0), 0) },
    { kind: 'volume' as const, count: vols.length, active: vols.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length, size: vols.reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0), reclaimable: vols.filter((v) => (v.UsageData?.RefCount ?? 0) <= 0).reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0) },
    { kind: 'build-cache' as const, count: cache.length, active: cache.filter((b) => b.InUse).length, size: cache.reduce((n, b) => n + Math.max(0, b.Size ?? 0), 0), reclaimable: cache.filter((b) => !b.InUse && !b.Shared).reduce((n, b) => n + Math.max(0, b.Size ?? 0), 0) },
  ];
  const largest = items(df)
    .sort((a, b) => b.size - a.size)
    .slice(0, 10);
  return { categories, largest, total: categories.reduce((n, c) => n + c.size, 0), reclaimable: categories.reduce((n, c) => n + c.reclaimable, 0) };
}

export async function diskUsageOf(docker: Dockerode): Promise<DiskUsage> {
  return toDiskUsage(await systemDf<RawDf>(docker));
}

export interface CleanupSelection {
  images: 'none' | 'dangling' | 'unused';
  containers: boolean;
  volumes: 'none' | 'anonymous' | 'unused';
  buildCache: boolean;
}

export function cleanupItems(df: RawDf, sel: CleanupSelection): DiskItem[] {
  const all = items(df);
  const out: DiskItem[] = [];
  const stopped = new Set((df.Containers ?? []).filter((c) => c.State === 'exited' || c.State === 'created' || c.State === 'dead').map((c) => c.Id));
  if (sel.containers) out.push(...all.filter((i) => i.kind === 'container' && stopped.has(i.id)));
  // Images used only by containers that this clean-up removes become free too, as with docker system prune.
  const removedContainers = new Set(out.map((i) => i.id));
  const imageUsers = new Map<string, number>();
  for (const c of df.Containers ?? []) if (!removedContainers.has(c.Id)) imageUsers.set(c.Image ?? '', (imageUsers.get(c.Image ?? '') ?? 0) + 1);
  if (sel.images !== 'none') {
    for (const i of df.Images ?? []) {
      const usedAfter = (imageUsers.get(i.Id) ?? 0) > 0 || (i.RepoTags ?? []).some((t) => (imageUsers.get(t) ?? 0) > 0);
      if (usedAfter || (i.Containers > 0 && !sel.containers)) continue;
      if (sel.images === 'dangling' && !dangling(i)) continue;
      out.push({ kind: 'image', id: i.Id, name: imageName(i), size: unique(i), note: dangling(i) ? 'dangling' : 'unused' });
    }
  }
  if (sel.volumes !== 'none') out.push(...all.filter((i) => i.kind === 'volume' && i.note === 'unused' && (sel.volumes === 'unused' || ANON.test(i.id))));
  if (sel.buildCache) out.push(...all.filter((i) => i.kind === 'build-cache' && i.note === 'unused'));
  return out;
}

export async function cleanupPreview(docker: Dockerode, sel: CleanupSelection): Promise<{ items: DiskItem[]; total: number }> {
  const list = cleanupItems(await systemDf<RawDf>(docker), sel);
  return { items: list, total: list.reduce((n, i) => n + i.size, 0) };
}

const ORDER: DiskKind[] = ['container', 'image', 'volume', 'build-cache'];

/** Containers first (they hold images and volumes), then images, volumes, build cache. Never force. */
export async function cleanup(docker: Dockerode, list: { kind: DiskKind; id: string }[]): Promise<CleanupResult> {
  const before = toDiskUsage(await systemDf<RawDf>(docker)).total;
  const removed: CleanupResult['removed'] = [];
  const failed: CleanupResult['failed'] = [];
  const sorted = [...list].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  let usedImages: Set<string> | null = null;
  for (const item of sorted) {
    try {
      if (item.kind === 'container') {
        const info = (await docker.getContainer(item.id).inspect()) as unknown as { State?: { Running?: boolean; Paused?: boolean; Restarting?: boolean } };
        if (info.State?.Running || info.State?.Paused || info.State?.Restarting) throw new Error('the container is running now; it was kept');
        await docker.getContainer(item.id).remove({ v: false });
      } else if (item.kind === 'image') {
        // After the containers went: an image a container uses now is kept. Unused, it goes with all its tags.
        usedImages ??= new Set(((await docker.listContainers({ all: true })) as { ImageID?: string }[]).map((c) => c.ImageID ?? ''));
        if (usedImages.has(item.id)) throw new Error('a container uses this image now; it was kept');
        await docker.getImage(item.id).remove({ force: true });
      } else if (item.kind === 'volume') {
        await docker.getVolume(item.id).remove();
      } else {
        await docker.pruneBuilder({ filters: JSON.stringify({ id: [item.id] }) } as never);
      }
      removed.push(item);
    } catch (e) {
      failed.push({ ...item, message: engineMessage(e as never) });
    }
  }
  const after = toDiskUsage(await systemDf<RawDf>(docker)).total;
  return { removed, failed, spaceFreed: Math.max(0, before - after) };
}
