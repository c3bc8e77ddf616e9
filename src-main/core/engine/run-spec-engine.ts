// RunSpec ⇄ engine (pure): a validated spec → the engine's create body, and an existing
// container's inspect → the spec that makes it again (for "recreate with changes").
import {
  formatMemory,
  formatPort,
  parseCpus,
  parseMemory,
  parsePort,
  parseVolume,
  shellJoin,
  splitKeyValue,
  wordsOf,
  type PortMapping,
  type RunSpec,
  type RunSpecInput,
} from '../../contract/run-spec';
import type { RawInspect } from './inspect-view';
import { maskDecision, maskLabelDecision, splitEnv } from './secret-mask';

/** The engine's create body (POST /containers/create), the parts we set. */
export interface CreateBody {
  name?: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env: string[];
  Labels: Record<string, string>;
  ExposedPorts: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  HostConfig: Record<string, unknown> & {
    PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
    Binds: string[];
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    AutoRemove: boolean;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases?: string[] }> };
  [k: string]: unknown;
}

/** The image's defaults that a derived spec leaves out. */
export interface RawImageConfig {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | string | null;
  Labels?: Record<string, string> | null;
}

export const portKey = (p: Pick<PortMapping, 'containerPort' | 'protocol'>): string => `${p.containerPort}/${p.protocol}`;

/** Networks that are not user-defined: no aliases there. */
export function isBuiltinNetwork(mode: string | undefined): boolean {
  return !mode || mode === 'default' || mode === 'bridge' || mode === 'host' || mode === 'none' || mode.startsWith('container:');
}

export function parsedPorts(spec: Pick<RunSpec, 'ports'>): PortMapping[] {
  return spec.ports.map((p) => {
    const r = parsePort(p);
    if ('error' in r) throw new Error(`unvalidated port "${p}": ${r.error}`);
    return r;
  });
}

/**
 * A validated spec → the create body. `extraEnv` adds NAME=value entries (kept secrets on recreate);
 * `base` carries settings the form does not show (user, workdir, capabilities…) from an old container.
 */
export function toCreateBody(spec: RunSpec, opts: { extraEnv?: string[]; base?: Omit<Partial<CreateBody>, 'HostConfig'> & { HostConfig?: Record<string, unknown> } } = {}): CreateBody {
  const ports = parsedPorts(spec);
  const PortBindings: CreateBody['HostConfig']['PortBindings'] = {};
  const ExposedPorts: Record<string, object> = { ...(opts.base?.ExposedPorts ?? {}) };
  for (const p of ports) {
    const key = portKey(p);
    ExposedPorts[key] = {};
    (PortBindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.hostPort === undefined ? '' : String(p.hostPort) });
  }
  const Binds = spec.volumes.map((v) => {
    const r = parseVolume(v);
    if ('error' in r) throw new Error(`unvalidated mount "${v}": ${r.error}`);
    return `${r.source}:${r.target}${r.readOnly ? ':ro' : ''}`;
  });
  const Labels: Record<string, string> = {};
  for (const l of spec.labels) {
    const { key, value } = splitKeyValue(l);
    Labels[key] = value;
  }
  const restartName = spec.restart;
  const hostConfig: CreateBody['HostConfig'] = {
    ...(opts.base?.HostConfig ?? {}),
    PortBindings,
    Binds,
    RestartPolicy: { Name: restartName === 'no' ? '' : restartName, MaximumRetryCount: restartName === 'on-failure' ? (spec.restartMaxRetries ?? 0) : 0 },
    AutoRemove: spec.autoRemove,
  };
  const cpus = spec.cpus ? parseCpus(spec.cpus) : undefined;
  if (cpus !== undefined) hostConfig.NanoCpus = cpus;
  const memory = spec.memory ? parseMemory(spec.memory) : undefined;
  if (memory !== undefined) hostConfig.Memory = memory;
  if (spec.pidsLimit !== undefined) hostConfig.PidsLimit = spec.pidsLimit;
  if (spec.network) hostConfig.NetworkMode = spec.network;
  const body: CreateBody = {
    ...(opts.base ?? {}),
    Image: spec.image.trim(),
    Env: [...spec.env, ...(opts.extraEnv ?? [])],
    Labels,
    ExposedPorts,
    Tty: spec.tty,
    OpenStdin: spec.tty,
    HostConfig: hostConfig,
  };
  if (spec.name) body.name = spec.name;
  const cmd = wordsOf(spec.command);
  if (cmd) body.Cmd = cmd;
  else delete body.Cmd;
  const ep = wordsOf(spec.entrypoint);
  if (ep) body.Entrypoint = ep;
  else delete body.Entrypoint;
  return body;
}

