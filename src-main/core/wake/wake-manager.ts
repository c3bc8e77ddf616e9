// Wake-on-demand, assembled: the waker (started before Caddy, whose error routes reach it; served by
// the shell's loopback HTTP edge through `serveWaker`), the private Caddy (which counts each service's
// requests itself: no access log), the controller,
// services declared by container labels (from the local host's live container table) and stored
// services (the store's `wakeServices` section).
//
// The Caddy config is rebuilt from the routable services and loaded only when it differs from the
// last one applied, so waking and sleeping never reload Caddy (2.6.2 would close every WebSocket).
// Every 10 s the supervisor checks that Caddy still runs our config and loads it again if not.
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import type Dockerode from 'dockerode';
import type { ContainerSummary } from '../../contract';
import { dependencyCycle, describeIssue, WakeServiceSchema, type WakeDeclarationError, type WakeFileStatus, type WakeImportResult, type WakeYamlProblem, type WakePreview, type WakeProxyStatus, type WakeService, type WakeServiceInput, type WakeServiceView } from '../../contract/wake-service';
import type { Logger } from '../../contract/handlers';
import { buildConfig, portOf, serviceRoute, SHARED_CA, stableJson, type CaddyJson } from '../caddy/caddy-config';
import { ADMIN_ORIGIN, CaddySupervisor, findCaddy, INSTALL_HINT } from '../caddy/caddy-supervisor';
import { ExternalCaddy } from '../caddy/external-caddy';
import { listenProblem, privilegedPortsAllowed } from '../caddy/listen-check';
import { CaddyAdminError } from '../caddy/caddy-admin-client';
import { DEFAULT_PROXY_SETTINGS, type WakeProxyApplyResult, type WakeProxySettings, type WakeProxySettingsView } from '../../contract/wake-proxy-settings';
import type { StoredWakeProxy } from '../store/sections';
import type { EngineEvent, HostConnection } from '../engine/host-connection';
import { loadingPage } from './loading-page';
import { serviceFromLabels } from './service-labels';
import { routeOf, WakeController, WakeError, type CountersPort, type ServiceDecl, type UsageSource } from './wake-controller';
import { Waker, type ServeWaker, type ServedWaker } from './waker';
import { memoryWebhooks, WakeWebhooks, type WebhooksPort } from './wake-webhooks';
import type { WakeWebhookEvent, WakeWebhookInfo } from '../../contract/wake-service';
import type { DeliverOptions } from '../alerts/webhook';
import { formatProblem, MAX_YAML_BYTES, parseWakeYaml, toWakeYaml, type ContextIssue } from './wake-yaml';

/** How long the watched file must be quiet before it is read (editors write in several steps). */
export const WATCH_DEBOUNCE_MS = 300;

interface WatchedFile {
  path: string;
  watcher: FSWatcher | null;
  timer: NodeJS.Timeout | null;
  /** Stored services the file declared last time (removed from the store when the file drops them). */
  owned: string[];
  appliedAt?: number;
  error?: WakeYamlProblem;
  lastText?: string;
  reading: Promise<void>;
}

export const DEFAULT_WAKE_LISTEN = '127.0.0.1:8480';

function splitPort(listen: string): number {
  return Number(/:(\d+)$/.exec(listen)?.[1] ?? 0);
}
/** Where stored services live: the store's `wakeServices` section in the core, an array in tests. */
export interface StoredServices {
  get(): WakeService[];
  update(fn: (current: WakeService[]) => WakeService[]): Promise<unknown>;
  onChange?(fn: () => void): () => void;
}

/** A loopback port free right now (for Caddy's fallback server; Caddy binds it when it loads). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
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
  /** Delivery attempts, backoff and timeout of webhooks (tests shorten them). */
  webhookDelivery?: DeliverOptions;
  /**
   * HTTPS for service hostnames (e.g. 127.0.0.1:8443): certificates from Caddy's local CA, whose root
   * is never put in the system trust store (no prompt) and is exported from the Services page. With
   * `acme`, public hostnames get ACME certificates (Let's Encrypt / ZeroSSL) instead; off by default.
   */
  https?: { listen: string; acme?: { email?: string } };
  /**
   * Serves the waker where Caddy can dial it: a route of the shell's loopback HTTP edge
   * (`serveWakerOnEdge()` from edge/waker-edge.ts, which both shells pass). Required: without it
   * the wake service does not start (the core does not run servers of its own).
   */
  serveWaker?: ServeWaker;
}

