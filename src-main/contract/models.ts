// COMMON: domain models shared by main and renderer. Types are inferred from the schemas.
import { z } from 'zod';

/** local: the auto-detected engine; tcp: an engine added by address (Settings → Hosts); ssh: the SSH-hosts feature. */
export const HostKindSchema = z.enum(['local', 'tcp', 'ssh']);
/**
 * connected: answers. degraded: answers slowly (a call timed out, a ping came late) — calls still go.
 * unresponsive: the connection is there but the engine does not answer a ping (frozen, overloaded) —
 * calls fail fast with TIMEOUT instead of queueing behind it. unreachable: no connection at all.
 */
export const ConnectionStateSchema = z.enum(['connecting', 'connected', 'degraded', 'unresponsive', 'unreachable']);

/** The engine connection is open (its events stream and the live table are kept): connected, degraded or unresponsive. */
export function engineAttached(state: string | undefined): boolean {
  return state === 'connected' || state === 'degraded' || state === 'unresponsive';
}

/** Calls are sent to the engine: connected or degraded. */
export function engineAnswering(state: string | undefined): boolean {
  return state === 'connected' || state === 'degraded';
}

/** How the engine endpoint was chosen (shown to the user). */
export const EndpointSourceSchema = z.enum([
  'settings', // the user's override in settings
  'DOCKER_HOST', // the DOCKER_HOST environment variable
  'context', // the current Docker context
  'default-socket', // /var/run/docker.sock
  'rootless', // $XDG_RUNTIME_DIR/docker.sock
  'docker-desktop', // ~/.docker/run/docker.sock
  'colima',
  'orbstack',
  'podman',
  'npipe', // //./pipe/docker_engine
  'none', // nothing found
]);

export const EndpointSchema = z.object({
  /** e.g. unix:///var/run/docker.sock, tcp://127.0.0.1:2375, npipe:////./pipe/docker_engine */
  url: z.string(),
  source: EndpointSourceSchema,
  /** e.g. the context name, or the path that was probed. */
  detail: z.string().optional(),
});

export const HostSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: HostKindSchema,
  /** The auto-detected engine (Settings' engine override applies to it); not set on added hosts. */
  discovered: z.boolean().optional(),
  endpoint: EndpointSchema,
  state: ConnectionStateSchema,
  /** Why it is unreachable, degraded or unresponsive (the engine's or the OS's message, or what did not answer). */
  reason: z.string().optional(),
  /** Since when (epoch ms) the host has been degraded or unresponsive. */
  since: z.number().optional(),
  hint: z.string().optional(),
  /** When the next reconnect attempt happens (epoch ms), while unreachable. */
  retryAt: z.number().optional(),
  engineVersion: z.string().optional(),
  apiVersion: z.string().optional(),
  os: z.string().optional(),
  /** How an added host is reached (what hosts.update edits); absent on the discovered engine. */
  config: z.lazy(() => HostConfigSchema).optional(),
  /** An ssh host waiting for a host-key decision (unknown) or refusing a changed key. */
  hostKey: z.lazy(() => HostKeyInfoSchema).optional(),
  /** Where this host's secrets are kept (ssh hosts): the OS key store, the owner-only file, or none stored. */
  secretStorage: z.enum(['safeStorage', 'owner-only-file', 'none']).optional(),
});

// ---- added hosts: a config per kind (discriminated by `kind`; the SSH issue adds `ssh`) -------

/** A path to a PEM file on the machine running the core. */
const PemPathSchema = () =>
  z.string().trim().min(1, 'give the path of the PEM file').max(4096, 'the path is too long');

export const TcpTlsSchema = z.strictObject({
  ca: PemPathSchema().optional(),
  cert: PemPathSchema().optional(),
  key: PemPathSchema().optional(),
  /** Check the engine's certificate against the CA (and its name). Off only for self-signed test engines. */
  verify: z.boolean().default(true),
}).refine((t) => (t.cert === undefined) === (t.key === undefined), { message: 'a client certificate needs its key: give both cert and key, or neither', path: ['key'] });

const tcpPortOk = (s: string): boolean => {
  const port = /:(\d+)\/?$/.exec(s)?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65535;
};

