// A login shell on an SSH host itself: a pty channel of the host's one SSH connection (the same one
// that carries its Docker API). Resize = window-change; close = the channel's end (the server hangs
// up the shell); when the connection drops, the session ends saying so.
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { exitReason, type TerminalBackend, type TerminalExit } from './backend';

/** What the backend needs from the SSH connection (its session's shell(), so tests can fake it). */
export interface SshShellOpener {
  shell(pty: { term: string; cols: number; rows: number; width: number; height: number }): Promise<ClientChannel>;
}

export interface SshShellOptions {
  cols: number;
  rows: number;
  /** Shown when the connection drops ("the SSH connection to NAME was lost"). */
  hostName: string;
  /** Called once when the host's SSH connection is lost; returns an unsubscribe. */
  onConnectionLost(listener: (why: Error) => void): () => void;
}

export async function openSshShell(client: SshShellOpener, o: SshShellOptions): Promise<SshShellBackend> {
  const channel = await client.shell({ term: 'xterm-256color', cols: o.cols, rows: o.rows, width: 0, height: 0 });
  return new SshShellBackend(channel, o);
}

export class SshShellBackend implements TerminalBackend {
  private readonly decoder = new StringDecoder('utf8');
  private readonly errDecoder = new StringDecoder('utf8');
  private dataListener: ((chunk: string) => void) | null = null;
  private early: string[] = [];
  private exitListener: ((e: TerminalExit) => void) | null = null;
  private exitInfo: TerminalExit | null = null;
  private status: { code: number | null; signal?: string } | null = null;
  private lostWhy: Error | null = null;
  private readonly offLost: () => void;
  private readonly closed: Promise<void>;

  constructor(
    private readonly channel: ClientChannel,
    o: SshShellOptions,
  ) {
    const emit = (s: string): void => {
      if (!s) return;
      if (this.dataListener) this.dataListener(s);
      else this.early.push(s);
    };
    channel.on('data', (b: Buffer) => emit(this.decoder.write(b)));
    channel.stderr.on('data', (b: Buffer) => emit(this.errDecoder.write(b)));
    // 'exit' carries the code, or (null, signal name) when the shell was killed.
    channel.on('exit', (code: number | null, signal?: string) => {
      this.status = { code: typeof code === 'number' ? code : null, signal: signal ?? undefined };
    });
    this.offLost = o.onConnectionLost((why) => {
      this.lostWhy = why;
      // The connection is gone: the channel never gets its close from the server.
      this.finish({ code: null, reason: `session ended: the SSH connection to ${o.hostName} was lost (${why.message})` });
    });
    this.closed = new Promise((resolve) => {
      channel.once('close', () => {
        emit(this.decoder.end());
        emit(this.errDecoder.end());
        const st = this.status;
        this.finish(
          this.lostWhy
            ? { code: null, reason: `session ended: the SSH connection to ${o.hostName} was lost` }
            : st
              ? { code: st.code, reason: exitReason(st.code, st.signal) }
              : { code: null, reason: 'session ended: the server closed the channel' },
        );
        resolve();
      });
    });
  }

  private finish(e: TerminalExit): void {
    if (this.exitInfo) return;
    this.exitInfo = e;
    this.offLost();
    this.exitListener?.(e);
  }

  write(data: string): void {
    if (!this.exitInfo) this.channel.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    if (!this.exitInfo) this.channel.setWindow(rows, cols, 0, 0);
  }

  async terminate(): Promise<void> {
    if (this.exitInfo && this.lostWhy) return;
    // HUP the shell as closing an ssh session does; the server then closes the channel.
    try {
      this.channel.signal('HUP');
    } catch {
      // older servers: closing the channel is enough
    }
    this.channel.close();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 3000).unref())]);
    this.finish({ code: null, reason: 'closed' });
  }

  onData(listener: (chunk: string) => void): void {
    this.dataListener = listener;
    for (const s of this.early.splice(0)) listener(s);
  }

  onExit(listener: (exit: TerminalExit) => void): void {
    this.exitListener = listener;
    if (this.exitInfo) listener(this.exitInfo);
  }

  pause(): void {
    this.channel.pause();
  }

  resume(): void {
    this.channel.resume();
  }
}
