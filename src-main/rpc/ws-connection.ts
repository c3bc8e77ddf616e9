// The WebSocket adapter: one ws socket = one Connection of the RPC server. JSON text frames.
// Keepalive pings stop proxies from cutting an idle connection and detect dead peers.
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../contract';
import type { Connection } from './dispatcher';

let counter = 0;

export function wsConnection(ws: WebSocket, opts: { keepaliveMs?: number } = {}): Connection {
  const id = `ws-${++counter}`;
  const closeListeners: (() => void)[] = [];
  let closed = false;
  let alive = true;
  const keepaliveMs = opts.keepaliveMs ?? 30_000;
  const ping = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, keepaliveMs);
  ping.unref();
  ws.on('pong', () => {
    alive = true;
  });
  const onClosed = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    for (const l of closeListeners) l();
  };
  ws.on('close', onClosed);
  ws.on('error', onClosed);
  return {
    id,
    send(msg: ServerMessage) {
      if (closed || ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(msg));
    },
    onMessage(listener) {
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          parsed = null;
        }
        listener(parsed);
      });
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
  };
}
