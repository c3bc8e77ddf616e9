// COMMON: the client half of the protocol, used by the preload (over IPC) and by the renderer's
// WebSocket transport. It never throws raw transport errors at callers: calls resolve with a
// Result envelope (callRaw) or reject with a typed RpcError (call).
import { RpcError, type RpcErrorData } from './errors';
import type { ClientPort, Result, ServerMessage } from './protocol';

export interface StreamHandlers {
  next(data: unknown): void;
  error?(error: RpcErrorData): void;
  end?(): void;
}

interface ActiveSub {
  p: string;
  i: unknown;
  handlers: StreamHandlers;
}

const DISCONNECTED: RpcErrorData = {
  code: 'ENGINE_UNREACHABLE',
  message: 'The connection to the WakeDock core was lost',
  retryable: true,
  hint: 'WakeDock reconnects by itself; try again in a moment',
};

export class RpcClient {
  private nextId = 1;
  private port: ClientPort | null = null;
  private detachPort: (() => void) | null = null;
  private readonly pending = new Map<number, (r: Result) => void>();
  private readonly subs = new Map<number, ActiveSub>();

  constructor(port?: ClientPort) {
    if (port) this.attach(port);
  }

  /**
   * Use a (new) port. Live subscriptions are opened again on it, so a reconnecting transport
   * (the WebSocket after the server restarts) resumes every stream without the UI noticing.
   */
  attach(port: ClientPort): void {
    this.detach();
    this.port = port;
    this.detachPort = port.onMessage((m) => this.onMessage(m));
    for (const [id, s] of this.subs) port.send({ t: 'sub', id, p: s.p, i: s.i });
  }

  /** The port went away: fail pending calls (they may or may not have run), keep subscriptions. */
  detach(): void {
    this.detachPort?.();
    this.detachPort = null;
    this.port = null;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve({ ok: false, error: DISCONNECTED });
  }

  get connected(): boolean {
    return this.port !== null;
  }

  get activeSubscriptions(): number {
    return this.subs.size;
  }

  /** Resolve with the envelope; never rejects. */
  callRaw(p: string, i: unknown): Promise<Result> {
    const port = this.port;
    if (!port) return Promise.resolve({ ok: false, error: DISCONNECTED });
    const id = this.nextId++;
    return new Promise<Result>((resolve) => {
      this.pending.set(id, resolve);
      try {
        port.send({ t: 'call', id, p, i });
      } catch (e) {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'INTERNAL', message: `Could not send the request: ${String(e)}`, retryable: true } });
      }
    });
  }

  /** Resolve with the data, or reject with an RpcError. */
  async call(p: string, i: unknown): Promise<unknown> {
    const r = await this.callRaw(p, i);
    if (r.ok) return r.data;
    throw new RpcError(r.error);
  }

  /** Open a stream. Returns its id; pass it to unsubscribe. */
  subscribe(p: string, i: unknown, handlers: StreamHandlers): number {
    const id = this.nextId++;
    this.subs.set(id, { p, i, handlers });
    this.port?.send({ t: 'sub', id, p, i });
    return id;
  }

  unsubscribe(id: number): void {
    if (!this.subs.delete(id)) return;
    try {
      this.port?.send({ t: 'unsub', id });
    } catch {
      // The port is gone; the server tears the stream down with the connection.
    }
  }

  /** Forget everything (the page is going away). */
  dispose(): void {
    for (const id of [...this.subs.keys()]) this.unsubscribe(id);
    this.detach();
  }

  private onMessage(m: ServerMessage): void {
    switch (m.t) {
      case 'res': {
        const resolve = this.pending.get(m.id);
        if (!resolve) return;
        this.pending.delete(m.id);
        resolve(m.ok ? { ok: true, data: m.data } : { ok: false, error: m.error });
        return;
      }
      case 'ev':
        this.subs.get(m.id)?.handlers.next(m.data);
        return;
      case 'end': {
        const s = this.subs.get(m.id);
        this.subs.delete(m.id);
        s?.handlers.end?.();
        return;
      }
      case 'err': {
        const s = this.subs.get(m.id);
        this.subs.delete(m.id);
        s?.handlers.error?.(m.error);
        return;
      }
    }
  }
}
