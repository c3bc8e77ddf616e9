// system.*, settings.* and hosts.* procedures.
import { CONTRACT_VERSION, type SystemInfo } from '../../contract';
import type { systemProcedures } from '../../contract/procedures/system';
import type { CoreContext, DomainHandlers } from '../context';
import { retargetDiscoveredHost } from '../engine/discovered-host';
import { dockerOptionsFor } from '../engine/docker-client';
import { listSshAliases } from '../ssh/ssh-config';

export function systemHandlers(ctx: CoreContext): DomainHandlers<typeof systemProcedures> {
  const { opts, store, hosts, discovery, addedHosts } = ctx;
  return {
    'system.info': async (): Promise<SystemInfo> => ({
      appVersion: opts.appVersion,
      contractVersion: CONTRACT_VERSION,
      mode: opts.mode,
      dataDir: opts.dataDir,
      notices: store.notices,
      hostTerminal: opts.hostTerminal === true,
      secretStorage: { kind: store.secrets.kind, description: store.secrets.description },
    }),
    'settings.get': async () => store.get('settings'),
    'settings.update': async (patch) => {
      if (patch.engineOverride) dockerOptionsFor(patch.engineOverride);
      const before = store.get('settings').engineOverride;
      const next = await store.update('settings', (s) => ({ ...s, ...patch }));
      if (next.engineOverride !== before) retargetDiscoveredHost(hosts, discovery, next.engineOverride);
      return next;
    },
    'hosts.list': async () => hosts.list(),
    'hosts.watch': (_input, sink) => hosts.watch((list) => sink.next(list)),
    'hosts.reconnect': async ({ hostId }) => {
      hosts.get(hostId).reconnectNow();
      return null;
    },
    'hosts.add': async ({ name, config, secret }) => addedHosts.add(name, config, secret),
    'hosts.update': async ({ hostId, name, config, secret }) => addedHosts.update(hostId, { name, config, secret }),
    'hosts.remove': async ({ hostId }) => {
      await addedHosts.remove(hostId);
      return null;
    },
    'hosts.test': async ({ config, secret, hostId }) => addedHosts.test(config, secret, hostId),
    'hosts.trustHostKey': async ({ host, port, keyType, fingerprint }) => {
      addedHosts.knownHosts.trust(host, port, keyType, fingerprint);
      // Hosts that stopped at this key connect now (no loop ran while they waited for the decision).
      for (const h of hosts.list()) {
        if (h.hostKey && h.hostKey.host === host && h.hostKey.port === port && h.hostKey.fingerprint === fingerprint) hosts.get(h.id).reconnectNow();
      }
      return null;
    },
    'hosts.sshAliases': async () => listSshAliases(),
  };
}
