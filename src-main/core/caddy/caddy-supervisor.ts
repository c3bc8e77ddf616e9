// Runs and watches a private Caddy: `caddy run --config <dataDir>/caddy/wakedock-caddy.json`, admin on
// a unix socket in the data dir (loopback TCP on Windows), never the system service's Caddyfile.
//
// - The config file is written atomically (temp file + rename) before every load, so a Caddy that
//   restarts — after a crash or a kill — starts with the current config.
// - When the process exits unexpectedly it is started again with backoff (250 ms → 5 s), and the
//   state says why ("caddy exited with code 1: …" quoting the end of its stderr).
// - ensureApplied() compares what Caddy runs with what it should run and loads ours again if they
//   differ (someone loaded another config, or an external restart lost it).
// - A Caddy left running by a previous WakeDock on the same admin socket is asked to stop
//   (POST /stop) before a new one starts, so it never holds the ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Logger } from '../../contract/handlers';
import { CaddyAdminClient, CaddyAdminError } from './caddy-admin-client';
import { ownedServers, stableJson, type CaddyJson } from './caddy-config';

export type CaddyState =
  | { status: 'absent'; message: string }
  | { status: 'stopped' }
  | { status: 'starting' }
  | { status: 'running'; pid: number; version?: string }
  | { status: 'restarting'; message: string }
  | { status: 'failed'; message: string };

/** The `caddy` executable on PATH, or null. */
export function findCaddy(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | null {
  const names = platform === 'win32' ? ['caddy.exe'] : ['caddy'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const p = join(dir, n);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        /* next */
      }
    }
  }
  return null;
}

export const INSTALL_HINT: Record<string, string> = {
  linux: 'Install Caddy 2.6 or newer: `sudo apt install caddy` (Debian/Ubuntu), `sudo dnf install caddy` (Fedora) or see https://caddyserver.com/docs/install',
  darwin: 'Install Caddy: `brew install caddy`',
  win32: 'Install Caddy: `winget install CaddyServer.Caddy` or `choco install caddy`',
};

export interface CaddySupervisorOptions {
  /** Directory for the config file and the admin socket. */
  dir: string;
  logger: Logger;
  /** Path of the caddy binary (default: found on PATH). */
  bin?: string | null;
  /** Caddy admin listen address; default a unix socket in `dir` (loopback TCP must be given on Windows). */
  adminListen?: string;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** How long a starting Caddy may take to answer on its admin address (default 15 s). */
  startTimeoutMs?: number;
}

export const ADMIN_ORIGIN = 'wakedock';

export class CaddySupervisor {
  readonly adminListen: string;
  readonly client: CaddyAdminClient;
  readonly configPath: string;
  private child: ChildProcess | null = null;
  private config: CaddyJson | null = null;
  private _state: CaddyState;
  private listeners = new Set<(s: CaddyState) => void>();
  private stopping = false;
  private backoff: number;
  private restartTimer: NodeJS.Timeout | null = null;
  private stderrTail: string[] = [];
  private readonly bin: string | null;
  /** Serialises start/apply/restart so two loads never interleave. */
  private chain: Promise<unknown> = Promise.resolve();
  /** How many times Caddy was (re)started; tests and the UI read it. */
  starts = 0;

  constructor(private readonly opts: CaddySupervisorOptions) {
    this.bin = opts.bin === undefined ? findCaddy() : opts.bin;
    this.adminListen = opts.adminListen ?? `unix/${join(opts.dir, 'admin.sock')}`;
    this.client = new CaddyAdminClient({ listen: this.adminListen, origin: ADMIN_ORIGIN });
    this.configPath = join(opts.dir, 'wakedock-caddy.json');
    this.backoff = opts.backoffMinMs ?? 250;
    this._state = this.bin ? { status: 'stopped' } : { status: 'absent', message: `No caddy binary on PATH. ${INSTALL_HINT[process.platform] ?? INSTALL_HINT.linux}` };
  }

