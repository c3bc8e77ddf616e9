// The wake controller: per service, its containers, state (sleeping → waking → awake → sleeping, or
// failed / unavailable), activity and counters.
//
// - One wake per service at a time, however many requests arrive (they share one promise).
// - Ready when the container's HEALTHCHECK says healthy; else the HTTP probe (ready.http, or by default
//   GET / answering below 500); else, with ready.tcp, a TCP connect. Bounded by ready.timeout, then
//   ready.settle. The container exiting or turning unhealthy fails the wake at once.
// - A failed wake says why and is not retried before `failBackoffMs`.
// - Activity: Caddy's own per-upstream counts from /reverse_proxy/upstreams, polled every second while
//   a service is awake: requests answered in the last 3 s (`fails`, see ACTIVITY_WINDOW_MS in
//   caddy-config.ts; ignored user agents and paths take a route that is not counted) and requests in
//   flight (`num_requests`), so a long download or a WebSocket keeps the service awake. Requests for a
//   sleeping service reach the waker, which notes them (noteRequest).
// - Sleep when idle for idle.after + idle.grace with nothing in flight; never while waking.
// - Containers started or stopped outside WakeDock: the engine's events update the state; a container
//   started elsewhere is adopted (it gets the idle timer from the moment it was seen running).
import { connect } from 'node:net';
import { request } from 'node:http';
import type Dockerode from 'dockerode';
import type { DerivedSample } from '../../contract';
import type { Logger } from '../../contract/handlers';
import { DEFAULT_IDLE_WINDOW, parseDuration, type WakeCounters, type WakeService, type WakeServiceView, type WakeState } from '../../contract/wake-service';
import { containerStatsOnce } from '../engine/engine-api';
import { memUsedNoCache } from '../stats/formulas';
import type { Upstream } from '../caddy/caddy-admin-client';
import { ACTIVITY_WINDOW_MS, WAKEDOCK_PATH_PREFIX, type CaddyRouteService } from '../caddy/caddy-config';

export interface ServiceDecl {
  definition: WakeService;
  source: 'labels' | 'stored';
}

interface Runtime {
  decl: ServiceDecl;
  ids: string[];
  /** The first replica's address (what a held request is forwarded to). */
  upstream?: string;
  /** Every replica's published loopback address, in `ids` order. */
  upstreams: string[];
  /** Why the service cannot be routed (no container, port not published). */
  unavailable?: string;
  state: WakeState;
  message?: string;
  wake: Promise<void> | null;
  sleep: Promise<void> | null;
  wakingSince?: number;
  retryAt?: number;
  lastActivity: number;
  lastRequestAt?: number;
  inFlight: number;
  wakes: number;
  coldStarts: number[];
  lastWakeAt?: number;
  /** Time asleep before the current sleep, ms. */
  asleepMs: number;
  /** When the current sleep began (sleeping only). */
  asleepSince?: number;
  /** Memory the containers used when last put to sleep, bytes. */
  memoryBytes?: number;
  /** Their average CPU (% of one core, summed) over the awake period that ended with the last sleep. */
  cpuPercent?: number;
  /** CPU time saved by sleeps that ended (ms of one core): each sleep × the average CPU before it. */
  cpuSavedMs: number;
  /** Usage readings while awake, for the idle thresholds (summed over the containers, one per second). */
  usage: { t: number; cpu: number; mem: number }[];
  /** The stats subscription while awake with thresholds, and the containers it covers. */
  usageOff?: () => void;
  usageKey?: string;
  /** When the subscription began: without a reading yet, a threshold service waits up to its window. */
  usageSince?: number;
  /** Why an idle service stays awake ("CPU 37% > 5%"). */
  busy?: string;
}

/** A service's lifecycle: woken (containers started and ready), put to sleep, or a wake that failed. */
export interface WakeLifecycleEvent {
  service: string;
  event: 'started' | 'stopped' | 'failed';
  /** Epoch ms. */
  at: number;
  /** Why (failed), or what triggered it ("request", "idle", "wake now"). */
  reason: string;
  /** The failure's message. */
  message?: string;
  /** Cold start, ms (started). */
  coldStartMs?: number;
}

/** The core's stats pipeline (StatsHub) for one host: one batch per second of derived samples. */
export type UsageSource = (ids: readonly string[], listener: (batch: DerivedSample[]) => void) => () => void;

/** Where the counters are kept between runs (the store's `wakeCounters` section in the core). */
export interface CountersPort {
  load(): WakeCounters[];
  save(next: WakeCounters[]): Promise<unknown>;
}

