// The local socket forwards that are on, one per SSH host (hosts.forwardSocket). A forward exists
// only while its host is connected: it is removed when the host disconnects or is removed, when it
// is turned off, and when the core stops (a tool then sees "no such file" instead of a hang).
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
  private readonly open = new Map<string, SocketForward>();
  private readonly offLost = new Map<string, () => void>();
  private offHosts: (() => void) | null = null;
  private disposed = false;

  constructor(private readonly o: SocketForwardsOptions) {}

  list(): SocketForwardInfo[] {
    return [...this.open.values()].map((f) => ({ hostId: f.hostId, path: f.path, enabled: true }));
  }

  async set(hostId: string, enabled: boolean): Promise<SocketForwardInfo> {
    if (!enabled) {
      await this.remove(hostId);
      return { hostId, enabled: false };
    }
    const existing = this.open.get(hostId);
    if (existing) return { hostId, path: existing.path, enabled: true };
    if (this.disposed) throw RpcError.from('CANCELLED', 'WakeDock is shutting down');
    const host = this.o.hosts.get(hostId).host;
    if (host.kind !== 'ssh') {
      throw RpcError.from('VALIDATION', `${host.name} is not an SSH host: its engine is reachable without a forward (${host.endpoint.url})`, { reason: 'NOT_SSH_HOST', field: 'hostId' });
    }
    if (!this.o.sshLink) throw RpcError.from('ENGINE_UNREACHABLE', 'This WakeDock cannot open SSH connections yet', { reason: 'SSH_UNAVAILABLE' });
    const link = this.o.sshLink(hostId);
    const fwd = new SocketForward(hostId, forwardSocketPath(this.o.dataDir, hostId), { openEngineStream: () => this.o.sshLink!(hostId).openEngineStream() }, this.o.logger);
    await fwd.listen();
    this.open.set(hostId, fwd);
    this.offLost.set(hostId, link.onLost(() => void this.remove(hostId)));
    this.follow();
    this.o.logger.info(`socket forward: ${host.name} at ${fwd.path}`);
    return { hostId, path: fwd.path, enabled: true };
  }

  /** Drop forwards of hosts that are gone or no longer connected. */
  private follow(): void {
    this.offHosts ??= this.o.hosts.watch((list) => {
      for (const id of this.open.keys()) {
        const h = list.find((x) => x.id === id);
        // Degraded or unresponsive keeps its connection (and the SSH link under it): only a host
        // that is gone or has lost its connection drops its forwards.
        if (!h || !engineAttached(h.state)) void this.remove(id);
      }
    });
  }

  private async remove(hostId: string): Promise<void> {
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
    await Promise.all([...this.open.keys()].map((id) => this.remove(id)));
  }
}
