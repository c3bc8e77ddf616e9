// Host-port conflicts, found before creating a container: against the ports other running
// containers publish on the engine, and (when the engine runs on this machine) by trying to bind
// the port here, which also catches programs that are not containers.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { PortMapping } from '../../contract/run-spec';

export interface PublishedPort {
  containerName: string;
  containerId: string;
  ip: string;
  publicPort: number;
  type: string;
}

export interface PortConflict {
  /** Index in the spec's ports. */
  index: number;
  message: string;
}

const WILDCARD = new Set(['', '0.0.0.0', '::']);
const overlaps = (a: string, b: string): boolean => WILDCARD.has(a) || WILDCARD.has(b) || a === b;

/** Conflicts with ports other containers publish (pure). */
export function engineConflicts(ports: readonly PortMapping[], published: readonly PublishedPort[]): PortConflict[] {
  const out: PortConflict[] = [];
  ports.forEach((p, index) => {
    if (p.hostPort === undefined) return;
    const hit = published.find((q) => q.publicPort === p.hostPort && q.type === p.protocol && overlaps(q.ip, p.hostIp ?? ''));
    if (hit) out.push({ index, message: `host port ${p.hostPort}/${p.protocol} is already published by container "${hit.containerName}"` });
  });
  return out;
}

/** Try to bind the port on this machine; resolves to the OS error code if it is taken. */
export function tryBind(port: number, protocol: 'tcp' | 'udp', host: string): Promise<string | null> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      s.once('error', (e: NodeJS.ErrnoException) => {
        s.close();
        resolve(e.code ?? 'ERROR');
      });
      s.bind(port, host, () => s.close(() => resolve(null)));
      return;
    }
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'ERROR'));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(null)));
  });
}

/**
 * Conflicts with anything listening on this machine. Binds on the mapping's host IP when it is a
 * specific address, else on loopback (a wildcard listener there refuses a loopback bind too).
 * Only "in use" counts: a privileged port or an address this machine does not have is the
 * engine's business.
 */
export async function localConflicts(ports: readonly PortMapping[]): Promise<PortConflict[]> {
  const out: PortConflict[] = [];
  for (const [index, p] of ports.entries()) {
    if (p.hostPort === undefined || p.protocol === 'sctp') continue;
    const host = p.hostIp && !WILDCARD.has(p.hostIp) ? p.hostIp : '127.0.0.1';
    const code = await tryBind(p.hostPort, p.protocol, host);
    if (code === 'EADDRINUSE') out.push({ index, message: `host port ${p.hostPort}/${p.protocol} is already in use on this machine (another program listens on it)` });
  }
  return out;
}
