// COMMON: the wire protocol shared by both transports (Electron IPC and WebSocket).
// One message = one JSON-serialisable object. Ids are chosen by the client, per connection.
import { z } from 'zod';
import type { RpcErrorData } from './errors';

export const ClientMessageSchema = z.discriminatedUnion('t', [
  /** A query or command. Answered by exactly one 'res'. */
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), p: z.string(), i: z.unknown() }),
  /** Open a stream. Answered by 'ev'* then 'end' or 'err'. */
  z.object({ t: z.literal('sub'), id: z.number().int().nonnegative(), p: z.string(), i: z.unknown() }),
  /** Close a stream. The server tears it down and answers 'end'. */
  z.object({ t: z.literal('unsub'), id: z.number().int().nonnegative() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export type Result<T = unknown> = { ok: true; data: T } | { ok: false; error: RpcErrorData };

export type ServerMessage =
  | ({ t: 'res'; id: number } & Result)
  | { t: 'ev'; id: number; data: unknown }
  | { t: 'end'; id: number }
  | { t: 'err'; id: number; error: RpcErrorData };

/** A bidirectional message channel, client side. Both transports provide one. */
export interface ClientPort {
  send(msg: ClientMessage): void;
  /** Returns a function that removes the listener. */
  onMessage(listener: (msg: ServerMessage) => void): () => void;
}
