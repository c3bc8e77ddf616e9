// Merged logs of a compose project: one follower per container, lines tagged with the service
// (or, for a scaled service, service-N), interleaved by timestamp through a streaming k-way merge
// (merger.ts): memory is bounded per container whatever the history size, a container whose queue
// is full stops being read (its lines wait in the engine), the merge yields to the event loop every
// few thousand lines, and a slow viewer holds every container (pause/resume). Containers that join
// the project later (compose up --scale, a new service) are picked up from start events.
import type Dockerode from 'dockerode';
import type { Logger } from '../../contract/handlers';
import type { EngineEvent } from '../engine/host-connection';
import { ContainerLogFollower, inspectForLogs, type FollowerEvent, type LogTarget } from './follower';
import { KWayMerger } from './merger';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';
const NUMBER_LABEL = 'com.docker.compose.container-number';

export interface ProjectLine {
  ts: number;
  stream: 'stdout' | 'stderr';
  text: string;
  src: string;
}

export interface ProjectSource {
  id: string;
  name: string;
  service: string;
  src: string;
  tty: boolean;
}

export interface ProjectFollowOptions {
  docker(): Dockerode;
  onEngineEvent(listener: (e: EngineEvent<'container'>) => void): () => void;
  project: string;
  services?: string[];
  tail: number | 'all';
  windowMs?: number;
  onSources(sources: ProjectSource[]): void;
  onLines(lines: ProjectLine[]): void;
  onEvent(ev: FollowerEvent & { src?: string }): void;
  onError(e: unknown): void;
  logger: Logger;
  /** Bytes one container's queue may hold before it stops being read (default 128 KiB, merger.ts). */
  maxBytesPerSource?: number;
  /** Lines handed out per turn of the event loop (default 5,000). */
  sliceLines?: number;
}

/** A follower's marker, kept in order with the lines around it. */
interface Marker {
  ts: number;
  ev: FollowerEvent & { src?: string };
}
/** A line (queued as is: no wrapper object per line), or a marker. */
type Item = ProjectLine | Marker;
const isMarker = (it: Item): it is Marker => (it as Marker).ev !== undefined;

const BATCH = 1000;

export class ProjectLogFollower {
  private readonly followers = new Map<string, ContainerLogFollower>();
  private readonly sources = new Map<string, ProjectSource>();
  private readonly merger: KWayMerger<Item>;
  private timer: NodeJS.Timeout | null = null;
  private offEvents: (() => void) | null = null;
  private stopped = false;
  private historyEmitted = false;
  /** The viewer is behind: hold every container and the merge. */
  private held = false;
  private pumpQueued = false;

  constructor(private readonly o: ProjectFollowOptions) {
    this.merger = new KWayMerger<Item>({
      windowMs: o.windowMs ?? 100,
      maxBytesPerSource: o.maxBytesPerSource,
      sizeOf: (it) => (isMarker(it) ? 64 : it.text.length + 64),
      onFull: (id) => this.applyHold(id),
    });
  }

