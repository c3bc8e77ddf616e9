// Connect an RpcClient to an RpcServer in memory, the way a real transport would: every message is
// JSON round-tripped (so nothing unserialisable slips through) and delivered asynchronously.
// Also: a ClientPort over a `ws` WebSocket, for tests against the headless server.
import WebSocket from 'ws';
import { RpcClient, type ClientMessage, type ClientPort, type ServerMessage } from '../../src-main/contract';
import type { Connection, RpcServer } from '../../src-main/rpc/dispatcher';

let counter = 0;

export interface InMemoryLink {
  client: RpcClient;
  /** Close the connection as a transport would (the server tears down its streams). */
  close(): void;
}

export function connectInMemory(server: RpcServer): InMemoryLink {
  const toServer: ((raw: unknown) => void)[] = [];
  const toClient = new Set<(msg: ServerMessage) => void>();
  const closeListeners: (() => void)[] = [];
  let closed = false;

  const conn: Connection = {
    id: `mem-${++counter}`,
    send(msg) {
      if (closed) return;
      const copy = JSON.parse(JSON.stringify(msg)) as ServerMessage;
      setImmediate(() => {
        for (const l of toClient) l(copy);
      });
    },
    onMessage(listener) {
      toServer.push(listener);
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
  };
  server.connect(conn);

  const port: ClientPort = {
    send(msg: ClientMessage) {
      if (closed) throw new Error('connection closed');
      const copy = JSON.parse(JSON.stringify(msg)) as unknown;
      setImmediate(() => {
        for (const l of toServer) l(copy);
      });
    },
    onMessage(listener) {
      toClient.add(listener);
      return () => toClient.delete(listener);
    },
  };
  const client = new RpcClient(port);
  return {
    client,
    close() {
      if (closed) return;
      closed = true;
      client.detach();
      for (const l of closeListeners) l();
    },
  };
}

/** Open a WebSocket and wrap it as a ClientPort. Rejects with the HTTP status if the upgrade is refused. */
export function openWsPort(url: string): Promise<{ port: ClientPort; ws: WebSocket }> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      fail(Object.assign(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`), { statusCode: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', fail);
    ws.once('open', () => {
      ws.off('error', fail);
      ws.on('error', () => {}); // later errors surface as 'close'
      const port: ClientPort = {
        send: (msg) => ws.send(JSON.stringify(msg)),
        onMessage(listener) {
          const h = (data: WebSocket.RawData): void => listener(JSON.parse(data.toString()) as ServerMessage);
          ws.on('message', h);
          return () => ws.off('message', h);
        },
      };
      ok({ port, ws });
    });
  });
}

/** Collects stream events so tests can wait for one that matches. */
export class EventLog<T> {
  readonly events: T[] = [];
  error: unknown;
  ended = false;

  readonly handlers = {
    next: (d: unknown) => {
      this.events.push(d as T);
    },
    error: (e: unknown) => {
      this.error = e;
    },
    end: () => {
      this.ended = true;
    },
  };

  /** Events after index `from` (use `mark()` to take a position). */
  since(from: number): T[] {
    return this.events.slice(from);
  }

  mark(): number {
    return this.events.length;
  }
}
