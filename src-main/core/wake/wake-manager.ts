// Wake-on-demand, assembled: the access-log listener and the waker (both on loopback, started before
// Caddy because Caddy dials the log receiver when it provisions), the private Caddy, the controller,
// services declared by container labels (from the local host's live container table) and stored
// services (the store's `wakeServices` section).
//
// The Caddy config is rebuilt from the routable services and loaded only when it differs from the
// last one applied, so waking and sleeping never reload Caddy (2.6.2 would close every WebSocket).
// Every 10 s the supervisor checks that Caddy still runs our config and loads it again if not.
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { ContainerSummary } from '../../contract';
import { describeIssue, WakeServiceSchema, type WakeDeclarationError, type WakePreview, type WakeProxyStatus, type WakeService, type WakeServiceInput, type WakeServiceView } from '../../contract/wake-service';
import type { Logger } from '../../contract/handlers';
import { AccessLogListener } from '../caddy/access-log';
import { buildConfig, portOf, serviceRoute, stableJson, type CaddyJson } from '../caddy/caddy-config';
import { ADMIN_ORIGIN, CaddySupervisor, INSTALL_HINT } from '../caddy/caddy-supervisor';
import type { EngineEvent, HostConnection } from '../engine/host-connection';
import { loadingPage } from './loading-page';
import { serviceFromLabels } from './service-labels';
import { WakeController, WakeError, type CountersPort, type ServiceDecl } from './wake-controller';
import { Waker } from './waker';

export const DEFAULT_WAKE_LISTEN = '127.0.0.1:8480';
/** Where stored services live: the store's `wakeServices` section in the core, an array in tests. */
export interface StoredServices {
  get(): WakeService[];
  update(fn: (current: WakeService[]) => WakeService[]): Promise<unknown>;
  onChange?(fn: () => void): () => void;
}

export function memoryStoredServices(initial: WakeService[] = []): StoredServices {
  let list = initial;
  return {
    get: () => list,
    update: async (fn) => {
      list = fn(list);
      return list;
    },
  };
}

export interface WakeOptions {
  /** Where Caddy serves service hostnames (default 127.0.0.1:8480: no root needed). */
  listen?: string;
  /** caddy binary; default: found on PATH. null: no Caddy (the Services page says how to install it). */
  caddyBin?: string | null;
  /** Caddy admin address (default: a unix socket in the data dir). */
  adminListen?: string;
  tickMs?: number;
  pollMs?: number;
  failBackoffMs?: number;
  holdMs?: number;
}

export interface WakeManagerOptions extends WakeOptions {
  dataDir: string;
  logger: Logger;
  host: HostConnection;
  /** Stored services (default: in memory). */
  stored?: StoredServices;
  /** Where counters survive a restart (default: not kept). */
  counters?: CountersPort;
}

