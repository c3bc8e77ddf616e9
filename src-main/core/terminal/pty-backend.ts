// A terminal on this machine through node-pty (the desktop app; serve mode only with
// --enable-host-terminal). node-pty is a native module, loaded lazily so the rest of the core
// works even where it failed to build; the error then says so instead of crashing start-up.
import { homedir } from 'node:os';
import type { IPty } from 'node-pty';
import { RpcError } from '../../contract';
import { exitReason, type TerminalBackend, type TerminalExit } from './backend';

type NodePty = typeof import('node-pty');
let loaded: Promise<NodePty> | null = null;

function loadNodePty(): Promise<NodePty> {
  loaded ??= import('node-pty').then((m) => ((m as { default?: NodePty }).default ?? m) as NodePty);
  return loaded.catch((e: unknown) => {
    loaded = null;
    throw RpcError.from('INTERNAL', `The host terminal is unavailable: node-pty could not be loaded (${(e as Error).message})`, {
      hint: 'Reinstall WakeDock (its native modules must be built for this platform)',
    });
  });
}

/** The user's shell: $SHELL on Unix, PowerShell on Windows. */
export function defaultHostShell(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') return [env.COMSPEC && /powershell|pwsh/i.test(env.COMSPEC) ? env.COMSPEC : 'powershell.exe'];
  return [env.SHELL || '/bin/bash'];
}

export interface PtyBackendOptions {
  cmd: string[];
  cwd?: string;
  cols: number;
  rows: number;
  sessionId: string;
}

export async function startPtyBackend(o: PtyBackendOptions): Promise<PtyBackend> {
  const pty = await loadNodePty();
  const [file, ...args] = o.cmd;
  if (!file) throw RpcError.from('VALIDATION', 'The command is empty', { field: 'command' });
  const env: Record<string, string> = {};
  // The user's environment, minus WakeDock's own secret (serve's access token).
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'WAKEDOCK_TOKEN') env[k] = v;
  Object.assign(env, { TERM: 'xterm-256color', COLORTERM: 'truecolor', WAKEDOCK_TERMINAL_SESSION: o.sessionId });
  let proc: IPty;
  try {
    proc = pty.spawn(file, args, { name: 'xterm-256color', cols: o.cols, rows: o.rows, cwd: o.cwd ?? homedir(), env });
  } catch (e) {
    throw RpcError.from('VALIDATION', `Could not start ${file}: ${(e as Error).message}`, { field: 'command' });
  }
  return new PtyBackend(proc);
}

export class PtyBackend implements TerminalBackend {
  private exitInfo: TerminalExit | null = null;
  private exitListener: ((e: TerminalExit) => void) | null = null;
  private readonly exited: Promise<void>;
  private early: string[] = [];
  private dataListener: ((chunk: string) => void) | null = null;
  private terminating = false;

  constructor(private readonly proc: IPty) {
    proc.onData((d) => {
      if (this.dataListener) this.dataListener(d);
      else this.early.push(d);
    });
    this.exited = new Promise((resolve) => {
      proc.onExit(({ exitCode, signal }) => {
        this.exitInfo = { code: exitCode, reason: this.terminating ? 'closed' : exitReason(exitCode, signal) };
        this.exitListener?.(this.exitInfo);
        resolve();
      });
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  onData(listener: (chunk: string) => void): void {
    this.dataListener = listener;
    for (const c of this.early.splice(0)) listener(c);
  }

  onExit(listener: (e: TerminalExit) => void): void {
    this.exitListener = listener;
    if (this.exitInfo) listener(this.exitInfo);
  }

  pause(): void {
    this.proc.pause();
  }

  resume(): void {
    this.proc.resume();
  }

  write(data: string): void {
    if (!this.exitInfo) this.proc.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    if (!this.exitInfo) this.proc.resize(cols, rows);
  }

  async terminate(): Promise<void> {
    if (this.exitInfo) return;
    this.terminating = true;
    const wait = (ms: number): Promise<boolean> => Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    try {
      this.proc.kill(process.platform === 'win32' ? undefined : 'SIGHUP');
    } catch {
      return;
    }
    if (await wait(1500)) return;
    try {
      this.proc.kill(process.platform === 'win32' ? undefined : 'SIGKILL');
    } catch {
      return;
    }
    await wait(1500);
  }
}
