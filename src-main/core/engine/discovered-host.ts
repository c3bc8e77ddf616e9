// The auto-detected engine as a host: discovery's endpoint (or the Settings override) wrapped in a
// HostConnection with the id DISCOVERED_HOST_ID. Changing the override retargets it.
import type { Logger } from '../../contract/handlers';
import type { HostRegistry } from '../host-registry';
import type { JsonStore } from '../store/json-store';
import { DISCOVERED_HOST_ID, discoverEndpoint, type DiscoveryEnv } from './discovery';
import type { ConnectorRegistry } from './connectors';
import { dockerOptionsFor } from './docker-client';
import { HostConnection } from './host-connection';
import type { EngineTimeouts } from './call-guard';

export interface DiscoveredHostOptions {
  store: JsonStore;
  discovery: DiscoveryEnv;
  connectors: ConnectorRegistry;
  logger: Logger;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  timeouts?: Partial<EngineTimeouts>;
}

export function createDiscoveredHost(o: DiscoveredHostOptions): HostConnection {
  let override = o.store.get('settings').engineOverride;
  try {
    if (override) dockerOptionsFor(override);
  } catch (e) {
    o.store.notices.push({ level: 'warning', message: `The engine set in Settings ("${override}") is not valid (${(e as Error).message}); detecting the engine instead.` });
    override = '';
  }
  const conn = new HostConnection({
    id: DISCOVERED_HOST_ID,
    name: 'Local engine',
    kind: 'local',
    discovered: true,
    endpoint: discoverEndpoint(o.discovery, override),
    connector: (endpoint) => o.connectors.forEndpoint(endpoint),
    logger: o.logger,
    backoffMinMs: o.backoffMinMs,
    backoffMaxMs: o.backoffMaxMs,
    timeouts: o.timeouts,
  });
  const ep = conn.host.endpoint;
  o.logger.info(`local engine: ${ep.url} (${ep.source}${ep.detail ? `: ${ep.detail}` : ''})`);
  return conn;
}

/** The Settings override changed: point the discovered host at the new endpoint (if it is registered). */
export function retargetDiscoveredHost(hosts: HostRegistry, discovery: DiscoveryEnv, override: string): void {
  if (hosts.has(DISCOVERED_HOST_ID)) hosts.get(DISCOVERED_HOST_ID).setEndpoint(discoverEndpoint(discovery, override));
}
