// The set of hosts. Today: the local engine. SSH hosts plug in here with their own DockerFactory.
import { RpcError, type Host } from '../contract';
import type { HostConnection } from './engine/host-connection';

export class HostRegistry {
  private readonly hosts = new Map<string, HostConnection>();
  private readonly listeners = new Set<(hosts: Host[]) => void>();

  add(conn: HostConnection): void {
    this.hosts.set(conn.id, conn);
    conn.onState(() => this.changed());
    conn.start();
  }

  get(hostId: string): HostConnection {
    const h = this.hosts.get(hostId);
    if (!h) throw RpcError.from('NOT_FOUND', `No host with id "${hostId}"`, { reason: 'HOST_NOT_FOUND' });
    return h;
  }

  list(): Host[] {
    return [...this.hosts.values()].map((h) => h.host);
  }

  watch(listener: (hosts: Host[]) => void): () => void {
    this.listeners.add(listener);
    listener(this.list());
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    for (const h of this.hosts.values()) h.stop();
    this.listeners.clear();
  }

  private changed(): void {
    const list = this.list();
    for (const l of this.listeners) l(list);
  }
}

