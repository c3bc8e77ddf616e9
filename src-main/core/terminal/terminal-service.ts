// Keeps terminal sessions by id in main, independent of who watches them. A view attaches (gets the
// scrollback, then live output batched every few ms, flow-controlled; a lone keystroke echo is sent at once), detaches when the user navigates away (the
// process keeps running), and attaches again later. Only close() or the process ending ends a
// session; an ended session stays listed (with why it ended) until closed or idle for a while.
import { randomBytes } from 'node:crypto';
import { RpcError } from '../../contract';
import type { TerminalEvent, TerminalSession } from '../../contract/procedures/terminal';
import type { Logger } from '../../contract/handlers';
import type { FlowSignal } from '../backpressure';
import type { TerminalBackend, TerminalExit } from './backend';
import { Scrollback } from './scrollback';

export interface TerminalServiceOptions {
  logger: Logger;
  /** Running and ended sessions together. */
  maxSessions?: number;
  /** Scrollback kept per session for re-attaching views (UTF-16 code units ≈ bytes). */
  scrollback?: number;
  /** Output is sent to views at most this often (the first chunk after a quiet spell at once)… */
  batchMs?: number;
  /** …and when this much is pending earlier, reading pauses until it is sent. */
  batchMaxChars?: number;
  /** An ended session nobody watches is forgotten after this long. */
  endedTtlMs?: number;
  now?: () => number;
}

/** What open() needs besides the backend: everything shown about the session. */
export type SessionMeta = Pick<TerminalSession, 'target' | 'hostId' | 'containerId' | 'containerName' | 'title' | 'command' | 'user' | 'workdir' | 'cols' | 'rows'>;

type Listener = (ev: TerminalEvent) => void;

interface Session {
  info: TerminalSession;
  backend: TerminalBackend | null;
  ring: Scrollback;
  pending: string;
  flushTimer: NodeJS.Timeout | null;
  /** When output was last sent to the views (for leading-edge batching). */
  lastFlush: number;
  /** A batch filled up before its time: reading waits until it is sent (flow control). */
  batchFull: boolean;
  /** Views whose connection is congested: reading waits until they drain (backpressure). */
  slowViews: Set<Listener>;
  /** Whether the backend is paused now (for either reason above). */
  backendPaused: boolean;
  listeners: Set<Listener>;
  flows: Map<Listener, FlowSignal>;
  ttlTimer: NodeJS.Timeout | null;
  closing: Promise<void> | null;
}

export class TerminalService {
  private readonly sessions = new Map<string, Session>();
  private readonly max: number;
  private readonly scrollback: number;
  private readonly batchMs: number;
  private readonly batchMaxChars: number;
  private readonly endedTtlMs: number;
  private readonly now: () => number;
  private disposed = false;

