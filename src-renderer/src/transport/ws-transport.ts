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
    let opened = false;
    const listeners = new Set<(m: ServerMessage) => void>();
    const port: ClientPort = {
      send: (msg) => ws.send(JSON.stringify(msg)),
      onMessage: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    ws.onopen = () => {
      opened = true;
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
      // A refused handshake does not say why. If the page itself is now refused (the server came
      // back with another token, so our session cookie is void), reload: the server's "Access
      // refused" page tells the user what to do, instead of a UI that retries forever.
      if (!opened) void reloadIfRefused();
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

async function reloadIfRefused(): Promise<void> {
  try {
    const r = await fetch(window.location.pathname, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' });
    if (r.status === 401) window.location.reload();
  } catch {
    // The server is down: keep retrying.
  }
}

/**
 * ws(s)://host/rpc on the page's own origin. No token in it: the server exchanged the page's
 * ?token= for a session cookie (per port, HttpOnly), which authenticates the socket and every
 * reconnect, so the token never sits in a URL the page keeps using.
 */
export function wsUrlFromLocation(loc: Pick<Location, 'protocol' | 'host'>): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/rpc`;
}

/**
 * The address bar without ?token= (the server already set the session cookie for this page), so
 * the token does not stay on screen, in screenshots or in shared links. Returns null when there is
 * nothing to remove. The hash (the app's route) and other parameters are kept.
 */
export function urlWithoutToken(href: string): string | null {
  const url = new URL(href);
  if (!url.searchParams.has('token')) return null;
  url.searchParams.delete('token');
  return url.pathname + url.search + url.hash;
}
