// COMMON: the single table of every procedure that crosses the bridge.
// Each domain declares its procedures in procedures/<domain>.ts (kind, zod input validated in main
// where it enters, zod output: for streams the schema of one event). This file merges them. Types
// are inferred from the schemas, never written twice.
import type { z } from 'zod';
import { containerProcedures } from './procedures/containers';
import { alertsProcedures } from './procedures/alerts';
import { systemProcedures } from './procedures/system';
import { inspectProcedures } from './procedures/inspect';
import { runProcedures } from './procedures/run';
import { terminalProcedures } from './procedures/terminal';
import { logsProcedures } from './procedures/logs';
import { statsProcedures } from './procedures/stats';
import { imagesProcedures } from './procedures/images';
import { wakeProcedures } from './procedures/wake';
import { volumesProcedures } from './procedures/volumes';
import { networksProcedures } from './procedures/networks';
import { diskProcedures } from './procedures/disk';
import { hostToolsProcedures } from './procedures/host-tools';
import { composeProcedures } from './procedures/compose';
import { registryProcedures } from './procedures/registry';

export * from './define';
export * from './inputs';

/** Bump when a procedure's shape changes incompatibly. The renderer refuses a mismatched core. */
export const CONTRACT_VERSION = 1;

export const procedures = {
  ...systemProcedures,
  ...containerProcedures,
  ...alertsProcedures,
  ...inspectProcedures,
  ...runProcedures,
  ...terminalProcedures,
  ...logsProcedures,
  ...statsProcedures,
  ...imagesProcedures,
  ...wakeProcedures,
  ...volumesProcedures,
  ...networksProcedures,
  ...diskProcedures,
  ...hostToolsProcedures,
  ...composeProcedures,
  ...registryProcedures,
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