  async start(): Promise<void> {
    const docker = this.o.docker();
    const list = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${this.o.project}`] } });
    const targets = await Promise.all(list.filter((c) => this.wanted(c.Labels?.[SERVICE_LABEL] ?? '')).map((c) => inspectForLogs(docker, c.Id)));
    if (this.stopped) return;
    const perService = new Map<string, number>();
    for (const t of targets) perService.set(this.serviceOf(t), (perService.get(this.serviceOf(t)) ?? 0) + 1);
    for (const t of targets) this.sources.set(t.id, this.sourceOf(t, (perService.get(this.serviceOf(t)) ?? 0) > 1));
    this.o.onSources([...this.sources.values()]);
    this.offEvents = this.o.onEngineEvent((e) => this.onEngineEvent(e));
    // Live lines wait `windowMs` for the other containers: release them on a timer too.
    this.timer = setInterval(() => this.schedule(), 50);
    for (const t of targets) this.follow(t, this.o.tail);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.followers.values()) f.stop();
    this.followers.clear();
    this.offEvents?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Hold every container's engine stream and the merge for a slow viewer. */
  pause(): void {
    this.held = true;
    for (const id of this.followers.keys()) this.applyHold(id);
  }

  resume(): void {
    this.held = false;
    for (const id of this.followers.keys()) this.applyHold(id);
    this.schedule();
  }

  /** Bytes the merge holds now (tests, metrics). */
  get queuedBytes(): number {
    return this.merger.bytes;
  }

  private applyHold(id: string): void {
    const f = this.followers.get(id);
    if (!f) return;
    if (this.held || this.merger.isFull(id)) f.pauseReading();
    else f.resumeReading();
  }

  private schedule(): void {
    if (this.pumpQueued || this.stopped) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Hand out what may go now, a slice per turn of the event loop. */
  private pump(): void {
    if (this.stopped || this.held) return;
    const history = this.merger.inHistory;
    // Once every container has sent its history, what is queued is older than anything to come.
    const force = !history && !this.historyEmitted;
    const items = this.merger.take(Date.now(), this.o.sliceLines ?? 5000, force);
    let lines: ProjectLine[] = [];
    const flush = (): void => {
      if (lines.length > 0) this.o.onLines(lines);
      lines = [];
    };
    for (const it of items) {
      if (this.stopped) return;
      if (!isMarker(it)) {
        lines.push(it);
        if (lines.length >= BATCH) flush();
      } else {
        flush();
        this.o.onEvent(it.ev);
      }
    }
    flush();
    if (this.stopped) return;
    if (force && this.merger.size === 0) {
      this.historyEmitted = true;
      this.o.onEvent({ kind: 'caught-up' });
    }
    // More may go at once (a big history): continue on the next turn, unless the viewer is behind.
    if (items.length > 0 && !this.held) this.schedule();
  }

    private wanted(service: string): boolean {
    return !this.o.services || this.o.services.length === 0 || this.o.services.includes(service);
  }

  private serviceOf(t: LogTarget): string {
    return t.labels[SERVICE_LABEL] ?? t.name;
  }

  private sourceOf(t: LogTarget, scaled: boolean): ProjectSource {
    const service = this.serviceOf(t);
    const n = t.labels[NUMBER_LABEL];
    return { id: t.id, name: t.name, service, src: scaled ? `${service}-${n ?? t.id.slice(0, 6)}` : service, tty: t.tty };
  }

  private follow(t: LogTarget, tail: number | 'all'): void {
    const src = this.sources.get(t.id)!.src;
    this.merger.addSource(t.id, 'history');
    const f = new ContainerLogFollower({
      docker: this.o.docker,
      onEngineEvent: this.o.onEngineEvent,
      target: t,
      tail,
      logger: this.o.logger,
      onLine: (l) => {
        this.merger.push(t.id, { ts: l.ts, stream: l.stream, text: l.text, src }, Date.now());
        this.schedule();
      },
      onEvent: (ev) => {
        if (ev.kind === 'caught-up') this.merger.setLive(t.id);
        else {
          // A marker goes through the merge, after this container's lines before it.
          this.merger.push(t.id, { ts: this.merger.markerTs(t.id, ev.at), ev: { ...ev, src } }, Date.now());
          if (ev.kind === 'state' && ev.state === 'removed') {
            this.followers.delete(t.id);
            this.merger.end(t.id);
          }
        }
        this.schedule();
      },
      onError: (e) => {
        this.o.logger.warn(`project logs: ${t.name}`, e);
        this.followers.delete(t.id);
        this.merger.end(t.id);
        this.schedule();
      },
    });
    this.followers.set(t.id, f);
    if (this.held) f.pauseReading();
    f.start();
  }

  private onEngineEvent(e: EngineEvent<'container'>): void {
    if (this.stopped || e.action !== 'start' || this.followers.has(e.id)) return;
    if (e.attributes[PROJECT_LABEL] !== this.o.project || !this.wanted(e.attributes[SERVICE_LABEL] ?? '')) return;
    void (async () => {
      try {
        const t = await inspectForLogs(this.o.docker(), e.id);
        if (this.stopped || this.followers.has(t.id)) return;
        const scaled = [...this.sources.values()].some((s) => s.service === this.serviceOf(t) && s.id !== t.id);
        this.sources.set(t.id, this.sourceOf(t, scaled));
        this.o.onSources([...this.sources.values()]);
        this.follow(t, 'all');
      } catch (err) {
        this.o.logger.warn('project logs: new container', err);
      }
    })();
  }
}