export interface WakeControllerOptions {
  docker: () => Dockerode;
  logger: Logger;
  /** Requests in flight and recently answered per upstream (Caddy's /reverse_proxy/upstreams); null when no Caddy. */
  upstreams?: () => Promise<Upstream[]>;
  now?: () => number;
  tickMs?: number;
  /** How often Caddy's counts are read while a service is awake or paused (default 1 s; at most half of ACTIVITY_WINDOW_MS). */
  pollMs?: number;
  failBackoffMs?: number;
  counters?: CountersPort;
  /** How long counter changes wait before they are written (default 2 s; dispose writes at once). */
  saveDelayMs?: number;
  /** CPU/memory of the containers (the stats pipeline), for idle.cpu_below_percent / memory_below_mb. */
  usage?: UsageSource;
}

const ms = (d: string): number => parseDuration(d) ?? 0;
const median = (xs: number[]): number | undefined => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : Math.round(((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2);
};
const sleepMs = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));

export class WakeError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'INTERNAL' = 'INTERNAL',
  ) {
    super(message);
  }
}

export class WakeController {
  private services = new Map<string, Runtime>();
  private byHostMap = new Map<string, string>();
  private byUpstream = new Map<string, string>();
  private listeners = new Set<() => void>();
  private tickTimer: NodeJS.Timeout | null = null;
  private lastPoll = 0;
  private polling = false;
  private disposed = false;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<unknown> = Promise.resolve();
  /** Counters of services read at start, applied when the service is declared. */
  private restored = new Map<string, WakeCounters>();
  private readonly now: () => number;
  /** Containers this controller started (tests count them; the engine's events are the real proof). */
  starts = 0;

  constructor(private readonly opts: WakeControllerOptions) {
    this.now = opts.now ?? Date.now;
    try {
      for (const c of opts.counters?.load() ?? []) this.restored.set(c.name, c);
    } catch (e) {
      opts.logger.warn('wake: could not read the counters', e);
    }
  }

  // ---- counters ----------------------------------------------------------------------------------

  /** The counters of every declared service (and of ones read at start and not declared yet). */
  counters(): WakeCounters[] {
    const out = new Map(this.restored);
    for (const [name, rt] of this.services) {
      const c: WakeCounters = { name, wakes: rt.wakes, coldStarts: [...rt.coldStarts], asleepMs: Math.round(rt.asleepMs) };
      if (rt.lastRequestAt !== undefined) c.lastRequestAt = rt.lastRequestAt;
      if (rt.lastWakeAt !== undefined) c.lastWakeAt = rt.lastWakeAt;
      if (rt.asleepSince !== undefined) c.asleepSince = rt.asleepSince;
      if (rt.memoryBytes !== undefined) c.memoryBytes = rt.memoryBytes;
      if (rt.cpuPercent !== undefined) c.cpuPercent = rt.cpuPercent;
      if (rt.cpuSavedMs > 0) c.cpuSavedMs = Math.round(rt.cpuSavedMs);
      out.set(name, c);
    }
    return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private scheduleSave(): void {
    if (!this.opts.counters || this.saveTimer || this.disposed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveNow();
    }, this.opts.saveDelayMs ?? 2000);
    this.saveTimer.unref?.();
  }

  private saveNow(): Promise<unknown> {
    const port = this.opts.counters;
    if (!port) return Promise.resolve();
    const next = this.counters();
    this.saving = this.saving.then(() => port.save(next)).catch((e) => this.opts.logger.warn('wake: could not save the counters', e));
    return this.saving;
  }

  /** The service went to sleep (or was found asleep): time asleep counts from `at`. */
  private markAsleep(rt: Runtime, at = this.now()): void {
    if (rt.asleepSince === undefined) {
      rt.asleepSince = at;
      this.scheduleSave();
    }
  }

  /** The service is waking or awake: the current sleep ends. */
  private markAwake(rt: Runtime, at = this.now()): void {
    if (rt.asleepSince !== undefined) {
      const slept = Math.max(0, at - rt.asleepSince);
      rt.asleepMs += slept;
      rt.cpuSavedMs += ((rt.cpuPercent ?? 0) / 100) * slept;
      rt.asleepSince = undefined;
      this.scheduleSave();
    }
  }

  private lifecycle = new Set<(e: WakeLifecycleEvent) => void>();

  /** Started / stopped / failed (webhooks, alerts). */
  onLifecycle(fn: (e: WakeLifecycleEvent) => void): () => void {
    this.lifecycle.add(fn);
    return () => this.lifecycle.delete(fn);
  }

