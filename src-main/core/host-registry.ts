// The set of hosts (the "hosts" service). Hosts are added and removed at run time; listeners hear
// about it (added/removed, and the whole list whenever a host changes state). Connections start
// when the registry starts, or at once when added to a running registry.
import { RpcError, type Host } from '../contract';
import type { EngineEvent, EngineObjectType, HostConnection } from './engine/host-connection';
import type { Service } from './lifecycle';

type RegistryEvent = { kind: 'added'; conn: HostConnection } | { kind: 'removed'; conn: HostConnection };

export class HostRegistry implements Service {
  private readonly hosts = new Map<string, { conn: HostConnection; offState: () => void }>();
  private readonly listeners = new Set<(hosts: Host[]) => void>();
  private readonly membership = new Set<(e: RegistryEvent) => void>();
  private started = false;
  private disposed = false;

  /** Add a host; it connects now if the registry runs (CONFLICT if the id is taken). */
  add(conn: HostConnection): void {
    if (this.disposed) throw RpcError.from('INTERNAL', 'The core is shutting down');
    if (this.hosts.has(conn.id)) throw RpcError.from('CONFLICT', `A host with id "${conn.id}" already exists`);
    const offState = conn.onState(() => this.changed());
    this.hosts.set(conn.id, { conn, offState });
    if (this.started) conn.start();
    this.emitMembership({ kind: 'added', conn });
    this.changed();
  }

  /** Stop and forget a host (its watchers and streams end with its connection). */
  remove(hostId: string): void {
    const entry = this.hosts.get(hostId);
    if (!entry) throw RpcError.from('NOT_FOUND', `No host with id "${hostId}"`, { reason: 'HOST_NOT_FOUND' });
    this.hosts.delete(hostId);
    entry.offState();
    entry.conn.stop();
    this.emitMembership({ kind: 'removed', conn: entry.conn });
    this.changed();
  }

  has(hostId: string): boolean {
    return this.hosts.has(hostId);
  }

  get(hostId: string): HostConnection {
    const h = this.hosts.get(hostId);
    if (!h) throw RpcError.from('NOT_FOUND', `No host with id "${hostId}"`, { reason: 'HOST_NOT_FOUND' });
    return h.conn;
  }

  list(): Host[] {
    return [...this.hosts.values()].map((h) => h.conn.host);
  }

  connections(): HostConnection[] {
    return [...this.hosts.values()].map((h) => h.conn);
  }

  /** The host list now and whenever a host is added, removed or changes state. */
  watch(listener: (hosts: Host[]) => void): () => void {
    this.listeners.add(listener);
    listener(this.list());
    return () => this.listeners.delete(listener);
  }

  /**
   * Run `attach` for every host now and every host added later; its returned cleanup runs when the
   * host is removed or the returned function is called. For features that follow all hosts
   * (history, terminals, the tray).
   */
  forEachHost(attach: (conn: HostConnection) => (() => void) | void): () => void {
    const cleanups = new Map<string, () => void>();
    const on = (conn: HostConnection): void => {
      const c = attach(conn);
      if (c) cleanups.set(conn.id, c);
    };
    for (const { conn } of this.hosts.values()) on(conn);
    const listener = (e: RegistryEvent): void => {
      if (e.kind === 'added') on(e.conn);
      else {
        cleanups.get(e.conn.id)?.();
        cleanups.delete(e.conn.id);
      }
    };
    this.membership.add(listener);
    return () => {
      this.membership.delete(listener);
      for (const c of cleanups.values()) c();
      cleanups.clear();
    };
  }

  /** A host was added or removed (not replayed for the hosts already there). */
  onMembership(listener: (e: { kind: 'added' | 'removed'; hostId: string }) => void): () => void {
    const l = (e: RegistryEvent): void => listener({ kind: e.kind, hostId: e.conn.id });
    this.membership.add(l);
    return () => this.membership.delete(l);
  }

  /** Engine events of every host (the "events" service): the listener gets the host id with each. */
  onEngineEvent<T extends EngineObjectType>(types: T | readonly T[] | '*', listener: (e: EngineEvent<T>, hostId: string) => void): () => void {
    return this.forEachHost((conn) => conn.onEngineEvent(types, (e) => listener(e, conn.id)));
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    for (const { conn } of this.hosts.values()) conn.start();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const { conn, offState } of this.hosts.values()) {
      offState();
      conn.stop();
    }
    this.listeners.clear();
    this.membership.clear();
  }

  private emitMembership(e: RegistryEvent): void {
    for (const l of [...this.membership]) l(e);
  }

  private changed(): void {
    const list = this.list();
    for (const l of this.listeners) l(list);
  }
}
