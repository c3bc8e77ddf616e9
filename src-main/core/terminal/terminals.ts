// The "terminals" service: container shells over the exec API (any host) and, when enabled, a shell
// on this machine. Sessions belong to the TerminalService, not to the stream that shows them. An
// engine "die"/"destroy" event of any host ends that container's sessions at once.
import { basename } from 'node:path';
import { RpcError } from '../../contract';
import type { TerminalSession } from '../../contract/procedures/terminal';
import type { Logger } from '../../contract/handlers';
import type { HostRegistry } from '../host-registry';
import type { Service } from '../lifecycle';
import { AUTO_SHELL, splitCommandLine } from './command-line';
import { startExecBackend, type ExecBackend } from './exec-backend';
import { defaultHostShell, startPtyBackend } from './pty-backend';
import { TerminalService } from './terminal-service';
import type { SshLinkOf } from '../hosts/ssh-link';
import { openSshShell } from './ssh-shell-backend';

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

export interface TerminalsDeps {
  hosts: HostRegistry;
  logger: Logger;
  /** Allow a shell on this machine (node-pty). */
  hostTerminal: boolean;
  mode: 'desktop' | 'serve';
  /** Injected in tests (fake backends). */
  service?: TerminalService;
  /** The live SSH connection of an SSH host (host shells); absent: no SSH hosts in this core. */
  sshLink?: SshLinkOf;
}

export interface OpenHostTerminal {
  command?: string;
  workdir?: string;
  cols: number;
  rows: number;
}

export interface OpenContainerTerminal extends OpenHostTerminal {
  hostId: string;
  id: string;
  user?: string;
}

export class Terminals implements Service {
  readonly sessions: TerminalService;
  /** Exec sessions by id, so an engine "die" event can end them promptly even if the engine is slow to close their streams. */
  private readonly execs = new Map<string, ExecBackend>();
  private offEvents: (() => void) | null = null;

  constructor(private readonly deps: TerminalsDeps) {
    this.sessions = deps.service ?? new TerminalService({ logger: deps.logger });
  }

  start(): void {
    this.offEvents ??= this.deps.hosts.onEngineEvent('container', (e, hostId) => {
      if (e.action !== 'die' && e.action !== 'destroy') return;
      for (const s of this.sessions.list({ hostId, containerId: e.id })) if (s.state === 'running') this.execs.get(s.id)?.containerDied();
    });
  }

  /** Hangs up every shell (inside containers too) before the engine connections close. */
  async dispose(): Promise<void> {
    this.offEvents?.();
    this.offEvents = null;
    await this.sessions.dispose();
    this.execs.clear();
  }

  async openHost(input: OpenHostTerminal): Promise<TerminalSession> {
    if (!this.deps.hostTerminal) {
      throw RpcError.from('UNAUTHORIZED', 'The host terminal is disabled', {
        hint: this.deps.mode === 'serve' ? 'Start "wakedock serve" with --enable-host-terminal to allow a shell on this machine' : undefined,
      });
    }
    const cmd = input.command ? parseCommand(input.command) : defaultHostShell();
    return this.sessions.open(
      { target: 'host', title: basename(cmd[0]!), command: cmd, workdir: input.workdir, cols: input.cols, rows: input.rows },
      (sessionId) => startPtyBackend({ cmd, cwd: input.workdir, cols: input.cols, rows: input.rows, sessionId }),
    );
  }

  /** A login shell on an SSH host, over a pty channel of its SSH connection. */
  async openSshHost(input: { hostId: string; cols: number; rows: number }): Promise<TerminalSession> {
    const host = this.deps.hosts.get(input.hostId).host;
    if (host.kind !== 'ssh') throw RpcError.from('VALIDATION', `${host.name} is not an SSH host: a shell on it needs SSH`, { reason: 'NOT_SSH_HOST', field: 'hostId' });
    if (!this.deps.sshLink) throw RpcError.from('ENGINE_UNREACHABLE', 'This WakeDock cannot open SSH connections yet', { reason: 'SSH_UNAVAILABLE' });
    const link = this.deps.sshLink(input.hostId);
    return this.sessions.open(
      { target: 'host', hostId: input.hostId, title: host.name, command: ['(login shell)'], cols: input.cols, rows: input.rows },
      () => openSshShell({ shell: link.shell }, { cols: input.cols, rows: input.rows, hostName: link.hostName, onConnectionLost: (l) => link.onLost(l) }),
    );
  }

  async openContainer(input: OpenContainerTerminal): Promise<TerminalSession> {
    const docker = this.deps.hosts.get(input.hostId).client();
    const info = await docker.getContainer(input.id).inspect();
    const name = info.Name.replace(/^\//, '');
    if (!info.State.Running || info.State.Paused) {
      throw RpcError.from('CONFLICT', `${name} is ${info.State.Paused ? 'paused' : 'not running'}`, {
        reason: info.State.Paused ? 'CONTAINER_PAUSED' : 'CONTAINER_NOT_RUNNING',
        hint: `${info.State.Paused ? 'Unpause' : 'Start'} the container to open a terminal in it`,
      });
    }
    const cmd = input.command ? parseCommand(input.command) : AUTO_SHELL;
    this.prune();
    return this.sessions.open(
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
        const b = await startExecBackend({ docker, containerId: info.Id, sessionId, cmd, user: input.user, workdir: input.workdir, cols: input.cols, rows: input.rows, logger: this.deps.logger });
        this.execs.set(sessionId, b);
        return b;
      },
    );
  }

  async close(sessionId: string): Promise<void> {
    await this.sessions.close(sessionId);
    this.execs.delete(sessionId);
  }

  private prune(): void {
    const live = new Set(this.sessions.list().map((s) => s.id));
    for (const id of this.execs.keys()) if (!live.has(id)) this.execs.delete(id);
  }
}
