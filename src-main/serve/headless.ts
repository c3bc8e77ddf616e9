// Headless WakeDock: the core plus the HTTP/WebSocket server. Used by `wakedock serve` and tests.
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../core/create-core';
import { RpcServer, type Logger } from '../rpc/dispatcher';
import { mapEngineError } from '../core/engine/engine-errors';
import { startHttpServer, type RunningServer } from './http-server';
import { logsRoute } from './logs-route';
import { metricsRoute } from './metrics-route';
import { createMetricsCollector } from '../core/metrics/collector';

export interface HeadlessOptions {
  host: string;
  port: number;
  dataDir: string;
  token?: string;
  staticDir: string;
  appVersion: string;
  logger: Logger;
  backoffMaxMs?: number;
  /** Allow terminals on this machine (off unless `serve --enable-host-terminal`). */
  hostTerminal?: boolean;
  /** Serve GET /metrics in the Prometheus text format (`serve --metrics`). */
  metrics?: boolean;
}

export interface Headless {
  core: Core;
  rpc: RpcServer;
  http: RunningServer;
  token: string;
  stop(): Promise<void>;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.WAKEDOCK_DATA_DIR) return env.WAKEDOCK_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'WakeDock', 'serve');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'WakeDock', 'serve');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'wakedock');
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function startHeadless(opts: HeadlessOptions): Promise<Headless> {
  const token = opts.token || generateToken();
  const core = await createCore({ dataDir: opts.dataDir, mode: 'serve', appVersion: opts.appVersion, logger: opts.logger, backoffMaxMs: opts.backoffMaxMs, hostTerminal: opts.hostTerminal === true });
  const rpc = new RpcServer(core.handlers, { mapError: mapEngineError, logger: opts.logger });
  let http: RunningServer;
  try {
    http = await startHttpServer({ rpc, token, host: opts.host, port: opts.port, staticDir: opts.staticDir, appVersion: opts.appVersion, routes: [logsRoute(core.hosts, opts.logger), metricsRoute(opts.metrics ? createMetricsCollector(core.context) : null)] });
  } catch (e) {
    core.dispose();
    throw e;
  }
  return {
    core,
    rpc,
    http,
    token,
    stop: async () => {
      rpc.closeAll();
      await http.close();
      core.dispose();
    },
  };
}
