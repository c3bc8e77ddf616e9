// Hosts the user added (Settings → Hosts), kept in the store's `hosts` section. At core start every
// saved host joins the HostRegistry after the discovered engine; hosts.add/update/remove change the
// registry and the file together; hosts.test tries a config step by step without saving it.
// A host kind is a config schema (contract/models.ts HostConfigSchema) plus a connector here: tcp
// now, ssh when the SSH-hosts feature adds it.
import Dockerode from 'dockerode';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent as HttpsAgent } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { HostConfigSchema, RpcError, type Endpoint, type Host, type HostConfig, type HostKeyInfo, type HostSecret, type HostTestResult, type HostTestStep, type SshHostConfig, type TcpHostConfig } from '../../contract';
import type { Logger } from '../../contract/handlers';
import { withShortInspect } from '../engine/agent-inspect';
import { clientConnector, type EngineConnector } from '../engine/connectors';
import { KnownHosts } from '../ssh/known-hosts';
import { defaultSshConfigEnv, SshConfigResolver } from '../ssh/ssh-config';
import { openSshEngine, sshConnector, type SshDeps, type SshEngineConnection } from '../ssh/ssh-connector';
import { SshStepError, type SshStepReport } from '../ssh/ssh-session';
import { DISCOVERED_HOST_ID } from '../engine/discovery';
import { dockerOptionsFor, type DockerFactory } from '../engine/docker-client';
import { HostConnection } from '../engine/host-connection';
import type { HostRegistry } from '../host-registry';
import type { JsonStore } from '../store/json-store';
import type { StoredHost } from '../store/sections';
import type { EngineTimeouts } from '../engine/call-guard';

/** How long each hosts.test step may take. */
export const TEST_STEP_TIMEOUT_MS = 5000;

export interface AddedHostsOptions {
  store: JsonStore;
  hosts: HostRegistry;
  logger: Logger;
  /** Tests: fake engines for plain tcp:// (TLS always uses dockerode with the files). */
  dockerFactory?: DockerFactory;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  timeouts?: Partial<EngineTimeouts>;
  /** Host keys of ssh hosts (the user's known_hosts read, WakeDock's own written). */
  knownHosts?: KnownHosts;
  /** ssh: tests point these elsewhere (default: HOME's ~/.ssh, SSH_AUTH_SOCK). */
  ssh?: { home?: string; agentSocket?: string; timeoutMs?: number };
}

interface PemMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

