// ResourcesService: the live lists of images, volumes and networks, one shared ListFeed per host and
// kind, kept current by the host's one shared engine events stream (never a second /events request)
// and by our own commands. Handlers (services/{images,volumes,networks,disk}-handlers.ts) are thin
// adapters over it. One per core: ctx.services.resources (built in create-core, disposed with it).
import type Dockerode from 'dockerode';
import type { HostRegistry } from '../host-registry';
import type { EngineObjectType, HostConnection } from '../engine/host-connection';
import type { Logger } from '../../contract/handlers';
import { ListFeed } from './list-feed';
import { fetchImageRows } from './images-engine';
import { fetchNetworkRows } from './networks-engine';
import { VolumeSizes, fetchVolumeRows } from './volumes-engine';
import { fetchProjectRows } from '../compose/compose-projects';

/** project: compose projects, grouped from their containers' labels. */
export type ResourceKind = 'image' | 'volume' | 'network' | 'project';

/** The engine object types whose events change each list (usage counts come from containers). */
const TRIGGERS: Record<ResourceKind, readonly EngineObjectType[]> = {
  image: ['image', 'container'],
  volume: ['volume', 'container'],
  network: ['network', 'container'],
  project: ['container'],
};

const CONTAINER_CHANGES = new Set(['create', 'destroy', 'rename']);
/** A project row shows its containers' states too. */
const CONTAINER_STATE_CHANGES = new Set([...CONTAINER_CHANGES, 'start', 'die', 'pause', 'unpause']);

export interface ResourceHost {
  readonly id: string;
  client(): Dockerode;
  onState(listener: (h: { state: string }) => void): () => void;
  /** Engine events of the given object types from the host's shared stream (container events: only those that change membership, or also state changes). */
  onObjectEvent(types: readonly EngineObjectType[], listener: () => void, containers?: 'membership' | 'state'): () => void;
}

/** Adapts a HostConnection: object events of every type from its one events stream. */
export function resourceHost(conn: HostConnection): ResourceHost {
  return {
    id: conn.id,
    client: () => conn.client(),
    onState: (l) => conn.onState(l),
    // A container only changes these lists when it appears or goes (not on exec, health, stats…);
    // the projects list also when it starts or stops.
    onObjectEvent: (types, listener, containers = 'membership') => {
      const counted = containers === 'state' ? CONTAINER_STATE_CHANGES : CONTAINER_CHANGES;
      return conn.onEngineEvent(types, (e) => (e.type !== 'container' || counted.has(e.action)) && listener());
    },
  };
}

export class ResourcesService {
  private readonly feeds = new Map<string, ListFeed<unknown>>();

  private readonly volumeSizes = new Map<string, VolumeSizes>();

  constructor(private readonly opts: { getHost(hostId: string): ResourceHost; logger: Logger }) {}

  static forHosts(hosts: HostRegistry, logger: Logger): ResourcesService {
    return new ResourcesService({ getHost: (hostId) => resourceHost(hosts.get(hostId)), logger });
  }

  /** Nothing runs until a page subscribes. */
  start(): void {}

  private sizesOf(hostId: string): VolumeSizes {
    let s = this.volumeSizes.get(hostId);
    if (!s) this.volumeSizes.set(hostId, (s = new VolumeSizes()));
    return s;
  }

  private fetch(kind: ResourceKind, host: ResourceHost): Promise<unknown[]> {
    const docker = host.client();
    if (kind === 'image') return fetchImageRows(docker);
    if (kind === 'network') return fetchNetworkRows(docker);
    if (kind === 'project') return fetchProjectRows(docker);
    // Rows at once with the sizes known so far; a new measure (when something changed) follows as a patch.
    const sizes = this.sizesOf(host.id);
    const rows = fetchVolumeRows(docker, sizes.current);
    sizes.refreshIfDirty(
      docker,
      () => this.touched(host.id, 'volume'),
      (e) => this.opts.logger.info(`resources: volume sizes of ${host.id}: ${(e as Error).message ?? e}`),
    );
    return rows;
  }

  private key(kind: ResourceKind, item: unknown): string {
    return kind === 'volume' || kind === 'project' ? (item as { name: string }).name : (item as { id: string }).id;
  }

  feed<T>(hostId: string, kind: ResourceKind): ListFeed<T> {
    const k = `${hostId}\u0000${kind}`;
    let f = this.feeds.get(k);
    if (!f) {
      const host = this.opts.getHost(hostId);
      f = new ListFeed<unknown>({
        fetch: () => this.fetch(kind, host),
        key: (item) => this.key(kind, item),
        listen: (changed) => {
          const trigger = (): void => {
            if (kind === 'volume') this.sizesOf(hostId).markDirty();
            changed();
          };
          const offEvents = host.onObjectEvent(TRIGGERS[kind], trigger, kind === 'project' ? 'state' : 'membership');
          // After a reconnect the list may have changed while we could not hear events.
          const offState = host.onState((h) => h.state === 'connected' && trigger());
          return () => {
            offEvents();
            offState();
          };
        },
        onError: (e) => this.opts.logger.info(`resources: could not read the ${kind} list of ${hostId}: ${(e as Error).message ?? e}`),
      });
      this.feeds.set(k, f);
    }
    return f as ListFeed<T>;
  }

  /** A command of ours changed the host's objects: re-read now (the events confirm it later too). */
  touched(hostId: string, ...kinds: ResourceKind[]): void {
    for (const kind of kinds) this.feeds.get(`${hostId}\u0000${kind}`)?.changed(0);
  }

  /** Something changed volume contents or the set (a restore, a prune): measure sizes again. */
  volumesChanged(hostId: string): void {
    this.sizesOf(hostId).markDirty();
    this.touched(hostId, 'volume');
  }

  async dispose(): Promise<void> {
    for (const f of this.feeds.values()) f.dispose();
    this.feeds.clear();
  }
}
