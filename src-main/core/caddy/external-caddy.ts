// The user's own Caddy, reached at an admin address they gave (Settings → Proxy): WakeDock adds only
// its own parts (merge mode: its servers, logger, and for HTTPS its TLS policies and CA) and removes
// exactly those when the user switches away. It never starts, stops or restarts that Caddy.
//
// Same surface as CaddySupervisor for the WakeManager: state, client, start/apply/ensureApplied.
// ensureApplied (every 10 s) notices the user's Caddy restarting without WakeDock's parts (a
// `caddy run` without --resume, a reload of its Caddyfile) and puts them back, and says when it does
// not answer. When the app closes, WakeDock's parts stay: their fallback server answers "WakeDock is
// not running" for a sleeping service.
import type { Logger } from '../../contract/handlers';
import { CaddyAdminClient, CaddyAdminError } from './caddy-admin-client';
import { ownedParts, stableJson, type CaddyJson } from './caddy-config';
import type { CaddyState } from './caddy-supervisor';

/** The containers WakeDock created in the user's config (kept in the store so a restart still knows). */
export interface CreatedPaths {
  get(): string[];
  set(paths: string[]): Promise<void>;
}

/**
 * "http://127.0.0.1:2019" or "/run/caddy/admin.sock" → the client's listen address and the Host
 * header Caddy accepts by default: host:port as listened for TCP; an empty Host for a unix socket
 * (Caddy 2.6.2's default origins for a socket; Node sends " ", which Go trims to "").
 */
export function adminTarget(admin: string): { listen: string; origin: string } {
  if (admin.startsWith('/')) return { listen: `unix/${admin}`, origin: ' ' };
  const u = new URL(admin);
  return { listen: u.host, origin: u.host };
}

export function memoryCreatedPaths(): CreatedPaths {
  let paths: string[] = [];
  return {
    get: () => paths,
    set: async (p) => {
      paths = p;
    },
  };
}

export class ExternalCaddy {
  readonly client: CaddyAdminClient;
  readonly adminListen: string;
  private _state: CaddyState = { status: 'stopped' };
  private listeners = new Set<(s: CaddyState) => void>();
  private config: CaddyJson | null = null;
  private created: Set<string>;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly admin: string,
    private readonly opts: { logger: Logger; created?: CreatedPaths; timeoutMs?: number },
  ) {
    const t = adminTarget(admin);
    this.adminListen = admin;
    this.client = new CaddyAdminClient({ listen: t.listen, origin: t.origin, timeoutMs: opts.timeoutMs ?? 10_000 });
    this.created = new Set(opts.created?.get() ?? []);
  }

  get state(): CaddyState {
    return this._state;
  }

  onState(fn: (s: CaddyState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private setState(s: CaddyState): void {
    if (stableJson(s) === stableJson(this._state)) return;
    this._state = s;
    for (const l of this.listeners) l(s);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /**
   * Whether a Caddy admin API answers there, in words when not: nothing listening, refused Host
   * header (admin.origins), or something that is not Caddy.
   */
  async probe(): Promise<{ servers: string[] }> {
    let config: unknown;
    try {
      config = await this.client.getConfig();
    } catch (e) {
      const err = e as CaddyAdminError;
      if (err.status === 403) throw new CaddyAdminError(`the Caddy at ${this.admin} refused WakeDock (403: ${err.message.replace(/^Caddy refused: /, '')}); add "${adminTarget(this.admin).origin.trim() || '(empty)'}" to admin.origins or remove origins`, 403);
      if (err.status !== undefined) throw new CaddyAdminError(`${this.admin} answered HTTP ${err.status}, not like Caddy's admin API (${err.message.replace(/^Caddy refused: /, '')})`, err.status);
      if (/ENOENT/.test(err.message)) throw new CaddyAdminError(`there is no socket at ${this.admin}: is your Caddy running with its admin API there?`);
      if (/ECONNREFUSED/.test(err.message)) throw new CaddyAdminError(`nothing answers at ${this.admin} (connection refused): is your Caddy running with its admin API there?`);
      if (/EACCES/.test(err.message)) throw new CaddyAdminError(`WakeDock may not open ${this.admin} (permission denied): give its user access to the socket`);
      throw new CaddyAdminError(err.message.replace(/^Caddy's admin API at /, `the admin API at `));
    }
    if (config !== null && (typeof config !== 'object' || Array.isArray(config))) throw new CaddyAdminError(`${this.admin} answers, but not like Caddy's admin API (GET /config/ is not a config)`);
    const servers = Object.keys((config as { apps?: { http?: { servers?: Record<string, unknown> } } } | null)?.apps?.http?.servers ?? {});
    return { servers };
  }

  private async remember(): Promise<void> {
    await this.opts.created?.set([...this.created].sort());
  }

  /** Merge WakeDock's parts into the user's Caddy (validated, verified, rolled back on failure). */
  start(config: CaddyJson): Promise<void> {
    return this.serial(async () => {
      this.config = config;
      this.setState({ status: 'starting' });
      try {
        await this.probe();
        await this.client.apply(config, 'merge', this.created);
        await this.remember();
        this.setState({ status: 'running', pid: 0 });
      } catch (e) {
        this.setState({ status: 'failed', message: (e as Error).message });
        throw e;
      }
    });
  }

  apply(config: CaddyJson): Promise<void> {
    return this.serial(async () => {
      await this.client.apply(config, 'merge', this.created);
      this.config = config;
      await this.remember();
      this.setState({ status: 'running', pid: 0 });
    });
  }

  /** Put WakeDock's parts back if the user's Caddy lost them; say so when it does not answer. */
  ensureApplied(): Promise<boolean> {
    return this.serial(async () => {
      if (!this.config) return false;
      let running: unknown;
      try {
        running = await this.client.getConfig();
      } catch (e) {
        this.setState({ status: 'failed', message: `your Caddy at ${this.admin} does not answer: ${(e as Error).message}` });
        return false;
      }
      // Compare only what merge mode owns: the user's own parts may change as they like.
      if (stableJson(ownedParts(running)) === stableJson(ownedParts(this.config))) {
        this.setState({ status: 'running', pid: 0 });
        return false;
      }
      this.opts.logger.warn(`caddy: your Caddy at ${this.admin} no longer runs WakeDock's servers; adding them again`);
      try {
        await this.client.apply(this.config, 'merge', this.created);
        await this.remember();
        this.setState({ status: 'running', pid: 0 });
      } catch (e) {
        this.setState({ status: 'failed', message: (e as Error).message });
      }
      return true;
    });
  }

  /** Remove exactly what WakeDock added. */
  detach(): Promise<boolean> {
    return this.serial(async () => {
      const removed = await this.client.detach(this.created);
      this.created.clear();
      await this.remember();
      this.config = null;
      this.setState({ status: 'stopped' });
      return removed;
    });
  }

  /** The app closes: WakeDock's parts stay in the user's Caddy (the fallback page answers). */
  async dispose(): Promise<void> {
    await this.chain.catch(() => undefined);
  }
}
