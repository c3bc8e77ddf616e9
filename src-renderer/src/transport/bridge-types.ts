// The shape of window.wakedock, exposed by the preload (src-preload/bridge.ts) through
// contextBridge. It is the renderer's only door to main in the desktop app: no ipcRenderer, no Node.
// Values cross by structured clone; callbacks are proxied by Electron.
import type { Result, RpcErrorData } from '@contract/index';

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

declare global {
  interface Window {
    /** Present in the Electron app only; serve mode (browser) uses the WebSocket transport. */
    readonly wakedock?: WakeDockBridge;
  }
}
