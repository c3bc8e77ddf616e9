// Electron IPC transport: the preload exposes only call / subscribe / unsubscribe on window.wakedock.
import type { Result, RpcErrorData } from '@contract/index';
import type { Transport } from './transport';

/** What src-preload exposes through contextBridge (see src-preload/bridge.ts). */
export interface PreloadBridge {
  call(proc: string, input: unknown): Promise<Result>;
  subscribe(proc: string, input: unknown, onEvent: (data: unknown) => void, onError?: (e: RpcErrorData) => void, onEnd?: () => void): number;
  unsubscribe(id: number): void;
}

export function preloadBridge(): PreloadBridge | undefined {
  return (window as unknown as { wakedock?: PreloadBridge }).wakedock;
}

export function createIpcTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'ipc',
    callRaw: (p, i) => bridge.call(p, i),
    subscribe(p, i, onEvent, onError, onEnd) {
      const id = bridge.subscribe(p, i, onEvent, onError, onEnd);
      return () => bridge.unsubscribe(id);
    },
    onStatus(l) {
      l('open');
      return () => {};
    },
  };
}
