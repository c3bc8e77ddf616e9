// The renderer's view of the bridge. Two implementations: Electron IPC (window.wakedock from the
// preload) and WebSocket (serve mode). Both speak the same contract.
import type { Result, RpcErrorData } from '@contract/index';

export type TransportStatus = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly kind: 'ipc' | 'ws';
  callRaw(proc: string, input: unknown): Promise<Result>;
  subscribe(proc: string, input: unknown, onEvent: (data: unknown) => void, onError?: (e: RpcErrorData) => void, onEnd?: () => void): () => void;
  /** The link to the core itself (not the engine). IPC is always open. */
  onStatus(listener: (s: TransportStatus) => void): () => void;
}
