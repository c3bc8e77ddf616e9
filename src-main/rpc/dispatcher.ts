// Transport-agnostic RPC server. It validates every input against the contract where it enters
// main, refuses unknown procedures, turns every failure into error data, and owns the registry of
// live streams (keyed by connection and subscription id) so that nothing outlives its connection.
import { z } from 'zod';
import {
  ClientMessageSchema,
  RpcError,
  isProcName,
  procedures,
  type CallName,
  type ProcName,
  type RpcErrorData,
  type ServerMessage,
  type StreamName,
  validationError,
} from '../contract';
import { silentLogger, type CallHandler, type Handlers, type Logger, type StreamHandler, type StreamSink } from '../contract/handlers';

// The handler types belong to the contract (contract/handlers.ts); re-exported for the RPC layer's users.
export { silentLogger, validationError };
export type { CallHandler, Handlers, Logger, StreamHandler, StreamSink };

/** One peer: a renderer's IPC channel or a WebSocket. */
export interface Connection {
  readonly id: string;
  send(msg: ServerMessage): void;
  onMessage(listener: (raw: unknown) => void): void;
  onClose(listener: () => void): void;
  /**
   * Flow control, optional: true while the peer reads slower than we send (the transport's send
   * buffer is over its high-water mark). A transport without such a signal leaves it out (never
   * congested).
   */
  congested?(): boolean;
  /** Calls the listener each time a congested connection has drained. Returns an unsubscribe. */
  onDrain?(listener: () => void): () => void;
}

export type ErrorMapper = (e: unknown) => RpcErrorData;

export function defaultErrorMapper(e: unknown): RpcErrorData {
  if (e instanceof RpcError) return e.toData();
  if (e instanceof z.ZodError) return validationError(e, 'input');
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e), retryable: false };
}

interface LiveStream {
  controller: AbortController;
  cleanup?: () => void;
  ended: boolean;
  /** Resolvers of whenDrained() promises, settled on drain or teardown (never left pending). */
  drainWaiters: (() => void)[];
}

function settleDrainWaiters(live: LiveStream): void {
  for (const w of live.drainWaiters.splice(0)) w();
}

export interface RpcLimits {
  /** Live subscriptions per connection (default 512). A UI holds a few dozen. */
  maxSubscriptions?: number;
  /** Calls being handled at once per connection (default 128; the UI's bulk actions use 8). */
  maxInFlight?: number;
}

export class RpcServer {
  /** connection id → subscription id → stream */
  private readonly streams = new Map<string, Map<number, LiveStream>>();
  private readonly inFlight = new Map<string, number>();
  private readonly maxSubscriptions: number;
  private readonly maxInFlight: number;
  /** connection id → the abort controller of its calls */
  private readonly callControllers = new Map<string, AbortController>();

  constructor(
    private readonly handlers: Handlers,
    private readonly opts: { mapError?: ErrorMapper; logger?: Logger; validateOutput?: boolean; limits?: RpcLimits } = {},
  ) {
    this.maxSubscriptions = opts.limits?.maxSubscriptions ?? 512;
    this.maxInFlight = opts.limits?.maxInFlight ?? 128;
  }

  /** Number of live streams over all connections. Tests assert it returns to zero. */
  get liveStreams(): number {
    let n = 0;
    for (const m of this.streams.values()) n += m.size;
    return n;
  }

  get connections(): number {
    return this.streams.size;
  }

  connect(conn: Connection): void {
    const mine = new Map<number, LiveStream>();
    this.streams.set(conn.id, mine);
    // One signal for the calls of this connection: aborted when it closes (or the server shuts
    // down), so a closed window or socket cancels the work its calls started.
    const calls = new AbortController();
    this.callControllers.set(conn.id, calls);
    conn.onMessage((raw) => {
      void this.onMessage(conn, mine, raw, calls.signal);
    });
    // One drain listener per connection wakes every stream of it that waits.
    const offDrain = conn.onDrain?.(() => {
      for (const live of mine.values()) settleDrainWaiters(live);
    });
    conn.onClose(() => {
      offDrain?.();
      calls.abort();
      this.callControllers.delete(conn.id);
      for (const id of [...mine.keys()]) this.teardown(mine, id);
      this.streams.delete(conn.id);
      this.inFlight.delete(conn.id);
    });
  }

  /** Tear down every stream of every connection and cancel the calls in flight (shutdown). */
  closeAll(): void {
    for (const c of this.callControllers.values()) c.abort();
    for (const mine of this.streams.values()) for (const id of [...mine.keys()]) this.teardown(mine, id);
  }

  private mapError(e: unknown): RpcErrorData {
    const data = (this.opts.mapError ?? defaultErrorMapper)(e);
    if (data.code === 'INTERNAL') this.opts.logger?.error('rpc: internal error', e);
    return data;
  }

  private safeSend(conn: Connection, msg: ServerMessage): void {
    try {
      conn.send(msg);
    } catch (e) {
      this.opts.logger?.warn(`rpc: could not send to ${conn.id}`, e);
    }
  }