/** Where the proxy setting lives: the store's `wakeProxy` section in the core, memory in tests. */
export interface ProxySettingsPort {
  get(): StoredWakeProxy;
  update(fn: (current: StoredWakeProxy) => StoredWakeProxy): Promise<unknown>;
}

export function memoryProxySettings(initial: StoredWakeProxy = { settings: null, merged: null }): ProxySettingsPort {
  let v = initial;
  return {
    get: () => v,
    update: async (fn) => {
      v = fn(v);
      return v;
    },
  };
}

/** A proxy setting that cannot be applied: the field it concerns and why. */
export class ProxySettingError extends WakeError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message, 'CONFLICT');
  }
}

/** The Caddy WakeDock talks to: its private one, or the user's (merge mode). */
type CaddyBackend = CaddySupervisor | ExternalCaddy;

export interface WakeManagerOptions extends WakeOptions {
  dataDir: string;
  logger: Logger;
  host: HostConnection;
  /** Stored services (default: in memory). */
  stored?: StoredServices;
  /** Where counters survive a restart (default: not kept). */
  counters?: CountersPort;
  /** The stats pipeline for the host (idle CPU/memory thresholds); absent: thresholds are not checked. */
  usage?: UsageSource;
  /** Where webhook URLs are kept (sealed in the core's store; default: in memory). */
  webhooks?: WebhooksPort;
  /** The proxy setting (Settings → Proxy); default: in memory. */
  proxySettings?: ProxySettingsPort;
}

export class WakeManager {
  readonly controller: WakeController;
  readonly supervisor: CaddySupervisor;
  readonly waker: Waker;
  readonly webhooks: WakeWebhooks;
  private stored: WakeService[] = [];
  private fromLabels: WakeService[] = [];
  private labelErrors: WakeDeclarationError[] = [];
  private containers = new Map<string, ContainerSummary>();
  private declKey = '';
  private applied = '';
  private appliedNames: string[] = [];
  private wakerAddr = '';
  private served: ServedWaker | null = null;
  /** Where Caddy serves its own "WakeDock is not running" page (the waker's fallback upstream). */
  private fallbackAddr = '';
  private cleanup: (() => void)[] = [];
  private recomputeTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private applyChain: Promise<unknown> = Promise.resolve();
  private proxyError: string | null = null;
  private listeners = new Set<() => void>();
  /** The proxy setting in effect: the stored one (or defaults) with the start-up options on top. */
  private eff: WakeProxySettings;
  /** The Caddy in use: the private supervisor, or the user's Caddy. */
  private proxy: CaddyBackend;
  private readonly proxyPort: ProxySettingsPort;
  private readonly storedPort: StoredServices;
  private started = false;
  private file: WatchedFile | null = null;
  /** Serializes changes to the stored services (editor, import, the watched file). */
  private storedChain: Promise<unknown> = Promise.resolve();
  /** Settles when start() finished (the core starts the manager without waiting). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly opts: WakeManagerOptions) {
    this.storedPort = opts.stored ?? memoryStoredServices();
    this.proxyPort = opts.proxySettings ?? memoryProxySettings();
    this.eff = this.withFixed(this.proxyPort.get().settings ?? DEFAULT_PROXY_SETTINGS);
    const docker = (): Dockerode => opts.host.client();
    this.supervisor = new CaddySupervisor({ dir: join(opts.dataDir, 'caddy'), logger: opts.logger, bin: opts.caddyBin, adminListen: opts.adminListen });
    this.proxy = this.eff.mode === 'external' && this.eff.admin ? this.external(this.eff.admin) : this.supervisor;
    this.controller = new WakeController({
      docker,
      logger: opts.logger,
      upstreams: () => this.proxy.client.upstreams(),
      tickMs: opts.tickMs,
      pollMs: opts.pollMs,
      failBackoffMs: opts.failBackoffMs,
      counters: opts.counters,
      usage: opts.usage,
    });
    this.webhooks = new WakeWebhooks({ port: opts.webhooks ?? memoryWebhooks(), logger: opts.logger, hostsOf: (n) => this.controller.view(n)?.definition.hosts ?? [], deliver: opts.webhookDelivery });
    this.webhooks.onDelivered = () => this.emit();
    this.controller.onLifecycle((e) => this.webhooks.onLifecycle(e));
    this.waker = new Waker({ controller: this.controller, logger: opts.logger, holdMs: opts.holdMs });
    this.controller.onChange(() => this.emit());
    this.supervisor.onState((st) => {
      // Caddy (re)started by the supervisor itself after a failed start or a crash runs the last config
      // it was given; apply again so what counts as routed is what Caddy really has.
      if (st.status === 'running' && this.started) this.scheduleRecompute();
      this.emit();
    });
  }

  /** The listen address in effect (service hostnames over HTTP). */
  private get listen(): string {
    return this.eff.listen;
  }

