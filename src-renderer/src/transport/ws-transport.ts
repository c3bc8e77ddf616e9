// WebSocket transport for serve mode. Reconnects with backoff when the socket drops; RpcClient
// re-opens every live subscription on the new socket, so views resume without a reload.
import { RpcClient, type ClientPort, type Result, type ServerMessage } from '@contract/index';
import type { Transport, TransportStatus } from './transport';

export function createWsTransport(url: string): Transport {
  const client = new RpcClient();
  const statusListeners = new Set<(s: TransportStatus) => void>();
  let status: TransportStatus = 'connecting';
  let attempt = 0;
  const setStatus = (s: TransportStatus): void => {
    status = s;
    for (const l of statusListeners) l(s);
  };

  const connect = (): void => {
    const ws = new WebSocket(url);
    const listeners = new Set<(m: ServerMessage) => void>();
    const port: ClientPort = {
      send: (msg) => ws.send(JSON.stringify(msg)),
      onMessage: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    ws.onopen = () => {
      attempt = 0;
      client.attach(port);
      setStatus('open');
    };
    ws.onmessage = (ev) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      for (const l of listeners) l(msg);
    };
    ws.onclose = () => {
      if (client.connected) client.detach();
      setStatus('closed');
      const delay = Math.min(5000, 300 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
  };
  connect();
  window.addEventListener('beforeunload', () => client.dispose());

  return {
    kind: 'ws',
    callRaw: (p, i): Promise<Result> => client.callRaw(p, i),
    subscribe(p, i, onEvent, onError, onEnd) {
      const id = client.subscribe(p, i, { next: onEvent, error: onError, end: onEnd });
      return () => client.unsubscribe(id);
    },
    onStatus(l) {
      statusListeners.add(l);
      l(status);
      return () => statusListeners.delete(l);
    },
  };
}

/** ws://host/rpc, carrying the token from the page URL when there is one (the cookie also works). */
export function wsUrlFromLocation(loc: Location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(loc.search).get('token');
  return `${proto}//${loc.host}/rpc${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
