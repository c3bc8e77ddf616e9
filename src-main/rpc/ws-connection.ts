// The WebSocket adapter: one ws socket = one Connection of the RPC server. JSON text frames.
// Keepalive pings stop proxies from cutting an idle connection and detect dead peers.
// Flow control: ws.send never refuses a message, it queues it in memory (ws.bufferedAmount) when
// the peer reads slower than we write. Above a high-water mark the connection reports itself
// congested, so stream producers pause their source (the engine holds the data); a short poll,
// running only while congested, reports the drain once the buffer is back under the low-water mark.
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../contract';
import type { Connection } from './dispatcher';

let counter = 0;

export interface WsConnectionOptions {
  keepaliveMs?: number;
  /** Bytes queued in ws above which the connection is congested (default 4 MiB). */
  highWaterMark?: number;
  /** Bytes queued at or below which a congested connection counts as drained (default 1 MiB). */
  lowWaterMark?: number;
  /** How often bufferedAmount is looked at while congested (default 20 ms). */
  drainPollMs?: number;
}

export function wsConnection(ws: WebSocket, opts: WsConnectionOptions = {}): Connection {
  const id = `ws-${++counter}`;
  const closeListeners: (() => void)[] = [];
  const drainListeners = new Set<() => void>();
  const highWater = opts.highWaterMark ?? 4 * 1024 * 1024;
  const lowWater = Math.min(opts.lowWaterMark ?? 1024 * 1024, highWater);
  let drainPoll: NodeJS.Timeout | null = null;
  const stopDrainPoll = (): void => {
    if (drainPoll) clearInterval(drainPoll);
    drainPoll = null;
  };
  const watchForDrain = (): void => {
    if (drainPoll) return;
    drainPoll = setInterval(() => {
      if (closed) return stopDrainPoll();
      if (ws.bufferedAmount > lowWater) return;
      stopDrainPoll();
      for (const l of [...drainListeners]) l();
    }, opts.drainPollMs ?? 20);
  };
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
    stopDrainPoll();
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
        if (isBinary) {
          // The protocol is JSON text frames; say so instead of dropping the frame silently.
          if (!closed && ws.readyState === ws.OPEN) {
            ws.send(JSON.stringify({ t: 'res', id: -1, ok: false, error: { code: 'VALIDATION', message: 'Binary frames are not part of the protocol: send JSON text frames', retryable: false } } satisfies ServerMessage));
          }
          return;
        }
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
    congested() {
      if (closed || ws.bufferedAmount < highWater) return false;
      watchForDrain();
      return true;
    },
    onDrain(listener) {
      drainListeners.add(listener);
      return () => drainListeners.delete(listener);
    },
  };
}
