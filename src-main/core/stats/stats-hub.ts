// The stats pipeline of the core: ONE engine stats stream per running container, shared by every
// subscriber (reference-counted), opened and closed as containers start and stop (the host's watch
// patches) and as subscribers come and go. Each subscriber gets ONE batch per second with the
// derived numbers (formulas.ts) of the containers it asked for.
//
// Other core modules use the core's one hub (services.stats):
//   const off = services.stats.subscribe(hostId, 'all' | [ids], (batch: DerivedSample[]) => …);
//   off(); // last subscriber of a container gone → its engine stream is destroyed
import type { Readable } from 'node:stream';
import { engineAttached, type ContainerPatch, type ContainerSummary, type DerivedSample } from '../../contract';
import type { Logger } from '../../contract/handlers';
import { containerStatsOnce, containerStatsStream } from '../engine/engine-api';
import type { HostRegistry } from '../host-registry';
import { derive, hasPrevious, countersOf, type Counters, type EngineStats } from './formulas';
import { NdjsonSplitter } from './ndjson';

export type StatsListener = (batch: DerivedSample[]) => void;
export type Unsubscribe = () => void;

/** What the hub needs from a host (HostConnection fits). */
export interface StatsHost {
  readonly id: string;
  readonly cached: ContainerSummary[];
  /** Connection state (HostConnection.host); while not connected nothing is opened. */
  readonly host?: { state: string };
  watch(listener: (patch: ContainerPatch) => void): () => void;
}

export interface StatsHubOptions {
  getHost(hostId: string): StatsHost;
  /** Opens the engine's stats stream of one container (dockerode container.stats({stream:true})). */
  openStats(hostId: string, id: string): Promise<Readable>;
  /** One reading without waiting for a second one (GET /containers/{id}/stats?stream=false&one-shot=true). */
  readOnce?(hostId: string, id: string): Promise<EngineStats>;
  /** Period of background readings (ms). */
  backgroundMs?: number;
  logger: Logger;
  /** Batch period (ms). */
  flushMs?: number;
  /** Wait before reopening a stream that ended while its container still runs (ms). */
  reopenDelayMs?: number;
}

/** The public surface other modules (alerts, history, the stats.watch stream) depend on. */
export interface SubscribeOptions {
  /**
   * A background subscriber (history recording) does not need a reading every second: containers
   * that only background subscribers want are read once every `backgroundMs` (default 30 s) with a
   * one-shot request instead of holding a stream open. The engine streams stats by reading every
   * cgroup once a second, so 50 open streams cost dockerd several % of a core while nobody looks;
   * a reading every 30 s costs a thirtieth of that. A container someone watches live streams as usual,
   * and background subscribers get those 1 s samples too.
   */
  background?: boolean;
}

export interface StatsHubApi {
  /** Subscribe to some containers (ids or names) or to every running one. Returns the unsubscribe. */
  subscribe(hostId: string, ids: readonly string[] | 'all', listener: StatsListener, opts?: SubscribeOptions): Unsubscribe;
  /** The last sample of a container, if its stream is open. */
  latest(hostId: string, id: string): DerivedSample | undefined;
}

interface Sub {
  background: boolean;
  refs: readonly string[] | 'all';
  /** Full ids the refs resolve to (recomputed on every reconcile). */
  resolved: Set<string>;
  listener: StatsListener;
  pending: Map<string, DerivedSample>;
}

interface EngineStream {
  id: string;
  /** Kept current by reconcile, so a frame needs no lookup in the container table. */
  name: string;
  composeProject: string | undefined;
  readable: Readable | null;
  closed: boolean;
  prev: Counters | undefined;
}

/** A container read in the background (one-shot readings), with the previous reading for deltas. */
interface Polled {
  id: string;
  name: string;
  composeProject: string | undefined;
  prev: EngineStats | undefined;
  prevCounters: Counters | undefined;
  inFlight: boolean;
}

