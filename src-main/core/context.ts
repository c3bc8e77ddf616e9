// What every domain's handlers get: the store, the hosts, the logger and the core's options.
// Domain modules (services/*-handlers.ts) take a CoreContext and return their part of the handlers.
import type { Handlers, Logger } from '../rpc/dispatcher';
import type { ProcName } from '../contract';
import { isAlreadyInState } from './engine/engine-errors';
import type { DiscoveryEnv } from './engine/discovery';
import type { HostConnection } from './engine/host-connection';
import type { HostRegistry } from './host-registry';
import type { JsonStore } from './store/json-store';
import type { CoreOptions } from './create-core';

export interface CoreContext {
  opts: CoreOptions;
  logger: Logger;
  store: JsonStore;
  hosts: HostRegistry;
  discovery: DiscoveryEnv;
  /** The auto-detected local engine. */
  local: HostConnection;
  /** Register cleanup to run when the core is disposed (timers, streams, child processes). */
  onDispose(fn: () => void | Promise<void>): void;
}

/** The handlers of one domain's procedures (a slice of the full Handlers table). */
export type DomainHandlers<T extends Record<string, unknown>> = Pick<Handlers, Extract<keyof T, ProcName>>;

/** Docker answers 304 when the container is already in the asked state: that is success. */
export async function idempotent(p: Promise<unknown>): Promise<null> {
  try {
    await p;
  } catch (e) {
    if (!isAlreadyInState(e)) throw e;
  }
  return null;
}

