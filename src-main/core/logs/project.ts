// Merged logs of a compose project: one follower per container, lines tagged with the service
// (or, for a scaled service, service-N), interleaved by timestamp through a TimeMerger. Containers
// that join the project later (compose up --scale, a new service) are picked up from start events.
import type Dockerode from 'dockerode';
import type { Logger } from '../../contract/handlers';
import type { EngineEvent } from '../engine/host-connection';
import { ContainerLogFollower, inspectForLogs, type FollowerEvent, type LogTarget } from './follower';
import { TimeMerger } from './merger';

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
}

export class ProjectLogFollower {
  private readonly followers = new Map<string, ContainerLogFollower>();
  private readonly sources = new Map<string, ProjectSource>();
  private readonly merger: TimeMerger<ProjectLine>;
  private timer: NodeJS.Timeout | null = null;
  private offEvents: (() => void) | null = null;
  private waitingHistory = new Set<string>();
  private stopped = false;
  private historyEmitted = false;
  private held = false;

  constructor(private readonly o: ProjectFollowOptions) {
    this.merger = new TimeMerger<ProjectLine>(o.windowMs ?? 100, { holdUntilReady: true });
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
    this.timer = setInterval(() => this.tick(), 50);
    if (targets.length === 0) this.historyDone();
    for (const t of targets) this.follow(t, this.o.tail);
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.followers.values()) f.stop();
    this.followers.clear();
    this.offEvents?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Hold every container's engine stream for a slow viewer (see ContainerLogFollower.pauseReading). */
  pause(): void {
    this.held = true;
    for (const f of this.followers.values()) f.pauseReading();
  }

  resume(): void {
    this.held = false;
    for (const f of this.followers.values()) f.resumeReading();
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
    this.waitingHistory.add(t.id);
    const f = new ContainerLogFollower({
      docker: this.o.docker,
      onEngineEvent: this.o.onEngineEvent,
      target: t,
      tail,
      logger: this.o.logger,
      onLine: (l) => this.merger.push([{ ts: l.ts, stream: l.stream, text: l.text, src }], Date.now()),
      onEvent: (ev) => {
        if (ev.kind === 'caught-up') {
          this.waitingHistory.delete(t.id);
          if (this.waitingHistory.size === 0) this.historyDone();
          return;
        }
        // Keep markers in order with the lines around them.
        this.tick(true);
        this.o.onEvent({ ...ev, src });
        if (ev.kind === 'state' && ev.state === 'removed') this.followers.delete(t.id);
      },
      onError: (e) => {
        this.o.logger.warn(`project logs: ${t.name}`, e);
        this.followers.delete(t.id);
        this.waitingHistory.delete(t.id);
        if (this.waitingHistory.size === 0) this.historyDone();
      },
    });
    this.followers.set(t.id, f);
    if (this.held) f.pauseReading();
    f.start();
  }

  private historyDone(): void {
    if (this.historyEmitted) return;
    this.historyEmitted = true;
    this.merger.ready();
    this.tick();
    this.o.onEvent({ kind: 'caught-up' });
  }

  private tick(all = false): void {
    if (this.stopped) return;
    const lines = this.merger.release(Date.now(), all && this.waitingHistory.size === 0);
    for (let i = 0; i < lines.length; i += 1000) this.o.onLines(lines.slice(i, i + 1000));
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
