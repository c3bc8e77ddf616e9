// COMMON: the shape of window.wakedock, exposed by the preload (src-preload/bridge.ts) through
// contextBridge and used by the renderer's IPC transport. It lives in the contract because both
// sides implement it (the preload may not import the renderer, nor the renderer the preload).
import type { RpcErrorData } from './errors';
import type { Result } from './protocol';

export interface WakeDockBridge {
  /**
   * Run a query or command. Never rejects: resolves with { ok: true, data } or
   * { ok: false, error } (error.code from the contract's closed set).
   */
  call(proc: string, input: unknown): Promise<Result>;
  /**
   * Open a stream. onEvent gets each event in order; onError or onEnd is called once when the
   * stream stops by itself (not after unsubscribe). Returns the id to pass to unsubscribe.
   */
  subscribe(proc: string, input: unknown, onEvent: (data: unknown) => void, onError?: (error: RpcErrorData) => void, onEnd?: () => void): number;
  /** Close a stream; unknown or already-closed ids are ignored. */
  unsubscribe(subId: number): void;
}