  private announce(e: WakeLifecycleEvent): void {
    for (const l of this.lifecycle) {
      try {
        l(e);
      } catch (err) {
        this.opts.logger.warn('wake: lifecycle listener failed', err);
      }
    }
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (e) {
        this.opts.logger.warn('wake: change listener failed', e);
      }
    }
  }

  start(): void {
    if (this.tickTimer) return;
    this.tickTimer = setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    this.tickTimer.unref?.();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.listeners.clear();
    this.lifecycle.clear();
    for (const rt of this.services.values()) this.stopUsage(rt);
    await Promise.allSettled([...this.services.values()].flatMap((s) => [s.wake, s.sleep].filter(Boolean)));
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await this.saveNow();
  }

  // ---- declarations ------------------------------------------------------------------------------

  /** Replace the declared services; runtime state (counters, activity) is kept per name. */
  async setServices(decls: ServiceDecl[]): Promise<void> {
    const next = new Map<string, Runtime>();
    for (const decl of decls) {
      const prev = this.services.get(decl.definition.name);
      const saved = prev ? undefined : this.restored.get(decl.definition.name);
      const rt: Runtime = prev ?? {
        decl,
        ids: [],
        upstreams: [],
        state: 'sleeping',
        wake: null,
        sleep: null,
        lastActivity: this.now(),
        inFlight: 0,
        wakes: saved?.wakes ?? 0,
        coldStarts: saved ? [...saved.coldStarts] : [],
        lastRequestAt: saved?.lastRequestAt,
        lastWakeAt: saved?.lastWakeAt,
        asleepMs: saved?.asleepMs ?? 0,
        asleepSince: saved?.asleepSince,
        memoryBytes: saved?.memoryBytes,
        cpuPercent: saved?.cpuPercent,
        cpuSavedMs: saved?.cpuSavedMs ?? 0,
        usage: [],
      };
      rt.decl = decl;
      next.set(decl.definition.name, rt);
    }
    for (const [name, rt] of this.services) if (!next.has(name)) this.stopUsage(rt);
    this.services = next;
    await Promise.all([...next.values()].map((rt) => this.resolve(rt)));
    for (const rt of next.values()) {
      // Asleep since it was first seen asleep (or since the sleep the store remembers).
      if (rt.state === 'sleeping') this.markAsleep(rt);
      this.restored.delete(rt.decl.definition.name);
    }
    this.reindex();
    this.emit();
  }

  private reindex(): void {
    this.byHostMap.clear();
    this.byUpstream.clear();
    for (const [name, rt] of this.services) {
      for (const h of rt.decl.definition.hosts) this.byHostMap.set(h.toLowerCase(), name);
      for (const u of rt.upstreams) this.byUpstream.set(u, name);
    }
  }

  /** Re-read containers and states of every service (after engine create/destroy/rename events). */
  async refresh(): Promise<void> {
    await Promise.all([...this.services.values()].map((rt) => this.resolve(rt)));
    this.reindex();
    this.emit();
  }

  private async containerIds(def: WakeService): Promise<string[]> {
    const docker = this.opts.docker();
    if (def.compose) {
      const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${def.compose.project}`, `com.docker.compose.service=${def.compose.service}`] } });
      return list.map((c) => c.Id).sort();
    }
    return def.containers ?? (def.container ? [def.container] : []);
  }

  /**
   * A service's containers and the loopback address Caddy dials (its published port), or why it
   * cannot be routed. Also what the editor's preview shows for a service not saved yet.
   */
  async resolveTarget(def: WakeService): Promise<{ ids: string[]; infos: Dockerode.ContainerInspectInfo[]; upstream?: string; upstreams: string[]; unavailable?: string }> {
    try {
      const refs = await this.containerIds(def);
      if (refs.length === 0) throw new WakeError(def.compose ? `no container of compose service ${def.compose.project}/${def.compose.service}` : 'no container');
      const infos = await Promise.all(refs.map((r) => this.opts.docker().getContainer(r).inspect()));
      const ids = infos.map((i) => i.Id);
      // Every replica must publish the port on a fixed loopback address: Caddy dials each one.
      const upstreams: string[] = [];
      for (const info of infos) {
        const bindings = (info.HostConfig.PortBindings as Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined)?.[`${def.port}/tcp`] ?? [];
        const b = bindings.find((x) => x.HostPort && x.HostPort !== '0');
        if (!b) return { ids, infos, upstreams, unavailable: `container ${info.Name.replace(/^\//, '')} does not publish port ${def.port} on a fixed host port; publish it on loopback, e.g. -p 127.0.0.1:18080:${def.port}` };
        const ip = !b.HostIp || b.HostIp === '0.0.0.0' || b.HostIp === '::' ? '127.0.0.1' : b.HostIp;
        const upstream = `${ip.includes(':') ? `[${ip}]` : ip}:${b.HostPort}`;
        if (!/^127\.|^\[::1\]/.test(upstream)) return { ids, infos, upstream: upstreams[0] ?? upstream, upstreams, unavailable: `port ${def.port} of ${info.Name.replace(/^\//, '')} is published on ${ip}, not on loopback; WakeDock's Caddy dials loopback only` };
        if (upstreams.includes(upstream)) return { ids, infos, upstream: upstreams[0], upstreams, unavailable: `two replicas publish port ${def.port} on the same address ${upstream}` };
        upstreams.push(upstream);
      }
      return { ids, infos, upstream: upstreams[0], upstreams };
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      return { ids: [], infos: [], upstreams: [], unavailable: status === 404 ? `container ${def.container ?? def.containers?.join(', ') ?? ''} not found` : (e as Error).message };
    }
  }

  private async resolve(rt: Runtime): Promise<void> {
    const r = await this.resolveTarget(rt.decl.definition);
    rt.ids = r.ids;
    rt.upstream = r.upstream;
    rt.upstreams = r.upstreams;
    rt.unavailable = r.unavailable;
    if (r.infos.length > 0 && !rt.wake && !rt.sleep) this.applyEngineState(rt, r.infos);
    if (rt.unavailable && !rt.wake) {
      rt.state = 'unavailable';
      rt.message = rt.unavailable;
      // A removed container frees nothing by sleeping: time unavailable is not time asleep.
      this.markAwake(rt);
    } else if (rt.state === 'unavailable') {
      rt.state = 'sleeping';
      rt.message = undefined;
      this.markAsleep(rt);
    }
  }

  private applyEngineState(rt: Runtime, infos: Dockerode.ContainerInspectInfo[]): void {
    const running = infos.some((i) => i.State.Running && !i.State.Paused);
    if (running && rt.state !== 'awake') {
      if (rt.state !== 'failed') rt.message = undefined;
      rt.state = 'awake';
      rt.lastActivity = this.now();
      this.markAwake(rt);
    } else if (!running && rt.state === 'awake') {
      rt.state = 'sleeping';
      this.markAsleep(rt);
    } else if (!running && rt.state === 'unavailable') {
      rt.state = 'sleeping';
      this.markAsleep(rt);
    }
  }

  /** An engine event for a container: adopt external starts and stops. */
  async onContainerEvent(id: string, action: string): Promise<void> {
    if (['create', 'destroy', 'rename'].includes(action)) return this.refresh();
    for (const rt of this.services.values()) {
      if (!rt.ids.includes(id) || rt.wake || rt.sleep) continue;
      if (!['start', 'die', 'stop', 'pause', 'unpause', 'kill'].includes(action)) continue;
      try {
        const infos = await Promise.all(rt.ids.map((i) => this.opts.docker().getContainer(i).inspect()));
        const before = rt.state;
        this.applyEngineState(rt, infos);
        if (before !== rt.state) this.emit();
      } catch {
        /* a destroy follows */
      }
    }
  }

  // ---- lookups -----------------------------------------------------------------------------------

  serviceForHost(host: string): string | undefined {
    return this.byHostMap.get(host.replace(/:\d+$/, '').toLowerCase());
  }

  has(name: string): boolean {
    return this.services.has(name);
  }

  /** Routes for Caddy: services that can be routed. */
  routes(): CaddyRouteService[] {
    return [...this.services.values()].filter((rt) => rt.upstream && !rt.unavailable).map((rt) => routeOf(rt.decl.definition, rt.upstreams));
  }

  upstreamOf(name: string): string | undefined {
    return this.services.get(name)?.upstream;
  }

  view(name: string): WakeServiceView | undefined {
    const rt = this.services.get(name);
    return rt ? this.toView(rt) : undefined;
  }

  views(): WakeServiceView[] {
    return [...this.services.values()].map((rt) => this.toView(rt)).sort((a, b) => a.name.localeCompare(b.name));
  }

  private toView(rt: Runtime): WakeServiceView {
    const def = rt.decl.definition;
    const v: WakeServiceView = { name: def.name, source: rt.decl.source, definition: def, state: rt.state, inFlight: rt.inFlight, wakes: rt.wakes };
    if (rt.message) v.message = rt.message;
    if (rt.upstream) v.upstream = rt.upstream;
    if (rt.lastRequestAt) v.lastRequestAt = rt.lastRequestAt;
    if (rt.state === 'awake') v.sleepsAt = rt.lastActivity + ms(def.idle.after) + ms(def.idle.grace);
    const m = median(rt.coldStarts);
    if (m !== undefined) v.medianColdStartMs = m;
    if (rt.state === 'waking' && rt.wakingSince) v.wakingSince = rt.wakingSince;
    if (rt.state === 'failed' && rt.retryAt) v.retryAt = rt.retryAt;
    if (rt.lastWakeAt) v.lastWakeAt = rt.lastWakeAt;
    if (rt.asleepMs > 0) v.asleepMs = Math.round(rt.asleepMs);
    if (rt.asleepSince !== undefined) v.asleepSince = rt.asleepSince;
    if (rt.memoryBytes !== undefined) v.memoryBytes = rt.memoryBytes;
    if (rt.cpuPercent !== undefined) v.cpuPercent = rt.cpuPercent;
    if (rt.cpuSavedMs > 0) v.cpuSavedMs = Math.round(rt.cpuSavedMs);
    if (rt.busy && rt.state === 'awake') v.busy = rt.busy;
    const neededBy = this.neededBy(rt);
    if (neededBy.length > 0) v.neededBy = neededBy;
    return v;
  }

  /**
   * Whether a request should be ignored (neither wakes nor keeps awake): WakeDock's own paths, the
   * ignored paths (the path or below it) and user agents (substring), both in any case, as Caddy's
   * route for ignored requests matches them (caddy-config.ts serviceRoutes).
   */
  ignored(name: string, path: string, userAgent: string): boolean {
    const rt = this.services.get(name);
    if (!rt) return true;
    const p = (path.split('?')[0] ?? path).toLowerCase();
    if (p.startsWith(WAKEDOCK_PATH_PREFIX)) return true;
    const ig = rt.decl.definition.ignore;
    if (
      ig.paths.some((raw) => {
        const x = raw.toLowerCase();
        return x.length > 0 && (p === x || p.startsWith(x.endsWith('/') ? x : `${x}/`));
      })
    )
      return true;
    const ua = userAgent.toLowerCase();
    return ig.user_agents.some((x) => x.length > 0 && ua.includes(x.toLowerCase()));
  }

  // ---- activity ----------------------------------------------------------------------------------

  /** A request the waker received for a service (not ignored): the "last request" the Services page shows. */
  noteRequest(name: string): void {
    const rt = this.services.get(name);
    if (!rt) return;
    rt.lastRequestAt = this.now();
    this.scheduleSave();
    this.emit();
  }

  private async tick(): Promise<void> {
    if (this.disposed) return;
    const now = this.now();
    const watch = [...this.services.values()].some((rt) => rt.state === 'awake' || (rt.state === 'sleeping' && rt.decl.definition.idle.action === 'pause'));
    // Poll at least twice per activity window, so a request Caddy counted is seen before it forgets it.
    const pollMs = Math.min(this.opts.pollMs ?? 1000, ACTIVITY_WINDOW_MS / 2);
    if (watch && this.opts.upstreams && !this.polling && now - this.lastPoll >= pollMs * 0.9) {
      this.polling = true;
      this.lastPoll = now;
      try {
        const ups = await this.opts.upstreams();
        const byAddress = new Map(ups.map((u) => [u.address, u]));
        for (const rt of this.services.values()) {
          let n = 0;
          let answered = 0;
          for (const u of rt.upstreams) {
            n += byAddress.get(u)?.num_requests ?? 0;
            answered += byAddress.get(u)?.fails ?? 0;
          }
          if (n !== rt.inFlight) {
            rt.inFlight = n;
            this.emit();
          }
          // Requests answered in the last ACTIVITY_WINDOW_MS (not ignored ones: their route is not counted).
          if (answered > 0 && rt.state === 'awake' && !rt.sleep) {
            rt.lastActivity = Math.max(rt.lastActivity, this.now());
            rt.lastRequestAt = this.now();
            this.scheduleSave();
            this.emit();
          }
          // Requests reached a paused container (its socket accepts): unpause it.
          if (n > 0 && rt.state === 'sleeping' && rt.decl.definition.idle.action === 'pause') void this.wake(rt.decl.definition.name, 'request to a paused service').catch(() => undefined);
        }
      } catch (e) {
        this.opts.logger.warn('wake: could not read request counts from Caddy', e);
      } finally {
        this.polling = false;
      }
    }
    for (const rt of this.services.values()) {
      this.followUsage(rt);
      if (rt.state !== 'awake' || rt.wake || rt.sleep) continue;
      if (rt.inFlight > 0) {
        rt.lastActivity = this.now();
        continue;
      }
      // A dependency of an awake service stays awake; its idle time counts from when none needs it.
      if (this.neededBy(rt).length > 0) {
        rt.lastActivity = this.now();
        continue;
      }
      const def = rt.decl.definition;
      if (rt.busy || this.awaitingUsage(rt)) continue;
      if (this.now() >= rt.lastActivity + ms(def.idle.after) + ms(def.idle.grace)) {
        void this.sleep(def.name, 'idle').catch((e) => this.opts.logger.warn(`wake: could not put ${def.name} to sleep`, e));
      }
    }
  }

  // ---- idle thresholds (CPU / memory from the stats pipeline) -------------------------------------

  /** Subscribe to the containers' stats while awake with a threshold; recompute whether it is busy. */
  private followUsage(rt: Runtime): void {
    const idle = rt.decl.definition.idle;
    const want = this.opts.usage && rt.state === 'awake' && (idle.cpu_below_percent !== undefined || idle.memory_below_mb !== undefined) && rt.ids.length > 0;
    const key = rt.ids.join(',');
    if (!want || rt.usageKey !== key) this.stopUsage(rt);
    if (!want || !this.opts.usage) return;
    if (!rt.usageOff) {
      rt.usageKey = key;
      rt.usageSince = this.now();
      rt.usageOff = this.opts.usage(rt.ids, (batch) => {
        const mine = batch.filter((b) => rt.ids.includes(b.id));
        if (mine.length === 0) return;
        rt.usage.push({ t: this.now(), cpu: mine.reduce((a, b) => a + b.cpuPercent, 0), mem: mine.reduce((a, b) => a + b.memUsed, 0) });
        if (rt.usage.length > 3600) rt.usage.shift();
      });
    }
    const windowMs = ms(idle.window ?? DEFAULT_IDLE_WINDOW);
    const from = this.now() - windowMs;
    while (rt.usage.length > 0 && (rt.usage[0]?.t ?? 0) < from) rt.usage.shift();
    const busy = busyReason(rt.usage, idle.cpu_below_percent, idle.memory_below_mb);
    if (busy !== rt.busy) {
      rt.busy = busy;
      if (busy) this.opts.logger.info(`wake: ${rt.decl.definition.name} stays awake while busy: ${busy}`);
      this.emit();
    }
  }

  /** Thresholds are set but no reading has come yet (bounded by the window: stats that never come do not keep it awake). */
  private awaitingUsage(rt: Runtime): boolean {
    if (!rt.usageOff || rt.usage.length > 0 || rt.usageSince === undefined) return false;
    return this.now() - rt.usageSince < ms(rt.decl.definition.idle.window ?? DEFAULT_IDLE_WINDOW);
  }

  private stopUsage(rt: Runtime): void {
    rt.usageOff?.();
    rt.usageOff = undefined;
    rt.usageKey = undefined;
    rt.usageSince = undefined;
    rt.usage = [];
    rt.busy = undefined;
  }

  // ---- wake and sleep ----------------------------------------------------------------------------

  private get(name: string): Runtime {
    const rt = this.services.get(name);
    if (!rt) throw new WakeError(`no service named ${name}`, 'NOT_FOUND');
    return rt;
  }

  /** Start the service's containers and wait until ready. Concurrent calls share one wake. */
  wake(name: string, reason = 'request', opts: { force?: boolean; chain?: readonly string[] } = {}): Promise<void> {
    const rt = this.get(name);
    if (rt.wake) return rt.wake;
    if (rt.state === 'unavailable') return Promise.reject(new WakeError(rt.message ?? 'unavailable', 'CONFLICT'));
    if (rt.state === 'failed' && !opts.force && rt.retryAt && this.now() < rt.retryAt) return Promise.resolve();
    const p = this.doWake(rt, reason, [...(opts.chain ?? []), name]).finally(() => {
      rt.wake = null;
    });
    rt.wake = p;
    return p;
  }

  /** Awake or waking services that list this one in depends_on. */
  private neededBy(rt: Runtime): string[] {
    const name = rt.decl.definition.name;
    const out: string[] = [];
    for (const o of this.services.values()) if (o !== rt && (o.state === 'awake' || o.wake) && (o.decl.definition.depends_on ?? []).includes(name)) out.push(o.decl.definition.name);
    return out.sort();
  }

  /** Wake the service's dependencies first, in order, each ready before the next. */
  private async wakeDependencies(rt: Runtime, chain: readonly string[]): Promise<void> {
    for (const dep of rt.decl.definition.depends_on ?? []) {
      if (chain.includes(dep)) throw new WakeError(`depends_on makes a cycle: ${[...chain, dep].join(' → ')}`);
      const d = this.services.get(dep);
      if (!d) throw new WakeError(`it depends on ${dep}, which is not declared`);
      if (d.state === 'awake' && !d.wake && !d.sleep) continue;
      await this.wake(dep, `needed by ${rt.decl.definition.name}`, { force: true, chain });
      if (d.state !== 'awake') throw new WakeError(`its dependency ${dep} did not start${d.message ? `: ${d.message}` : ''}`);
    }
  }

  private async doWake(rt: Runtime, reason: string, chain: readonly string[] = [rt.decl.definition.name]): Promise<void> {
    const def = rt.decl.definition;
    if (rt.sleep) await rt.sleep.catch(() => undefined);
    const started = this.now();
    rt.state = 'waking';
    rt.wakingSince = started;
    this.markAwake(rt, started);
    rt.message = undefined;
    rt.retryAt = undefined;
    this.emit();
    this.opts.logger.info(`wake: waking ${def.name} (${reason})`);
    let cold = false;
    try {
      await this.wakeDependencies(rt, chain);
      const docker = this.opts.docker();
      for (const id of rt.ids) {
        const info = await docker.getContainer(id).inspect();
        if (info.State.Paused) {
          await docker.getContainer(id).unpause();
          cold = true;
        } else if (!info.State.Running) {
          await docker.getContainer(id).start();
          this.starts++;
          cold = true;
        }
      }
      await this.waitReady(rt, started + ms(def.ready.timeout));
      const settle = ms(def.ready.settle);
      if (settle > 0) await sleepMs(settle);
      rt.state = 'awake';
      rt.lastActivity = this.now();
      if (cold) {
        rt.wakes++;
        rt.lastWakeAt = this.now();
        rt.coldStarts.push(this.now() - started);
        if (rt.coldStarts.length > 10) rt.coldStarts.shift();
        this.scheduleSave();
      }
      this.opts.logger.info(`wake: ${def.name} is ready after ${this.now() - started} ms`);
      if (cold) this.announce({ service: def.name, event: 'started', at: this.now(), reason, coldStartMs: this.now() - started });
    } catch (e) {
      const msg = (e as { json?: { message?: string } }).json?.message ?? (e as Error).message;
      rt.state = 'failed';
      rt.message = msg;
      rt.retryAt = this.now() + (this.opts.failBackoffMs ?? 15_000);
      this.opts.logger.warn(`wake: ${def.name} failed to start: ${msg}`);
      this.announce({ service: def.name, event: 'failed', at: this.now(), reason, message: msg });
    } finally {
      rt.wakingSince = undefined;
      this.emit();
    }
  }

  /** Ready when every replica is (each checked the same way; one that exits fails the wake). */
  private async waitReady(rt: Runtime, deadline: number): Promise<void> {
    const def = rt.decl.definition;
    const docker = this.opts.docker();
    const pending = new Set(rt.ids.map((_, i) => i));
    let last = 'no answer yet';
    for (;;) {
      for (const i of [...pending]) {
        const id = rt.ids[i] as string;
        const upstream = rt.upstreams[i];
        const who = rt.ids.length > 1 ? `replica ${i + 1}: ` : '';
        const info = await docker.getContainer(id).inspect();
        if (!info.State.Running) throw new WakeError(`${who}the container exited (code ${info.State.ExitCode})${info.State.Error ? `: ${info.State.Error}` : ''}`);
        const health = info.State.Health;
        if (health) {
          if (health.Status === 'healthy') pending.delete(i);
          else if (health.Status === 'unhealthy') throw new WakeError(`${who}the container's healthcheck says unhealthy${health.Log?.length ? `: ${String(health.Log.at(-1)?.Output ?? '').trim().slice(0, 300)}` : ''}`);
          else last = `${who}healthcheck: ${health.Status}`;
        } else if (upstream) {
          const probe = def.ready.tcp && !def.ready.http ? await tcpProbe(upstream) : await httpProbe(upstream, def.hosts[0] as string, def.ready.http?.path ?? '/', def.ready.http?.status);
          if (probe === true) pending.delete(i);
          else last = `${who}${probe}`;
        } else {
          pending.delete(i);
        }
      }
      if (pending.size === 0) return;
      if (this.now() >= deadline) throw new WakeError(`not ready after ${def.ready.timeout} (${last})`);
      await sleepMs(100);
    }
  }

  /** Stop (or pause) the service's containers. Refused while it is waking. */
  sleep(name: string, reason = 'manual'): Promise<void> {
    const rt = this.get(name);
    if (rt.wake) return Promise.reject(new WakeError(`${name} is starting; it can be put to sleep once it is awake`, 'CONFLICT'));
    if (rt.sleep) return rt.sleep;
    const needed = this.neededBy(rt);
    if (needed.length > 0) return Promise.reject(new WakeError(`${name} is needed by ${needed.join(', ')}, which ${needed.length > 1 ? 'are' : 'is'} awake; put ${needed.length > 1 ? 'them' : 'it'} to sleep first`, 'CONFLICT'));
    const p = this.doSleep(rt, reason).finally(() => {
      rt.sleep = null;
    });
    rt.sleep = p;
    return p;
  }

  private async doSleep(rt: Runtime, reason: string): Promise<void> {
    const def = rt.decl.definition;
    this.opts.logger.info(`wake: putting ${def.name} to sleep (${reason})`);
    const docker = this.opts.docker();
    const used = await this.usageBeforeSleep(rt.ids);
    if (used.memoryBytes !== undefined) rt.memoryBytes = used.memoryBytes;
    if (used.cpuPercent !== undefined) rt.cpuPercent = used.cpuPercent;
    for (const id of [...rt.ids].reverse()) {
      const c = docker.getContainer(id);
      const info = await c.inspect();
      if (def.idle.action === 'pause') {
        if (info.State.Running && !info.State.Paused) await c.pause();
      } else if (info.State.Running) {
        await c.stop({ t: 10 }).catch((e: { statusCode?: number }) => {
          if (e.statusCode !== 304) throw e;
        });
      }
    }
    rt.state = 'sleeping';
    rt.inFlight = 0;
    this.markAsleep(rt);
    this.emit();
    this.announce({ service: def.name, event: 'stopped', at: this.now(), reason });
  }

  /**
   * What putting the running containers to sleep frees, from one one-shot stats reading each (the
   * same reading for both figures): the memory they use now (without page cache), and their average
   * CPU while awake — the cgroup's CPU time since the container started divided by the time it has
   * run (both on the engine's clock), i.e. the exact mean over the whole awake period, summed over
   * the containers, in % of one core. Sleeping saves that much CPU per unit of time asleep.
   */
  private async usageBeforeSleep(ids: string[]): Promise<{ memoryBytes?: number; cpuPercent?: number }> {
    const docker = this.opts.docker();
    const one = async (id: string): Promise<{ mem: number; cpu?: number }> => {
      let t: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, fail) => (t = setTimeout(() => fail(new Error('stats timed out')), 3000)));
      try {
        const [s, info] = await Promise.race([Promise.all([containerStatsOnce(docker, id), docker.getContainer(id).inspect()]), timeout]);
        if (!info.State.Running) return { mem: 0 };
        return { mem: memUsedNoCache(s), cpu: averageCpuPercent(s.cpu_stats?.cpu_usage?.total_usage, info.State.StartedAt, s.read) };
      } finally {
        clearTimeout(t);
      }
    };
    try {
      const each = await Promise.all(ids.map(one));
      const mem = each.reduce((a, b) => a + b.mem, 0);
      const cpus = each.filter((e) => e.cpu !== undefined);
      const out: { memoryBytes?: number; cpuPercent?: number } = {};
      if (mem > 0) out.memoryBytes = mem;
      if (cpus.length > 0) out.cpuPercent = Math.round(cpus.reduce((a, b) => a + (b.cpu ?? 0), 0) * 100) / 100;
      return out;
    } catch (e) {
      this.opts.logger.warn('wake: could not read memory and CPU before sleeping', e);
      return {};
    }
  }
}

