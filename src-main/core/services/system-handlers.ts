// system.*, settings.* and hosts.* procedures.
import { CONTRACT_VERSION, RpcError, type SystemInfo } from '../../contract';
import type { systemProcedures } from '../../contract/procedures/system';
import type { CoreContext, DomainHandlers } from '../context';
import { retargetDiscoveredHost } from '../engine/discovered-host';
import { dockerOptionsFor } from '../engine/docker-client';
import { testHostConfig } from '../hosts/added-hosts';
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
    'hosts.test': async ({ config }) => testHostConfig(config, { dockerFactory: opts.dockerFactory }),
    'hosts.trustHostKey': async ({ host, port, fingerprint }) => {
      throw RpcError.from('VALIDATION', `WakeDock has not seen the key ${fingerprint} of ${host}:${port} on a recent connection attempt; test the connection first`, {
        reason: 'HOST_KEY_NOT_SEEN',
        field: 'fingerprint',
      });
    },
    'hosts.sshAliases': async () => listSshAliases(),
  };
}
