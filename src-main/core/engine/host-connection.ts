// One engine connection: its state machine (connecting → connected → unreachable → …), reconnect
// with backoff, the engine events stream, and a live container table kept by events (not polling).
// Every watcher of the host shares the single events stream.
import type Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import { RpcError, engineAttached, type ContainerPatch, type ContainerSummary, type Endpoint, type Host, type HostConfig, type HostKind } from '../../contract';
import type { Logger } from '../../contract/handlers';
import { keepKnownTimes, toContainerSummary, withInspectTimes } from './container-mapper';
import type { EngineConnection, EngineConnector } from './connectors';
import type { SshSession } from '../ssh/ssh-session';
import { eventsStream } from './engine-api';
import { DEFAULT_ENGINE_TIMEOUTS, formatMs, guardClient, pingSocket, type CallGuardHooks, type CallInfo, type EngineTimeouts } from './call-guard';
import type { DockerFactory } from './docker-client';
import { connectFailure, unreachableHint } from './engine-errors';

/** Container event actions that can change what the list shows. exec_*, top, attach… do not. */
const RELEVANT_ACTIONS = new Set([
  'create', 'start', 'restart', 'stop', 'die', 'kill', 'pause', 'unpause', 'rename', 'destroy', 'oom', 'update',
  'health_status', 'health_status: healthy', 'health_status: unhealthy', 'health_status: starting',
]);

export interface HostConnectionOptions {
  id: string;
  name: string;
  kind: HostKind;
  endpoint: Endpoint;
  /** The auto-detected engine (shown as such; Settings' override retargets it). */
  discovered?: boolean;
  /** An added host's config (shown in hosts.list for editing). */
  config?: HostConfig;
  /** ssh hosts: where their secrets are kept (shown by the UI). */
  secretStorage?: Host['secretStorage'];
  /** How to reach the engine of an endpoint (a connector per URL scheme: connectors.ts). */
  connector?: (endpoint: Endpoint) => EngineConnector;
  /** Older, synchronous form (tests' fake engines): endpoint URL → client. Used when no connector is given. */
  dockerFactory?: DockerFactory;
  logger: Logger;
  /** Coalescing window for bursts of events (ms). */
  coalesceMs?: number;
  /** Backoff bounds for reconnects (ms). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Deadlines per kind of engine call and the liveness ping (call-guard.ts); defaults DEFAULT_ENGINE_TIMEOUTS. */
  timeouts?: Partial<EngineTimeouts>;
}

/**
 * The state an event promises. dockerd emits pause, unpause and die *before* it saves the container
 * to the view that GET /containers/json reads (moby daemon/pause.go, unpause.go, monitor.go), so a
 * list made right after such an event can still show the old state; without a re-check the row would
 * stay wrong until the container's next event. Start and create are saved first, but checking them
 * costs nothing.
 */
const EXPECTED: Readonly<Record<string, (c: ContainerSummary) => boolean>> = {
  create: (c) => c.state === 'created',
  start: (c) => c.state === 'running' || c.state === 'paused',
  restart: (c) => c.state === 'running',
  unpause: (c) => c.state === 'running',
  pause: (c) => c.state === 'paused',
  die: (c) => c.state !== 'running' && c.state !== 'paused',
  stop: (c) => c.state !== 'running' && c.state !== 'paused',
};
/** Re-check delays after a stale list (ms); then give up (the event may have been superseded). */
const RECHECK_DELAYS = [25, 50, 100, 200, 400, 800];

/**
 * States the engine leaves without always saying so: a restart loop that ends because the engine
 * could not start the container again goes from restarting to exited with no event (moby
 * daemon/monitor.go), a removal can fail half-way. Containers in them are re-read every
 * TRANSITIONAL_POLL_MS (only them, only while there are any): the list never shows such a state
 * for longer than that after the engine left it.
 */
const TRANSITIONAL: ReadonlySet<string> = new Set(['restarting', 'removing']);
export const TRANSITIONAL_POLL_MS = 2000;
/** Inspect the containers of an event batch (exact StartedAt/FinishedAt, RestartCount) up to this many. */
const INSPECT_BATCH_MAX = 16;