  /** HTTPS as WakeOptions has it (what the config builder takes), from the setting in effect. */
  private get https(): WakeOptions['https'] {
    if (!this.eff.https) return undefined;
    return { listen: this.eff.httpsListen, ...(this.eff.acme ? { acme: this.eff.acmeEmail ? { email: this.eff.acmeEmail } : {} } : {}) };
  }

  /** Fields the start-up options (serve flags) fix, with the flag that fixes them. */
  fixedFields(): { field: 'listen' | 'https' | 'httpsListen' | 'acme' | 'acmeEmail'; flag: string }[] {
    const out: { field: 'listen' | 'https' | 'httpsListen' | 'acme' | 'acmeEmail'; flag: string }[] = [];
    if (this.opts.listen !== undefined) out.push({ field: 'listen', flag: '--wake-listen' });
    if (this.opts.https !== undefined) {
      out.push({ field: 'https', flag: '--wake-https' }, { field: 'httpsListen', flag: '--wake-https' });
      if (this.opts.https.acme) out.push({ field: 'acme', flag: '--wake-acme' });
      if (this.opts.https.acme?.email) out.push({ field: 'acmeEmail', flag: '--wake-acme-email' });
    }
    return out;
  }

  /** The start-up options win over the stored setting, field by field. */
  private withFixed(s: WakeProxySettings): WakeProxySettings {
    const out: WakeProxySettings = { ...s };
    if (this.opts.listen !== undefined) out.listen = this.opts.listen;
    if (this.opts.https !== undefined) {
      out.https = true;
      out.httpsListen = this.opts.https.listen;
      if (this.opts.https.acme) {
        out.acme = true;
        if (this.opts.https.acme.email) out.acmeEmail = this.opts.https.acme.email;
      }
    }
    return out;
  }

