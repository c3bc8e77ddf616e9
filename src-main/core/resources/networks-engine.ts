// Networks against the engine: rows from /networks + /containers (who is attached, with IP and
// aliases), create, remove, connect/disconnect, and prune of exactly a previewed set.
import type Dockerode from 'dockerode';
import { RpcError } from '../../contract';
import type { PruneResult } from '../../contract/procedures/images';
import type { NetworkRow } from '../../contract/procedures/networks';
import { engineError, engineMessage, engineStatus } from '../engine/engine-errors';
import { containerName } from './images-engine';

const BUILTIN = new Set(['bridge', 'host', 'none']);

interface RawNetwork {
  Id: string;
  Name: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null } | null;
  Labels?: Record<string, string> | null;
  Created?: string;
}

interface RawContainerNets {
  Id: string;
  Names?: string[];
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string; IPAddress?: string }> | null } | null;
}

export function toNetworkRows(networks: RawNetwork[], containers: RawContainerNets[]): NetworkRow[] {
  const attached = new Map<string, NetworkRow['containers']>();
  for (const c of containers) {
    for (const [netName, n] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
      const key = n.NetworkID || `name:${netName}`;
      const list = attached.get(key) ?? [];
      list.push({ id: c.Id, name: containerName(c), ipv4: n.IPAddress ?? '' });
      attached.set(key, list);
    }
  }
  return networks.map((n) => {
    const members = [...(attached.get(n.Id) ?? []), ...(attached.get(`name:${n.Name}`) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    return {
      id: n.Id,
      name: n.Name,
      driver: n.Driver ?? '',
      scope: n.Scope ?? 'local',
      internal: !!n.Internal,
      attachable: !!n.Attachable,
      ipv6: !!n.EnableIPv6,
      subnets: (n.IPAM?.Config ?? []).map((c) => ({ subnet: c.Subnet ?? '', gateway: c.Gateway ?? '' })),
      labels: n.Labels ?? {},
      created: n.Created ?? '',
      builtin: BUILTIN.has(n.Name),
      containers: members.slice(0, 50),
      containerCount: members.length,
    };
  });
}

export async function fetchNetworkRows(docker: Dockerode): Promise<NetworkRow[]> {
  const [nets, containers] = await Promise.all([docker.listNetworks() as unknown as Promise<RawNetwork[]>, docker.listContainers({ all: true }) as unknown as Promise<RawContainerNets[]>]);
  return toNetworkRows(nets, containers);
}

const statusOf = engineStatus;

/** The engine refuses with 403 for state ("has active endpoints", "pre-defined network"): a conflict, in its words. */
export function asConflict(e: unknown): never {
  const s = statusOf(e);
  if (s === 403 || s === 409) throw engineError(e, { fallbackCode: 'CONFLICT' });
  throw e;
}

export interface NetworkSpec {
  name: string;
  driver: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
}

export async function createNetwork(docker: Dockerode, spec: NetworkSpec): Promise<{ id: string; name: string; warning?: string }> {
  const existing = (await docker.listNetworks({ filters: { name: [spec.name] } })) as unknown as RawNetwork[];
  if (existing.some((n) => n.Name === spec.name)) throw RpcError.from('CONFLICT', `A network named "${spec.name}" already exists`, { field: 'name' });
  try {
    const net = await docker.createNetwork({
      Name: spec.name,
      Driver: spec.driver,
      CheckDuplicate: true,
      Internal: spec.internal,
      Attachable: spec.attachable,
      Labels: spec.labels,
      ...(spec.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, ...(spec.gateway ? { Gateway: spec.gateway } : {}) }] } } : {}),
    } as never);
    return { id: net.id, name: spec.name };
  } catch (e) {
    // "Pool overlaps with other one on this address space", an invalid gateway…: the subnet's field.
    const msg = engineMessage(e as never);
    if (statusOf(e) === 400 || statusOf(e) === 403 || /pool|subnet|gateway|address/i.test(msg)) throw RpcError.from(statusOf(e) === 403 ? 'CONFLICT' : 'VALIDATION', msg, { field: /gateway/i.test(msg) ? 'gateway' : spec.subnet ? 'subnet' : undefined });
    throw e;
  }
}

export async function removeNetwork(docker: Dockerode, id: string): Promise<null> {
  await docker.getNetwork(id).remove().catch(asConflict);
  return null;
}

export async function connectNetwork(docker: Dockerode, id: string, container: string, aliases: string[]): Promise<null> {
  await docker
    .getNetwork(id)
    .connect({ Container: container, EndpointConfig: aliases.length > 0 ? { Aliases: aliases } : {} })
    .catch(asConflict);
  return null;
}

export async function disconnectNetwork(docker: Dockerode, id: string, container: string, force: boolean): Promise<null> {
  await docker.getNetwork(id).disconnect({ Container: container, Force: force }).catch(asConflict);
  return null;
}

export async function networkPrunePreview(docker: Dockerode): Promise<{ items: { id: string; name: string; driver: string }[] }> {
  const rows = await fetchNetworkRows(docker);
  return { items: rows.filter((n) => !n.builtin && n.containerCount === 0 && n.scope === 'local').map((n) => ({ id: n.id, name: n.name, driver: n.driver })) };
}

export async function pruneNetworks(docker: Dockerode, ids: string[]): Promise<PruneResult> {
  const removed: string[] = [];
  const failed: { id: string; message: string }[] = [];
  for (const id of ids) {
    try {
      await docker.getNetwork(id).remove();
      removed.push(id);
    } catch (e) {
      failed.push({ id, message: engineMessage(e as never) });
    }
  }
  return { removed, failed, spaceFreed: 0 };
}

/** Members of a network with aliases: those live only in each container's inspect (8 at a time). */
export async function networkMembers(docker: Dockerode, id: string): Promise<{ id: string; name: string; ipv4: string; ipv6: string; mac: string; aliases: string[] }[]> {
  const net = (await docker.getNetwork(id).inspect()) as { Id: string; Name: string; Containers?: Record<string, { Name?: string; IPv4Address?: string; IPv6Address?: string; MacAddress?: string }> | null };
  const entries = Object.entries(net.Containers ?? {});
  const out: { id: string; name: string; ipv4: string; ipv6: string; mac: string; aliases: string[] }[] = [];
  for (let i = 0; i < entries.length; i += 8) {
    const batch = await Promise.all(
      entries.slice(i, i + 8).map(async ([cid, m]) => {
        let aliases: string[] = [];
        try {
          const info = (await docker.getContainer(cid).inspect()) as unknown as { NetworkSettings?: { Networks?: Record<string, { NetworkID?: string; Aliases?: string[] | null }> } };
          const ep = Object.values(info.NetworkSettings?.Networks ?? {}).find((n) => n.NetworkID === net.Id);
          aliases = (ep?.Aliases ?? []).filter((a) => !cid.startsWith(a));
        } catch {
          // Gone meanwhile: listed without aliases.
        }
        return { id: cid, name: m.Name ?? cid.slice(0, 12), ipv4: (m.IPv4Address ?? '').replace(/\/\d+$/, ''), ipv6: (m.IPv6Address ?? '').replace(/\/\d+$/, ''), mac: m.MacAddress ?? '', aliases };
      }),
    );
    out.push(...batch);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