/** When a list was made: the middle of the request (the engine writes its texts in between). */
const midpoint = (t0: number): number => Math.round((t0 + Date.now()) / 2);

type Watcher = (patch: ContainerPatch) => void;

/**
 * The object types the engine reports on GET /events (moby api/types/events). The host reads them all
 * from its one events stream and hands each listener only the types it asked for.
 */
export const ENGINE_OBJECT_TYPES = ['container', 'image', 'volume', 'network', 'daemon', 'plugin', 'builder', 'service', 'node', 'secret', 'config'] as const;
export type EngineObjectType = (typeof ENGINE_OBJECT_TYPES)[number];
const KNOWN_TYPES: ReadonlySet<string> = new Set(ENGINE_OBJECT_TYPES);

/** One engine event, as features other than the container list need it (alerts, logs, resources). */
export interface EngineEvent<T extends EngineObjectType = EngineObjectType> {
  type: T;
  /** e.g. start, die, oom, health_status: unhealthy, destroy (containers); create, remove, prune (volumes); pull, tag, delete (images); connect, disconnect (networks); reload (daemon) */
  action: string;
  /** The object's id: container/network/daemon id, volume name, image reference or id. */
  id: string;
  /** A display name: the container's name at the time of the event, the network/daemon name, else the id. */
  name: string;
  /** Engine attributes: exitCode for die, image, labels… */
  attributes: Record<string, string>;
  /** Epoch ms. */
  time: number;
}

export class HostConnection {
  private docker: Dockerode | null = null;
  private state: Host;
  private readonly containers = new Map<string, ContainerSummary>();
  private snapshotReady = false;
  private readonly watchers = new Set<Watcher>();
  private readonly stateListeners = new Set<(h: Host) => void>();
  private readonly eventListeners = new Set<{ types: ReadonlySet<string>; fn: (e: EngineEvent) => void }>();
  private events: Readable | null = null;
  private connection: EngineConnection | null = null;
  private opening: AbortController | null = null;
  private offLost: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private generation = 0; // bumps on every (re)connect; stale async work checks it
  private stopped = true;
  private pendingIds = new Set<string>();
  private destroyedIds = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing = false;
  /** id → what the latest event promises, and how many re-checks it has had. */
  private expected = new Map<string, { ok: (c: ContainerSummary) => boolean; attempt: number }>();
  private recheckTimer: NodeJS.Timeout | null = null;
  private transitionalTimer: NodeJS.Timeout | null = null;
  private reconciling: Promise<number> | null = null;
  private readonly timeouts: EngineTimeouts;
  private pingTimer: NodeJS.Timeout | null = null;
  private pinging = false;
  private readonly guardHooks: CallGuardHooks;

  constructor(private readonly opts: HostConnectionOptions) {
    this.timeouts = { ...DEFAULT_ENGINE_TIMEOUTS, ...opts.timeouts };
    this.guardHooks = {
      timeouts: this.timeouts,
      gate: (call) => this.gate(call),
      onTimeout: (call) => this.noteTimeout(call),
      onSocketError: () => this.checkNow(),
      hostName: () => this.state.name,
    };
    this.state = { id: opts.id, name: opts.name, kind: opts.kind, ...(opts.discovered ? { discovered: true } : {}), ...(opts.config ? { config: opts.config } : {}), ...(opts.secretStorage ? { secretStorage: opts.secretStorage } : {}), endpoint: opts.endpoint, state: 'connecting' };
  }

  get host(): Host {
    return this.state;
  }

  get id(): string {
    return this.opts.id;
  }

  /** The container table as last seen (kept live by events). */
  get cached(): ContainerSummary[] {
    return [...this.containers.values()];
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.clearTimers();
    this.closeEvents();
    this.closeConnection();
    this.docker = null;
  }

