// Builds the core: the store, the domain services in dependency order (hosts → containers → stats →
// history → alerts → terminals), and the handlers for every procedure of the contract (thin
// adapters over the services; building them starts nothing). Then starts the services in order.
// dispose() stops them in reverse order and resolves when every one is done. Plain Node; every
// capability (data dir, logger, engine discovery, docker factory) is injected, so the same core runs
// behind Electron IPC, behind the WebSocket server and inside tests.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Handlers, Logger } from '../contract/handlers';
import { DISCOVERED_HOST_ID, type DiscoveryEnv } from './engine/discovery';
import { createDiscoveredHost } from './engine/discovered-host';
import type { DockerFactory } from './engine/docker-client';
import { defaultConnectors, type ConnectorRegistry } from './engine/connectors';
import { HostRegistry } from './host-registry';
import { AddedHosts, userKnownHostsFiles } from './hosts/added-hosts';
import { KnownHosts } from './ssh/known-hosts';
import { endStreamsOfRemovedHosts } from './hosts/streams-follow-hosts';
import type { CoreContext, CoreServices } from './context';
import { ServiceSet } from './lifecycle';
import { ContainerService } from './containers/container-service';
import { createStatsHub } from './stats/stats-hub';
import { StatsHistoryService } from './stats/stats-history';
import { AlertService } from './alerts/alert-service';
import { Terminals } from './terminal/terminals';
import { containerHandlers } from './services/container-handlers';
import { alertsHandlers } from './services/alerts-handlers';
import { systemHandlers } from './services/system-handlers';
import { inspectHandlers } from './services/inspect-handlers';
import { runHandlers } from './services/run-handlers';
import { logsHandlers } from './services/logs-handlers';
import { statsHandlers } from './services/stats-handlers';
import { terminalHandlers } from './services/terminal-handlers';
import { imagesHandlers } from './services/images-handlers';
import { wakeHandlers } from './services/wake-handlers';
import { WakeManager, type WakeOptions } from './wake/wake-manager';
import { ResourcesService } from './resources/resources-service';
import { volumesHandlers } from './services/volumes-handlers';
import { networksHandlers } from './services/networks-handlers';
import { sshLinkOf } from './hosts/ssh-link';
import { hostToolsHandlers } from './services/host-tools-handlers';
import { diskHandlers } from './services/disk-handlers';
import { composeHandlers } from './services/compose-handlers';
import { registryHandlers } from './services/registry-handlers';

export { HostRegistry } from './host-registry';
import { JsonStore, alertsStoreOf } from './store/json-store';
import type { SecretBox } from './store/secret-box';
import type { EngineTimeouts } from './engine/call-guard';

export interface CoreOptions {
  dataDir: string;
  mode: 'desktop' | 'serve';
  appVersion: string;
  logger: Logger;
  discovery?: DiscoveryEnv;
  /** Tests: make the engine client of a URL (fake engines). Default: dockerode. */
  dockerFactory?: DockerFactory;
  /** How hosts reach their engines, by URL scheme (default: unix, npipe, tcp with TLS; ssh says to add it as a host). */
  connectors?: ConnectorRegistry;
  /** Reconnect backoff bounds (tests shorten them). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Deadlines per kind of engine call and the liveness ping (tests shorten them); see core/engine/call-guard.ts. */
  engineTimeouts?: Partial<EngineTimeouts>;
  /** Desktop: ask the user where to save a file (null: cancelled). Absent in serve mode. */
  saveDialog?: (suggestedName: string) => Promise<string | null>;
  /** Allow terminal.open on this machine (node-pty). On in the desktop app; serve needs --enable-host-terminal. */
  hostTerminal?: boolean;
  /** Wake on demand (a private Caddy, the waker, the Services page). Absent: off. */
  wake?: WakeOptions;
  /** How secrets are kept at rest (desktop: Electron safeStorage; default: the owner-only file). */
  secrets?: SecretBox;
  /** ssh hosts: where ~/.ssh is (default HOME's) and the agent socket (default SSH_AUTH_SOCK); tests set them. */
  ssh?: { home?: string; agentSocket?: string; timeoutMs?: number };
  /** The Docker CLI's credentials (registry auth without a WakeDock login): config.json's folder (default $DOCKER_CONFIG or ~/.docker) and the PATH its credential helpers are found on; tests set them. */
  dockerConfig?: { dir?: string; path?: string };
}

export interface Core {
  handlers: Handlers;
  store: JsonStore;
  hosts: HostRegistry;
  /** Engine connectors by URL scheme: a host kind registers here (the SSH hosts feature: 'ssh'). */
  connectors: ConnectorRegistry;
  /** The domain services (for the shells' internal callers: tray, notifications, /metrics). */
  services: CoreServices;
  /** What domain modules get. */
  context: CoreContext;
  /** Stops every service in reverse order; resolves when all are done (shells await it before exiting). */
  dispose(): Promise<void>;
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
  const { logger } = opts;
  // Throws DataDirLockedError when another process uses the data dir (the shells say which one).
  const store = await JsonStore.open(opts.dataDir, logger, { secrets: opts.secrets, mode: opts.mode });
  const discovery = opts.discovery ?? nodeDiscoveryEnv();
  const factory = opts.dockerFactory;
  const connectors = opts.connectors ?? defaultConnectors({ discovery, makeClient: factory ? (url) => factory(url) : undefined });