export class WakeManager {
  readonly controller: WakeController;
  readonly supervisor: CaddySupervisor;
  readonly accessLog = new AccessLogListener();
  readonly waker: Waker;
  private stored: WakeService[] = [];
  private fromLabels: WakeService[] = [];
  private labelErrors: WakeDeclarationError[] = [];
  private containers = new Map<string, ContainerSummary>();
  private declKey = '';
  private applied = '';
  private appliedNames: string[] = [];
  private wakerAddr = '';
  private logAddr = '';
  private cleanup: (() => void)[] = [];
  private recomputeTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private applyChain: Promise<unknown> = Promise.resolve();
  private proxyError: string | null = null;
  private listeners = new Set<() => void>();
  private readonly listen: string;
  private readonly storedPort: StoredServices;
  private started = false;
  /** Settles when start() finished (the core starts the manager without waiting). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly opts: WakeManagerOptions) {
    this.listen = opts.listen ?? DEFAULT_WAKE_LISTEN;
    this.storedPort = opts.stored ?? memoryStoredServices();
    const docker = (): Dockerode => opts.host.client();
    this.supervisor = new CaddySupervisor({ dir: join(opts.dataDir, 'caddy'), logger: opts.logger, bin: opts.caddyBin, adminListen: opts.adminListen });
    this.controller = new WakeController({
      docker,
      logger: opts.logger,
      upstreams: () => this.supervisor.client.upstreams(),
      tickMs: opts.tickMs,
      pollMs: opts.pollMs,
      failBackoffMs: opts.failBackoffMs,
      counters: opts.counters,
    });
    this.waker = new Waker({ controller: this.controller, logger: opts.logger, holdMs: opts.holdMs });
    this.controller.onChange(() => this.emit());
    this.supervisor.onState(() => this.emit());
  }

  /** Something visible changed (services, states, proxy). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }

  /** Begins the work and returns at once (the core does not wait for Caddy); `ready` settles when done. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.ready = this.run().catch((e) => this.opts.logger.warn('wake: could not start', e));
  }

  private async run(): Promise<void> {
    this.logAddr = await this.accessLog.listen();
    this.wakerAddr = await this.waker.listen();
    this.cleanup.push(this.accessLog.onEntry((e) => this.controller.noteAccess(e)));
    this.stored = this.storedPort.get();
    if (this.storedPort.onChange) {
      this.cleanup.push(
        this.storedPort.onChange(() => {
          this.stored = this.storedPort.get();
          this.scheduleRecompute();
        }),
      );
    }
    // Start Caddy once with the labelled services: wait for the host's first container list (at most
    // 3 s; an unreachable engine must not hold up the proxy), instead of loading twice.
    let firstSnapshot: () => void = () => undefined;
    const snapshot = new Promise<void>((r) => (firstSnapshot = r));
    this.cleanup.push(
      this.opts.host.watch((patch) => {
        if (patch.kind === 'snapshot') {
          firstSnapshot();
          this.containers = new Map(patch.containers.map((c) => [c.id, c]));
        } else {
          for (const id of patch.removed) this.containers.delete(id);
          for (const c of patch.upserts) this.containers.set(c.id, c);
        }
        this.scheduleRecompute();
      }),
    );
    this.cleanup.push(this.opts.host.onEngineEvent('container', (e: EngineEvent) => void this.controller.onContainerEvent(e.id, e.action).catch(() => undefined)));
    this.controller.start();
    let t: NodeJS.Timeout | undefined;
    await Promise.race([snapshot, new Promise<void>((r) => (t = setTimeout(r, 3000)))]);
    clearTimeout(t);
    if (this.recomputeTimer) clearTimeout(this.recomputeTimer);
    this.recomputeTimer = null;
    await this.recompute();
    this.checkTimer = setInterval(() => {
      if (this.supervisor.state.status === 'running') void this.supervisor.ensureApplied().catch((e) => this.opts.logger.warn('wake: checking Caddy\'s config failed', e));
    }, 10_000);
    this.checkTimer.unref?.();
  }

  async dispose(): Promise<void> {
    await this.ready;
    for (const c of this.cleanup.splice(0)) c();
    if (this.recomputeTimer) clearTimeout(this.recomputeTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.listeners.clear();
    await this.controller.dispose();
    await this.applyChain.catch(() => undefined);
    await this.supervisor.dispose();
    await this.waker.close();
    await this.accessLog.close();
  }

  // ---- declarations ------------------------------------------------------------------------------

  private scheduleRecompute(): void {
    if (this.recomputeTimer) return;
    this.recomputeTimer = setTimeout(() => {
      this.recomputeTimer = null;
      void this.recompute().catch((e) => this.opts.logger.warn('wake: updating services failed', e));
    }, 100);
  }

  private readLabels(): void {
    const byName = new Map<string, WakeService>();
    const errors: WakeDeclarationError[] = [];
    const sorted = [...this.containers.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const c of sorted) {
      const r = serviceFromLabels(c);
      if (!r) continue;
      if (!r.ok) {
        errors.push(r.error);
        continue;
      }
      const prev = byName.get(r.service.name);
      if (prev && stableJson(prev) !== stableJson(r.service)) {
        errors.push({ container: c.name, field: 'wakedock.name', message: `another container already declares a different service named ${r.service.name}` });
        continue;
      }
      byName.set(r.service.name, r.service);
    }
    this.fromLabels = [...byName.values()];
    this.labelErrors = errors;
  }

  private decls(): ServiceDecl[] {
    const names = new Set(this.fromLabels.map((s) => s.name));
    return [...this.fromLabels.map((definition) => ({ definition, source: 'labels' as const })), ...this.stored.filter((s) => !names.has(s.name)).map((definition) => ({ definition, source: 'stored' as const }))];
  }

  /** Re-read declarations; when they changed, re-resolve containers and apply Caddy's config. */
  async recompute(force = false): Promise<void> {
    this.readLabels();
    const decls = this.decls();
    const key = stableJson(decls);
    if (key !== this.declKey || force) {
      this.declKey = key;
      await this.controller.setServices(decls);
    }
    await this.applyCaddy();
    this.emit();
  }

  declarationErrors(): WakeDeclarationError[] {
    const names = new Set(this.fromLabels.map((s) => s.name));
    return [...this.labelErrors, ...this.stored.filter((s) => names.has(s.name)).map((s) => ({ container: '(stored)', field: 'name', message: `the stored service ${s.name} is hidden by a service with the same name declared by labels` }))];
  }

  caddyConfig(): CaddyJson {
    return buildConfig({ adminListen: this.supervisor.adminListen, adminOrigin: ADMIN_ORIGIN, listen: this.listen, waker: this.wakerAddr, accessLog: this.logAddr, services: this.controller.routes() });
  }