export const TcpHostConfigSchema = z.strictObject({
  kind: z.literal('tcp'),
  url: z
    .string()
    .trim()
    .max(1024, 'at most 1024 characters')
    .refine((s) => /^tcp:\/\/[^\s/:]+(:\d{1,5})\/?$/.test(s) || /^tcp:\/\/\[[0-9a-fA-F:.]+\]:\d{1,5}\/?$/.test(s), { message: 'use tcp://host:port (e.g. tcp://192.168.1.20:2376)' })
    .refine(tcpPortOk, { message: 'the port must be between 1 and 65535' }),
  tls: TcpTlsSchema.optional(),
});

// ---- ssh hosts (issue 10): ssh://[user@]host[:port] or a ~/.ssh/config alias --------------------

const sshPortOk = (s: string): boolean => {
  const port = /^ssh:\/\/(?:[^@/\s]+@)?(?:\[[0-9a-fA-F:.]+\]|[^\s/:@[\]]+)(?::(\d{1,5}))?\/?$/.exec(s)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
};
/** ssh://[user@]host[:port] (IPv6 in brackets), as the docker CLI takes it. */
export const SshUrlSchema = z
  .string()
  .trim()
  .max(1024, 'at most 1024 characters')
  .refine((s) => /^ssh:\/\/(?:[^@/\s:]+@)?(?:\[[0-9a-fA-F:.]+\]|[^\s/:@[\]]+)(?::\d{1,5})?\/?$/.test(s), { message: 'use ssh://[user@]host[:port] (e.g. ssh://deploy@192.168.1.20 or ssh://me@[::1]:2222)' })
  .refine(sshPortOk, { message: 'the port must be between 1 and 65535' });

/** How WakeDock logs in. Passwords and key passphrases are secrets (HostSecretSchema), never in the config. */
export const SshAuthSchema = z.discriminatedUnion('method', [
  /** The SSH agent (SSH_AUTH_SOCK; Pageant on Windows). */
  z.strictObject({ method: z.literal('agent') }),
  /** A private key file (ed25519, RSA, ECDSA); an encrypted key needs the passphrase secret. */
  z.strictObject({ method: z.literal('key'), keyPath: z.string().trim().min(1, 'give the path of the private key').max(4096, 'the path is too long') }),
  /** A password (the secret). */
  z.strictObject({ method: z.literal('password') }),
  /** As OpenSSH tries: the agent, then the IdentityFile(s) of the alias or the default keys. */
  z.strictObject({ method: z.literal('auto') }),
]);

export const SshHostConfigSchema = z
  .strictObject({
    kind: z.literal('ssh'),
    /** ssh://[user@]host[:port]; exactly one of url / alias. */
    url: SshUrlSchema.optional(),
    /** A Host alias of ~/.ssh/config (HostName/User/Port/IdentityFile/ProxyJump resolved at connect time). */
    alias: z.string().trim().min(1, 'give the alias').max(255, 'at most 255 characters').regex(/^[^\s*?!,]+$/, 'an alias has no spaces or wildcards').optional(),
    auth: SshAuthSchema.default({ method: 'auto' }),
    /** Explicit ProxyJump hops, first hop first (an alias brings its own). */
    jump: z.array(SshUrlSchema).max(8, 'at most 8 jump hosts').optional(),
    /** The engine socket on the server; absent = /var/run/docker.sock, then rootless /run/user/<uid>/docker.sock. */
    socketPath: z.string().trim().min(1).max(1024, 'the path is too long').regex(/^\//, 'an absolute path on the server, e.g. /var/run/docker.sock').optional(),
    /** Keepalive interval (s); the connection is declared lost after 3 unanswered keepalives. */
    keepaliveSec: z.number().int().min(5).max(300).optional(),
  })
  .refine((c) => (c.url === undefined) !== (c.alias === undefined), { message: 'give either an ssh:// URL or a ~/.ssh/config alias (exactly one)', path: ['url'] });

export const HostConfigSchema = z.discriminatedUnion('kind', [TcpHostConfigSchema, SshHostConfigSchema]);

/** Secrets of a host: never in the config, never returned; kept with the store's SecretBox. */
export const HostSecretSchema = z.strictObject({
  password: z.string().max(4096, 'at most 4096 characters').optional(),
  passphrase: z.string().max(4096, 'at most 4096 characters').optional(),
});

/** A server key that needs the user's decision (unknown) or that was refused (changed). */
export const HostKeyInfoSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  /** e.g. ssh-ed25519, ecdsa-sha2-nistp256, rsa-sha2-512 */
  keyType: z.string(),
  /** 'SHA256:…' as OpenSSH prints it. */
  fingerprint: z.string(),
  status: z.enum(['unknown', 'changed']),
  /** The fingerprint known_hosts holds (for changed). */
  knownFingerprint: z.string().optional(),
  /** The ProxyJump hop ('user@host:port') whose key this is, when it is not the target's. */
  hop: z.string().optional(),
});

