// The "containers" service: the list and lifecycle actions of any host. The RPC handlers and the
// tray (and later the wake controller) call it; engine errors go up unchanged for mapEngineError.
import type { ContainerPatch, ContainerSummary } from '../../contract';
import { isAlreadyInState } from '../engine/engine-errors';
import type { HostRegistry } from '../host-registry';
import type { Service } from '../lifecycle';

/** Docker answers 304 when the container is already in the asked state: that is success. */
export async function idempotent(p: Promise<unknown>): Promise<null> {
  try {
    await p;
  } catch (e) {
    if (!isAlreadyInState(e)) throw e;
  }
  return null;
}

/** dockerode options carrying the caller's abort signal (absent keys stay absent from the query). */
const sig = (signal?: AbortSignal): { abortSignal?: AbortSignal } => (signal ? { abortSignal: signal } : {});

export class ContainerService implements Service {
  constructor(private readonly hosts: HostRegistry) {}

  private container(hostId: string, id: string) {
    return this.hosts.get(hostId).client().getContainer(id);
  }

  /** A fresh list from the engine. */
  list(hostId: string): Promise<ContainerSummary[]> {
    return this.hosts.get(hostId).list();
  }

  /** Re-read containers from the engine; returns how many rows changed (containers.reconcile). */
  reconcile(hostId: string): Promise<number> {
    return this.hosts.get(hostId).reconcile();
  }

  /** Snapshot, then patches, from the host's live table. */
  watch(hostId: string, listener: (patch: ContainerPatch) => void): () => void {
    return this.hosts.get(hostId).watch(listener);
  }

  start(): void;
  start(hostId: string, id: string, signal?: AbortSignal): Promise<null>;
  start(hostId?: string, id?: string, signal?: AbortSignal): Promise<null> | void {
    // start() without arguments is the service lifecycle hook: nothing to begin.
    if (hostId === undefined || id === undefined) return;
    return idempotent(this.container(hostId, id).start(sig(signal)));
  }

  stop(hostId: string, id: string, timeout?: number, signal?: AbortSignal): Promise<null> {
    return idempotent(this.container(hostId, id).stop({ ...(timeout === undefined ? {} : { t: timeout }), ...sig(signal) }));
  }

  restart(hostId: string, id: string, timeout?: number, signal?: AbortSignal): Promise<null> {
    return idempotent(this.container(hostId, id).restart({ ...(timeout === undefined ? {} : { t: timeout }), ...sig(signal) }));
  }

  pause(hostId: string, id: string, signal?: AbortSignal): Promise<null> {
    return idempotent(this.container(hostId, id).pause(sig(signal)));
  }

  unpause(hostId: string, id: string, signal?: AbortSignal): Promise<null> {
    return idempotent(this.container(hostId, id).unpause(sig(signal)));
  }

  kill(hostId: string, id: string, signalName?: string, signal?: AbortSignal): Promise<null> {
    return idempotent(this.container(hostId, id).kill({ ...(signalName ? { signal: signalName } : {}), ...sig(signal) }));
  }

  rename(hostId: string, id: string, name: string, signal?: AbortSignal): Promise<null> {
    return idempotent(this.container(hostId, id).rename({ name, ...sig(signal) }));
  }

  remove(hostId: string, id: string, opts: { force?: boolean; volumes?: boolean }, signal?: AbortSignal): Promise<null> {
    return idempotent(this.container(hostId, id).remove({ force: opts.force, v: opts.volumes, ...sig(signal) }));
  }

  async dispose(): Promise<void> {}
}
