// A terminal in a container over the Docker exec API (never the docker CLI), so it works on any
// engine the core reaches: a TTY exec with stdin attached, driven through the hijacked connection.
//
// Ending it is the hard part: closing the connection does NOT end an exec process (the engine keeps
// it running, moby#9098), and exec inspect only gives its pid on the engine's machine. So each
// session's processes carry WAKEDOCK_TERMINAL_SESSION=<id> in their environment, and closing runs a
// short second exec that hangs up (then kills) every process with that tag, as a terminal window
// does when it closes. Images without /bin/sh fall back to the pid when the engine runs on this
// machine (checked against the tag, so a pid from another pid namespace is never signalled), and
// in any case the connection is dropped so the session ends on our side.
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Dockerode from 'dockerode';
import type { Logger } from '../../contract/handlers';
import { engineStatus } from '../engine/engine-errors';
import { exitReason, type TerminalBackend, type TerminalExit } from './backend';

export const SESSION_ENV = 'WAKEDOCK_TERMINAL_SESSION';

/**
 * $1 = signal name, $2 = session id. Signals every process whose environment carries the tag. Only
 * sh, grep (-z: environ is NUL-separated; busybox and GNU both have it) and kill are needed.
 */
const HANGUP_SCRIPT = `for d in /proc/[0-9]*; do if grep -qxzF "${SESSION_ENV}=$2" "$d/environ" 2>/dev/null; then kill -"$1" "\${d#/proc/}" 2>/dev/null; fi; done; exit 0`;

export interface ExecBackendOptions {
  docker: Dockerode;
  containerId: string;
  sessionId: string;
  cmd: string[];
  user?: string;
  workdir?: string;
  cols: number;
  rows: number;
  logger: Logger;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const statusOf = engineStatus;

export async function startExecBackend(o: ExecBackendOptions): Promise<ExecBackend> {
  const container = o.docker.getContainer(o.containerId);
  const exec = await container.exec({
    Cmd: o.cmd,
    Tty: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    User: o.user ?? '',
    WorkingDir: o.workdir,
    Env: ['TERM=xterm-256color', 'COLORTERM=truecolor', `${SESSION_ENV}=${o.sessionId}`],
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true, Detach: false })) as Duplex;
  const backend = new ExecBackend(container, exec, stream, o);
  // The engine only accepts a resize once the process has its tty; try now and once more shortly
  // after, so the shell starts at the size of the view rather than 80x24.
  await backend.resize(o.cols, o.rows).catch(() => undefined);
  setTimeout(() => void backend.resize(backend.currentSize.cols, backend.currentSize.rows).catch(() => undefined), 150).unref();
  return backend;
}

export class ExecBackend implements TerminalBackend {
  private readonly decoder = new StringDecoder('utf8');
  private dataListener: ((chunk: string) => void) | null = null;
  private early: string[] = [];
  private exitListener: ((exit: TerminalExit) => void) | null = null;
  private exitInfo: TerminalExit | null = null;
  private finishing = false;
  private terminating = false;
  private containerStopped = false;
  private ended!: Promise<void>;
  private size: { cols: number; rows: number };

  constructor(
    private readonly container: Dockerode.Container,
    private readonly exec: Dockerode.Exec,
    private readonly stream: Duplex,
    private readonly o: ExecBackendOptions,
  ) {
    this.size = { cols: o.cols, rows: o.rows };
    this.ended = new Promise((resolve) => {
      const done = (): void => {
        resolve();
        void this.finish();
      };
      stream.on('data', (buf: Buffer) => this.deliver(this.decoder.write(buf)));
      stream.once('end', done);
      stream.once('close', done);
      stream.once('error', (e) => {
        o.logger.warn(`terminal ${o.sessionId}: exec stream error`, e);
        done();
      });
    });
  }

  get execId(): string {
    return this.exec.id;
  }

  onData(listener: (chunk: string) => void): void {
    this.dataListener = listener;
    for (const c of this.early.splice(0)) listener(c);
  }

