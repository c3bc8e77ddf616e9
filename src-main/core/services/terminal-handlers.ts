// terminal.* procedures: container shells over the exec API and, when enabled, a shell on this
// machine. Sessions belong to the TerminalService (main), not to the stream that shows them.
import { basename } from 'node:path';
import { RpcError } from '../../contract';
import type { terminalProcedures } from '../../contract/procedures/terminal';
import type { CoreContext, DomainHandlers } from '../context';
import { AUTO_SHELL, splitCommandLine } from '../terminal/command-line';
import { startExecBackend, type ExecBackend } from '../terminal/exec-backend';
import { defaultHostShell, startPtyBackend } from '../terminal/pty-backend';
import { TerminalService } from '../terminal/terminal-service';

function parseCommand(line: string): string[] {
  let argv: string[];
  try {
    argv = splitCommandLine(line);
  } catch (e) {
    throw RpcError.from('VALIDATION', `terminal.open: "command": ${(e as Error).message}`, { field: 'command' });
  }
  if (argv.length === 0) throw RpcError.from('VALIDATION', 'terminal.open: "command": the command is empty', { field: 'command' });
  return argv;
}

export function terminalHandlers(ctx: CoreContext, service = new TerminalService({ logger: ctx.logger })): DomainHandlers<typeof terminalProcedures> {
  // Exec sessions by id, so an engine "die" event can end them promptly even if the engine is slow
  // to close their streams.
  const execs = new Map<string, ExecBackend>();
  const prune = (): void => {
    const live = new Set(service.list().map((s) => s.id));
    for (const id of execs.keys()) if (!live.has(id)) execs.delete(id);
  };
  const offEvents = ctx.local.onEngineEvent('container', (e) => {
    if (e.action !== 'die' && e.action !== 'destroy') return;
    for (const s of service.list({ hostId: ctx.local.id, containerId: e.id })) if (s.state === 'running') execs.get(s.id)?.containerDied();
  });
  ctx.onDispose(offEvents);
  ctx.onDispose(() => service.dispose());

  return {
    'terminal.open': async (input) => {
      if (input.target === 'host') {
        if (!ctx.opts.hostTerminal) {
          throw RpcError.from('UNAUTHORIZED', 'The host terminal is disabled', {
            hint: ctx.opts.mode === 'serve' ? 'Start "wakedock serve" with --enable-host-terminal to allow a shell on this machine' : undefined,
          });
        }
        const cmd = input.command ? parseCommand(input.command) : defaultHostShell();
        const session = await service.open(
          { target: 'host', title: basename(cmd[0]!), command: cmd, workdir: input.workdir, cols: input.cols, rows: input.rows },
          (sessionId) => startPtyBackend({ cmd, cwd: input.workdir, cols: input.cols, rows: input.rows, sessionId }),
        );
        return { sessionId: session.id, session };
      }

      // The schema requires both for a container terminal; this only narrows the types.
      if (!input.hostId || !input.id) throw RpcError.from('VALIDATION', 'terminal.open: hostId and id are required', { field: input.hostId ? 'id' : 'hostId' });
      const docker = ctx.hosts.get(input.hostId).client();
      const info = await docker.getContainer(input.id).inspect();
      const name = info.Name.replace(/^\//, '');
      if (!info.State.Running || info.State.Paused) {
        throw RpcError.from('CONFLICT', `${name} is ${info.State.Paused ? 'paused' : 'not running'}`, {
          reason: info.State.Paused ? 'CONTAINER_PAUSED' : 'CONTAINER_NOT_RUNNING',
          hint: `${info.State.Paused ? 'Unpause' : 'Start'} the container to open a terminal in it`,
        });
      }
      const cmd = input.command ? parseCommand(input.command) : AUTO_SHELL;
      prune();
      const session = await service.open(
        {
          target: 'container',
          hostId: input.hostId,
          containerId: info.Id,
          containerName: name,
          title: input.command ? basename(cmd[0]!) : 'shell',
          command: input.command ? cmd : ['(bash or sh)'],
          user: input.user,
          workdir: input.workdir,
          cols: input.cols,
          rows: input.rows,
        },
        async (sessionId) => {
          const b = await startExecBackend({ docker, containerId: info.Id, sessionId, cmd, user: input.user, workdir: input.workdir, cols: input.cols, rows: input.rows, logger: ctx.logger });
          execs.set(sessionId, b);
          return b;
        },
      );
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
      await service.close(sessionId);
      execs.delete(sessionId);
      return null;
    },

    'terminal.list': async ({ hostId, containerId }) => service.list({ hostId, containerId }),
  };
}
