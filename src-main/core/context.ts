// What every domain's handlers get: the store, the hosts, the core's services, the logger and the
// core's options. Domain modules (services/*-handlers.ts) take a CoreContext and return their part
// of the handlers: thin adapters over the services, which do the work.
import type { Handlers, Logger } from '../contract/handlers';
import type { ProcName } from '../contract';
import type { AlertService } from './alerts/alert-service';
import type { ContainerService } from './containers/container-service';
import type { DiscoveryEnv } from './engine/discovery';
import type { HostRegistry } from './host-registry';
import type { AddedHosts } from './hosts/added-hosts';
import type { StatsHistoryService } from './stats/stats-history';
import type { StatsHub } from './stats/stats-hub';
import type { JsonStore } from './store/json-store';
import type { Terminals } from './terminal/terminals';
import type { CoreOptions } from './create-core';
import type { WakeManager } from './wake/wake-manager';

/** The core's domain services, in dependency (start) order; disposed in reverse. */
import type { ResourcesService } from './resources/resources-service';

export interface CoreServices {
  /** The hosts and their engine connections; `hosts.onEngineEvent` is the all-hosts event bus. */
  hosts: HostRegistry;
  containers: ContainerService;
  stats: StatsHub;
  history: StatsHistoryService;
  alerts: AlertService;
  terminals: Terminals;
  /** Live lists of images, volumes and networks per host (resource pages). */
  resources: ResourcesService;
  /** Wake on demand; null when the core was created without `wake` options. */
  wake: WakeManager | null;
}

export interface CoreContext {
  opts: CoreOptions;
  logger: Logger;
  store: JsonStore;
  hosts: HostRegistry;
  /** The hosts the user added (saved in the store's hosts section). */
  addedHosts: AddedHosts;
  discovery: DiscoveryEnv;
  services: CoreServices;
  /** Register cleanup to run when the core is disposed (before the services are disposed). */
  onDispose(fn: () => void | Promise<void>): void;
}

/** The handlers of one domain's procedures (a slice of the full Handlers table). */
export type DomainHandlers<T extends Record<string, unknown>> = Pick<Handlers, Extract<keyof T, ProcName>>;

export { idempotent } from './containers/container-service';