/** A Host entry of ~/.ssh/config (no wildcards), resolved as OpenSSH would. */
export const SshAliasSchema = z.object({
  alias: z.string(),
  hostName: z.string(),
  user: z.string().optional(),
  port: z.number().int().optional(),
  /** Comma-separated hops, as in the file. */
  proxyJump: z.string().optional(),
  identityFile: z.string().optional(),
});

/** A host name as the user types it. */
export const HostNameSchema = z.string().trim().min(1, 'give the host a name').max(64, 'at most 64 characters');

export const HostTestStepNameSchema = z.enum(['connect', 'tls', 'hostKey', 'auth', 'socket', 'engine']);

export const HostTestStepSchema = z.object({
  step: HostTestStepNameSchema,
  /** For ProxyJump: the hop ('user@host:port') whose connect/hostKey/auth step this is. */
  hop: z.string().optional(),
  /** ok: passed; failed: this is where it stopped; skipped: not needed (no TLS) or not reached. */
  outcome: z.enum(['ok', 'failed', 'skipped']),
  /** What was tried and what happened, in words. */
  message: z.string(),
});

export const HostTestResultSchema = z.object({
  ok: z.boolean(),
  steps: z.array(HostTestStepSchema),
  /** The step that failed (absent when ok). */
  failedStep: HostTestStepNameSchema.optional(),
  /** The server key, when the hostKey step failed (unknown: can be trusted with hosts.trustHostKey). */
  hostKey: HostKeyInfoSchema.optional(),
  engineVersion: z.string().optional(),
  apiVersion: z.string().optional(),
  os: z.string().optional(),
});

export const PortSchema = z.object({
  ip: z.string().optional(),
  privatePort: z.number(),
  publicPort: z.number().optional(),
  type: z.string(),
});

export const ContainerStateSchema = z.enum(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);
export const HealthSchema = z.enum(['healthy', 'unhealthy', 'starting', 'none']);

export const ContainerSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  imageId: z.string(),
  command: z.string(),
  state: ContainerStateSchema,
  /**
   * The engine's status text as it was when the core last listed the container. Do not show it
   * as-is (it freezes): container-status.ts statusText() derives the text from the times below.
   */
  status: z.string(),
  health: HealthSchema,
  /** When the current (or last) run started, epoch ms: exact from inspect, else from the list text. */
  startedAt: z.number().optional(),
  /** When the last run ended (exited, restarting), epoch ms. */
  finishedAt: z.number().optional(),
  /** The last run's exit code (exited, restarting). */
  exitCode: z.number().int().optional(),
  /** Restarts by the engine's restart policy (from inspect; absent when not inspected). */
  restartCount: z.number().int().optional(),
  ports: z.array(PortSchema),
  /** Epoch seconds, as the engine reports it. */
  created: z.number(),
  composeProject: z.string().optional(),
  composeService: z.string().optional(),
  labels: z.record(z.string(), z.string()),
});

export const SettingsSchema = z.object({
  /** Override of the local engine endpoint, e.g. unix:///run/user/1000/docker.sock. Empty = auto-detect. */
  engineOverride: z.string().default(''),
  /** Ask before stop/kill/remove. Remove always asks. */
  confirmDestructive: z.boolean().default(true),
  theme: z.enum(['system', 'dark', 'light']).default('system'),
  /** Record container stats to disk so charts show the past (streams every running container). */
  statsHistory: z.boolean().default(true),
  /** Days of 5-minute stats history to keep (1 s for 10 min and 1 min for 24 h are fixed). */
  statsRetentionDays: z.number().int().min(1).max(90).default(7),
  /** Logs: lines of history a log view starts with. */
  logTail: z.number().int().min(0).max(1_000_000).default(1000),
  /** Logs: lines a log view keeps in memory (oldest dropped first). */
  logBuffer: z.number().int().min(1000).max(1_000_000).default(50_000),
});

export const StoreNoticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
});

