// Can this process listen on host:port right now? The private Caddy runs as the same user, so a
// port this check cannot bind, Caddy could not either: in use by another program, or below 1024
// without root. Used before a proxy setting is applied, so the form says which port and why.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { splitListen } from '../../contract/wake-proxy-settings';

/** Whether ports below 1024 can be bound (root, or Linux's ip_unprivileged_port_start lowered). */
export function privilegedPortsAllowed(): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim()) < 1024;
  } catch {
    return false;
  }
}

export type Binder = (host: string, port: number) => Promise<NodeJS.ErrnoException | null>;

/** Bind and close at once; the error of a failed bind (null when it worked). */
export const tryBind: Binder = (host, port) =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    srv.listen({ host: host.replace(/^\[|\]$/g, ''), port, exclusive: true }, () => srv.close(() => resolve(null)));
  });

/** Why `listen` cannot be used, in words; null when it can. */
export async function listenProblem(listen: string, bind: Binder = tryBind): Promise<string | null> {
  const hp = splitListen(listen);
  if (!hp) return `${listen} is not host:port`;
  const err = await bind(hp.host, hp.port);
  if (!err) return null;
  if (err.code === 'EADDRINUSE') return `port ${hp.port} on ${hp.host} is in use by another program: choose another port or stop that program`;
  if (err.code === 'EACCES') return hp.port < 1024 ? `port ${hp.port} is below 1024 and needs root (or CAP_NET_BIND_SERVICE): choose a port from 1024 up, e.g. ${hp.port === 443 ? 8443 : 8480}` : `WakeDock may not listen on ${listen} (permission denied)`;
  if (err.code === 'EADDRNOTAVAIL') return `${hp.host} is not an address of this machine`;
  return `cannot listen on ${listen}: ${err.message}`;
}