  private async onMessage(conn: Connection, mine: Map<number, LiveStream>, raw: unknown, callSignal: AbortSignal): Promise<void> {
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
      this.safeSend(conn, { t: 'res', id, ok: false, error: { code: 'VALIDATION', message: 'Malformed message', retryable: false } });
      return;
    }
    const msg = parsed.data;
    if (msg.t === 'unsub') {
      if (this.teardown(mine, msg.id)) this.safeSend(conn, { t: 'end', id: msg.id });
      // Answered, not ignored: a client that unsubscribes what it never opened (or twice) learns so.
      else this.safeSend(conn, { t: 'err', id: msg.id, error: { code: 'NOT_FOUND', message: `No open subscription ${msg.id}`, retryable: false } });
      return;
    }
    if (!isProcName(msg.p)) {
      const error: RpcErrorData = { code: 'UNKNOWN_PROCEDURE', message: `Unknown procedure "${msg.p}"`, retryable: false };
      this.safeSend(conn, msg.t === 'call' ? { t: 'res', id: msg.id, ok: false, error } : { t: 'err', id: msg.id, error });
      return;
    }
    const proc = msg.p;
    const def = procedures[proc];
    const wantStream = msg.t === 'sub';
    if ((def.kind === 'stream') !== wantStream) {
      const error: RpcErrorData = {
        code: 'UNKNOWN_PROCEDURE',
        message: `"${proc}" is a ${def.kind}; use ${def.kind === 'stream' ? 'subscribe' : 'call'}`,
        retryable: false,
      };
      this.safeSend(conn, wantStream ? { t: 'err', id: msg.id, error } : { t: 'res', id: msg.id, ok: false, error });
      return;
    }
    const input = def.input.safeParse(msg.i ?? {});
    if (!input.success) {
      const error = validationError(input.error, proc);
      this.safeSend(conn, wantStream ? { t: 'err', id: msg.id, error } : { t: 'res', id: msg.id, ok: false, error });
      return;
    }
    if (msg.t === 'call') {
      const busy = this.inFlight.get(conn.id) ?? 0;
      if (busy >= this.maxInFlight) {
        this.safeSend(conn, { t: 'res', id: msg.id, ok: false, error: { code: 'LIMIT', message: `Too many calls in flight on this connection (${this.maxInFlight}); wait for some to finish`, retryable: true } });
        return;
      }
      this.inFlight.set(conn.id, busy + 1);
      try {
        await this.runCall(conn, msg.id, proc, input.data, callSignal);
      } finally {
        const n = (this.inFlight.get(conn.id) ?? 1) - 1;
        if (this.streams.has(conn.id)) this.inFlight.set(conn.id, n);
      }
    } else {
      if (mine.size >= this.maxSubscriptions && !mine.has(msg.id)) {
        this.safeSend(conn, { t: 'err', id: msg.id, error: { code: 'LIMIT', message: `Too many open subscriptions on this connection (${this.maxSubscriptions}); close some first`, retryable: true } });
        return;
      }
      await this.runStream(conn, mine, msg.id, proc as StreamName, input.data);
    }
  }

  private checkOutput(proc: ProcName, data: unknown): void {
    if (!this.opts.validateOutput) return;
    const r = procedures[proc].output.safeParse(data);
    if (!r.success) throw new Error(`${proc} produced output that breaks the contract: ${r.error.message}`);
  }

  private async runCall(conn: Connection, id: number, proc: ProcName, input: unknown, signal: AbortSignal): Promise<void> {
    try {
      if (signal.aborted) throw RpcError.from('CANCELLED', `${proc}: the connection closed`);
      const handler = this.handlers[proc as CallName] as (i: unknown, signal: AbortSignal) => Promise<unknown>;
      const data = (await handler(input, signal)) ?? null;
      this.checkOutput(proc, data);
      this.safeSend(conn, { t: 'res', id, ok: true, data });
    } catch (e) {
      this.safeSend(conn, { t: 'res', id, ok: false, error: this.mapError(e) });
    }
  }

  private async runStream(conn: Connection, mine: Map<number, LiveStream>, id: number, proc: StreamName, input: unknown): Promise<void> {
    if (mine.has(id)) {
      this.safeSend(conn, { t: 'err', id, error: { code: 'CONFLICT', message: `Subscription ${id} is already open`, retryable: false } });
      return;
    }
    const live: LiveStream = { controller: new AbortController(), ended: false, drainWaiters: [] };
    mine.set(id, live);
    const sink: StreamSink<unknown> = {
      next: (value) => {
        if (live.ended) return;
        try {
          this.checkOutput(proc, value);
        } catch (e) {
          sink.fail(e);
          return;
        }
        this.safeSend(conn, { t: 'ev', id, data: value });
      },
      fail: (e) => {
        if (live.ended) return;
        this.teardown(mine, id);
        this.safeSend(conn, { t: 'err', id, error: this.mapError(e) });
      },
      end: () => {
        if (live.ended) return;
        this.teardown(mine, id);
        this.safeSend(conn, { t: 'end', id });
      },
      congested: () => !live.ended && conn.congested?.() === true,
      whenDrained: () =>
        new Promise<void>((resolve) => {
          if (!sink.congested()) resolve();
          else live.drainWaiters.push(resolve);
        }),
    };
    try {
      const handler = this.handlers[proc] as StreamHandler<StreamName>;
      const cleanup = await handler(input as never, sink as never, live.controller.signal);
      if (typeof cleanup === 'function') {
        if (live.ended) cleanup();
        else live.cleanup = cleanup;
      }
    } catch (e) {
      sink.fail(e);
    }
  }

  /** Returns true when a live stream was torn down. */
  private teardown(mine: Map<number, LiveStream>, id: number): boolean {
    const live = mine.get(id);
    if (!live) return false;
    mine.delete(id);
    live.ended = true;
    live.controller.abort();
    settleDrainWaiters(live);
    try {
      live.cleanup?.();
    } catch (e) {
      this.opts.logger?.warn('rpc: stream cleanup failed', e);
    }
    return true;
  }
}