export const SystemInfoSchema = z.object({
  appVersion: z.string(),
  contractVersion: z.number(),
  mode: z.enum(['desktop', 'serve']),
  dataDir: z.string(),
  notices: z.array(StoreNoticeSchema),
  /** Whether terminal.open may start a shell on the machine running the core (absent: no). */
  hostTerminal: z.boolean().optional(),
  /** How secrets (webhook URLs) are kept at rest: encrypted by the OS key store, or in an owner-only file. */
  secretStorage: z.object({ kind: z.enum(['os-keystore', 'owner-only-file']), description: z.string() }).optional(),
});

export const ContainerPatchSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), hostId: z.string(), containers: z.array(ContainerSummarySchema) }),
  z.object({
    kind: z.literal('patch'),
    hostId: z.string(),
    upserts: z.array(ContainerSummarySchema),
    removed: z.array(z.string()),
  }),
]);

export type HostKind = z.infer<typeof HostKindSchema>;
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;
export type EndpointSource = z.infer<typeof EndpointSourceSchema>;
export type Endpoint = z.infer<typeof EndpointSchema>;
export type Host = z.infer<typeof HostSchema>;
export type HostConfig = z.infer<typeof HostConfigSchema>;
export type TcpHostConfig = z.infer<typeof TcpHostConfigSchema>;
export type SshHostConfig = z.infer<typeof SshHostConfigSchema>;
export type SshAuth = z.infer<typeof SshAuthSchema>;
export type HostSecret = z.infer<typeof HostSecretSchema>;
export type HostKeyInfo = z.infer<typeof HostKeyInfoSchema>;
export type HostTestStepName = z.infer<typeof HostTestStepNameSchema>;
export type SshAlias = z.infer<typeof SshAliasSchema>;
export type HostTestStep = z.infer<typeof HostTestStepSchema>;
export type HostTestResult = z.infer<typeof HostTestResultSchema>;
export type Port = z.infer<typeof PortSchema>;
export type ContainerState = z.infer<typeof ContainerStateSchema>;
export type Health = z.infer<typeof HealthSchema>;
export type ContainerSummary = z.infer<typeof ContainerSummarySchema>;
export type Settings = z.infer<typeof SettingsSchema>;
export type StoreNotice = z.infer<typeof StoreNoticeSchema>;
export type SystemInfo = z.infer<typeof SystemInfoSchema>;
export type ContainerPatch = z.infer<typeof ContainerPatchSchema>;

// ---- live stats (stats domain) ------------------------------------------------------------------

/**
 * One container's numbers at one instant, derived exactly as `docker stats` derives them
 * (docker/cli calculateCPUPercentUnix, calculateMemUsageUnixNoCache). Rates are per second from
 * consecutive samples. Used by the stats stream, the history and the alerts engine.
 */
export const DerivedSampleSchema = z.object({
  hostId: z.string(),
  /** Full container id. */
  id: z.string(),
  name: z.string(),
  composeProject: z.string().optional(),
  /** Epoch ms of the engine's reading. */
  t: z.number(),
  /** % of ONE core (100 = one core busy; up to onlineCpus × 100), like `docker stats`. */
  cpuPercent: z.number(),
  onlineCpus: z.number(),
  /** Bytes used without the page cache (cgroup v1: usage - total_inactive_file; v2: usage - inactive_file). */
  memUsed: z.number(),
  /** Bytes: the container's limit, or the host's memory when unlimited. */
  memLimit: z.number(),
  memPercent: z.number(),
  /** Bytes per second. */
  netRxRate: z.number(),
  netTxRate: z.number(),
  blockReadRate: z.number(),
  blockWriteRate: z.number(),
  pids: z.number(),
});

export const StatsWindowSchema = z.enum(['5m', '1h', '24h', '7d']);

/** One point of a history series (a container's or a compose project's sum). */
export const StatsPointSchema = z.object({
  t: z.number(),
  cpuPercent: z.number(),
  memUsed: z.number(),
  memLimit: z.number(),
  netRxRate: z.number(),
  netTxRate: z.number(),
  blockReadRate: z.number(),
  blockWriteRate: z.number(),
  pids: z.number(),
});

export type DerivedSample = z.infer<typeof DerivedSampleSchema>;
export type StatsWindow = z.infer<typeof StatsWindowSchema>;
export type StatsPoint = z.infer<typeof StatsPointSchema>;
