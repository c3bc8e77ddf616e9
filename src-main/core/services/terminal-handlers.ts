// terminal.* procedures: thin adapters over the terminals service (core/terminal/terminals.ts).
import { RpcError } from '../../contract';
import type { terminalProcedures } from '../../contract/procedures/terminal';
import type { CoreContext, DomainHandlers } from '../context';

export function terminalHandlers(ctx: CoreContext): DomainHandlers<typeof terminalProcedures> {
  const terminals = ctx.services.terminals;
  const service = terminals.sessions;
  return {
    'terminal.open': async (input) => {
      if (input.target === 'host' && input.hostId) {
        const session = await terminals.openSshHost({ hostId: input.hostId, cols: input.cols, rows: input.rows });
        return { sessionId: session.id, session };
      }
      if (input.target === 'host') {
        const session = await terminals.openHost(input);
        return { sessionId: session.id, session };
      }
      // The schema requires both for a container terminal; this only narrows the types.
      if (!input.hostId || !input.id) throw RpcError.from('VALIDATION', 'terminal.open: hostId and id are required', { field: input.hostId ? 'id' : 'hostId' });
      const session = await terminals.openContainer({ ...input, hostId: input.hostId, id: input.id });
      return { sessionId: session.id, session };
    },

    'terminal.attach': ({ sessionId }, sink) => {
      let off: (() => void) | null = null;
      off = service.attach(
        sessionId,
        (ev) => {
          sink.next(ev);
          if (ev.type === 'closed') {
            off?.();
            sink.end();
          }
        },
        sink,
      );
      return () => off?.();
    },

    'terminal.write': async ({ sessionId, data }) => {
      service.write(sessionId, data);
      return null;
    },

    'terminal.resize': async ({ sessionId, cols, rows }) => {
      await service.resize(sessionId, cols, rows);
      return null;
    },

    'terminal.close': async ({ sessionId }) => {
      await terminals.close(sessionId);
      return null;
    },

    'terminal.list': async ({ hostId, containerId }) => service.list({ hostId, containerId }),
  };
}
