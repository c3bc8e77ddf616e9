// COMMON types of the server side of the contract: what a handler of each procedure looks like and
// the logger every layer is given. They live next to the procedure table (not in rpc/) so that the
// core implements the contract without depending on the RPC server, and the RPC server runs the
// handlers without depending on the core. Type-only (plus the no-op logger): nothing here runs.
import type { CallName, ProcOutput, ProcParsedInput, StreamName } from './procedures';

export interface Logger {
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface StreamSink<T> {
  next(value: T): void;
  /** Ends the stream with an error. */
  fail(error: unknown): void;
  /** Ends the stream normally. */
  end(): void;
  /**
   * True while the peer is not keeping up. A producer that can hold its source (an engine stream,
   * a process's output) should stop reading until whenDrained() resolves; the source then keeps
   * the data, so nothing is dropped and memory stays bounded. Using it is optional.
   */
  congested(): boolean;
  /** Resolves once the connection is no longer congested, or when the stream is torn down. */
  whenDrained(): Promise<void>;
}

/**
 * A call handler. The signal (always given by the RPC server; absent when a test calls a handler
 * directly) aborts when the caller can no longer receive the answer (its window
 * closed, its socket dropped, the server shut down): pass it to engine requests so that work stops.
 */
export type CallHandler<P extends CallName> = (input: ProcParsedInput<P>, signal?: AbortSignal) => Promise<ProcOutput<P>>;
/**
 * A stream handler starts producing into the sink and stops when the signal aborts. It may return
 * a cleanup function, called once on teardown whatever the reason.
 */
export type StreamHandler<P extends StreamName> = (
  input: ProcParsedInput<P>,
  sink: StreamSink<ProcOutput<P>>,
  signal: AbortSignal,
) => void | (() => void) | Promise<void | (() => void)>;

/** One handler per procedure: a procedure without an implementation does not compile. */
export type Handlers = { [P in CallName]: CallHandler<P> } & { [P in StreamName]: StreamHandler<P> };