/** Read the TLS files of a config; a missing or unreadable file is an error naming the field and path. */
async function readTls(config: TcpHostConfig): Promise<PemMaterial> {
  const out: PemMaterial = {};
  for (const field of ['ca', 'cert', 'key'] as const) {
    const path = config.tls?.[field];
    if (!path) continue;
    try {
      out[field] = await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(`tls.${field}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return out;
}

function endpointOf(config: HostConfig): Endpoint {
  if (config.kind === 'ssh') {
    const url = config.url ?? `ssh://${config.alias}`;
    return { url, source: 'settings', detail: config.alias ? `~/.ssh/config alias "${config.alias}", added in Settings → Hosts` : 'added in Settings → Hosts' };
  }
  return { url: config.url, source: 'settings', detail: config.tls ? 'added in Settings → Hosts (TLS)' : 'added in Settings → Hosts' };
}

/** The ssh connector's dependencies for one host. */
function sshDeps(o: Pick<AddedHostsOptions, 'knownHosts' | 'ssh'>, secret?: () => HostSecret | undefined): SshDeps {
  const home = o.ssh?.home;
  return {
    knownHosts: o.knownHosts ?? defaultKnownHosts(),
    resolver: () => new SshConfigResolver(home ? { ...defaultSshConfigEnv(), home, readConfig: () => readSshConfigAt(home) } : defaultSshConfigEnv()),
    secret,
    agentSocket: o.ssh?.agentSocket,
    home,
    timeoutMs: o.ssh?.timeoutMs,
  };
}

function readSshConfigAt(home: string): string | undefined {
  try {
    return readFileSync(join(home, '.ssh', 'config'), 'utf8');
  } catch {
    return undefined;
  }
}

/** Known hosts without a data dir (tests of testHostConfig alone): only the user's files, own file in tmp. */
let fallbackKnownHosts: KnownHosts | undefined;
function defaultKnownHosts(): KnownHosts {
  fallbackKnownHosts ??= new KnownHosts({ userFiles: userKnownHostsFiles(), ownFile: join(tmpdir(), `wakedock-known_hosts-${process.pid}`) });
  return fallbackKnownHosts;
}

/** ~/.ssh/known_hosts and known_hosts2, as OpenSSH reads them by default. */
export function userKnownHostsFiles(home = process.env.HOME || homedir()): string[] {
  return [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
}

function hostPort(url: string): { host: string; port: number } {
  const o = dockerOptionsFor(url);
  return { host: String(o.host).replace(/^\[|\]$/g, ''), port: Number(o.port) };
}

/** The connector of an added host's config. */
export function connectorFor(config: HostConfig, o: Pick<AddedHostsOptions, 'dockerFactory' | 'knownHosts' | 'ssh'>, secret?: () => HostSecret | undefined): EngineConnector {
  if (config.kind === 'ssh') return sshConnector(config, sshDeps(o, secret));
  if (!config.tls) {
    const make = o.dockerFactory ?? ((url: string) => new Dockerode(dockerOptionsFor(url)));
    return clientConnector('tcp', () => make(config.url));
  }
  const tls = config.tls;
  return {
    kind: 'tcp+tls',
    open: async (signal) => {
      const pem = await readTls(config);
      signal.throwIfAborted();
      const { host, port } = hostPort(config.url);
      const agent = withShortInspect(new HttpsAgent({ keepAlive: true, ...pem, rejectUnauthorized: tls.verify }), `https agent ${host}:${port}`);
      const docker = new Dockerode({ host, port, protocol: 'https', agent } as Dockerode.DockerOptions);
      return { docker, close: () => agent.destroy(), onLost: () => () => {} };
    },
  };
}

export function connectionFor(stored: { id: string; name: string; config: HostConfig }, o: AddedHostsOptions, secret?: () => HostSecret | undefined, secretStorage?: Host['secretStorage']): HostConnection {
  return new HostConnection({
    secretStorage,
    id: stored.id,
    name: stored.name,
    kind: stored.config.kind,
    endpoint: endpointOf(stored.config),
    config: stored.config,
    connector: () => connectorFor(stored.config, o, secret),
    logger: o.logger,
    backoffMinMs: o.backoffMinMs,
    backoffMaxMs: o.backoffMaxMs,
    timeouts: o.timeouts,
  });
}

const toStored = (id: string, name: string, config: HostConfig, secret?: HostSecret): StoredHost => ({
  id,
  name,
  ...config,
  url: config.url ?? `ssh://${config.kind === 'ssh' ? config.alias : ''}`,
  ...(secret && (secret.password !== undefined || secret.passphrase !== undefined) ? { secret } : {}),
});

/** The fields of a stored host that are not its config. */
const NOT_CONFIG = new Set(['id', 'name', 'secret', 'secretUnreadable']);

/** A stored item → its config (undefined, with the reason, when it is not one WakeDock can use). */
function fromStored(s: StoredHost): { id: string; name: string; config: HostConfig } | string {
  const { id, name } = s;
  const rest = Object.fromEntries(Object.entries(s).filter(([k]) => !NOT_CONFIG.has(k)));
  // An alias host is stored with a display url (ssh://alias) that is not part of its config.
  if (rest.kind === 'ssh' && rest.alias !== undefined) delete rest.url;
  const parsed = HostConfigSchema.safeParse(rest);
  if (!parsed.success) return parsed.error.issues.map((i) => i.message).join('; ');
  if (id === DISCOVERED_HOST_ID) return `the id "${id}" is the discovered engine's`;
  return { id, name, config: parsed.data };
}

export class AddedHosts {
  constructor(private readonly o: AddedHostsOptions) {}

  /** Add every saved host to the registry (after the discovered one). Unusable entries stay in the file, with a notice. */
  loadSaved(): void {
    for (const s of this.o.store.get('hosts')) {
      const h = fromStored(s);
      if (typeof h === 'string') {
        this.o.store.notices.push({ level: 'warning', message: `The saved host "${s.name || s.id}" (${s.url}) is not used: ${h}. It is kept in the file.` });
        continue;
      }
      if (this.o.hosts.has(h.id)) {
        this.o.store.notices.push({ level: 'warning', message: `The saved host "${h.name}" has the id "${h.id}" of another host; it is not used.` });
        continue;
      }
      this.o.hosts.add(this.connection(h));
    }
  }

  /** The stored secret of a host (read at each connection attempt; never returned by any procedure). */
  secretOf(hostId: string): HostSecret | undefined {
    const s = this.o.store.get('hosts').find((h) => h.id === hostId) as (StoredHost & { secret?: HostSecret }) | undefined;
    return s?.secret;
  }

  private storageOf(config: HostConfig, secret: HostSecret | undefined): Host['secretStorage'] {
    if (config.kind !== 'ssh') return undefined;
    if (!secret || (secret.password === undefined && secret.passphrase === undefined)) return 'none';
    return this.o.store.secrets.kind === 'os-keystore' ? 'safeStorage' : 'owner-only-file';
  }

  private connection(h: { id: string; name: string; config: HostConfig }): HostConnection {
    return connectionFor(h, this.o, () => this.secretOf(h.id), this.storageOf(h.config, this.secretOf(h.id)));
  }

  /** WakeDock's host keys (hosts.trustHostKey). */
  get knownHosts(): KnownHosts {
    return this.o.knownHosts ?? defaultKnownHosts();
  }

  /** hosts.test with the options of this core (a hostId's stored secret unless one is given). */
  test(config: HostConfig, secret?: HostSecret, hostId?: string): Promise<HostTestResult> {
    const sec = secret ?? (hostId ? this.secretOf(hostId) : undefined);
    return testHostConfig(config, { ...this.o, secret: sec });
  }

  async add(name: string, config: HostConfig, secret?: HostSecret): Promise<Host> {
    const id = `${config.kind}-${randomUUID().slice(0, 8)}`;
    await this.o.store.update('hosts', (list) => [...list, toStored(id, name, config, config.kind === 'ssh' ? secret : undefined)]);
    const conn = this.connection({ id, name, config });
    this.o.hosts.add(conn);
    return conn.host;
  }

  async update(hostId: string, patch: { name?: string; config?: HostConfig; secret?: HostSecret | null }): Promise<Host> {
    const saved = this.savedOrThrow(hostId, 'changed');
    const name = patch.name ?? saved.name;
    const before = fromStored(saved);
    const config = patch.config ?? (typeof before === 'string' ? undefined : before.config);
    if (!config) throw RpcError.from('VALIDATION', `The saved host "${saved.name}" has a config WakeDock cannot use; give a new one`, { field: 'config' });
    const oldSecret = (saved as StoredHost & { secret?: HostSecret }).secret;
    const secret = config.kind !== 'ssh' || patch.secret === null ? undefined : patch.secret !== undefined ? patch.secret : oldSecret;
    await this.o.store.update('hosts', (list) =>
      list.map((h) => {
        if (h.id !== hostId) return h;
        const next = toStored(hostId, name, config, secret);
        // A secret this box cannot open stays in the file until a new one is given or it is forgotten.
        return patch.secret === undefined && (h as { secretUnreadable?: boolean }).secretUnreadable ? { ...next, secretUnreadable: true } : next;
      }),
    );
    if (patch.config || patch.secret !== undefined) {
      // A new address, TLS material or secret: a fresh connection (its watchers restart with the registry's events).
      if (this.o.hosts.has(hostId)) this.o.hosts.remove(hostId);
      this.o.hosts.add(this.connection({ id: hostId, name, config }));
    } else {
      this.o.hosts.get(hostId).rename(name);
    }
    return this.o.hosts.get(hostId).host;
  }

  async remove(hostId: string): Promise<void> {
    this.savedOrThrow(hostId, 'removed');
    // Stop first: its connection, event stream, container watchers and stats end with it.
    if (this.o.hosts.has(hostId)) this.o.hosts.remove(hostId);
    await this.o.store.update('hosts', (list) => list.filter((h) => h.id !== hostId));
  }

  private savedOrThrow(hostId: string, what: string): StoredHost {
    if (hostId === DISCOVERED_HOST_ID) {
      throw RpcError.from('CONFLICT', `The local engine is found automatically and cannot be ${what} here; choose its address in Settings → Engine`, { field: 'hostId' });
    }
    const saved = this.o.store.get('hosts').find((h) => h.id === hostId);
    if (!saved) throw RpcError.from('NOT_FOUND', `No added host with id "${hostId}"`, { reason: 'HOST_NOT_FOUND' });
    return saved;
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });

const errText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err.code && !err.message.includes(err.code) ? `${err.message} (${err.code})` : err.message;
};

function tryConnect(host: string, port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host, port });
    const t = setTimeout(() => (s.destroy(), reject(new Error(`no answer within ${ms / 1000} s`))), ms);
    s.once('connect', () => (clearTimeout(t), s.destroy(), resolve()));
    s.once('error', (e) => (clearTimeout(t), s.destroy(), reject(e)));
  });
}