  private closeConnection(): void {
    this.opening?.abort();
    this.opening = null;
    const c = this.connection;
    this.connection = null;
    this.offLost?.();
    this.offLost = null;
    try {
      c?.close();
    } catch (e) {
      this.opts.logger.warn(`host ${this.id}: closing the engine connection failed`, e);
    }
  }

  /** Open the engine connection through the host's connector (or the synchronous factory). */
  private async open(signal: AbortSignal): Promise<EngineConnection> {
    if (this.opts.connector) return this.opts.connector(this.opts.endpoint).open(signal);
    if (!this.opts.dockerFactory) throw new Error(`host ${this.id}: no connector for ${this.opts.endpoint.url}`);
    return { docker: this.opts.dockerFactory(this.opts.endpoint.url), close() {}, onLost: () => () => {} };
  }

  /** Switch to another endpoint (settings override changed) and reconnect. */
  setEndpoint(endpoint: Endpoint): void {
    this.opts.endpoint = endpoint;
    this.containers.clear();
    this.snapshotReady = false;
    this.setState({ endpoint, state: 'connecting', reason: undefined, hint: undefined, retryAt: undefined });
    this.reconnectNow();
  }

  /** A new display name (hosts.update); the connection is untouched. */
  rename(name: string): void {
    this.opts.name = name;
    this.setState({ name });
  }

  /** Skip the backoff wait. */
  reconnectNow(): void {
    if (this.stopped) return;
    if (this.state.state === 'connected') return;
    // Attached but slow or silent: ask the engine now instead of tearing the connection down.
    if (engineAttached(this.state.state) && this.docker) {
      this.checkNow();
      return;
    }
    this.clearTimers();
    this.attempt = 0;
    void this.connect();
  }

  /**
   * Engine events of the given object type(s) from the shared events stream (no extra request to the
   * engine): `onEngineEvent('container', …)`, `onEngineEvent(['volume', 'image'], …)`, or '*' for all.
   */
  onEngineEvent<T extends EngineObjectType>(types: T | readonly T[] | '*', listener: (e: EngineEvent<T>) => void): () => void {
    const entry = {
      types: new Set<string>(types === '*' ? ENGINE_OBJECT_TYPES : typeof types === 'string' ? [types] : types),
      fn: listener as (e: EngineEvent) => void,
    };
    this.eventListeners.add(entry);
    return () => this.eventListeners.delete(entry);
  }

