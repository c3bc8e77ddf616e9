// COMMON: app, settings and hosts procedures.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { Empty, EngineUrlSchema, HostIdSchema, Void } from '../inputs';
import { HostConfigSchema, HostNameSchema, HostSchema, HostSecretSchema, HostTestResultSchema, SettingsSchema, SshAliasSchema, SystemInfoSchema } from '../models';

export const systemProcedures = {
  'system.info': query(Empty, SystemInfoSchema, 'App version, contract version, mode, data dir and start-up notices'),

  'settings.get': query(Empty, SettingsSchema, 'Current settings'),
  'settings.update': command(
    z.strictObject({
      engineOverride: EngineUrlSchema.optional(),
      confirmDestructive: z.boolean().optional(),
      theme: z.enum(['system', 'dark', 'light']).optional(),
      statsHistory: z.boolean().optional(),
      statsRetentionDays: z.number().int('whole days').min(1, 'keep at least 1 day').max(90, 'at most 90 days').optional(),
      logTail: z.number().int().min(0).max(1_000_000).optional(),
      logBuffer: z.number().int().min(1000).max(1_000_000).optional(),
    }),
    SettingsSchema,
    'Change settings; an engine override reconnects the local host',
  ),
  'hosts.list': query(Empty, z.array(HostSchema), 'Known hosts with their connection state'),
  'hosts.watch': stream(Empty, z.array(HostSchema), 'The host list, sent again whenever a host changes state'),
  'hosts.reconnect': command(z.strictObject({ hostId: HostIdSchema }), Void, 'Retry the connection now instead of waiting for the backoff'),
  'hosts.add': command(
    z.strictObject({ name: HostNameSchema, config: HostConfigSchema, secret: HostSecretSchema.optional() }),
    HostSchema,
    'Add an engine (saved in the hosts section; an ssh password or key passphrase goes to the secret store); it connects at once',
  ),
  'hosts.update': command(
    z.strictObject({ hostId: HostIdSchema, name: HostNameSchema.optional(), config: HostConfigSchema.optional(), secret: HostSecretSchema.nullable().optional() }),
    HostSchema,
    'Rename an added host or change how it is reached (reconnects); secret: new secret, null forgets the stored one',
  ),
  'hosts.remove': command(z.strictObject({ hostId: HostIdSchema }), Void, 'Forget an added host and its stored secrets: its connection, streams and stats stop; the discovered engine cannot be removed'),
  'hosts.test': command(
    z.strictObject({ config: HostConfigSchema, secret: HostSecretSchema.optional(), hostId: HostIdSchema.optional() }),
    HostTestResultSchema,
    "Try a host config without saving it: each step (connect, TLS or host key and auth, socket, engine version; per hop for ProxyJump) and which one failed; hostId uses that host's stored secret",
  ),
  'hosts.trustHostKey': command(
    z.strictObject({
      host: z.string().trim().min(1).max(255),
      port: z.number().int().min(1).max(65535),
      keyType: z.string().trim().min(1).max(64),
      fingerprint: z.string().trim().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'a SHA256 fingerprint as OpenSSH prints it (SHA256:…)'),
    }),
    Void,
    "Remember an SSH server's key in WakeDock's own known_hosts; only a key the core saw on a recent connection attempt, never a changed one",
  ),
  'hosts.sshAliases': query(Empty, z.array(SshAliasSchema), 'Host entries of ~/.ssh/config without wildcards, resolved as OpenSSH does'),
} as const;
