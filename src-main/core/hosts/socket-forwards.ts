// The local socket forwards that are on, one per SSH host (hosts.forwardSocket). A forward is on
// until it is turned off, its host is removed, or the core stops. Its socket exists only while the
// host is connected: when the SSH connection drops the socket is removed (a tool then sees "no such
// file" instead of a hang), and when the host has reconnected it is made again at the same path, on
// the new connection — the user's `docker context` keeps working without touching the switch.
import { RpcError, engineAttached } from '../../contract';
import type { Logger } from '../../contract/handlers';
import type { SocketForward as SocketForwardInfo } from '../../contract/procedures/host-tools';
import type { HostRegistry } from '../host-registry';
import { SocketForward, forwardSocketPath } from './socket-forward';
import type { SshLinkOf } from './ssh-link';

export interface SocketForwardsOptions {
  hosts: HostRegistry;
  dataDir: string;
  logger: Logger;
  sshLink?: SshLinkOf;
}

export class SocketForwards {
  /** Hosts whose forward is on (kept across reconnects). */
  private readonly wanted = new Set<string>();
  /** The sockets that exist now (their host is connected). */
  private readonly open = new Map<string, SocketForward>();
  private readonly offLost = new Map<string, () => void>();
  /** Per host, the last open/close in flight: they run one after the other, so a late close never removes a new socket. */
  private readonly ops = new Map<string, Promise<void>>();
  private offHosts: (() => void) | null = null;
  private disposed = false;

  constructor(private readonly o: SocketForwardsOptions) {}

  list(): SocketForwardInfo[] {
    return [...this.wanted].map((hostId) => {
      const f = this.open.get(hostId);
      return { hostId, path: f?.path ?? forwardSocketPath(this.o.dataDir, hostId), enabled: true, listening: f !== undefined };
    });
  }

  async set(hostId: string, enabled: boolean): Promise<SocketForwardInfo> {
    if (!enabled) {
      this.wanted.delete(hostId);
      await this.queue(hostId, () => this.close(hostId));
      return { hostId, enabled: false };
    }
    if (this.disposed) throw RpcError.from('CANCELLED', 'WakeDock is shutting down');
    const host = this.o.hosts.get(hostId).host;
    if (host.kind !== 'ssh') {
      throw RpcError.from('VALIDATION', `${host.name} is not an SSH host: its engine is reachable without a forward (${host.endpoint.url})`, { reason: 'NOT_SSH_HOST', field: 'hostId' });
    }
    if (!this.o.sshLink) throw RpcError.from('ENGINE_UNREACHABLE', 'This WakeDock cannot open SSH connections yet', { reason: 'SSH_UNAVAILABLE' });
    // Turning it on needs the connection now (NOT_CONNECTED otherwise); keeping it on does not.
    this.o.sshLink(hostId);
    await this.queue(hostId, () => this.listen(hostId, true));
    this.wanted.add(hostId);
    this.follow();
    const f = this.open.get(hostId)!;
    this.o.logger.info(`socket forward: ${host.name} at ${f.path}`);
    return { hostId, path: f.path, enabled: true, listening: true };
  }

  /** Run `op` after the host's previous open/close. */
  private queue(hostId: string, op: () => Promise<void>): Promise<void> {
    const next = (this.ops.get(hostId) ?? Promise.resolve()).then(op, op);
    const tail = next.catch(() => undefined);
    this.ops.set(hostId, tail);
    void tail.then(() => {
      if (this.ops.get(hostId) === tail) this.ops.delete(hostId);
    });
    return next;
  }

  /** Make the socket on the host's current connection (no-op when it exists). `strict`: errors reach the caller. */
  private async listen(hostId: string, strict: boolean): Promise<void> {
    if (this.open.has(hostId) || this.disposed) return;
    if (!strict && !this.wanted.has(hostId)) return; // turned off meanwhile
    let link;
    try {
      link = this.o.sshLink!(hostId);
    } catch (e) {
      if (strict) throw e;
      return; // not connected (any more): the next 'connected' brings it back
    }
    const fwd = new SocketForward(hostId, forwardSocketPath(this.o.dataDir, hostId), { openEngineStream: () => this.o.sshLink!(hostId).openEngineStream() }, this.o.logger);
    try {
      await fwd.listen();
    } catch (e) {
      if (strict) throw e;
      this.o.logger.warn(`socket forward ${hostId}: could not listen again at ${fwd.path}: ${(e as Error).message}`);
      return;
    }
    this.open.set(hostId, fwd);
    // The connection this socket's channels ride on: when it goes, the socket goes with it.
    this.offLost.set(hostId, link.onLost(() => void this.queue(hostId, () => this.close(hostId))));
    if (!strict) this.o.logger.info(`socket forward ${hostId}: back at ${fwd.path} after the reconnect`);
  }

  /** Follow the hosts: drop sockets of hosts that lost their connection, make them again when connected, forget removed hosts. */
  private follow(): void {
    this.offHosts ??= this.o.hosts.watch((list) => {
      for (const id of [...this.wanted]) {
        const h = list.find((x) => x.id === id);
        if (!h) {
          this.wanted.delete(id);
          void this.queue(id, () => this.close(id));
        } else if (!engineAttached(h.state)) {
          // Degraded or unresponsive keeps its connection (and the SSH link under it): only a host
          // that has lost its connection drops its socket.
          void this.queue(id, () => this.close(id));
        } else if (h.state === 'connected' && !this.open.has(id)) {
          void this.queue(id, () => this.listen(id, false));
        }
      }
    });
  }

  private async close(hostId: string): Promise<void> {
    const fwd = this.open.get(hostId);
    if (!fwd) return;
    this.open.delete(hostId);
    this.offLost.get(hostId)?.();
    this.offLost.delete(hostId);
    await fwd.close().catch((e: unknown) => this.o.logger.warn(`socket forward ${hostId}: ${(e as Error).message}`));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.offHosts?.();
    this.offHosts = null;
    const ids = new Set([...this.wanted, ...this.open.keys()]);
    this.wanted.clear();
    await Promise.all([...ids].map((id) => this.queue(id, () => this.close(id))));
  }
}