  onState(listener: (h: Host) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Snapshot now (if connected) and after every reconnect, patches in between. */
  watch(listener: Watcher): () => void {
    this.watchers.add(listener);
    if (this.snapshotReady) listener({ kind: 'snapshot', hostId: this.id, containers: this.cached });
    return () => this.watchers.delete(listener);
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /**
   * The SSH session of an ssh host while it has its connection (connected, degraded or unresponsive;
   * undefined otherwise): the host shell and
   * the local socket forward open channels on the same connection as the engine's requests.
   */
  sshSession(): SshSession | undefined {
    // Degraded and unresponsive keep their connection (a slow engine, not a lost link).
    return engineAttached(this.state.state) ? this.connection?.ssh : undefined;
  }

  /** ssh hosts while connected (or degraded/unresponsive): the engine's socket path on the server (the local socket forward opens it). */
  sshEngineSocket(): string | undefined {
    const c = this.connection as (EngineConnection & { socketPath?: unknown }) | null;
    return engineAttached(this.state.state) && c?.ssh && typeof c.socketPath === 'string' ? c.socketPath : undefined;
  }

  /** The engine client, or a typed ENGINE_UNREACHABLE error. */
  client(): Dockerode {
    // Degraded and unresponsive hosts hand out their client: the call guard sends (degraded) or
    // refuses at once with TIMEOUT (unresponsive), so the caller gets that reason.
    if (!this.docker || !engineAttached(this.state.state)) {
      throw RpcError.from('ENGINE_UNREACHABLE', `${this.state.name}: the Docker engine is ${this.state.state === 'connecting' ? 'still connecting' : 'unreachable'}${this.state.reason ? ` (${this.state.reason})` : ''}`, {
        retryable: true,
        reason: 'NOT_CONNECTED',
        detail: this.state.reason,
        hint: this.state.hint ?? 'Is Docker running?',
      });
    }
    return this.docker;
  }

  /** A fresh list from the engine (the query path; the live table is kept by events). */
  async list(): Promise<ContainerSummary[]> {
    const docker = this.client();
    const infos = await docker.listContainers({ all: true });
    return infos.map(toContainerSummary);
  }

  // ---- connection state machine -----------------------------------------------------------

  private setState(patch: Partial<Host>): void {
    const next = { ...this.state, ...patch } as Host;
    for (const k of Object.keys(next) as (keyof Host)[]) if (next[k] === undefined) delete next[k];
    this.state = next;
    for (const l of this.stateListeners) l(next);
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.closeEvents();
    this.closeConnection();
    if (this.state.state !== 'connecting') this.setState({ state: 'connecting', retryAt: undefined });
    let docker: Dockerode;
    try {
      const opening = new AbortController();
      this.opening = opening;
      const conn = await this.open(opening.signal);
      if (gen !== this.generation) {
        conn.close();
        return;
      }
      this.opening = null;
      this.connection = conn;
      guardClient(conn.docker, this.guardHooks);
      this.offLost = conn.onLost((why) => {
        if (gen === this.generation && !this.stopped) this.fail(why);
      });
      docker = conn.docker;
      const version = await withTimeout(docker.version(), 10_000, 'the engine did not answer within 10 s');
      if (gen !== this.generation) return;
      // Subscribe first, then list: an event that lands while we list is applied after it. One stream
      // for every object type: the container table takes the container events, listeners the rest.
      const events = await eventsStream(docker);
      if (gen !== this.generation) {
        events.destroy();
        return;
      }
      this.docker = docker;
      this.attachEvents(events, gen);
      const t0 = Date.now();
      const infos = await docker.listContainers({ all: true });
      if (gen !== this.generation) return;
      const listedAt = midpoint(t0);
      const before = new Map(this.containers);
      this.containers.clear();
      for (const info of infos) this.containers.set(info.Id, keepKnownTimes(before.get(info.Id), toContainerSummary(info, listedAt), listedAt));
      this.snapshotReady = true;
      this.attempt = 0;
      this.setState({
        state: 'connected',
        reason: undefined,
        hint: undefined,
        retryAt: undefined,
        since: undefined,
        hostKey: undefined,
        engineVersion: version.Version,
        apiVersion: version.ApiVersion,
        os: `${version.Os}/${version.Arch}`,
      });
      this.schedulePing();
      this.emit({ kind: 'snapshot', hostId: this.id, containers: this.cached });
      this.scheduleTransitional();
      if (this.pendingIds.size > 0) this.scheduleFlush();
    } catch (e) {
      if (gen !== this.generation) return;
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.stopped) return;
    this.generation++;
    this.closeEvents();
    this.closeConnection();
    this.docker = null;
    this.snapshotReady = false;
    this.pendingIds.clear();
    this.destroyedIds.clear();
    this.expected.clear();
    if (this.transitionalTimer) clearTimeout(this.transitionalTimer);
    this.transitionalTimer = null;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = null;
    const err = e as { code?: string; message?: string; permanent?: boolean; hint?: string; hostKey?: Host['hostKey'] } | undefined;
    const reason = connectFailure(e);
    if (err?.permanent) {
      // Retrying cannot help (an ssh:// engine given as the local one, a host key to decide on, a
      // refused login): say so once, no loop. reconnectNow() (the user's "Reconnect") tries again.
      this.setState({ state: 'unreachable', reason: err.message ?? reason, hint: err.hint, retryAt: undefined, since: undefined, hostKey: err.hostKey });
      this.opts.logger.warn(`host ${this.id}: ${err.message ?? reason}`);
      return;
    }
    const delay = Math.min(this.opts.backoffMaxMs ?? 5000, (this.opts.backoffMinMs ?? 250) * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    this.setState({ state: 'unreachable', reason, hint: err?.hint ?? unreachableHint(err?.code, this.opts.endpoint.url), retryAt: Date.now() + delay, since: undefined, hostKey: undefined });
    this.opts.logger.warn(`host ${this.id}: unreachable (${reason}); retry in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }

  // ---- liveness: the call guard's hooks and the ping watchdog ------------------------------

  /** Unresponsive: refuse every call but the watchdog's ping before it is sent (nothing queues behind a frozen engine). */
  private gate(call: CallInfo): RpcError | undefined {
    if (this.state.state !== 'unresponsive' || call.kind === 'ping') return undefined;
    const since = this.state.since ? ` for ${Math.max(1, Math.round((Date.now() - this.state.since) / 1000))} s` : '';
    return RpcError.from('TIMEOUT', `${this.state.name}: the Docker engine has not answered${since}, so ${call.label} was not sent${call.mutating ? ' (nothing was done)' : ''}`, {
      reason: 'ENGINE_UNRESPONSIVE',
      retryable: true,
      detail: this.state.reason,
      hint: 'WakeDock keeps checking and turns actions back on when the engine answers again.',
    });
  }

  /** A call missed its deadline: the host is degraded until a ping says otherwise (checked now). */
  private noteTimeout(call: CallInfo): void {
    if (call.kind === 'ping') return; // the watchdog judges its own pings
    this.opts.logger.warn(`host ${this.id}: ${call.label} got no answer within ${call.timeoutMs} ms`);
    if (this.state.state === 'connected') {
      this.setState({ state: 'degraded', reason: `${call.label} got no answer within ${formatMs(call.timeoutMs ?? 0)}`, since: Date.now() });
    }
    this.checkNow();
  }

  /** Ping the engine now (a call timed out or failed at the socket, or the user asked to reconnect). */
  checkNow(): void {
    if (this.stopped || !this.docker || !engineAttached(this.state.state)) return;
    this.schedulePing(0);
  }

  private schedulePing(delay?: number): void {
    if (this.stopped || !this.docker) return;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    const d = delay ?? (this.state.state === 'connected' ? this.timeouts.pingIntervalMs : this.timeouts.pingRecoverMs);
    const gen = this.generation;
    this.pingTimer = setTimeout(() => {
      this.pingTimer = null;
      void this.ping(gen);
    }, d);
    this.pingTimer.unref?.();
  }

  /**
   * One watchdog ping (GET /_ping, deadline pingTimeoutMs): prompt → connected (after degraded or
   * unresponsive: the table is re-read, so a timed-out action shows what the engine did); late →
   * degraded; no answer → unresponsive; a socket error (the socket vanished, refused) → unreachable.
   */
  private async ping(gen: number): Promise<void> {
    const docker = this.docker;
    if (this.pinging || !docker || gen !== this.generation || this.stopped) return;
    const ping = (docker as { ping?: () => Promise<unknown> }).ping;
    if (typeof ping !== 'function') return;
    // A unix socket is pinged over a fresh connection: that is how a removed socket shows.
    const socketPath = (docker as { modem?: { socketPath?: unknown } }).modem?.socketPath;
    this.pinging = true;
    const t0 = Date.now();
    try {
      if (typeof socketPath === 'string' && socketPath) await pingSocket(socketPath, this.timeouts.pingTimeoutMs);
      else await ping.call(docker);
      if (gen !== this.generation || this.stopped) return;
      const ms = Date.now() - t0;
      if (ms >= this.timeouts.pingLateMs) {
        this.setState({ state: 'degraded', reason: `the engine took ${(ms / 1000).toFixed(1)} s to answer a ping`, since: this.state.state === 'degraded' ? this.state.since : Date.now() });
      } else if (this.state.state !== 'connected') {
        const was = this.state.state;
        this.setState({ state: 'connected', reason: undefined, hint: undefined, since: undefined });
        this.opts.logger.warn(`host ${this.id}: the engine answers again (was ${was})`);
        this.reconcile().catch((e: unknown) => this.opts.logger.warn(`host ${this.id}: re-reading the list after recovery failed`, e));
        if (this.pendingIds.size > 0) this.scheduleFlush();
      }
    } catch (e) {
      if (gen !== this.generation || this.stopped) return;
      const err = e as { code?: string; reason?: string; message?: string };
      if (err instanceof RpcError && err.code === 'TIMEOUT') {
        if (this.state.state !== 'unresponsive') {
          const since = this.state.since ?? t0;
          this.setState({ state: 'unresponsive', reason: `no answer to a ping within ${formatMs(this.timeouts.pingTimeoutMs)}`, since });
          this.opts.logger.warn(`host ${this.id}: unresponsive`);
        }
      } else if (err.code && /^E[A-Z]+$/.test(err.code)) {
        // The socket is gone or refuses while the events stream still hangs on an old connection.
        this.fail(e);
        return;
      } else {
        this.setState({ state: 'degraded', reason: `a ping failed: ${err.message ?? String(e)}`, since: this.state.since ?? Date.now() });
      }
    } finally {
      this.pinging = false;
    }
    if (gen === this.generation && !this.stopped) this.schedulePing();
  }

  private attachEvents(stream: Readable, gen: number): void {
    this.events = stream;
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) this.onEventLine(line);
      }
    });
    const lost = (why: unknown): void => {
      if (gen !== this.generation || this.stopped) return;
      this.fail(why instanceof Error ? why : new Error('the engine closed the events stream'));
    };
    stream.on('end', () => lost(undefined));
    stream.on('close', () => lost(undefined));
    stream.on('error', (e) => lost(e));
  }

  private closeEvents(): void {
    const ev = this.events;
    this.events = null;
    if (ev) {
      ev.removeAllListeners('data');
      ev.removeAllListeners('end');
      ev.removeAllListeners('close');
      ev.on('error', () => {});
      ev.destroy();
    }
  }

  private onEventLine(line: string): void {
    let ev: { Type?: string; Action?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; timeNano?: number; time?: number };
    try {
      ev = JSON.parse(line);
    } catch {
      return;
    }
    // Engines before API 1.22 sent container events without Type.
    const type = ev.Type ?? 'container';
    if (!KNOWN_TYPES.has(type)) return;
    const action = ev.Action ?? '';
    const id = ev.Actor?.ID ?? ev.id;
    if (!id) return;
    if (this.eventListeners.size > 0) {
      const attributes = ev.Actor?.Attributes ?? {};
      const name = attributes.name ?? (type === 'container' ? id.slice(0, 12) : id);
      const e: EngineEvent = { type: type as EngineObjectType, action, id, name, attributes, time: ev.timeNano ? Math.floor(ev.timeNano / 1e6) : (ev.time ?? 0) * 1000 || Date.now() };
      for (const l of this.eventListeners) {
        if (!l.types.has(type)) continue;
        try {
          l.fn(e);
        } catch (err) {
          this.opts.logger.warn('engine event listener threw', err);
        }
      }
    }
    if (type !== 'container') return;
    if (!RELEVANT_ACTIONS.has(action) && !action.startsWith('health_status')) return;
    this.pendingIds.add(id);
    if (action === 'destroy') this.destroyedIds.add(id);
    else this.destroyedIds.delete(id);
    // The latest event decides what the list must eventually show (kill, rename… promise nothing).
    const ok = EXPECTED[action];
    if (ok) this.expected.set(id, { ok, attempt: 0 });
    else if (action === 'destroy') this.expected.delete(id);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.flushing || !this.snapshotReady) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, this.opts.coalesceMs ?? 20);
  }

  /** Re-read only the containers that events named, and push one patch for the batch. */
  private async flush(): Promise<void> {
    const docker = this.docker;
    if (!docker || this.pendingIds.size === 0) return;
    const gen = this.generation;
    const ids = [...this.pendingIds];
    const destroyed = new Set(this.destroyedIds);
    this.pendingIds.clear();
    this.destroyedIds.clear();
    this.flushing = true;
    let failed = false;
    try {
      const toQuery = ids.filter((id) => !destroyed.has(id));
      const t0 = Date.now();
      const infos = toQuery.length === 0 ? [] : toQuery.length > 100 ? await docker.listContainers({ all: true }) : await docker.listContainers({ all: true, filters: { id: toQuery } });
      if (gen !== this.generation) return;
      const listedAt = midpoint(t0);
      const found = new Map(infos.map((i) => [i.Id, keepKnownTimes(this.containers.get(i.Id), toContainerSummary(i, listedAt), listedAt)]));
      // A small batch (the usual case: one container changed) is inspected for exact times and the
      // restart count; a burst (compose up of 100 services) keeps the list's estimates, which are
      // exact to the second for a text that just changed.
      if (found.size > 0 && found.size <= INSPECT_BATCH_MAX) await this.refineByInspect(docker, found);
      if (gen !== this.generation) return;
      const upserts: ContainerSummary[] = [];
      const removed: string[] = [];
      const stale: string[] = [];
      for (const id of ids) {
        const s = found.get(id);
        if (s) {
          this.containers.set(id, s);
          upserts.push(s);
          if (this.isStale(id, s)) stale.push(id);
        } else {
          this.expected.delete(id);
          if (this.containers.delete(id)) removed.push(id);
        }
      }
      if (upserts.length || removed.length) this.emit({ kind: 'patch', hostId: this.id, upserts, removed });
      if (stale.length > 0) this.scheduleRecheck(stale);
      this.scheduleTransitional();
    } catch (e) {
      // The engine went away mid-flush: the events stream ends too and drives the reconnect.
      this.opts.logger.warn(`host ${this.id}: refresh after events failed`, e);
      // Keep the ids for the next event or reconnect; do not retry in a tight loop.
      failed = true;
      for (const id of ids) this.pendingIds.add(id);
    } finally {
      this.flushing = false;
      if (!failed && this.pendingIds.size > 0 && gen === this.generation) this.scheduleFlush();
    }
  }

  /** Does the list still show a state older than the latest event promised? (Counts the re-check.) */
  private isStale(id: string, s: ContainerSummary): boolean {
    const exp = this.expected.get(id);
    if (!exp) return false;
    if (exp.ok(s) || exp.attempt >= RECHECK_DELAYS.length) {
      this.expected.delete(id);
      return false;
    }
    return true;
  }

  /** Query these ids again shortly: the engine has not saved the state its event announced yet. */
  private scheduleRecheck(ids: string[]): void {
    let delay = RECHECK_DELAYS[RECHECK_DELAYS.length - 1]!;
    for (const id of ids) {
      const exp = this.expected.get(id);
      if (!exp) continue;
      delay = Math.min(delay, RECHECK_DELAYS[exp.attempt]!);
      exp.attempt++;
    }
    const gen = this.generation;
    const timer = setTimeout(() => {
      if (this.recheckTimer === timer) this.recheckTimer = null;
      if (gen !== this.generation || this.stopped) return;
      for (const id of ids) if (this.expected.has(id)) this.pendingIds.add(id);
      if (this.pendingIds.size > 0) this.scheduleFlush();
    }, delay);
    timer.unref?.();
    // One pending re-check at a time is enough: it re-reads every id still pending or expected.
    if (this.recheckTimer) {
      clearTimeout(this.recheckTimer);
      for (const id of this.expected.keys()) this.pendingIds.add(id);
    }
    this.recheckTimer = timer;
  }

  private async refineByInspect(docker: Dockerode, found: Map<string, ContainerSummary>): Promise<void> {
    await Promise.all(
      [...found].map(async ([id, s]) => {
        try {
          found.set(id, withInspectTimes(s, await docker.getContainer(id).inspect()));
        } catch {
          // removed in between, or the engine is going away: the list's estimate stays
        }
      }),
    );
  }

  /**
   * Re-read containers from the engine and push what differs from the table (containers.reconcile,
   * the transitional poll). `ids` absent: the whole list (one request), which also finds containers
   * that appeared or vanished without an event reaching us. Resolves to the number of rows changed.
   */
  reconcile(ids?: readonly string[]): Promise<number> {
    if (!ids && this.reconciling) return this.reconciling;
    const p = this.doReconcile(ids).finally(() => {
      if (this.reconciling === p) this.reconciling = null;
    });
    if (!ids) this.reconciling = p;
    return p;
  }

  private async doReconcile(ids?: readonly string[]): Promise<number> {
    const docker = this.client();
    if (!this.snapshotReady) return 0;
    const gen = this.generation;
    const t0 = Date.now();
    const infos = ids ? (ids.length === 0 ? [] : await docker.listContainers({ all: true, filters: { id: [...ids] } })) : await docker.listContainers({ all: true });
    if (gen !== this.generation) return 0;
    const listedAt = midpoint(t0);
    const upserts: ContainerSummary[] = [];
    const removed: string[] = [];
    const seen = new Set<string>();
    for (const info of infos) {
      seen.add(info.Id);
      const prev = this.containers.get(info.Id);
      // An event for this container is being handled: the flush will bring its row.
      if (this.pendingIds.has(info.Id)) continue;
      const next = keepKnownTimes(prev, toContainerSummary(info, listedAt), listedAt);
      if (prev && sameRow(prev, next)) continue;
      this.containers.set(info.Id, next);
      upserts.push(next);
    }
    for (const id of ids ?? [...this.containers.keys()]) {
      if (seen.has(id) || this.pendingIds.has(id)) continue;
      if (this.containers.delete(id)) removed.push(id);
    }
    if (upserts.length > 0 && upserts.length <= INSPECT_BATCH_MAX) {
      const found = new Map(upserts.map((u) => [u.id, u]));
      await this.refineByInspect(docker, found);
      if (gen !== this.generation) return 0;
      for (const [i, u] of upserts.entries()) {
        const refined = found.get(u.id)!;
        upserts[i] = refined;
        if (this.containers.has(u.id)) this.containers.set(u.id, refined);
      }
    }
    if (upserts.length || removed.length) this.emit({ kind: 'patch', hostId: this.id, upserts, removed });
    this.scheduleTransitional();
    return upserts.length + removed.length;
  }

  /** While containers are in a transitional state, re-read just them every TRANSITIONAL_POLL_MS. */
  private scheduleTransitional(): void {
    if (this.transitionalTimer || this.stopped) return;
    const ids = this.transitionalIds();
    if (ids.length === 0) return;
    const gen = this.generation;
    this.transitionalTimer = setTimeout(() => {
      this.transitionalTimer = null;
      if (gen !== this.generation || this.stopped || !engineAttached(this.state.state)) return;
      const now = this.transitionalIds();
      if (now.length === 0) return;
      this.reconcile(now).then(
        () => this.scheduleTransitional(),
        (e: unknown) => this.opts.logger.warn(`host ${this.id}: re-reading containers in transition failed`, e),
      );
    }, TRANSITIONAL_POLL_MS);
    this.transitionalTimer.unref?.();
  }

  private transitionalIds(): string[] {
    const ids: string[] = [];
    for (const c of this.containers.values()) if (TRANSITIONAL.has(c.state)) ids.push(c.id);
    return ids;
  }

  private emit(patch: ContainerPatch): void {
    for (const w of this.watchers) {
      try {
        w(patch);
      } catch (e) {
        this.opts.logger.warn('container watcher threw', e);
      }
    }
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    if (this.transitionalTimer) clearTimeout(this.transitionalTimer);
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = null;
    this.recheckTimer = null;
    this.transitionalTimer = null;
    this.retryTimer = null;
    this.flushTimer = null;
  }
}

/** Whether a re-read row shows the same thing (the engine's text ages by itself and is ignored). */
function sameRow(a: ContainerSummary, b: ContainerSummary): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof ContainerSummary)[]);
  keys.delete('status');
  for (const k of keys) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false;
  return true;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEDOUT' })), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
