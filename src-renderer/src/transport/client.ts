// A typed facade over whichever transport the page got. Calls resolve with data or throw RpcError;
// subscriptions return an unsubscribe function.
import {
  RpcError,
  type CallName,
  type ProcInput,
  type ProcOutput,
  type RpcErrorData,
  type StreamName,
} from '@contract/index';
import type { Transport, TransportStatus } from './transport';

let transport: Transport | null = null;

export function setTransport(t: Transport): void {
  transport = t;
}

function current(): Transport {
  if (!transport) throw new Error('transport not initialised');
  return transport;
}

export async function call<P extends CallName>(proc: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  const r = await current().callRaw(proc, input);
  if (!r.ok) throw new RpcError(r.error);
  return r.data as ProcOutput<P>;
}

export function subscribe<P extends StreamName>(
  proc: P,
  input: ProcInput<P>,
  onEvent: (data: ProcOutput<P>) => void,
  onError?: (e: RpcErrorData) => void,
): () => void {
  return current().subscribe(proc, input, (d) => onEvent(d as ProcOutput<P>), onError);
}

export function onTransportStatus(l: (s: TransportStatus) => void): () => void {
  return current().onStatus(l);
}

export function transportKind(): 'ipc' | 'ws' {
  return current().kind;
}

/** The message to show for any failure. */
export function errorText(e: unknown): string {
  if (e instanceof RpcError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
