// Builds the core: store, hosts and the handlers for every procedure of the contract. Plain Node;
// every capability (data dir, logger, engine discovery, docker factory) is injected, so the same
// core runs behind Electron IPC, behind the WebSocket server and inside tests.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Handlers, Logger } from '../rpc/dispatcher';
import { discoverEndpoint, type DiscoveryEnv } from './engine/discovery';
import { defaultDockerFactory, dockerOptionsFor, type DockerFactory } from './engine/docker-client';
import { HostConnection } from './engine/host-connection';
import { HostRegistry } from './host-registry';
import type { CoreContext } from './context';
import { containerHandlers } from './services/container-handlers';
import { alertsHandlers } from './services/alerts-handlers';
import { systemHandlers } from './services/system-handlers';
import { inspectHandlers } from './services/inspect-handlers';
import { runHandlers } from './services/run-handlers';
import { logsHandlers } from './services/logs-handlers';
import { statsHandlers } from './services/stats-handlers';
import { terminalHandlers } from './services/terminal-handlers';
import { imagesHandlers } from './services/images-handlers';

export { HostRegistry } from './host-registry';
import { JsonStore } from './store/json-store';
import type { SecretBox } from './store/secret-box';

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
  /** Desktop: ask the user where to save a file (null: cancelled). Absent in serve mode. */
  saveDialog?: (suggestedName: string) => Promise<string | null>;
  /** Allow terminal.open on this machine (node-pty). On in the desktop app; serve needs --enable-host-terminal. */
  hostTerminal?: boolean;
  /** How secrets are kept at rest (desktop: Electron safeStorage; default: the owner-only file). */
  secrets?: SecretBox;
}

export interface Core {
  handlers: Handlers;
  store: JsonStore;
  hosts: HostRegistry;
  /** What domain modules get; per-core services (statsHubFor, alertServiceFor) are keyed by it. */
  context: CoreContext;
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

export async function createCore(opts: CoreOptions): Promise<Core> {
  // Throws DataDirLockedError when another process uses the data dir (the shells say which one).
  const store = await JsonStore.open(opts.dataDir, opts.logger, { secrets: opts.secrets, mode: opts.mode });
  const discovery = opts.discovery ?? nodeDiscoveryEnv();
  const dockerFactory = opts.dockerFactory ?? defaultDockerFactory;
  const hosts = new HostRegistry();

  let override = store.get('settings').engineOverride;
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

  // The store closes last (disposers run in reverse): pending writes land, then the lock is released.
  const disposers: (() => void | Promise<void>)[] = [() => store.close()];
  const ctx: CoreContext = { opts, logger: opts.logger, store, hosts, discovery, local, onDispose: (fn) => void disposers.push(fn) };
  const handlers: Handlers = {
    ...systemHandlers(ctx),
    ...containerHandlers(ctx),
    ...alertsHandlers(ctx),
    ...inspectHandlers(ctx),
    ...runHandlers(ctx),
    ...logsHandlers(ctx),
    ...statsHandlers(ctx),
    ...terminalHandlers(ctx),
    ...imagesHandlers(ctx),
  };

  return {
    handlers,
    store,
    hosts,
    context: ctx,
    dispose: () => {
      for (const d of disposers.splice(0).reverse()) {
        try {
          void d();
        } catch (e) {
          opts.logger.warn('core: dispose step failed', e);
        }
      }
      hosts.dispose();
    },
  };
}