  onExit(listener: (exit: TerminalExit) => void): void {
    this.exitListener = listener;
    if (this.exitInfo) listener(this.exitInfo);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  write(data: string): void {
    if (this.finishing || this.stream.destroyed) return;
    this.stream.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    this.size = { cols, rows };
    try {
      await this.exec.resize({ h: rows, w: cols });
    } catch (e) {
      // Some engines answer 201 Created, which dockerode counts as a failure; the resize happened.
      if (statusOf(e) === 201 || this.finishing) return;
      throw e;
    }
  }

  /** The engine reported that the container died: the stream should end; make sure it does. */
  containerDied(): void {
    if (this.finishing) return;
    this.containerStopped = true;
    setTimeout(() => {
      if (!this.finishing) this.stream.destroy();
    }, 3000).unref();
  }

  async terminate(): Promise<void> {
    if (this.finishing) return this.ended;
    this.terminating = true;
    for (const sig of ['HUP', 'KILL'] as const) {
      await this.signal(sig);
      if (await this.endsWithin(1500)) return;
    }
    this.o.logger.warn(`terminal ${this.o.sessionId}: its processes did not end; dropping the connection`);
    this.stream.destroy();
    await this.endsWithin(2000);
  }

  private deliver(chunk: string): void {
    if (chunk.length === 0) return;
    if (this.dataListener) this.dataListener(chunk);
    else this.early.push(chunk);
  }

  private async endsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
    const r = await Promise.race([this.ended.then(() => true as const), timeout]);
    clearTimeout(timer);
    return r;
  }

  /** Hang up (or kill) every process of this session inside the container. */
  private async signal(sig: 'HUP' | 'KILL'): Promise<void> {
    try {
      const k = await this.container.exec({ Cmd: ['/bin/sh', '-c', HANGUP_SCRIPT, 'wakedock-hangup', sig, this.o.sessionId], User: '0', AttachStdout: true, AttachStderr: true, Tty: false });
      const out = (await k.start({ Detach: false, Tty: false })) as NodeJS.ReadableStream;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 3000);
        out.on('end', () => (clearTimeout(t), resolve()));
        out.on('error', () => (clearTimeout(t), resolve()));
        out.resume();
      });
    } catch (e) {
      this.o.logger.warn(`terminal ${this.o.sessionId}: could not run the hang-up exec`, e);
    }
    await this.signalLocalPid(sig);
  }

  /** When the engine runs on this machine, its pid for the exec is ours too; verify the tag first. */
  private async signalLocalPid(sig: 'HUP' | 'KILL'): Promise<void> {
    if (process.platform !== 'linux') return;
    try {
      const info = await this.exec.inspect();
      if (!info.Running || !info.Pid) return;
      const env = readFileSync(`/proc/${info.Pid}/environ`, 'latin1').split('\0');
      if (env.includes(`${SESSION_ENV}=${this.o.sessionId}`)) process.kill(info.Pid, `SIG${sig}`);
    } catch {
      // Not ours to see (another machine, a VM, no permission): the in-container hang-up is what counts.
    }
  }

  /** The stream ended: find out how (exit code, container stopped, engine gone) and report once. */
  private async finish(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    this.deliver(this.decoder.end());
    this.stream.destroy(); // the engine closed its side; free the socket
    let code: number | null = null;
    let engineLost = false;
    try {
      // The engine may still mark the exec running for a moment after its stream closed.
      for (let i = 0; i < 15; i++) {
        const info = await this.exec.inspect();
        if (!info.Running) {
          code = info.ExitCode ?? null;
          break;
        }
        await sleep(100);
      }
    } catch (e) {
      if (statusOf(e) === undefined) engineLost = true;
    }
    let containerRunning: boolean | null = null;
    // A stopping container kills the exec (code 128+n) a moment before the engine marks the
    // container stopped; look again briefly so the user reads "container stopped", not "137".
    const killed = code === null || code > 128;
    for (let i = 0; !engineLost && !this.containerStopped && i < (killed && !this.terminating ? 15 : 1); i++) {
      try {
        containerRunning = (await this.container.inspect()).State.Running;
      } catch (e) {
        if (statusOf(e) === 404) containerRunning = false;
        else if (statusOf(e) === undefined) engineLost = true;
      }
      if (containerRunning !== true) break;
      if (i > 0 || killed) await sleep(100);
    }
    let reason: string;
    if (this.terminating) reason = 'closed';
    else if (this.containerStopped || containerRunning === false) reason = 'container stopped';
    else if (engineLost) reason = 'session ended: the connection to the Docker engine was lost';
    else reason = exitReason(code);
    this.exitInfo = { code, reason };
    this.exitListener?.(this.exitInfo);
  }

  /** For tests and diagnostics. */
  get currentSize(): { cols: number; rows: number } {
    return this.size;
  }
}