  get state(): CaddyState {
    return this._state;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  onState(fn: (s: CaddyState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private setState(s: CaddyState): void {
    this._state = s;
    for (const l of this.listeners) l(s);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async writeConfig(config: CaddyJson): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.configPath}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(config, null, 2), { mode: 0o600 });
    await rename(tmp, this.configPath);
  }

  /** Start Caddy with this config (or load it, if running). Resolves once Caddy answers with it. */
  start(config: CaddyJson): Promise<void> {
    return this.serial(async () => {
      this.config = config;
      this.stopping = false;
      if (!this.bin) throw new CaddyAdminError((this._state as { message: string }).message);
      await this.writeConfig(config);
      if (this.child) {
        await this.client.apply(config, 'all');
        return;
      }
      try {
        await this.spawnAndWait();
      } catch (e) {
        // Never leave a half-started child behind with the state stuck at 'starting' (routes would
        // never count as applied): kill it and retry with backoff, like a crash.
        const child = this.child as ChildProcess | null;
        this.child = null;
        child?.kill('SIGKILL');
        this.scheduleRestart((e as Error).message);
        throw e;
      }
    });
  }

  /** Load a new config (validated, rolled back on failure); the file follows only once Caddy accepted it. */
  apply(config: CaddyJson): Promise<void> {
    return this.serial(async () => {
      if (!this.child) {
        this.config = config;
        if (this.bin && !this.stopping) await this.writeConfig(config);
        return;
      }
      await this.client.apply(config, 'all');
      this.config = config;
      await this.writeConfig(config);
    });
  }

  /** Load ours again if Caddy runs something else (returns true when it had to). */
  ensureApplied(): Promise<boolean> {
    return this.serial(async () => {
      if (!this.child || !this.config || this._state.status !== 'running') return false;
      const running = await this.client.getConfig();
      if (stableJson(ownedServers(running)) === stableJson(ownedServers(this.config))) return false;
      this.opts.logger.warn('caddy: the running config is not WakeDock\'s; loading it again');
      await this.client.apply(this.config, 'all');
      return true;
    });
  }

  private async spawnAndWait(): Promise<void> {
    const bin = this.bin as string;
    // A Caddy left behind by an earlier run on our socket: ask it to stop so it frees the ports.
    if (await this.client.reachable()) {
      this.opts.logger.warn(`caddy: an earlier instance answers on ${this.adminListen}; stopping it`);
      await this.postStop();
      await this.waitUntil(async () => !(await this.client.reachable()), 5_000);
    }
    if (this.adminListen.startsWith('unix/')) await rm(this.adminListen.slice(5), { force: true });
    this.setState({ status: 'starting' });
    this.stderrTail = [];
    const child = spawn(bin, ['run', '--config', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: process.env.HOME ?? this.opts.dir, XDG_DATA_HOME: join(this.opts.dir, 'data'), XDG_CONFIG_HOME: join(this.opts.dir, 'config') } });
    this.child = child;
    this.starts++;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      for (const line of d.split('\n')) {
        if (!line.trim()) continue;
        this.stderrTail.push(line);
        if (this.stderrTail.length > 20) this.stderrTail.shift();
      }
    });
    let exited: string | null = null;
    child.once('exit', (code, signal) => {
      exited = signal ? `caddy was killed (${signal})` : `caddy exited with code ${code}`;
      this.onExit(child, exited);
    });
    child.once('error', (e) => {
      exited = `caddy could not be started (${e.message})`;
    });
    const limit = this.opts.startTimeoutMs ?? 15_000;
    await this.waitUntil(async () => exited !== null || (await this.client.reachable()), limit);
    if (exited !== null) throw new CaddyAdminError(`${exited}: ${this.lastError()}`);
    if (!(await this.client.reachable())) throw new CaddyAdminError(`caddy did not answer on ${this.adminListen} within ${limit / 1000} s: ${this.lastError()}`);
    this.backoff = this.opts.backoffMinMs ?? 250;
    this.setState({ status: 'running', pid: child.pid ?? 0 });
    this.opts.logger.info(`caddy: running (pid ${child.pid}, admin ${this.adminListen})`);
  }

  /** Caddy's last error line (its log is JSON: quote `msg` and `error`). */
  lastError(): string {
    for (let i = this.stderrTail.length - 1; i >= 0; i--) {
      const line = this.stderrTail[i] ?? '';
      try {
        const j = JSON.parse(line) as { level?: string; msg?: string; error?: string };
        if (j.level === 'error' || j.level === 'fatal' || j.error) return [j.msg, j.error].filter(Boolean).join(': ');
      } catch {
        if (/error/i.test(line)) return line;
      }
    }
    return this.stderrTail.at(-1) ?? 'no output';
  }

  private onExit(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.stopping) {
      this.setState({ status: 'stopped' });
      return;
    }
    this.scheduleRestart(`${why}: ${this.lastError()}`);
  }

  private scheduleRestart(message: string): void {
    if (this.stopping || this.restartTimer) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.backoffMaxMs ?? 5_000);
    this.opts.logger.warn(`caddy: ${message}; restarting in ${delay} ms`);
    this.setState({ status: 'restarting', message });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.serial(async () => {
        if (this.stopping || this.child || !this.config) return;
        try {
          await this.writeConfig(this.config);
          await this.spawnAndWait();
        } catch (e) {
          (this.child as ChildProcess | null)?.kill('SIGKILL');
          this.child = null;
          this.scheduleRestart((e as Error).message);
        }
      });
    }, delay);
    this.restartTimer.unref?.();
  }

  private async postStop(): Promise<void> {
    try {
      await this.client.stop();
    } catch {
      /* it is going away */
    }
  }

  private async waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stop Caddy (SIGTERM, then SIGKILL after 3 s) and wait for it to exit. */
  async dispose(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child) {
      this.setState(this.bin ? { status: 'stopped' } : this._state);
      return;
    }
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(t);
  }
}
