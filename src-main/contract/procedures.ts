// COMMON: the single table of every procedure that crosses the bridge.
// Each entry declares its kind, its input schema (validated in main where it enters) and its
// output schema (for streams: the schema of one event). Types are inferred, never written twice.
import { z } from 'zod';
import {
  ContainerPatchSchema,
  ContainerSummarySchema,
  HostSchema,
  SettingsSchema,
  SystemInfoSchema,
} from './models';

/** Bump when a procedure's shape changes incompatibly. The renderer refuses a mismatched core. */
export const CONTRACT_VERSION = 1;

export type ProcedureKind = 'query' | 'command' | 'stream';

export interface ProcedureDef<K extends ProcedureKind, I extends z.ZodType, O extends z.ZodType> {
  kind: K;
  input: I;
  output: O;
  /** One line for docs and error messages. */
  summary: string;
}

const query = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): ProcedureDef<'query', I, O> => ({ kind: 'query', input, output, summary });
const command = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): ProcedureDef<'command', I, O> => ({ kind: 'command', input, output, summary });
const stream = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): ProcedureDef<'stream', I, O> => ({ kind: 'stream', input, output, summary });

// ---- shared input pieces -------------------------------------------------------------------

/** A host id: 'local' for the auto-detected engine; later, ids of SSH hosts. */
export const HostIdSchema = z.string().min(1, 'hostId is required').max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'hostId may only contain a-z, 0-9 and "-"');

/** A container id (full or short hex) or name, as the engine accepts it. */
export const ContainerRefSchema = z
  .string()
  .min(1, 'container id is required')
  .max(128, 'container id is too long')
  .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a container id or name');

/** Docker's own rule for container names. */
export const ContainerNameSchema = z
  .string()
  .min(2, 'a container name needs at least 2 characters')
  .max(128, 'a container name may have at most 128 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'a container name must start with a letter or digit and contain only letters, digits, "_", "." and "-"');

const Target = z.strictObject({ hostId: HostIdSchema, id: ContainerRefSchema });
const Empty = z.strictObject({});
const Void = z.null();

/** \d{1,5} alone lets tcp://host:99999 through; a port is 1-65535. */
const tcpPortInRange = (s: string): boolean => {
  const port = /^tcp:\/\/.*:(\d+)\/?$/.exec(s)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
};

/** An engine endpoint URL as a user types it in settings. Empty means auto-detect. */
export const EngineUrlSchema = z
  .string()
  .trim()
  .max(1024)
  .refine((s) => s === '' || (/^(unix:\/\/\/?.+|tcp:\/\/[^\s/]+:\d{1,5}\/?|npipe:\/\/.+|ssh:\/\/.+)$/.test(s) && tcpPortInRange(s)), {
    message: 'use unix:///path/to/docker.sock, tcp://host:port or npipe:////./pipe/docker_engine (or leave empty to detect)',
  });

// ---- the table ----------------------------------------------------------------------------

export const procedures = {
  'system.info': query(Empty, SystemInfoSchema, 'App version, contract version, mode, data dir and start-up notices'),

  'settings.get': query(Empty, SettingsSchema, 'Current settings'),
  'settings.update': command(
    z.strictObject({
      engineOverride: EngineUrlSchema.optional(),
      confirmDestructive: z.boolean().optional(),
      theme: z.enum(['system', 'dark', 'light']).optional(),
    }),
    SettingsSchema,
    'Change settings; an engine override reconnects the local host',
  ),

  'hosts.list': query(Empty, z.array(HostSchema), 'Known hosts with their connection state'),
  'hosts.watch': stream(Empty, z.array(HostSchema), 'The host list, sent again whenever a host changes state'),
  'hosts.reconnect': command(z.strictObject({ hostId: HostIdSchema }), Void, 'Retry the connection now instead of waiting for the backoff'),

  'containers.list': query(z.strictObject({ hostId: HostIdSchema }), z.array(ContainerSummarySchema), 'All containers of a host, running or not'),
  'containers.watch': stream(
    z.strictObject({ hostId: HostIdSchema }),
    ContainerPatchSchema,
    'A snapshot, then patches driven by the engine events stream (a new snapshot after a reconnect)',
  ),
  'containers.start': command(Target, Void, 'Start a container'),
  'containers.stop': command(
    Target.extend({ timeout: z.number().int().min(0).max(3600).optional() }),
    Void,
    'Stop a container (SIGTERM, then SIGKILL after timeout seconds)',
  ),
  'containers.restart': command(Target.extend({ timeout: z.number().int().min(0).max(3600).optional() }), Void, 'Restart a container'),
  'containers.pause': command(Target, Void, 'Pause a running container'),
  'containers.unpause': command(Target, Void, 'Unpause a paused container'),
  'containers.kill': command(
    Target.extend({ signal: z.string().regex(/^(SIG)?[A-Z][A-Z0-9]*$|^\d{1,2}$/, 'a signal such as SIGKILL, SIGTERM or 9').optional() }),
    Void,
    'Send a signal (SIGKILL by default)',
  ),
  'containers.rename': command(Target.extend({ name: ContainerNameSchema }), Void, 'Rename a container'),
  'containers.remove': command(
    Target.extend({ force: z.boolean().default(false), volumes: z.boolean().default(false) }),
    Void,
    'Remove a container; force kills it first, volumes removes its anonymous volumes',
  ),
} as const;

export type Procedures = typeof procedures;
export type ProcName = keyof Procedures;
export type QueryName = { [K in ProcName]: Procedures[K]['kind'] extends 'query' ? K : never }[ProcName];
export type CommandName = { [K in ProcName]: Procedures[K]['kind'] extends 'command' ? K : never }[ProcName];
export type StreamName = { [K in ProcName]: Procedures[K]['kind'] extends 'stream' ? K : never }[ProcName];
export type CallName = QueryName | CommandName;

/** What the caller passes (defaults may be omitted). */
export type ProcInput<P extends ProcName> = z.input<Procedures[P]['input']>;
/** What the handler receives (after parsing: defaults filled). */
export type ProcParsedInput<P extends ProcName> = z.output<Procedures[P]['input']>;
/** What a call resolves with, or what one stream event carries. */
export type ProcOutput<P extends ProcName> = z.output<Procedures[P]['output']>;

export function isProcName(name: unknown): name is ProcName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(procedures, name);
}