function tryTls(host: string, port: number, pem: PemMaterial, verify: boolean, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, ...pem, rejectUnauthorized: verify });
    const t = setTimeout(() => (s.destroy(), reject(new Error(`no TLS handshake within ${ms / 1000} s`))), ms);
    s.once('secureConnect', () => {
      clearTimeout(t);
      const proto = s.getProtocol() ?? 'TLS';
      const authorized = s.authorized ? 'certificate verified' : `certificate not verified${s.authorizationError ? ` (${String(s.authorizationError)})` : ''}`;
      s.destroy();
      resolve(`${proto}, ${authorized}`);
    });
    s.once('error', (e) => (clearTimeout(t), s.destroy(), reject(e)));
  });
}

/** Try a config without saving it: connect, TLS (when configured), engine version; stop at the first failure. */
export async function testHostConfig(config: HostConfig, o: Pick<AddedHostsOptions, 'dockerFactory' | 'knownHosts' | 'ssh'> & { timeoutMs?: number; secret?: HostSecret } = {}): Promise<HostTestResult> {
  if (config.kind === 'ssh') return testSshConfig(config, o);
  const ms = o.timeoutMs ?? TEST_STEP_TIMEOUT_MS;
  const steps: HostTestStep[] = [];
  const { host, port } = hostPort(config.url);
  const fail = (step: HostTestStep['step'], message: string): HostTestResult => {
    steps.push({ step, outcome: 'failed', message });
    for (const rest of ['connect', 'tls', 'engine'] as const) {
      if (!steps.some((s) => s.step === rest)) steps.push({ step: rest, outcome: 'skipped', message: 'not reached' });
    }
    return { ok: false, steps, failedStep: step };
  };

  try {
    await tryConnect(host, port, ms);
    steps.push({ step: 'connect', outcome: 'ok', message: `${host}:${port} accepts connections` });
  } catch (e) {
    return fail('connect', `${host}:${port}: ${errText(e)}`);
  }

  if (config.tls) {
    try {
      const pem = await readTls(config);
      const how = await tryTls(host, port, pem, config.tls.verify, ms);
      steps.push({ step: 'tls', outcome: 'ok', message: how });
    } catch (e) {
      return fail('tls', errText(e));
    }
  } else {
    steps.push({ step: 'tls', outcome: 'skipped', message: 'no TLS configured (plain tcp://)' });
  }

  const conn = await connectorFor(config, o).open(AbortSignal.timeout(ms)).catch((e: unknown) => e as Error);
  if (conn instanceof Error) return fail('engine', errText(conn));
  try {
    const v = (await withTimeout(conn.docker.version(), ms, 'GET /version')) as { Version?: string; ApiVersion?: string; Os?: string; Arch?: string };
    if (!v || typeof v.Version !== 'string') return fail('engine', 'the address answers but not as a Docker engine (no version)');
    steps.push({ step: 'engine', outcome: 'ok', message: `Docker Engine ${v.Version} (API ${v.ApiVersion ?? '?'}, ${v.Os ?? '?'}/${v.Arch ?? '?'})` });
    return { ok: true, steps, engineVersion: v.Version, apiVersion: v.ApiVersion, os: v.Os };
  } catch (e) {
    return fail('engine', `the address answers but not as a Docker engine: ${errText(e)}`);
  } finally {
    conn.close();
  }
}