const sameList = (a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean => {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
const asList = (v: string[] | string | null | undefined): string[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

export interface DerivedSpec {
  spec: RunSpecInput & { env: string[]; ports: string[]; volumes: string[]; labels: string[] };
  /** Secret-looking variables whose values stay in main. */
  keptEnv: string[];
  running: boolean;
}

/** An existing container → the form spec that makes it again (image defaults left out). */
export function runSpecFromInspect(info: RawInspect, image: RawImageConfig | null): DerivedSpec {
  const cfg = info.Config ?? {};
  const hc = info.HostConfig ?? {};
  const img = image ?? {};

  const imageEnv = new Set(img.Env ?? []);
  const env: string[] = [];
  const keptEnv: string[] = [];
  for (const e of cfg.Env ?? []) {
    if (imageEnv.has(e)) continue;
    const { name, value } = splitEnv(e);
    if (maskDecision(name, value).masked) keptEnv.push(name);
    else env.push(e);
  }

  const epDiffers = !sameList(asList(cfg.Entrypoint), asList(img.Entrypoint));
  const cmd = cfg.Cmd ?? [];
  // With another entrypoint the image's Cmd no longer applies, so an equal Cmd must be restated.
  const cmdDiffers = !sameList(cmd, img.Cmd) || (epDiffers && cmd.length > 0);

  const ports: string[] = [];
  for (const [key, bindings] of Object.entries(hc.PortBindings ?? {})) {
    const [port, proto] = key.split('/');
    const containerPort = Number(port);
    const protocol = (proto === 'udp' || proto === 'sctp' ? proto : 'tcp') as PortMapping['protocol'];
    for (const b of bindings ?? [{}]) {
      const m: PortMapping = { containerPort, protocol };
      if (b.HostIp) m.hostIp = b.HostIp;
      if (b.HostPort) m.hostPort = Number(b.HostPort);
      ports.push(formatPort(m));
    }
  }

  const volumes: string[] = [];
  for (const m of info.Mounts ?? []) {
    if (!m.Destination) continue;
    // Anonymous volumes are kept by naming them: the new container reuses the same data.
    const source = m.Type === 'bind' ? m.Source : m.Type === 'volume' ? m.Name : undefined;
    if (!source) continue;
    volumes.push(`${source}:${m.Destination}${m.RW === false ? ':ro' : ''}`);
  }

  const imageLabels = img.Labels ?? {};
  // Secret-looking labels never reach the form: recreate keeps them (keptLabelValues).
  const labels = Object.entries(cfg.Labels ?? {})
    .filter(([k, v]) => imageLabels[k] !== v && !maskLabelDecision(k, v).masked)
    .map(([k, v]) => `${k}=${v}`);

  const restart = (hc.RestartPolicy?.Name || 'no') as RunSpec['restart'];
  const mode = hc.NetworkMode;
  const spec: DerivedSpec['spec'] = {
    image: cfg.Image ?? info.Image ?? '',
    name: (info.Name ?? '').replace(/^\//, ''),
    env,
    ports,
    volumes,
    labels,
    restart,
    autoRemove: hc.AutoRemove ?? false,
    tty: cfg.Tty ?? false,
    start: info.State?.Running ?? false,
  };
  if (epDiffers) spec.entrypoint = shellJoin(asList(cfg.Entrypoint));
  if (cmdDiffers) spec.command = shellJoin(cmd);
  if (mode && mode !== 'default' && mode !== 'bridge') spec.network = mode;
  if (restart === 'on-failure' && hc.RestartPolicy?.MaximumRetryCount) spec.restartMaxRetries = hc.RestartPolicy.MaximumRetryCount;
  const cpus = hc.NanoCpus ? hc.NanoCpus / 1e9 : 0;
  if (cpus > 0) spec.cpus = String(cpus);
  if (hc.Memory) spec.memory = formatMemory(hc.Memory);
  if (hc.PidsLimit && hc.PidsLimit > 0) spec.pidsLimit = hc.PidsLimit;
  return { spec, keptEnv, running: info.State?.Running ?? false };
}

/** Settings of HostConfig the form does not show, carried over by recreate as they were. */
const KEPT_HOST_CONFIG = [
  'CapAdd', 'CapDrop', 'Privileged', 'Devices', 'DeviceRequests', 'ExtraHosts', 'Dns', 'DnsOptions', 'DnsSearch', 'LogConfig',
  'SecurityOpt', 'Init', 'ShmSize', 'Ulimits', 'Tmpfs', 'ReadonlyRootfs', 'GroupAdd', 'Sysctls', 'CpuShares', 'CpusetCpus',
  'CpusetMems', 'MemoryReservation', 'OomKillDisable', 'PidMode', 'Runtime', 'VolumesFrom', 'PublishAllPorts', 'Links',
  'BlkioWeight', 'OomScoreAdj', 'StorageOpt',
] as const;

/**
 * What recreate keeps from the old container besides the spec: user, workdir, healthcheck, stop
 * signal, exposed ports, the HostConfig settings above, and the aliases on its primary network
 * (compose services find each other by those).
 */
export type BaseBody = Omit<Partial<CreateBody>, 'HostConfig'> & { HostConfig: Record<string, unknown> };

export function recreateBase(info: RawInspect, spec: RunSpec): BaseBody {
  const cfg = info.Config ?? {};
  const hc = (info.HostConfig ?? {}) as Record<string, unknown>;
  const HostConfig: Record<string, unknown> = {};
  for (const k of KEPT_HOST_CONFIG) if (hc[k] !== undefined && hc[k] !== null) HostConfig[k] = hc[k];
  const base: BaseBody = { HostConfig };
  if (cfg.User) base.User = cfg.User;
  if (cfg.WorkingDir) base.WorkingDir = cfg.WorkingDir;
  if (cfg.Healthcheck) base.Healthcheck = cfg.Healthcheck;
  if (cfg.StopSignal) base.StopSignal = cfg.StopSignal;
  if (cfg.StopTimeout !== undefined) base.StopTimeout = cfg.StopTimeout;
  if (cfg.ExposedPorts) base.ExposedPorts = cfg.ExposedPorts as Record<string, object>;
  const network = spec.network || 'default';
  if (!isBuiltinNetwork(network)) {
    const old = info.NetworkSettings?.Networks?.[network];
    const shortId = info.Id.slice(0, 12);
    const aliases = (old?.Aliases ?? []).filter((a) => a !== shortId);
    if (aliases.length) base.NetworkingConfig = { EndpointsConfig: { [network]: { Aliases: aliases } } };
  }
  return base;
}

/** The old container's secret-looking labels the form did not show (and so could not set): kept as they were. */
export function keptLabelValues(info: RawInspect, spec: RunSpec): Record<string, string> {
  const inSpec = new Set(spec.labels.map((l) => splitKeyValue(l).key));
  return Object.fromEntries(Object.entries(info.Config?.Labels ?? {}).filter(([k, v]) => !inSpec.has(k) && maskLabelDecision(k, v).masked));
}

/** Values of the old container's variables that recreate keeps without the renderer seeing them. */
export function keptEnvValues(info: RawInspect, names: readonly string[], spec: RunSpec): string[] {
  const inSpec = new Set(spec.env.map((e) => splitKeyValue(e).key));
  const wanted = new Set(names.filter((n) => !inSpec.has(n)));
  return (info.Config?.Env ?? []).filter((e) => wanted.has(splitEnv(e).name));
}