  private applyCaddy(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.supervisor.state.status === 'absent') return;
      const config = this.caddyConfig();
      const key = stableJson(config);
      if (key === this.applied && this.supervisor.state.status === 'running') return;
      try {
        if (this.supervisor.state.status === 'running') await this.supervisor.apply(config);
        else await this.supervisor.start(config);
        this.applied = key;
        this.appliedNames = this.controller.routes().map((r) => r.name);
        this.proxyError = null;
      } catch (e) {
        this.proxyError = (e as Error).message;
        this.opts.logger.warn(`wake: Caddy config not applied: ${this.proxyError}`);
      }
      this.emit();
    };
    const p = this.applyChain.then(run, run);
    this.applyChain = p.catch(() => undefined);
    return p;
  }

  /** Services whose route Caddy runs (the last config it accepted). */
  routedServices(): string[] {
    return this.supervisor.state.status === 'running' ? [...this.appliedNames] : [];
  }

  proxyStatus(): WakeProxyStatus {
    const s = this.supervisor.state;
    const port = portOf(this.listen);
    const base: WakeProxyStatus = { caddy: s.status, listen: `http://${this.listen}`, port, admin: this.supervisor.adminListen };
    if (s.status === 'absent') return { ...base, message: s.message, hint: INSTALL_HINT[process.platform] ?? INSTALL_HINT.linux };
    if (s.status === 'restarting' || s.status === 'failed') return { ...base, message: s.message };
    if (this.proxyError) return { ...base, message: this.proxyError };
    return base;
  }

  // ---- stored services ---------------------------------------------------------------------------

  private async saveStored(next: WakeService[]): Promise<void> {
    await this.storedPort.update(() => next);
    this.stored = this.storedPort.get();
  }

  /** What the schema cannot see: a name or hostname another service already uses. */
  private conflicts(s: WakeService, replacing?: string): { field: string; message: string }[] {
    const issues: { field: string; message: string }[] = [];
    if (s.name !== replacing && this.decls().some((d) => d.definition.name === s.name)) issues.push({ field: 'name', message: `a service named ${s.name} already exists` });
    const hosts = new Map<string, string>();
    for (const d of this.decls()) if (d.definition.name !== s.name && d.definition.name !== replacing) for (const h of d.definition.hosts) hosts.set(h, d.definition.name);
    s.hosts.forEach((h, i) => {
      const other = hosts.get(h);
      if (other) issues.push({ field: `hosts.${i}`, message: `${h} is already served by ${other}` });
    });
    return issues;
  }

  private parse(input: WakeServiceInput, replacing?: string): WakeService {
    const r = WakeServiceSchema.safeParse(input);
    if (!r.success) {
      const { field, message } = describeIssue(r.error);
      throw Object.assign(new WakeError(`${field}: ${message}`, 'CONFLICT'), { validation: { field, message } });
    }
    const issue = this.conflicts(r.data, replacing)[0];
    if (issue) throw Object.assign(new WakeError(issue.field === 'name' ? issue.message : `${issue.field}: ${issue.message}`, 'CONFLICT'), { validation: issue });
    return r.data;
  }

  /** The editor's preview: conflicts, the upstream Caddy would dial, the route and the loading page. */
  async preview(input: WakeServiceInput, replacing?: string): Promise<WakePreview> {
    const s = WakeServiceSchema.parse(input);
    const target = await this.controller.resolveTarget(s);
    const route = serviceRoute({ name: s.name, hosts: s.hosts, upstream: target.upstream ?? '(no published port yet)' });
    const now = Date.now();
    const view: WakeServiceView = { name: s.name, source: 'stored', definition: s, state: 'waking', inFlight: 0, wakes: 0, wakingSince: now };
    const out: WakePreview = { issues: this.conflicts(s, replacing), route: JSON.stringify(route, null, 2), loadingPage: loadingPage(view, 'preview', now, { script: false }) };
    if (target.upstream) out.upstream = target.upstream;
    if (target.unavailable) out.unavailable = target.unavailable;
    return out;
  }

  async create(input: WakeServiceInput): Promise<WakeService> {
    const s = this.parse(input);
    await this.saveStored([...this.stored, s]);
    await this.recompute();
    return s;
  }

  async update(name: string, input: WakeServiceInput): Promise<WakeService> {
    if (this.fromLabels.some((s) => s.name === name)) throw new WakeError(`${name} is declared by container labels; change the labels instead`, 'CONFLICT');
    const i = this.stored.findIndex((s) => s.name === name);
    if (i < 0) throw new WakeError(`no stored service named ${name}`, 'NOT_FOUND');
    const s = this.parse(input, name);
    const next = [...this.stored];
    next[i] = s;
    await this.saveStored(next);
    await this.recompute();
    return s;
  }

  async remove(name: string): Promise<void> {
    if (this.fromLabels.some((s) => s.name === name)) throw new WakeError(`${name} is declared by container labels; remove the wakedock.enable label instead`, 'CONFLICT');
    if (!this.stored.some((s) => s.name === name)) throw new WakeError(`no stored service named ${name}`, 'NOT_FOUND');
    await this.saveStored(this.stored.filter((s) => s.name !== name));
    await this.recompute();
  }
}