const SSH_STEPS = ['connect', 'hostKey', 'auth', 'socket', 'engine'] as const;

/** hosts.test for ssh: connect → hostKey → auth (per hop) → socket → engine; stop at the first failure. */
async function testSshConfig(config: SshHostConfig, o: Pick<AddedHostsOptions, 'knownHosts' | 'ssh'> & { timeoutMs?: number; secret?: HostSecret }): Promise<HostTestResult> {
  const ms = o.timeoutMs ?? TEST_STEP_TIMEOUT_MS * 2;
  const steps: HostTestStep[] = [];
  const deps = { ...sshDeps(o, () => o.secret), timeoutMs: o.ssh?.timeoutMs ?? ms };
  const onStep = (r: SshStepReport): void => void steps.push({ step: r.step, outcome: 'ok', message: r.message, ...(r.hop ? { hop: r.hop } : {}) });
  const fail = (step: HostTestStep['step'], message: string, hop?: string, hostKey?: HostKeyInfo): HostTestResult => {
    steps.push({ step, outcome: 'failed', message, ...(hop ? { hop } : {}) });
    const at = SSH_STEPS.indexOf(step as (typeof SSH_STEPS)[number]);
    for (const rest of SSH_STEPS.slice(at + 1)) if (!steps.some((s) => s.step === rest && !s.hop)) steps.push({ step: rest, outcome: 'skipped', message: 'not reached' });
    return { ok: false, steps, failedStep: step, ...(hostKey ? { hostKey } : {}) };
  };
  let conn: SshEngineConnection;
  try {
    conn = await openSshEngine(config, deps, AbortSignal.timeout(ms * 3), onStep);
  } catch (e) {
    if (e instanceof SshStepError) return fail(e.step, e.hint && e.reason !== 'HOST_KEY_UNKNOWN' ? `${e.message}. ${e.hint}` : e.message, e.hop, e.hostKey);
    return fail('connect', errText(e));
  }
  try {
    const v = (await withTimeout(conn.docker.version(), ms, 'GET /version')) as { Version?: string; ApiVersion?: string; Os?: string; Arch?: string };
    if (!v || typeof v.Version !== 'string') return fail('engine', `${conn.socketPath} answers but not as a Docker engine (no version)`);
    steps.push({ step: 'engine', outcome: 'ok', message: `Docker Engine ${v.Version} (API ${v.ApiVersion ?? '?'}, ${v.Os ?? '?'}/${v.Arch ?? '?'}) at ${conn.socketPath}` });
    return { ok: true, steps, engineVersion: v.Version, apiVersion: v.ApiVersion, os: v.Os };
  } catch (e) {
    return fail('engine', `${conn.socketPath} answers but not as a Docker engine: ${errText(e)}`);
  } finally {
    conn.close();
  }
}
