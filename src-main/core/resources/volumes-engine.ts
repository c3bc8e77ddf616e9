// Volumes against the engine: rows from /volumes + /containers (who mounts what), sizes from
// /system/df (measured in the background: the engine walks every volume's files for it), create,
// remove, and prune of exactly a previewed set.
import type Dockerode from 'dockerode';
import { RpcError } from '../../contract';
import type { PruneResult } from '../../contract/procedures/images';
import type { VolumePrunePreview, VolumeRow } from '../../contract/procedures/volumes';
import { engineError, engineMessage, engineStatus } from '../engine/engine-errors';
import { systemDf } from './system-df';
import { containerName } from './images-engine';

const MAX_NAMES = 20;
const ANON = /^[a-f0-9]{64}$/;

interface RawVolume {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  CreatedAt?: string;
  UsageData?: { Size: number; RefCount: number } | null;
}

interface RawContainerMounts {
  Id: string;
  Names?: string[];
  Mounts?: { Type?: string; Name?: string }[];
}

export function toVolumeRows(volumes: RawVolume[], containers: RawContainerMounts[], sizes: ReadonlyMap<string, number>): VolumeRow[] {
  const users = new Map<string, string[]>();
  for (const c of containers) {
    for (const m of c.Mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name) continue;
      const list = users.get(m.Name) ?? [];
      list.push(containerName(c));
      users.set(m.Name, list);
    }
  }
  return volumes.map((v) => {
    const names = [...new Set(users.get(v.Name) ?? [])].sort();
    const size = sizes.get(v.Name);
    return {
      name: v.Name,
      driver: v.Driver ?? 'local',
      mountpoint: v.Mountpoint ?? '',
      scope: v.Scope ?? 'local',
      labels: v.Labels ?? {},
      options: v.Options ?? {},
      createdAt: v.CreatedAt ?? '',
      size: size === undefined || size < 0 ? null : size,
      containers: names.slice(0, MAX_NAMES),
      containerCount: names.length,
      anonymous: ANON.test(v.Name),
    };
  });
}

/** Per host: the last sizes /system/df reported, and whether they are stale. */
export class VolumeSizes {
  private sizes = new Map<string, number>();
  private dirty = true;
  private running: Promise<void> | null = null;

  get current(): ReadonlyMap<string, number> {
    return this.sizes;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Measure again if something changed since the last measure; `then` runs after a new measure. */
  refreshIfDirty(docker: Dockerode, then: () => void, onError: (e: unknown) => void): void {
    if (!this.dirty || this.running) return;
    this.dirty = false;
    this.running = (async () => {
      try {
        const df = await systemDf<{ Volumes?: RawVolume[] | null }>(docker);
        this.sizes = new Map((df.Volumes ?? []).map((v) => [v.Name, v.UsageData?.Size ?? -1]));
        then();
      } catch (e) {
        onError(e);
      } finally {
        this.running = null;
      }
    })();
  }
}

export async function fetchVolumeRows(docker: Dockerode, sizes: ReadonlyMap<string, number>): Promise<VolumeRow[]> {
  const [vols, containers] = await Promise.all([docker.listVolumes() as unknown as Promise<{ Volumes?: RawVolume[] | null }>, docker.listContainers({ all: true }) as unknown as Promise<RawContainerMounts[]>]);
  return toVolumeRows(vols.Volumes ?? [], containers, sizes);
}

const statusOf = engineStatus;

export async function createVolume(docker: Dockerode, spec: { name: string; driver: string; options: Record<string, string>; labels: Record<string, string> }): Promise<{ name: string }> {
  if (spec.name) {
    // The engine answers "create" for an existing name with the existing volume: say it instead.
    try {
      await docker.getVolume(spec.name).inspect();
      throw RpcError.from('CONFLICT', `A volume named "${spec.name}" already exists`, { field: 'name' });
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }
  const v = (await docker.createVolume({ Name: spec.name || undefined, Driver: spec.driver, DriverOpts: spec.options, Labels: spec.labels } as never)) as unknown as { Name?: string; name?: string };
  return { name: v.Name ?? v.name ?? spec.name };
}

export async function removeVolume(docker: Dockerode, name: string, force: boolean): Promise<null> {
  try {
    await docker.getVolume(name).remove({ force } as never);
    return null;
  } catch (e) {
    if (statusOf(e) === 409) {
      const users = ((await docker.listContainers({ all: true }).catch(() => [])) as unknown as RawContainerMounts[]).filter((c) => (c.Mounts ?? []).some((m) => m.Type === 'volume' && m.Name === name)).map(containerName);
      throw engineError(e, { fallbackCode: 'CONFLICT', ...(users.length > 0 ? { hint: `Used by ${users.slice(0, 10).join(', ')}${users.length > 10 ? '…' : ''}. Remove ${users.length === 1 ? 'that container' : 'those containers'} first.` } : {}) });
    }
    throw e;
  }
}

export async function volumePrunePreview(docker: Dockerode, scope: 'anonymous' | 'unused'): Promise<VolumePrunePreview> {
  const [df, containers] = await Promise.all([systemDf<{ Volumes?: RawVolume[] | null }>(docker), docker.listContainers({ all: true }) as unknown as Promise<RawContainerMounts[]>]);
  const used = new Set(containers.flatMap((c) => (c.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name).map((m) => m.Name!)));
  const items = (df.Volumes ?? [])
    .filter((v) => !used.has(v.Name) && (v.UsageData?.RefCount ?? 0) <= 0)
    .filter((v) => scope === 'unused' || ANON.test(v.Name))
    .map((v) => ({ name: v.Name, size: v.UsageData && v.UsageData.Size >= 0 ? v.UsageData.Size : null, anonymous: ANON.test(v.Name), labels: v.Labels ?? {} }))
    .sort((a, b) => (b.size ?? 0) - (a.size ?? 0));
  return { items, reclaimable: items.reduce((n, v) => n + (v.size ?? 0), 0) };
}

export async function pruneVolumes(docker: Dockerode, names: string[]): Promise<PruneResult> {
  const before = new Map((await systemDf<{ Volumes?: RawVolume[] | null }>(docker)).Volumes?.map((v) => [v.Name, Math.max(0, v.UsageData?.Size ?? 0)]) ?? []);
  const removed: string[] = [];
  const failed: { id: string; message: string }[] = [];
  for (const name of names) {
    try {
      // Never force: a volume a container started using meanwhile is refused by the engine and kept.
      await docker.getVolume(name).remove();
      removed.push(name);
    } catch (e) {
      failed.push({ id: name, message: engineMessage(e as never) });
    }
  }
  return { removed, failed, spaceFreed: removed.reduce((n, name) => n + (before.get(name) ?? 0), 0) };
}