  private external(admin: string): ExternalCaddy {
    const ext = new ExternalCaddy(admin, {
      logger: this.opts.logger,
      created: {
        get: () => {
          const m = this.proxyPort.get().merged;
          return m && m.admin === admin ? m.created : [];
        },
        set: (created) => this.proxyPort.update((cur) => ({ ...cur, merged: created.length > 0 ? { admin, created } : null })).then(() => undefined),
      },
    });
    ext.onState(() => this.emit());
    return ext;
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
    if (!this.opts.serveWaker) throw new Error('no edge to serve the waker on (WakeOptions.serveWaker)');
    this.served = await this.opts.serveWaker(this.waker);
    this.wakerAddr = this.served.address;
    this.fallbackAddr = `127.0.0.1:${await freeLoopbackPort()}`;
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
          // The engine (re)connected: services read while it was not answering are 'unavailable'
          // ("still connecting") and must be read again even if no declaration changed.
          this.resolveAgain = true;
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
      const p = this.proxy;
      // The user's Caddy is checked even when it did not answer: it may be back (and without our parts).
      if (p.state.status === 'running' || (p instanceof ExternalCaddy && p.state.status === 'failed')) void p.ensureApplied().catch((e) => this.opts.logger.warn('wake: checking Caddy\'s config failed', e));
    }, 10_000);
    this.checkTimer.unref?.();
  }

  /** Where the waker is served (host:port on loopback): null before start and after dispose. */
  wakerAddress(): string | null {
    return this.served?.address ?? null;
  }

  async dispose(): Promise<void> {
    await this.ready;
    this.stopWatching();
    for (const c of this.cleanup.splice(0)) c();
    if (this.recomputeTimer) clearTimeout(this.recomputeTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.listeners.clear();
    await this.controller.dispose();
    await this.webhooks.dispose();
    await this.applyChain.catch(() => undefined);
    if (this.proxy !== this.supervisor) await this.proxy.dispose();
    await this.supervisor.dispose();
    await this.served?.close();
    this.served = null;
  }

  // ---- declarations ------------------------------------------------------------------------------

  /** A container snapshot arrived (first connect or reconnect): re-read every service's containers. */
  private resolveAgain = false;

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
      this.resolveAgain = false;
      await this.controller.setServices(decls);
    } else if (this.resolveAgain) {
      this.resolveAgain = false;
      await this.controller.refresh();
    }
    await this.applyCaddy();
    this.emit();
  }

  declarationErrors(): WakeDeclarationError[] {
    const names = new Set(this.fromLabels.map((s) => s.name));
    const out = [...this.labelErrors, ...this.stored.filter((s) => names.has(s.name)).map((s) => ({ container: '(stored)', field: 'name', message: `the stored service ${s.name} is hidden by a service with the same name declared by labels` }))];
    // Stored services are checked when saved; labels are not, so a cycle can only come from them.
    const cycle = dependencyCycle(this.decls().map((d) => d.definition));
    if (cycle) out.push({ container: '(labels)', field: 'wakedock.depends_on', message: `depends_on makes a cycle: ${cycle.join(' → ')}; waking any of them fails` });
    return out;
  }

  caddyConfig(): CaddyJson {
    const https = this.https;
    return buildConfig({ adminListen: this.supervisor.adminListen, adminOrigin: ADMIN_ORIGIN, listen: this.listen, waker: this.wakerAddr, fallback: this.fallbackAddr || undefined, services: this.controller.routes(), ...(https ? { tls: https } : {}), ...(this.proxy instanceof ExternalCaddy ? { shared: true } : {}) });
  }

  /** Load the config into the Caddy in use (start it first when it is not running); throws. */
  private async loadCaddy(force = false): Promise<void> {
    const p = this.proxy;
    if (p.state.status === 'absent') throw new CaddyAdminError((p.state as { message: string }).message);
    const config = this.caddyConfig();
    const key = stableJson(config);
    if (!force && key === this.applied && p.state.status === 'running') return;
    if (p.state.status === 'running') await p.apply(config);
    else await p.start(config);
    this.applied = key;
    this.appliedNames = this.controller.routes().map((r) => r.name);
    this.proxyError = null;
  }

  private inApplyChain<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.applyChain.then(fn, fn);
    this.applyChain = p.catch(() => undefined);
    return p;
  }

  private applyCaddy(): Promise<void> {
    return this.inApplyChain(async () => {
      if (this.proxy.state.status === 'absent') return;
      try {
        await this.loadCaddy();
      } catch (e) {
        this.proxyError = (e as Error).message;
        this.opts.logger.warn(`wake: Caddy config not applied: ${this.proxyError}`);
      }
      this.emit();
    });
  }

  /** Services whose route Caddy runs (the last config it accepted). */
  routedServices(): string[] {
    return this.proxy.state.status === 'running' ? [...this.appliedNames] : [];
  }

  proxyStatus(): WakeProxyStatus {
    const s = this.proxy.state;
    const port = portOf(this.listen);
    const base: WakeProxyStatus = { caddy: s.status, listen: `http://${this.listen}`, port, admin: this.proxy.adminListen, mode: this.proxy instanceof ExternalCaddy ? 'external' : 'private' };
    const https = this.https;
    if (https) {
      base.https = `https://${https.listen}`;
      base.httpsPort = portOf(https.listen);
      base.acme = Boolean(https.acme);
    }
    if (s.status === 'absent') return { ...base, message: s.message, hint: INSTALL_HINT[process.platform] ?? INSTALL_HINT.linux };
    if (s.status === 'restarting' || s.status === 'failed') return { ...base, message: s.message };
    if (this.proxyError) return { ...base, message: this.proxyError };
    return base;
  }

  /** The root certificate of Caddy's local CA (PEM), which signs the .localhost certificates. */
  async rootCertificate(): Promise<{ pem: string; name: string }> {
    if (!this.eff.https) throw new WakeError('HTTPS is off: turn it on in Settings → Proxy (or start wakedock serve with --wake-https) to get a local CA', 'CONFLICT');
    if (this.proxy.state.status !== 'running') throw new WakeError(`Caddy is not running (${this.proxy.state.status})`, 'CONFLICT');
    // In the user's Caddy, WakeDock's names are signed by its own CA (the user's `local` is theirs).
    return this.proxy.client.rootCertificate(this.proxy instanceof ExternalCaddy ? SHARED_CA : 'local');
  }

  // ---- the proxy setting (Settings → Proxy) -------------------------------------------------------

  proxySettings(): WakeProxySettingsView {
    return { settings: this.eff, saved: this.proxyPort.get().settings !== null, fixed: this.fixedFields(), privilegedPorts: privilegedPortsAllowed(), caddyInstalled: this.opts.caddyBin === undefined ? findCaddy() !== null : this.opts.caddyBin !== null };
  }

  /**
   * Apply a new proxy setting live: check it (fixed fields, the ports, the admin address), switch
   * between the private Caddy and the user's (removing exactly what WakeDock added from the one it
   * leaves), or reload with new listeners; on failure the previous proxy is put back. Saved only
   * once it works. Returns what happened in words.
   */
  setProxySettings(input: WakeProxySettings): Promise<WakeProxyApplyResult> {
    return this.inApplyChain(() => this.reconfigure(input));
  }

  private async reconfigure(input: WakeProxySettings): Promise<WakeProxyApplyResult> {
    const next = input;
    for (const f of this.fixedFields()) {
      if (stableJson(next[f.field]) !== stableJson(this.withFixed(next)[f.field])) throw new ProxySettingError(`${f.field} is fixed by ${f.flag} (WakeDock was started with it); restart without the flag to change it here`, f.field);
    }
    const prev = this.eff;
    const old = this.proxy;
    const save = async (): Promise<void> => {
      await this.proxyPort.update((cur) => ({ ...cur, settings: next }));
    };
    if (stableJson(next) === stableJson(prev) && old.state.status === 'running') {
      await save();
      return { settings: this.eff, message: 'Nothing changed: this is the proxy in use.' };
    }
    // Checks that need the machine: the private Caddy's ports, the user's admin address.
    if (next.mode === 'private') {
      if (this.supervisor.state.status === 'absent') throw new ProxySettingError(`No caddy binary on PATH for a private Caddy. ${INSTALL_HINT[process.platform] ?? INSTALL_HINT.linux}`, 'mode');
      const ours = new Set([prev.listen, ...(prev.https ? [prev.httpsListen] : [])]);
      for (const [field, listen] of [['listen', next.listen], ...(next.https ? [['httpsListen', next.httpsListen]] : [])] as const) {
        if (ours.has(listen)) continue;
        const problem = await listenProblem(listen);
        if (problem) throw new ProxySettingError(problem, field);
      }
    }
    const switching = next.mode !== prev.mode || (next.mode === 'external' && next.admin !== prev.admin) || (old instanceof ExternalCaddy) !== (next.mode === 'external');
    const target: CaddyBackend = !switching ? old : next.mode === 'external' ? this.external(next.admin as string) : this.supervisor;
    let userServers: string[] = [];
    if (target instanceof ExternalCaddy && switching) {
      try {
        userServers = (await target.probe()).servers;
      } catch (e) {
        throw new ProxySettingError((e as Error).message, 'admin');
      }
    }
    const notes: string[] = [];
    // Leave the old Caddy: stop the private one, or take WakeDock's parts out of the user's.
    if (switching) {
      if (old instanceof ExternalCaddy) {
        try {
          await old.detach();
          notes.push(`WakeDock's servers were removed from your Caddy at ${old.admin}`);
        } catch (e) {
          notes.push(`WakeDock's servers could not be removed from your Caddy at ${old.admin} (${(e as Error).message}); remove the servers named wakedock* there by hand`);
        }
      } else {
        await this.supervisor.dispose();
      }
    }
    this.eff = next;
    this.proxy = target;
    this.applied = '';
    try {
      await this.loadCaddy(true);
    } catch (e) {
      // Put the previous proxy back, as it was.
      const why = (e as Error).message;
      if (switching && target instanceof ExternalCaddy) await target.detach().catch(() => undefined);
      if (switching && target === this.supervisor) await this.supervisor.dispose();
      this.eff = prev;
      this.proxy = old;
      this.applied = '';
      let back = 'the previous proxy is in use again';
      try {
        await this.loadCaddy(true);
      } catch (e2) {
        back = `the previous proxy could not be restored either: ${(e2 as Error).message}`;
        this.proxyError = (e2 as Error).message;
      }
      this.emit();
      const field = next.https && why.includes(`:${splitPort(next.httpsListen)}`) ? 'httpsListen' : /address already in use|bind:|listen/i.test(why) || next.mode === 'private' ? 'listen' : 'admin';
      throw new ProxySettingError(`${why.replace(/^Caddy refused: /, 'Caddy refused the setting: ')}; ${back}`, field);
    }
    await save();
    this.emit();
    const where = `http://${next.listen}${next.https ? ` and https://${next.httpsListen}` : ''}`;
    let message: string;
    if (!switching) message = `Applied: ${this.proxy instanceof ExternalCaddy ? `your Caddy at ${next.admin}` : "WakeDock's Caddy"} now serves service hostnames on ${where}${next.https ? (next.acme ? ' (ACME for public names)' : ' (local CA)') : ''}.`;
    else if (target instanceof ExternalCaddy) message = `Switched to your Caddy at ${next.admin}: WakeDock added its servers for ${where}${userServers.length === 1 ? `; your server (${userServers[0]}) was left as it was` : userServers.length > 1 ? `; your ${userServers.length} servers (${userServers.join(', ')}) were left as they were` : ''}. WakeDock's private Caddy was stopped.`;
    else message = `Switched to WakeDock's private Caddy on ${where}.`;
    if (notes.length > 0) message += ` ${notes.join('. ')}.`;
    this.opts.logger.info(`wake: proxy setting applied: ${message}`);
    return { settings: this.eff, message };
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
    const others = this.decls()
      .map((d) => d.definition)
      .filter((d) => d.name !== s.name && d.name !== replacing);
    const known = new Set([...others.map((d) => d.name), s.name]);
    (s.depends_on ?? []).forEach((d, i) => {
      if (!known.has(d)) issues.push({ field: `depends_on.${i}`, message: `no service named ${d}` });
    });
    const cycle = dependencyCycle([...others, s]);
    if (cycle) issues.push({ field: 'depends_on', message: `depends_on makes a cycle: ${cycle.join(' → ')}` });
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

  /** Runs changes to the stored services one after another. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.storedChain.then(fn, fn);
    this.storedChain = p.catch(() => undefined);
    return p;
  }

  /** The editor's preview: conflicts, the upstream Caddy would dial, the route and the loading page. */
  async preview(input: WakeServiceInput, replacing?: string): Promise<WakePreview> {
    const s = WakeServiceSchema.parse(input);
    const target = await this.controller.resolveTarget(s);
    const route = serviceRoute(target.upstreams.length > 0 ? routeOf(s, target.upstreams) : { name: s.name, hosts: s.hosts, upstream: target.upstream ?? '(no published port yet)' });
    const now = Date.now();
    const view: WakeServiceView = { name: s.name, source: 'stored', definition: s, state: 'waking', inFlight: 0, wakes: 0, wakingSince: now };
    const out: WakePreview = { issues: this.conflicts(s, replacing), route: JSON.stringify(route, null, 2), loadingPage: loadingPage(view, 'preview', now, { script: false }) };
    if (target.upstream) out.upstream = target.upstream;
    if (target.unavailable) out.unavailable = target.unavailable;
    return out;
  }

  create(input: WakeServiceInput): Promise<WakeService> {
    return this.serial(() => this.doCreate(input));
  }

  private async doCreate(input: WakeServiceInput): Promise<WakeService> {
    const s = this.parse(input);
    await this.saveStored([...this.stored, s]);
    await this.recompute();
    return s;
  }

  update(name: string, input: WakeServiceInput): Promise<WakeService> {
    return this.serial(() => this.doUpdate(name, input));
  }

  private async doUpdate(name: string, input: WakeServiceInput): Promise<WakeService> {
    if (this.fromLabels.some((s) => s.name === name)) throw new WakeError(`${name} is declared by container labels; change the labels instead`, 'CONFLICT');
    const i = this.stored.findIndex((s) => s.name === name);
    if (i < 0) throw new WakeError(`no stored service named ${name}`, 'NOT_FOUND');
    const s = this.parse(input, name);
    const next = [...this.stored];
    next[i] = s;
    await this.saveStored(next);
    await this.webhooks.rename(name, s.name);
    await this.recompute();
    return s;
  }

  remove(name: string): Promise<void> {
    return this.serial(() => this.doRemove(name));
  }

  private async doRemove(name: string): Promise<void> {
    if (this.fromLabels.some((s) => s.name === name)) throw new WakeError(`${name} is declared by container labels; remove the wakedock.enable label instead`, 'CONFLICT');
    if (!this.stored.some((s) => s.name === name)) throw new WakeError(`no stored service named ${name}`, 'NOT_FOUND');
    await this.saveStored(this.stored.filter((s) => s.name !== name));
    if (this.webhooks.info(name)) await this.webhooks.set(name, null);
    await this.recompute();
  }

  // ---- webhooks ------------------------------------------------------------------------------------

  /** The Services page's rows: the controller's views with each service's webhook (never its URL). */
  views(): WakeServiceView[] {
    return this.controller.views().map((v) => {
      const w = this.webhooks.info(v.name);
      return w ? { ...v, webhook: w } : v;
    });
  }

  async setWebhook(name: string, url: string | null | undefined, events?: WakeWebhookEvent[]): Promise<WakeWebhookInfo | null> {
    if (!this.controller.has(name)) throw new WakeError(`no service named ${name}`, 'NOT_FOUND');
    if (url === undefined && !this.webhooks.info(name)) {
      const message = `${name} has no webhook yet: enter its URL`;
      throw Object.assign(new WakeError(message, 'CONFLICT'), { validation: { field: 'url', message } });
    }
    const r = await this.webhooks.set(name, url, events);
    this.emit();
    return r;
  }

  // ---- wakedock.yml: import, export, watch ---------------------------------------------------------

  /** What the file cannot see alone: names declared by labels, hostnames served elsewhere, unknown dependencies, cycles. */
  private fileCheck(removing: readonly string[]): (services: WakeService[]) => ContextIssue | null {
    return (services) => {
      const names = new Set(services.map((s) => s.name));
      const labelNames = new Set(this.fromLabels.map((s) => s.name));
      const others = [...this.fromLabels, ...this.stored.filter((s) => !labelNames.has(s.name) && !names.has(s.name) && !removing.includes(s.name))];
      const hosts = new Map<string, string>();
      for (const o of others) for (const h of o.hosts) hosts.set(h, o.name);
      const known = new Set([...others.map((o) => o.name), ...names]);
      for (const [index, s] of services.entries()) {
        if (labelNames.has(s.name)) return { index, path: ['name'], message: `${s.name} is declared by container labels; give this service another name` };
        for (const [j, h] of s.hosts.entries()) {
          const other = hosts.get(h);
          if (other) return { index, path: ['hosts', j], message: `${h} is already served by ${other}` };
        }
        for (const [j, d] of (s.depends_on ?? []).entries()) if (!known.has(d)) return { index, path: ['depends_on', j], message: `no service named ${d}` };
      }
      const cycle = dependencyCycle([...others, ...services]);
      if (cycle) {
        const index = Math.max(0, services.findIndex((s) => cycle.includes(s.name)));
        return { index, path: ['depends_on'], message: `depends_on makes a cycle: ${cycle.join(' → ')}` };
      }
      return null;
    };
  }

  /**
   * Apply a wakedock.yml's services to the stored services: each is created or replaced by name;
   * `removing` (the services an earlier version of a watched file declared) are removed when the
   * file no longer has them. All or nothing: a problem anywhere changes nothing.
   */
  private async applyYaml(text: string, file: string, removing: readonly string[] = []): Promise<{ result: WakeImportResult; names: string[] }> {
    const r = parseWakeYaml(text, file, this.fileCheck(removing));
    if (!r.ok) throw Object.assign(new WakeError(formatProblem(r.problem), 'CONFLICT'), { validation: { field: r.problem.field, message: formatProblem(r.problem) }, problem: r.problem });
    const names = r.services.map((s) => s.name);
    const result: WakeImportResult = { created: [], updated: [], unchanged: [], removed: [] };
    const byName = new Map(this.stored.map((s) => [s.name, s]));
    for (const s of r.services) {
      const prev = byName.get(s.name);
      if (!prev) result.created.push(s.name);
      else if (stableJson(prev) === stableJson(s)) result.unchanged.push(s.name);
      else result.updated.push(s.name);
    }
    result.removed = removing.filter((n) => !names.includes(n) && byName.has(n));
    if (result.created.length + result.updated.length + result.removed.length > 0) {
      const fresh = new Map(r.services.map((s) => [s.name, s]));
      // Replaced services keep their place in the list; new ones go at the end, in the file's order.
      const next = this.stored.filter((s) => !result.removed.includes(s.name)).map((s) => fresh.get(s.name) ?? s);
      for (const s of r.services) if (!byName.has(s.name)) next.push(s);
      await this.saveStored(next);
      await this.recompute();
    }
    return { result, names };
  }

  /** Import a wakedock.yml given as text or read from a path (on the machine the core runs on). */
  importYaml(input: { text?: string; path?: string }): Promise<WakeImportResult> {
    return this.serial(async () => {
      const { path } = input;
      const text = path !== undefined ? await readYamlFile(path) : (input.text ?? '');
      return (await this.applyYaml(text, path !== undefined ? basename(path) : 'wakedock.yml')).result;
    });
  }

  /** The stored services as a wakedock.yml; with a path, also written there atomically (temp file + rename). */
  async exportYaml(path?: string): Promise<string> {
    const text = toWakeYaml(this.stored);
    if (path !== undefined) {
      if (!isAbsolute(path)) throw new WakeError(`${path}: give an absolute path`, 'CONFLICT');
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
      try {
        await writeFile(tmp, text, { mode: 0o644 });
        await rename(tmp, path);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw new WakeError(`could not write ${path}: ${(e as Error).message}`, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'CONFLICT');
      }
    }
    return text;
  }

  /** The watched file and whether its last edit applied. */
  fileStatus(): WakeFileStatus | undefined {
    const f = this.file;
    if (!f) return undefined;
    const out: WakeFileStatus = { path: f.path, services: [...f.owned] };
    if (f.appliedAt !== undefined) out.appliedAt = f.appliedAt;
    if (f.error) out.error = f.error;
    return out;
  }

  /**
   * Watch a wakedock.yml (null: stop). It is applied now and again after each change (debounced);
   * a bad edit keeps the last good config and is reported in fileStatus().error.
   */
  async watchFile(path: string | null): Promise<WakeFileStatus | undefined> {
    this.stopWatching();
    if (path === null) {
      this.emit();
      return undefined;
    }
    if (!isAbsolute(path)) throw new WakeError(`${path}: give an absolute path`, 'CONFLICT');
    const dir = dirname(path);
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new WakeError(`${dir} is not a folder`, 'NOT_FOUND');
    const f: WatchedFile = { path, watcher: null, timer: null, owned: [], reading: Promise.resolve() };
    this.file = f;
    // Watch the folder, not the file: editors and atomic writers replace the file (a new inode).
    f.watcher = fsWatch(dir, { persistent: false }, (_event, name) => {
      if (name !== null && name !== basename(path)) return;
      if (f.timer) clearTimeout(f.timer);
      f.timer = setTimeout(() => {
        f.timer = null;
        f.reading = this.reloadFile(f);
      }, WATCH_DEBOUNCE_MS);
    });
    f.watcher.on('error', (e) => {
      f.error = { file: basename(path), line: 0, field: '', message: `cannot watch the folder: ${e.message}` };
      this.emit();
    });
    f.reading = this.reloadFile(f);
    await f.reading;
    return this.fileStatus();
  }

  /** Settles when the watched file's pending read (if any) is done (tests). */
  async fileSettled(): Promise<void> {
    await this.file?.reading;
  }

  private stopWatching(): void {
    const f = this.file;
    if (!f) return;
    f.watcher?.close();
    if (f.timer) clearTimeout(f.timer);
    this.file = null;
  }

  private reloadFile(f: WatchedFile): Promise<void> {
    return this.serial(async () => {
      if (this.file !== f) return;
      const name = basename(f.path);
      let text: string;
      try {
        text = await readYamlFile(f.path);
      } catch (e) {
        f.error = { file: name, line: 0, field: '', message: (e as Error).message };
        this.emit();
        return;
      }
      if (text === f.lastText && !f.error) return;
      try {
        const { names } = await this.applyYaml(text, name, f.owned);
        f.owned = names;
        f.appliedAt = Date.now();
        f.error = undefined;
        f.lastText = text;
        this.opts.logger.info(`wake: applied ${f.path} (${names.length} services)`);
      } catch (e) {
        const problem = (e as { problem?: WakeYamlProblem }).problem;
        f.error = problem ?? { file: name, line: 0, field: '', message: (e as Error).message };
        this.opts.logger.warn(`wake: ${f.path} not applied, the last good config stays: ${problem ? formatProblem(problem) : (e as Error).message}`);
      }
      this.emit();
    });
  }
}

async function readYamlFile(path: string): Promise<string> {
  if (!isAbsolute(path)) throw new WakeError(`${path}: give an absolute path`, 'CONFLICT');
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new WakeError(e.code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path}: ${e.message}`, e.code === 'ENOENT' ? 'NOT_FOUND' : 'CONFLICT');
  });
  if (!st.isFile()) throw new WakeError(`${path} is not a file`, 'CONFLICT');
  if (st.size > MAX_YAML_BYTES) throw new WakeError(`${path} is larger than ${MAX_YAML_BYTES / 1024} KiB`, 'CONFLICT');
  return readFile(path, 'utf8');
}