  // Build (nothing runs yet), in dependency order.
  const set = new ServiceSet(logger);
  const hosts = set.add('hosts', new HostRegistry());
  hosts.add(createDiscoveredHost({ store, discovery, connectors, logger, backoffMinMs: opts.backoffMinMs, backoffMaxMs: opts.backoffMaxMs, timeouts: opts.engineTimeouts }));
  // Then the hosts the user added, as saved (an unusable entry stays in the file, with a notice).
  const knownHosts = new KnownHosts({ userFiles: userKnownHostsFiles(opts.ssh?.home), ownFile: join(opts.dataDir, 'known_hosts') });
  const addedHosts = new AddedHosts({ store, hosts, logger, dockerFactory: factory, backoffMinMs: opts.backoffMinMs, backoffMaxMs: opts.backoffMaxMs, knownHosts, ssh: opts.ssh, timeouts: opts.engineTimeouts });
  addedHosts.loadSaved();
  const containers = set.add('containers', new ContainerService(hosts));
  const stats = set.add('stats', createStatsHub(hosts, logger));
  const history = set.add('history', new StatsHistoryService({ dataDir: opts.dataDir, store, hosts, stats, logger }));
  const alerts = set.add('alerts', new AlertService({ store: alertsStoreOf(store), getHost: (hostId) => hosts.get(hostId), hostIds: () => hosts.list().map((h) => h.id), stats: () => stats, logger }));
  const terminals = set.add('terminals', new Terminals({ hosts, logger, hostTerminal: opts.hostTerminal === true, mode: opts.mode, sshLink: sshLinkOf(hosts) }));
  const wake = opts.wake
    ? set.add(
        'wake',
        new WakeManager({
          ...opts.wake,
          dataDir: opts.dataDir,
          logger,
          // Wake-on-demand serves the auto-detected engine (the one Caddy runs next to).
          host: hosts.get(DISCOVERED_HOST_ID),
          stored: { get: () => store.get('wakeServices'), update: (fn) => store.update('wakeServices', fn), onChange: (fn) => store.onChange('wakeServices', () => fn()) },
          counters: { load: () => store.get('wakeCounters'), save: (next) => store.update('wakeCounters', () => next) },
          usage: (ids, fn) => stats.subscribe(DISCOVERED_HOST_ID, ids, fn),
          webhooks: { get: () => store.get('wakeWebhooks'), update: (fn) => store.update('wakeWebhooks', fn) },
          proxySettings: { get: () => store.get('wakeProxy'), update: (fn) => store.update('wakeProxy', fn) },
        }),
      )
    : null;
  const resources = set.add('resources', ResourcesService.forHosts(hosts, logger));
  const services: CoreServices = { hosts, containers, stats, history, alerts, terminals, resources, wake };

  // Alert rules name hosts: re-attach when hosts come and go.
  let offMembership: (() => void) | null = null;
  set.add('alerts-follow-hosts', {
    start: () => {
      offMembership = hosts.onMembership(() => alerts.hostsChanged());
    },
    dispose: async () => offMembership?.(),
  });

  // "Wake failed" alert rules follow the Services page's states.
  if (wake) {
    let offWake: (() => void) | null = null;
    set.add('alerts-follow-wake', {
      start: () => {
        const feed = (): void => alerts.noteWake(DISCOVERED_HOST_ID, wake.controller.views());
        offWake = wake.controller.onChange(feed);
        feed();
      },
      dispose: async () => offWake?.(),
    });
  }

  const disposers: (() => void | Promise<void>)[] = [];
  const ctx: CoreContext = { opts, logger, store, hosts, addedHosts, discovery, services, onDispose: (fn) => void disposers.push(fn) };
  // A per-host stream ends (NOT_FOUND) when its host is removed.
  const handlers: Handlers = endStreamsOfRemovedHosts({
    ...systemHandlers(ctx),
    ...containerHandlers(ctx),
    ...alertsHandlers(ctx),
    ...inspectHandlers(ctx),
    ...runHandlers(ctx),
    ...logsHandlers(ctx),
    ...statsHandlers(ctx),
    ...terminalHandlers(ctx),
    ...imagesHandlers(ctx),
    ...wakeHandlers(ctx),
    ...volumesHandlers(ctx),
    ...networksHandlers(ctx),
    ...diskHandlers(ctx),
    ...hostToolsHandlers(ctx, sshLinkOf(hosts)),
    ...composeHandlers(ctx, sshLinkOf(hosts)),
    ...registryHandlers(ctx),
  }, hosts);

  try {
    await set.startAll();
  } catch (e) {
    await set.disposeAll();
    await store.close().catch(() => {});
    throw e;
  }

  let disposing: Promise<void> | null = null;
  return {
    handlers,
    store,
    hosts,
    connectors,
    services,
    context: ctx,
    dispose: () =>
      (disposing ??= (async () => {
        for (const d of disposers.splice(0).reverse()) {
          try {
            await d();
          } catch (e) {
            logger.warn('core: dispose step failed', e);
          }
        }
        await set.disposeAll();
        // The store closes last: the services' final writes land, then the data-dir lock is released.
        try {
          await store.close();
        } catch (e) {
          logger.warn('core: closing the store failed', e);
        }
      })()),
  };
}
