// The engine's container inspect → the inspect view model (pure). Secret-looking environment
// values are masked here, in main, in both the env list and the raw JSON.
import { MASK, type EnvEntry, type InspectView } from '../../contract/procedures/inspect';
import { maskDecision, maskLabelDecision, splitEnv } from './secret-mask';

/** The parts of the engine's inspect payload we read (everything optional: engines differ). */
export interface RawInspect {
  Id: string;
  Name?: string;
  Created?: string;
  Path?: string;
  Args?: string[] | null;
  Image?: string;
  RestartCount?: number;
  State?: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    OOMKilled?: boolean;
    ExitCode?: number;
    Error?: string;
    Pid?: number;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; FailingStreak?: number; Log?: { Start?: string; End?: string; ExitCode?: number; Output?: string }[] | null };
  };
  Config?: {
    Hostname?: string;
    User?: string;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | string | null;
    Image?: string;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    Tty?: boolean;
    OpenStdin?: boolean;
    ExposedPorts?: Record<string, unknown> | null;
    Healthcheck?: unknown;
    StopSignal?: string;
    StopTimeout?: number;
  };
  HostConfig?: {
    Binds?: string[] | null;
    NetworkMode?: string;
    PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    AutoRemove?: boolean;
    NanoCpus?: number;
    CpuShares?: number;
    CpuQuota?: number;
    CpuPeriod?: number;
    CpusetCpus?: string;
    Memory?: number;
    MemoryReservation?: number;
    MemorySwap?: number;
    PidsLimit?: number | null;
    Mounts?: unknown[] | null;
    [k: string]: unknown;
  };
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string; Driver?: string; RW?: boolean; Mode?: string }[] | null;
  NetworkSettings?: {
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string; Gateway?: string; MacAddress?: string; Aliases?: string[] | null; DNSNames?: string[] | null }> | null;
  };
  [k: string]: unknown;
}

const NEVER = '0001-01-01T00:00:00Z';
const when = (s: string | undefined): string => (!s || s === NEVER ? '' : s);
const arr = (v: string[] | string | null | undefined): string[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

export function maskEnv(env: readonly string[]): { entries: EnvEntry[]; maskedNames: Set<string> } {
  const maskedNames = new Set<string>();
  const entries = env.map((e): EnvEntry => {
    const { name, value } = splitEnv(e);
    const d = maskDecision(name, value);
    if (!d.masked) return { name, value, masked: false };
    maskedNames.add(name);
    return d.preview ? { name, masked: true, preview: d.preview } : { name, masked: true };
  });
  return { entries, maskedNames };
}

/** The inspect payload as pretty JSON; with `mask`, masked variables' values replaced in Config.Env. */
export function rawJson(info: RawInspect, maskedNames: ReadonlySet<string> | null): string {
  if (!maskedNames || !info.Config) return JSON.stringify(info, null, 2);
  const Env = info.Config.Env?.map((e) => {
    const { name } = splitEnv(e);
    return maskedNames.has(name) ? `${name}=${MASK}` : e;
  });
  const Labels = info.Config.Labels ? Object.fromEntries(Object.entries(info.Config.Labels).map(([k, v]) => [k, maskLabelDecision(k, v).masked ? MASK : v])) : info.Config.Labels;
  return JSON.stringify({ ...info, Config: { ...info.Config, ...(Env ? { Env } : {}), Labels } }, null, 2);
}

export function restartPolicyText(p: { Name?: string; MaximumRetryCount?: number } | undefined): string {
  const name = p?.Name || 'no';
  return name === 'on-failure' && p?.MaximumRetryCount ? `on-failure:${p.MaximumRetryCount}` : name;
}

export function toInspectView(info: RawInspect): InspectView {
  const st = info.State ?? {};
  const cfg = info.Config ?? {};
  const hc = info.HostConfig ?? {};
  const { entries, maskedNames } = maskEnv(cfg.Env ?? []);
  const health = st.Health;
  const portsSrc = info.NetworkSettings?.Ports ?? {};
  const ports: InspectView['ports'] = [];
  for (const [containerPort, bindings] of Object.entries(portsSrc)) {
    if (!bindings || bindings.length === 0) ports.push({ containerPort });
    else for (const b of bindings) ports.push({ containerPort, hostIp: b.HostIp || undefined, hostPort: b.HostPort || undefined });
  }
  const cpus = hc.NanoCpus ? hc.NanoCpus / 1e9 : hc.CpuQuota && hc.CpuPeriod ? hc.CpuQuota / hc.CpuPeriod : 0;
  return {
    id: info.Id,
    name: (info.Name ?? '').replace(/^\//, ''),
    overview: {
      image: cfg.Image ?? '',
      imageId: info.Image ?? '',
      command: arr(cfg.Cmd),
      entrypoint: arr(cfg.Entrypoint),
      workingDir: cfg.WorkingDir ?? '',
      user: cfg.User ?? '',
      hostname: cfg.Hostname ?? '',
      created: when(info.Created),
      startedAt: when(st.StartedAt),
      finishedAt: when(st.FinishedAt),
      restartPolicy: restartPolicyText(hc.RestartPolicy),
      restartCount: info.RestartCount ?? 0,
      status: st.Status ?? 'unknown',
      running: st.Running ?? false,
      paused: st.Paused ?? false,
      exitCode: st.ExitCode ?? 0,
      oomKilled: st.OOMKilled ?? false,
      error: st.Error ?? '',
      pid: st.Pid ?? 0,
    },
    health: health?.Status
      ? {
          status: health.Status,
          failingStreak: health.FailingStreak ?? 0,
          // The engine keeps the last five probes; newest first reads best.
          log: (health.Log ?? [])
            .map((l) => ({ start: l.Start ?? '', end: l.End ?? '', exitCode: l.ExitCode ?? 0, output: l.Output ?? '' }))
            .reverse(),
        }
      : undefined,
    env: entries,
    mounts: (info.Mounts ?? []).map((m) => ({
      type: m.Type ?? 'volume',
      source: m.Source ?? '',
      name: m.Name || undefined,
      destination: m.Destination ?? '',
      readOnly: m.RW === false,
      driver: m.Driver || undefined,
    })),
    ports,
    networks: Object.entries(info.NetworkSettings?.Networks ?? {}).map(([name, n]) => ({
      name,
      ip: n.IPAddress ?? '',
      ipv6: n.GlobalIPv6Address ?? '',
      gateway: n.Gateway ?? '',
      mac: n.MacAddress ?? '',
      aliases: [...new Set([...(n.Aliases ?? []), ...(n.DNSNames ?? [])])],
    })),
    // Secret-looking label values are masked like env (containers.revealEnv {all} shows the raw JSON).
    labels: Object.entries(cfg.Labels ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => {
        const d = maskLabelDecision(key, value);
        return { key, value: d.masked ? (d.preview ?? MASK) : value };
      }),
    resources: {
      cpus,
      cpuShares: hc.CpuShares ?? 0,
      cpusetCpus: hc.CpusetCpus ?? '',
      memory: hc.Memory ?? 0,
      memoryReservation: hc.MemoryReservation ?? 0,
      memorySwap: hc.MemorySwap ?? 0,
      pidsLimit: hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : 0,
    },
    raw: rawJson(info, maskedNames),
  };
}