  constructor(private readonly opts: TerminalServiceOptions) {
    this.max = opts.maxSessions ?? 32;
    this.scrollback = opts.scrollback ?? 256 * 1024;
    this.batchMs = opts.batchMs ?? 16;
    this.batchMaxChars = opts.batchMaxChars ?? 256 * 1024;
    this.endedTtlMs = opts.endedTtlMs ?? 15 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Start a session. `start` launches the process (exec or pty) for the new id; if it throws, no
   * session is kept and the error reaches the caller (e.g. "container is not running").
   */
  async open(meta: SessionMeta, start: (sessionId: string) => Promise<TerminalBackend>): Promise<TerminalSession> {
    if (this.disposed) throw RpcError.from('INTERNAL', 'The terminal service has shut down');
    this.makeRoom();
    const id = `t-${randomBytes(6).toString('hex')}`;
    const s: Session = {
      info: { ...meta, id, state: 'starting', createdAt: this.now() },
      backend: null,
      ring: new Scrollback(this.scrollback),
      pending: '',
      flushTimer: null,
      lastFlush: -Infinity,
      batchFull: false,
      slowViews: new Set(),
      backendPaused: false,
      listeners: new Set(),
      flows: new Map(),
      ttlTimer: null,
      closing: null,
    };
    // Reserve the slot before the (slow) start so concurrent opens cannot exceed the bound.
    this.sessions.set(id, s);
    let backend: TerminalBackend;
    try {
      backend = await start(id);
    } catch (e) {
      this.sessions.delete(id);
      throw e;
    }
    if (!this.sessions.has(id)) {
      // Closed (or disposed) while starting.
      void backend.terminate();
      throw RpcError.from('CANCELLED', 'The terminal was closed while it started');
    }
    s.backend = backend;
    s.info = { ...s.info, state: 'running' };
    backend.onData((chunk) => this.onData(s, chunk));
    backend.onExit((exit) => this.onExit(s, exit));
    // A resize that came in while the process started applies now.
    if (s.info.cols !== meta.cols || s.info.rows !== meta.rows) void backend.resize(s.info.cols, s.info.rows).catch(() => undefined);
    return s.info;
  }

  get(id: string): TerminalSession {
    return this.need(id).info;
  }

  list(filter: { hostId?: string; containerId?: string } = {}): TerminalSession[] {
    return [...this.sessions.values()]
      .map((s) => s.info)
      .filter((i) => i.state !== 'starting')
      .filter((i) => (filter.hostId === undefined || i.hostId === filter.hostId) && (filter.containerId === undefined || matchesContainer(i, filter.containerId)));
  }

  /**
   * The scrollback first, then live output. The returned function detaches (the session goes on).
   * `flow`: the view's connection; while it is congested the process's output is not read (the
   * process blocks on its tty, as with a slow ssh client), so a flood never piles up in memory.
   */
  attach(id: string, listener: Listener, flow?: FlowSignal): () => void {
    const s = this.need(id);
    // Deliver what existing views have not seen yet, so the new view's replay and the next batch
    // never overlap.
    this.flush(s);
    listener({ type: 'replay', data: s.ring.toString(), session: s.info });
    s.listeners.add(listener);
    if (flow) s.flows.set(listener, flow);
    this.clearTtl(s);
    return () => {
      if (!s.listeners.delete(listener)) return;
      s.flows.delete(listener);
      if (s.slowViews.delete(listener)) this.syncPause(s);
      if (s.info.state === 'exited' && s.listeners.size === 0 && this.sessions.get(id) === s) this.armTtl(s);
    };
  }

  write(id: string, data: string): void {
    const s = this.need(id);
    if (s.info.state !== 'running' || !s.backend) throw RpcError.from('CONFLICT', `This terminal has ended (${s.info.endReason ?? 'not running'})`);
    // Whatever answers this input (the echo) goes out at once, however fast the user types.
    s.lastFlush = -Infinity;
    s.backend.write(data);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    const s = this.need(id);
    s.info = { ...s.info, cols, rows };
    if (s.info.state === 'running' && s.backend) await s.backend.resize(cols, rows);
  }

  /** Hang up the session's processes and forget the session. Idempotent while closing. */
  close(id: string): Promise<void> {
    const s = this.need(id);
    s.closing ??= this.doClose(s);
    return s.closing;
  }

  /** Hang up every session's processes (awaited: a shutdown leaves no shell behind) and end every view. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const hangups: Promise<unknown>[] = [];
    for (const s of [...this.sessions.values()]) {
      this.sessions.delete(s.info.id);
      this.clearTtl(s);
      if (s.flushTimer) clearTimeout(s.flushTimer);
      if (s.backend) hangups.push(s.backend.terminate().catch(() => undefined));
      if (s.closing) hangups.push(s.closing.catch(() => undefined));
      this.emit(s, { type: 'closed' });
      s.listeners.clear();
    }
    await Promise.allSettled(hangups);
  }

  // ---------------------------------------------------------------------------------------------

  private need(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw RpcError.from('NOT_FOUND', 'This terminal session no longer exists', { reason: 'SESSION_NOT_FOUND', hint: 'Open a new terminal' });
    return s;
  }

  /** At the bound: forget the oldest ended session, or refuse when every slot runs a process. */
  private makeRoom(): void {
    if (this.sessions.size < this.max) return;
    const ended = [...this.sessions.values()].filter((s) => s.info.state === 'exited' && !s.closing);
    const oldest = ended.sort((a, b) => (a.info.endedAt ?? 0) - (b.info.endedAt ?? 0))[0];
    if (!oldest) {
      throw RpcError.from('CONFLICT', `${this.max} terminals are open already`, { reason: 'LIMIT_REACHED', hint: 'Close a terminal you no longer use, then try again' });
    }
    this.forget(oldest);
  }

  private onData(s: Session, chunk: string): void {
    if (chunk.length === 0) return;
    s.ring.append(chunk);
    if (s.listeners.size === 0) return; // the scrollback has it for whoever attaches later
    s.pending += chunk;
    // Leading edge: output after a quiet spell (the echo of a keystroke) goes out at once, so
    // batching never adds latency to typing; a flood is sent at most once per batchMs.
    const wait = s.lastFlush + this.batchMs - this.now();
    if (wait <= 0) {
      this.flush(s);
      return;
    }
    if (s.pending.length >= this.batchMaxChars && !s.batchFull) {
      // A full batch before its time: stop reading until it is sent (`yes` cannot flood the
      // views; at most batchMaxChars per batchMs reach them, the process waits on its writes).
      s.batchFull = true;
      this.syncPause(s);
    }
    s.flushTimer ??= setTimeout(() => this.flush(s), wait);
  }

  private flush(s: Session): void {
    if (s.flushTimer) {
      clearTimeout(s.flushTimer);
      s.flushTimer = null;
    }
    if (s.batchFull) {
      s.batchFull = false;
      this.syncPause(s);
    }
    if (s.pending.length === 0) return;
    const data = s.pending;
    s.pending = '';
    s.lastFlush = this.now();
    this.emit(s, { type: 'output', data });
    this.checkViews(s);
  }

  /** After output went out: hold the process while a view's connection is behind. */
  private checkViews(s: Session): void {
    for (const [listener, flow] of s.flows) {
      if (s.slowViews.has(listener) || !flow.congested()) continue;
      s.slowViews.add(listener);
      this.syncPause(s);
      void flow.whenDrained().then(() => {
        if (s.slowViews.delete(listener)) this.syncPause(s);
      });
    }
  }

  private syncPause(s: Session): void {
    const want = s.batchFull || s.slowViews.size > 0;
    if (want === s.backendPaused) return;
    s.backendPaused = want;
    if (want) s.backend?.pause?.();
    else s.backend?.resume?.();
  }

  private onExit(s: Session, exit: TerminalExit): void {
    if (s.info.state === 'exited') return;
    this.flush(s);
    s.info = { ...s.info, state: 'exited', exitCode: exit.code, endReason: exit.reason, endedAt: this.now() };
    this.emit(s, { type: 'exit', session: s.info });
    if (s.listeners.size === 0 && this.sessions.get(s.info.id) === s) this.armTtl(s);
  }

  private async doClose(s: Session): Promise<void> {
    try {
      if (s.info.state !== 'exited') await s.backend?.terminate();
    } catch (e) {
      this.opts.logger.warn(`terminal ${s.info.id}: could not end its processes`, e);
    } finally {
      this.flush(s);
      this.forget(s);
    }
  }

  private forget(s: Session): void {
    if (this.sessions.get(s.info.id) !== s) return;
    this.sessions.delete(s.info.id);
    this.clearTtl(s);
    if (s.flushTimer) clearTimeout(s.flushTimer);
    s.ring.clear();
    if (s.info.state !== 'exited') void s.backend?.terminate().catch(() => undefined);
    this.emit(s, { type: 'closed' });
    s.listeners.clear();
    s.flows.clear();
    s.slowViews.clear();
  }

  private emit(s: Session, ev: TerminalEvent): void {
    for (const l of [...s.listeners]) {
      try {
        l(ev);
      } catch (e) {
        this.opts.logger.warn('terminal listener threw', e);
      }
    }
  }

  private armTtl(s: Session): void {
    this.clearTtl(s);
    s.ttlTimer = setTimeout(() => this.forget(s), this.endedTtlMs);
    s.ttlTimer.unref?.();
  }

  private clearTtl(s: Session): void {
    if (s.ttlTimer) clearTimeout(s.ttlTimer);
    s.ttlTimer = null;
  }
}

function matchesContainer(i: TerminalSession, ref: string): boolean {
  if (!i.containerId) return false;
  return i.containerId === ref || (ref.length >= 4 && i.containerId.startsWith(ref)) || i.containerName === ref.replace(/^\//, '');
}
