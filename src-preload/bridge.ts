// The preload's logic, kept free of 'electron' so it runs under Node tests with a fake ipcRenderer.
// It speaks the contract's wire protocol over one IPC channel through the shared RpcClient and
// builds the narrow API exposed as window.wakedock. ipcRenderer itself never reaches the page.
import { RpcClient } from '../src-main/contract/rpc-client';
// Only the kind map, never procedures.ts: that would bundle zod and every schema into the preload.
import { procedureKind } from '../src-main/contract/procedure-kinds';
import type { RpcErrorData } from '../src-main/contract/errors';
import type { ClientMessage, ClientPort, Result, ServerMessage } from '../src-main/contract/protocol';
import type { WakeDockBridge } from '../src-main/contract/bridge';

export type { WakeDockBridge };

/** Must match RPC_CHANNEL in src-main/electron/ipc-connection.ts (the preload cannot import main code at runtime; the test checks they agree). */
export const RPC_CHANNEL = 'wakedock:rpc';

export type IpcRendererListener = (event: unknown, ...args: unknown[]) => void;

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: IpcRendererListener): unknown;
  removeListener(channel: string, listener: IpcRendererListener): unknown;
}

/** The renderer side of the IPC transport: one ClientMessage per send, one ServerMessage per event. */
export function ipcClientPort(ipc: IpcRendererLike): ClientPort {
  return {
    send(msg: ClientMessage) {
      ipc.send(RPC_CHANNEL, msg);
    },
    onMessage(listener: (msg: ServerMessage) => void) {
      const l: IpcRendererListener = (_event, msg) => {
        if (typeof msg === 'object' && msg !== null) listener(msg as ServerMessage);
      };
      ipc.on(RPC_CHANNEL, l);
      return () => {
        ipc.removeListener(RPC_CHANNEL, l);
      };
    },
  };
}

function refused(message: string): RpcErrorData {
  return { code: 'UNKNOWN_PROCEDURE', message, retryable: false };
}

/** Checks a name against the contract table before anything is sent. Returns an error or null. */
function checkProc(proc: unknown, want: 'call' | 'stream'): RpcErrorData | null {
  const kind = procedureKind(proc);
  if (!kind) return refused(`Unknown procedure "${String(proc)}"`);
  if (want === 'stream' && kind !== 'stream') return refused(`"${proc}" is a ${kind}; use call`);
  if (want === 'call' && kind === 'stream') return refused(`"${proc}" is a stream; use subscribe`);
  return null;
}

/** Calls a page-supplied callback without letting its exception break the client's dispatch loop. */
function safely<A extends unknown[]>(fn: ((...a: A) => void) | undefined, ...args: A): void {
  if (typeof fn !== 'function') return;
  try {
    fn(...args);
  } catch (e) {
    console.error('wakedock: a subscription callback threw', e);
  }
}

/** Builds the API over an RpcClient. Only plain functions, so contextBridge can expose it. */
export function createBridgeApi(client: RpcClient): WakeDockBridge {
  return {
    call(proc: string, input: unknown): Promise<Result> {
      const bad = checkProc(proc, 'call');
      if (bad) return Promise.resolve({ ok: false, error: bad });
      return client.callRaw(proc, input);
    },
    subscribe(proc, input, onEvent, onError, onEnd): number {
      if (typeof onEvent !== 'function') throw new TypeError('wakedock.subscribe: onEvent must be a function');
      const bad = checkProc(proc, 'stream');
      if (bad) {
        // Same shape as a refusal from main: asynchronous, through onError. 0 is never a real id.
        queueMicrotask(() => safely(onError, bad));
        return 0;
      }
      return client.subscribe(proc, input, {
        next: (data) => safely(onEvent, data),
        error: (e) => safely(onError, e),
        end: () => safely(onEnd),
      });
    },
    unsubscribe(subId: number): void {
      if (typeof subId === 'number') client.unsubscribe(subId);
    },
  };
}

/** Everything the preload entry needs: the client on the IPC port and the API to expose. */
export function createPreloadBridge(ipc: IpcRendererLike): { client: RpcClient; api: WakeDockBridge } {
  const client = new RpcClient(ipcClientPort(ipc));
  return { client, api: createBridgeApi(client) };
}
