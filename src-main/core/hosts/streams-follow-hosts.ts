// A stream about one host (containers.watch, stats.watch, logs.follow, the resource lists…) ends
// when that host is removed: the subscriber gets NOT_FOUND (HOST_NOT_FOUND) saying so, and the
// stream's cleanup runs (stats streams close, watchers detach) instead of hanging on a stopped
// connection. Applied once to the whole handler table, so a new per-host stream gets it too.
import { RpcError, type StreamName } from '../../contract';
import type { Handlers, StreamHandler } from '../../contract/handlers';
import { PROCEDURE_KINDS } from '../../contract/procedure-kinds';
import type { HostRegistry } from '../host-registry';

export function endStreamsOfRemovedHosts(handlers: Handlers, hosts: HostRegistry): Handlers {
  const out: Record<string, unknown> = { ...handlers };
  for (const [name, kind] of Object.entries(PROCEDURE_KINDS)) {
    if (kind !== 'stream') continue;
    const inner = handlers[name as StreamName] as StreamHandler<StreamName>;
    const wrapped: StreamHandler<StreamName> = async (input, sink, signal) => {
      const hostId = (input as { hostId?: unknown }).hostId;
      if (typeof hostId !== 'string') return inner(input, sink, signal);
      const off = hosts.onMembership((e) => {
        if (e.kind === 'removed' && e.hostId === hostId) {
          sink.fail(RpcError.from('NOT_FOUND', `The host "${hostId}" was removed`, { reason: 'HOST_NOT_FOUND' }));
        }
      });
      try {
        const cleanup = await inner(input, sink, signal);
        return () => {
          off();
          if (typeof cleanup === 'function') cleanup();
        };
      } catch (e) {
        off();
        throw e;
      }
    };
    out[name] = wrapped;
  }
  return out as Handlers;
}
