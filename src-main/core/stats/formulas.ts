// The numbers `docker stats` shows, computed from the engine's raw stats payload exactly as the
// docker CLI does (docker/cli cli/command/container/stats_helpers.go): CPU % from the deltas
// against the previous reading, memory without the page cache, and (our addition) per-second rates
// for network and block I/O from two consecutive samples. Pure functions: unit-tested on recorded
// payloads of cgroup v1 and v2.
import type { DerivedSample } from '../../contract';

/** The part of GET /containers/{id}/stats that we read (both cgroup versions). */
export interface EngineStats {
  read: string;
  preread?: string;
  id?: string;
  name?: string;
  pids_stats?: { current?: number; limit?: number };
  blkio_stats?: { io_service_bytes_recursive?: { major?: number; minor?: number; op: string; value: number }[] | null };
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** docker/cli calculateCPUPercentUnix: (container delta / system delta) × online CPUs × 100. */
export function cpuPercentUnix(s: EngineStats): number {
  const cur = s.cpu_stats ?? {};
  const pre = s.precpu_stats ?? {};
  const cpuDelta = (cur.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cur.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  let onlineCpus = cur.online_cpus ?? 0;
  if (onlineCpus === 0) onlineCpus = cur.cpu_usage?.percpu_usage?.length ?? 0;
  if (systemDelta > 0 && cpuDelta > 0) return (cpuDelta / systemDelta) * onlineCpus * 100;
  return 0;
}

export function onlineCpus(s: EngineStats): number {
  return s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 0;
}

/**
 * docker/cli calculateMemUsageUnixNoCache (20.10+): cgroup v1 subtracts total_inactive_file,
 * cgroup v2 subtracts inactive_file, each only when smaller than usage. (CLIs before 20.10
 * subtracted `cache` on v1, which also removed active file pages.)
 */
export function memUsedNoCache(s: EngineStats): number {
  const usage = s.memory_stats?.usage ?? 0;
  const stats = s.memory_stats?.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file ?? 0;
  if (v2 < usage) return usage - v2;
  return usage;
}

/** docker/cli calculateMemPercentUnixNoCache. */
export function memPercent(limit: number, used: number): number {
  return limit !== 0 ? (used / limit) * 100 : 0;
}

/** docker/cli calculateBlockIO: bytes read and written (cgroup v2 reports lower-case ops). */
export function blockIo(s: EngineStats): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e.op?.[0];
    if (op === 'r' || op === 'R') read += e.value;
    else if (op === 'w' || op === 'W') write += e.value;
  }
  return { read, write };
}

/** docker/cli calculateNetwork: bytes received and sent over all interfaces. */
export function network(s: EngineStats): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  return { rx, tx };
}

/** The cumulative counters of one reading, kept to compute rates against the next one. */
export interface Counters {
  t: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
}

export function countersOf(s: EngineStats): Counters {
  const n = network(s);
  const b = blockIo(s);
  return { t: Date.parse(s.read), netRx: n.rx, netTx: n.tx, blockRead: b.read, blockWrite: b.write };
}

/** Bytes per second between two readings; a counter that went down (restart, interface gone) gives 0. */
export function rate(prev: number, cur: number, dtMs: number): number {
  if (dtMs <= 0 || cur < prev) return 0;
  return ((cur - prev) * 1000) / dtMs;
}

/**
 * True when the payload carries a previous CPU reading. The first frame of a stream does not
 * (precpu is zero), and its CPU % would be an average since the container started: skip it.
 */
export function hasPrevious(s: EngineStats): boolean {
  return (s.precpu_stats?.system_cpu_usage ?? 0) > 0;
}

export interface SampleMeta {
  hostId: string;
  id: string;
  name: string;
  composeProject?: string;
}

/** The derived sample of one payload; `prev` are the counters of the previous reading (for rates). */
export function derive(meta: SampleMeta, s: EngineStats, prev: Counters | undefined): { sample: DerivedSample; counters: Counters } {
  const counters = countersOf(s);
  const dt = prev ? counters.t - prev.t : 0;
  const used = memUsedNoCache(s);
  const limit = s.memory_stats?.limit ?? 0;
  const sample: DerivedSample = {
    hostId: meta.hostId,
    id: meta.id,
    name: meta.name,
    ...(meta.composeProject ? { composeProject: meta.composeProject } : {}),
    t: Number.isFinite(counters.t) ? counters.t : Date.now(),
    cpuPercent: cpuPercentUnix(s),
    onlineCpus: onlineCpus(s),
    memUsed: used,
    memLimit: limit,
    memPercent: memPercent(limit, used),
    netRxRate: prev ? rate(prev.netRx, counters.netRx, dt) : 0,
    netTxRate: prev ? rate(prev.netTx, counters.netTx, dt) : 0,
    blockReadRate: prev ? rate(prev.blockRead, counters.blockRead, dt) : 0,
    blockWriteRate: prev ? rate(prev.blockWrite, counters.blockWrite, dt) : 0,
    pids: s.pids_stats?.current ?? 0,
  };
  return { sample, counters };
}