interface HostState {
  host: StatsHost;
  subs: Set<Sub>;
  streams: Map<string, EngineStream>;
  polled: Map<string, Polled>;
  pollTimer: NodeJS.Timeout | null;
  latest: Map<string, DerivedSample>;
  unwatch: () => void;
  reopenTimer: NodeJS.Timeout | null;
}

export class StatsHub implements StatsHubApi {
  private readonly hosts = new Map<string, HostState>();
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;
  /** Engine streams opened over the hub's life (tests check sharing with it). */
  streamsOpened = 0;

  constructor(private readonly opts: StatsHubOptions) {}

  /** Period of background readings (ms): the longest interval between two recorded readings of a running container. */
  get backgroundMs(): number {
    return this.opts.backgroundMs ?? 30_000;
  }

  subscribe(hostId: string, ids: readonly string[] | 'all', listener: StatsListener, opts: SubscribeOptions = {}): Unsubscribe {
    if (this.disposed) return () => {};
    const state = this.hostState(hostId);
    const sub: Sub = { background: opts.background === true && this.opts.readOnce !== undefined, refs: ids === 'all' ? 'all' : [...ids], resolved: new Set(), listener, pending: new Map() };
    state.subs.add(sub);
    this.reconcile(state);
    // Paint at once: what we already know about these containers goes out with the next batch.
    for (const id of sub.resolved) {
      const s = state.latest.get(id);
      if (s) sub.pending.set(id, s);
    }
    this.ensureTimer();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      state.subs.delete(sub);
      if (state.subs.size === 0) this.dropHost(hostId, state);
      else this.reconcile(state);
      if (this.hosts.size === 0) this.stopTimer();
    };
  }

  latest(hostId: string, id: string): DerivedSample | undefined {
    return this.hosts.get(hostId)?.latest.get(id);
  }

  /** Engine streams open right now (all hosts). */
  get openStreams(): number {
    let n = 0;
    for (const s of this.hosts.values()) n += s.streams.size;
    return n;
  }

  /** Subscribers right now (all hosts). */
  get subscriberCount(): number {
    let n = 0;
    for (const s of this.hosts.values()) n += s.subs.size;
    return n;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const [hostId, state] of [...this.hosts]) this.dropHost(hostId, state);
    this.stopTimer();
  }

  // ---- internals -------------------------------------------------------------------------

  private hostState(hostId: string): HostState {
    let state = this.hosts.get(hostId);
    if (state) return state;
    const host = this.opts.getHost(hostId); // throws NOT_FOUND for an unknown host
    const s: HostState = { host, subs: new Set(), streams: new Map(), polled: new Map(), pollTimer: null, latest: new Map(), unwatch: () => {}, reopenTimer: null };
    this.hosts.set(hostId, s);
    // Containers start and stop: the host's patches (driven by the shared events stream) say so.
    s.unwatch = host.watch(() => this.reconcile(s));
    state = s;
    return state;
  }

  private dropHost(hostId: string, state: HostState): void {
    state.unwatch();
    if (state.reopenTimer) clearTimeout(state.reopenTimer);
    if (state.pollTimer) clearInterval(state.pollTimer);
    state.pollTimer = null;
    state.polled.clear();
    for (const st of state.streams.values()) this.close(st);
    state.streams.clear();
    state.latest.clear();
    state.subs.clear();
    this.hosts.delete(hostId);
  }

  /** Open the streams that are wanted and running, close the others. */
  private reconcile(state: HostState): void {
    if (this.disposed || this.hosts.get(state.host.id) !== state) return;
    // Engine away: its streams are dead anyway; the snapshot after the reconnect reopens them.
    // Degraded or unresponsive: the streams are still open and resume when the engine answers.
    const connected = !state.host.host || engineAttached(state.host.host.state);
    const containers = connected ? state.host.cached : [];
    const running = new Set<string>();
    const byName = new Map<string, string>();
    for (const c of containers) {
      if (c.state === 'running') running.add(c.id);
      byName.set(c.name, c.id);
    }
    const resolve = (ref: string): string | undefined => {
      const r = ref.replace(/^\//, '');
      if (byName.has(r)) return byName.get(r);
      for (const c of containers) if (c.id === r || (r.length >= 4 && c.id.startsWith(r))) return c.id;
      return undefined;
    };
    const wanted = new Set<string>(); // streamed: someone watches live
    const background = new Set<string>(); // read once every backgroundMs
    for (const sub of state.subs) {
      sub.resolved.clear();
      if (sub.refs === 'all') {
        for (const id of running) sub.resolved.add(id);
      } else {
        for (const ref of sub.refs) {
          const id = resolve(ref);
          if (id) sub.resolved.add(id);
        }
      }
      for (const id of sub.resolved) if (running.has(id)) (sub.background ? background : wanted).add(id);
    }
    for (const id of wanted) background.delete(id);
    this.reconcilePolled(state, containers, background);
    for (const [id, st] of state.streams) {
      const c = containers.find((x) => x.id === id);
      if (c) {
        st.name = c.name;
        st.composeProject = c.composeProject;
      }
      if (!wanted.has(id)) {
        this.close(st);
        state.streams.delete(id);
        if (!state.polled.has(id)) state.latest.delete(id);
      }
    }
    for (const c of containers) if (wanted.has(c.id) && !state.streams.has(c.id)) this.open(state, c);
  }

  private reconcilePolled(state: HostState, containers: readonly ContainerSummary[], ids: Set<string>): void {
    for (const id of [...state.polled.keys()]) {
      if (!ids.has(id)) {
        state.polled.delete(id);
        if (!state.streams.has(id)) state.latest.delete(id);
      }
    }
    for (const c of containers) {
      if (!ids.has(c.id)) continue;
      const p = state.polled.get(c.id);
      if (p) {
        p.name = c.name;
        p.composeProject = c.composeProject;
      } else {
        state.polled.set(c.id, { id: c.id, name: c.name, composeProject: c.composeProject, prev: undefined, prevCounters: undefined, inFlight: false });
      }
    }
    if (state.polled.size > 0 && !state.pollTimer) {
      state.pollTimer = setInterval(() => void this.pollOnce(state), this.backgroundMs);
      state.pollTimer.unref?.();
      void this.pollOnce(state); // the first reading now, so the second one has deltas
    } else if (state.polled.size === 0 && state.pollTimer) {
      clearInterval(state.pollTimer);
      state.pollTimer = null;
    }
  }

  /** One reading of every background container, at most 4 requests at a time. */
  private async pollOnce(state: HostState): Promise<void> {
    const readOnce = this.opts.readOnce;
    if (!readOnce) return;
    const queue = [...state.polled.values()].filter((p) => !p.inFlight);
    const worker = async (): Promise<void> => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        if (state.polled.get(p.id) !== p) continue;
        p.inFlight = true;
        try {
          const frame = await readOnce(state.host.id, p.id);
          if (state.polled.get(p.id) !== p || this.disposed) continue;
          const prev = p.prev;
          p.prev = frame;
          if (!prev) {
            p.prevCounters = countersOf(frame);
            continue;
          }
          // A one-shot reading has no precpu: our previous reading is the "pre" of this one.
          const withPre: EngineStats = { ...frame, precpu_stats: prev.cpu_stats };
          if (!hasPrevious(withPre)) continue;
          const meta = { hostId: state.host.id, id: p.id, name: p.name, composeProject: p.composeProject };
          const { sample, counters } = derive(meta, withPre, p.prevCounters);
          p.prevCounters = counters;
          state.latest.set(p.id, sample);
          for (const sub of state.subs) if (sub.resolved.has(p.id)) sub.pending.set(p.id, sample);
        } catch (e) {
          // Stopped between two readings, or the engine is away: the next patch reconciles.
          this.opts.logger.warn(`stats ${state.host.id}/${p.id.slice(0, 12)}: background reading failed`, (e as Error)?.message ?? e);
        } finally {
          p.inFlight = false;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
  }

  private open(state: HostState, c: ContainerSummary): void {
    const id = c.id;
    const st: EngineStream = { id, name: c.name, composeProject: c.composeProject, readable: null, closed: false, prev: undefined };
    state.streams.set(id, st);
    this.streamsOpened++;
    const hostId = state.host.id;
    this.opts.openStats(hostId, id).then(
      (readable) => {
        if (st.closed) {
          readable.on('error', () => {});
          readable.destroy();
          return;
        }
        st.readable = readable;
        const splitter = new NdjsonSplitter<EngineStats>();
        readable.on('data', (chunk: Buffer | string) => {
          for (const frame of splitter.push(chunk)) this.onFrame(state, st, frame);
        });
        const ended = (e?: unknown): void => {
          if (st.closed) return;
          if (e) this.opts.logger.warn(`stats ${hostId}/${id.slice(0, 12)}: stream error`, e);
          this.lost(state, st);
        };
        readable.on('end', () => ended());
        readable.on('close', () => ended());
        readable.on('error', (e) => ended(e));
      },
      (e: unknown) => {
        if (st.closed) return;
        // Not running any more (404/409), or the engine is away: the next patch or snapshot retries.
        this.opts.logger.warn(`stats ${hostId}/${id.slice(0, 12)}: could not open the stats stream`, (e as Error)?.message ?? e);
        this.lost(state, st);
      },
    );
  }

  /** A stream ended on its own: forget it, and reopen later if the container still runs. */
  private lost(state: HostState, st: EngineStream): void {
    this.close(st);
    if (state.streams.get(st.id) === st) state.streams.delete(st.id);
    state.latest.delete(st.id);
    if (state.reopenTimer || this.disposed) return;
    state.reopenTimer = setTimeout(() => {
      state.reopenTimer = null;
      this.reconcile(state);
    }, this.opts.reopenDelayMs ?? 2000);
    state.reopenTimer.unref?.();
  }

  private close(st: EngineStream): void {
    st.closed = true;
    const r = st.readable;
    st.readable = null;
    if (r) {
      r.removeAllListeners('data');
      r.removeAllListeners('end');
      r.removeAllListeners('close');
      r.removeAllListeners('error');
      r.on('error', () => {});
      r.destroy();
    }
  }

  private onFrame(state: HostState, st: EngineStream, frame: EngineStats): void {
    if (st.closed) return;
    if (!hasPrevious(frame)) {
      // First frame: no previous CPU reading. Keep its counters so the next frame has rates.
      st.prev = countersOf(frame);
      return;
    }
    const meta = { hostId: state.host.id, id: st.id, name: st.name, composeProject: st.composeProject };
    const { sample, counters } = derive(meta, frame, st.prev);
    st.prev = counters;
    state.latest.set(st.id, sample);
    for (const sub of state.subs) if (sub.resolved.has(st.id)) sub.pending.set(st.id, sample);
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flush(), this.opts.flushMs ?? 1000);
    this.timer.unref?.();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One batch per subscriber per period, only when it has something new. */
  flush(): void {
    for (const state of this.hosts.values()) {
      for (const sub of [...state.subs]) {
        if (sub.pending.size === 0) continue;
        const batch = [...sub.pending.values()];
        sub.pending.clear();
        try {
          sub.listener(batch);
        } catch (e) {
          this.opts.logger.warn('stats subscriber threw', e);
        }
      }
    }
  }
}

/** The core's one StatsHub (the "stats" service), over the engines of the registry's hosts. */
export function createStatsHub(hosts: HostRegistry, logger: Logger): StatsHub {
  return new StatsHub({
    getHost: (hostId) => hosts.get(hostId),
    openStats: (hostId, id) => containerStatsStream(hosts.get(hostId).client(), id),
    // one-shot (API ≥ 1.41) answers at once instead of waiting for a second reading.
    readOnce: (hostId, id) => containerStatsOnce(hosts.get(hostId).client(), id),
    logger,
  });
}
