// Builds the core: store, hosts and the handlers for every procedure of the contract. Plain Node;
// every capability (data dir, logger, engine discovery, docker factory) is injected, so the same
// core runs behind Electron IPC, behind the WebSocket server and inside tests.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { CONTRACT_VERSION, RpcError, type Host, type SystemInfo } from '../contract';
import type { Handlers, Logger } from '../rpc/dispatcher';
import { discoverEndpoint, type DiscoveryEnv } from './engine/discovery';
import { defaultDockerFactory, dockerOptionsFor, type DockerFactory } from './engine/docker-client';
import { HostConnection } from './engine/host-connection';
import { JsonStore } from './store/json-store';

export interface CoreOptions {
  dataDir: string;
  mode: 'desktop' | 'serve';
  appVersion: string;
  logger: Logger;
  discovery?: DiscoveryEnv;
  dockerFactory?: DockerFactory;
  /** Reconnect backoff bounds (tests shorten them). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

export interface Core {
  handlers: Handlers;
  store: JsonStore;
  hosts: HostRegistry;
  dispose(): void;
}

export function nodeDiscoveryEnv(): DiscoveryEnv {
  return {
    env: process.env,
    home: homedir(),
    platform: process.platform,
    exists: (p) => {
      try {
        const st = statSync(p);
        return st.isSocket() || process.platform === 'win32' || st.isFIFO();
      } catch {
        return false;
      }
    },
    readFile: (p) => {
      try {
        return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The set of hosts. Today: the local engine. SSH hosts plug in here with their own DockerFactory. */
export class HostRegistry {
  private readonly hosts = new Map<string, HostConnection>();
  private readonly listeners = new Set<(hosts: Host[]) => void>();

  add(conn: HostConnection): void {
    this.hosts.set(conn.id, conn);
    conn.onState(() => this.changed());
    conn.start();
  }

  get(hostId: string): HostConnection {
    const h = this.hosts.get(hostId);
    if (!h) throw RpcError.from('NOT_FOUND', `No host with id "${hostId}"`);
    return h;
  }

  list(): Host[] {
    return [...this.hosts.values()].map((h) => h.host);
  }

  watch(listener: (hosts: Host[]) => void): () => void {
    this.listeners.add(listener);
    listener(this.list());
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    for (const h of this.hosts.values()) h.stop();
    this.listeners.clear();
  }

  private changed(): void {
    const list = this.list();
    for (const l of this.listeners) l(list);
  }
}

/** Docker answers 304 when the container is already in the asked state: that is success. */
async function idempotent(p: Promise<unknown>): Promise<null> {
  try {
    await p;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 304) throw e;
  }
  return null;
}

export async function createCore(opts: CoreOptions): Promise<Core> {
  const store = await JsonStore.open(opts.dataDir, opts.logger);
  const discovery = opts.discovery ?? nodeDiscoveryEnv();
  const dockerFactory = opts.dockerFactory ?? defaultDockerFactory;
  const hosts = new HostRegistry();

  let override = store.settings.engineOverride;
  try {
    if (override) dockerOptionsFor(override);
  } catch (e) {
    store.notices.push({ level: 'warning', message: `The engine set in Settings ("${override}") is not valid (${(e as Error).message}); detecting the engine instead.` });
    override = '';
  }
  const local = new HostConnection({
    id: 'local',
    name: 'Local engine',
    kind: 'local',
    endpoint: discoverEndpoint(discovery, override),
    dockerFactory,
    logger: opts.logger,
    backoffMinMs: opts.backoffMinMs,
    backoffMaxMs: opts.backoffMaxMs,
  });
  hosts.add(local);
  opts.logger.info(`local engine: ${local.host.endpoint.url} (${local.host.endpoint.source}${local.host.endpoint.detail ? `: ${local.host.endpoint.detail}` : ''})`);

  const container = (hostId: string, id: string) => hosts.get(hostId).client().getContainer(id);

  const handlers: Handlers = {
    'system.info': async (): Promise<SystemInfo> => ({
      appVersion: opts.appVersion,
      contractVersion: CONTRACT_VERSION,
      mode: opts.mode,
      dataDir: opts.dataDir,
      notices: store.notices,
    }),
    'settings.get': async () => store.settings,
    'settings.update': async (patch) => {
      if (patch.engineOverride) dockerOptionsFor(patch.engineOverride);
      const before = store.settings.engineOverride;
      const next = await store.updateSettings(patch);
      if (next.engineOverride !== before) local.setEndpoint(discoverEndpoint(discovery, next.engineOverride));
      return next;
    },
    'hosts.list': async () => hosts.list(),
    'hosts.watch': (_input, sink) => hosts.watch((list) => sink.next(list)),
    'hosts.reconnect': async ({ hostId }) => {
      hosts.get(hostId).reconnectNow();
      return null;
    },
    'containers.list': async ({ hostId }) => hosts.get(hostId).list(),
    'containers.watch': ({ hostId }, sink) => hosts.get(hostId).watch((patch) => sink.next(patch)),
    'containers.start': ({ hostId, id }) => idempotent(container(hostId, id).start()),
    'containers.stop': ({ hostId, id, timeout }) => idempotent(container(hostId, id).stop(timeout === undefined ? {} : { t: timeout })),
    'containers.restart': ({ hostId, id, timeout }) => idempotent(container(hostId, id).restart(timeout === undefined ? {} : { t: timeout })),
    'containers.pause': ({ hostId, id }) => idempotent(container(hostId, id).pause()),
    'containers.unpause': ({ hostId, id }) => idempotent(container(hostId, id).unpause()),
    'containers.kill': ({ hostId, id, signal }) => idempotent(container(hostId, id).kill(signal ? { signal } : {})),
    'containers.rename': ({ hostId, id, name }) => idempotent(container(hostId, id).rename({ name })),
    'containers.remove': ({ hostId, id, force, volumes }) => idempotent(container(hostId, id).remove({ force, v: volumes })),
  };

  return {
    handlers,
    store,
    hosts,
    dispose: () => hosts.dispose(),
  };
}