/**
 * A container's average CPU since it started, in % of one core: `total_usage` (ns of CPU, the
 * cgroup's counter, reset by each start) over the time it has run (`read` − `StartedAt`, both the
 * engine's clock). Undefined when a reading is missing or it has run for under a second.
 */
export function averageCpuPercent(totalUsageNs: number | undefined, startedAt: string | undefined, readAt: string | undefined): number | undefined {
  if (totalUsageNs === undefined || !startedAt || !readAt) return undefined;
  const ranMs = Date.parse(readAt) - Date.parse(startedAt);
  if (!Number.isFinite(ranMs) || ranMs < 1000) return undefined;
  return Math.max(0, (totalUsageNs / 1e6 / ranMs) * 100);
}

/**
 * Why a service is busy over the window: its average CPU (% of one core) or memory (MiB) is at or
 * above a threshold ("CPU 37% > 5%"); undefined when below both, or with no readings yet.
 */
export function busyReason(readings: readonly { cpu: number; mem: number }[], cpuBelow?: number, memBelowMb?: number): string | undefined {
  if (readings.length === 0) return undefined;
  const cpu = readings.reduce((a, r) => a + r.cpu, 0) / readings.length;
  const mib = readings.reduce((a, r) => a + r.mem, 0) / readings.length / 1048576;
  const parts: string[] = [];
  if (cpuBelow !== undefined && cpu >= cpuBelow) parts.push(`CPU ${cpu >= 10 ? Math.round(cpu) : cpu.toFixed(1)}% > ${cpuBelow}%`);
  if (memBelowMb !== undefined && mib >= memBelowMb) parts.push(`memory ${Math.round(mib)} MiB > ${memBelowMb} MiB`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function httpProbe(upstream: string, host: string, path: string, status?: number): Promise<true | string> {
  const m = /^\[?([^\]]+)\]?:(\d+)$/.exec(upstream);
  return new Promise((resolve) => {
    const r = request({ host: m?.[1], port: Number(m?.[2]), path, method: 'GET', headers: { Host: host, 'User-Agent': 'WakeDock-readiness' }, timeout: 2000 }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve((status === undefined ? code < 500 : code === status) ? true : `GET ${path} answered ${code}`);
    });
    r.on('timeout', () => r.destroy(new Error('timed out')));
    r.on('error', (e) => resolve(`GET ${path}: ${e.message}`));
    r.end();
  });
}

function tcpProbe(upstream: string): Promise<true | string> {
  const m = /^\[?([^\]]+)\]?:(\d+)$/.exec(upstream);
  return new Promise((resolve) => {
    const s = connect({ host: m?.[1], port: Number(m?.[2]), timeout: 2000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('timeout', () => {
      s.destroy();
      resolve('TCP connect timed out');
    });
    s.on('error', (e) => resolve(`TCP connect: ${e.message}`));
  });
}

/** What Caddy's route for a service needs: hostnames, every replica's address, the policy and health checks. */
export function routeOf(def: WakeService, upstreams: string[]): CaddyRouteService {
  const r: CaddyRouteService = { name: def.name, hosts: def.hosts, upstream: upstreams[0] ?? '', upstreams };
  if (def.ignore.user_agents.length > 0 || def.ignore.paths.length > 0) r.ignore = { user_agents: def.ignore.user_agents, paths: def.ignore.paths };
  const lb = def.load_balancing;
  if (lb) {
    r.policy = lb.policy;
    if (lb.health_uri) {
      r.healthUri = lb.health_uri;
      r.healthInterval = lb.health_interval;
    }
  }
  return r;
}
