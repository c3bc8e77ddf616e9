// Headless WakeDock: the core plus the HTTP/WebSocket server. Used by `wakedock serve` and tests.
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../core/create-core';
import type { WakeOptions } from '../core/wake/wake-manager';
import { RpcServer, type Logger } from '../rpc/dispatcher';
import { mapEngineError } from '../core/engine/engine-errors';
import { startHttpServer, type RunningServer } from './http-server';
import { logsRoute } from './logs-route';
import { volumeBackupsRoute, volumeFileRoute } from './volume-files-route';
import { DEFAULT_UPLOAD_LIMIT, imageLoadRoute, imageSaveRoute, uploadLimitRoute, volumeBackupDownloadRoute, volumeBackupUploadRoute } from './archive-routes';
import { backupDir } from '../core/services/volumes-handlers';
import { metricsRoute } from './metrics-route';
import { createMetricsCollector } from '../core/metrics/collector';
import { isLoopbackAddress, tokenStrength } from '../edge/auth';
import { serveWakerOnEdge } from '../edge/waker-edge';

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
  /** Serve https with this certificate and key (PEM), `serve --tls-cert/--tls-key`. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Wake on demand (`serve --wake`): a private Caddy serving service hostnames. */
  wake?: WakeOptions;
  /** Largest upload (image load, volume backup) in bytes (`serve --upload-limit <MiB>`; default 16 GiB). */
  uploadLimit?: number;
}

export interface Headless {
  core: Core;
  rpc: RpcServer;
  http: RunningServer;
  token: string;
  stop(): Promise<void>;
}

/** The browser's downloads and uploads of image archives and volume backups (serve/archive-routes.ts). */
function archiveRoutes(core: Core, opts: HeadlessOptions) {
  const limit = opts.uploadLimit ?? DEFAULT_UPLOAD_LIMIT;
  return [
    imageSaveRoute(core.hosts, opts.logger),
    imageLoadRoute(core.hosts, limit, (hostId) => core.services.resources.touched(hostId, 'image')),
    volumeBackupDownloadRoute(core.hosts, opts.logger),
    volumeBackupUploadRoute(backupDir(opts.dataDir), limit),
    uploadLimitRoute(limit),
  ];
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

/** Thrown when the options are refused before anything starts (e.g. a weak token beyond loopback). */
export class ServeConfigError extends Error {}

/** Listening on anything but a loopback address (0.0.0.0, a LAN address, a host name). */
export function listensBeyondLoopback(host: string): boolean {
  return !(host === 'localhost' || isLoopbackAddress(host));
}

export async function startHeadless(opts: HeadlessOptions): Promise<Headless> {
  const token = opts.token || generateToken();
  if (listensBeyondLoopback(opts.host)) {
    // The token is root on the engine's host: beyond loopback it must be unguessable.
    const strength = tokenStrength(token);
    if (!strength.ok) throw new ServeConfigError(`WAKEDOCK_TOKEN is too weak to listen on ${opts.host}: ${strength.reason}. Unset it to get a generated one, or use e.g. \`openssl rand -base64 32\`.`);
  }
  const core = await createCore({ dataDir: opts.dataDir, mode: 'serve', appVersion: opts.appVersion, logger: opts.logger, backoffMaxMs: opts.backoffMaxMs, hostTerminal: opts.hostTerminal === true, wake: opts.wake ? { ...opts.wake, serveWaker: serveWakerOnEdge({ logger: opts.logger }) } : undefined });
  const rpc = new RpcServer(core.handlers, { mapError: mapEngineError, logger: opts.logger });
  let http: RunningServer;
  try {
    http = await startHttpServer({ rpc, token, host: opts.host, port: opts.port, staticDir: opts.staticDir, appVersion: opts.appVersion, tls: opts.tls, logger: opts.logger, routes: [
        logsRoute(core.hosts, opts.logger),
        volumeFileRoute(core.hosts, opts.logger),
        volumeBackupsRoute(backupDir(opts.dataDir)),
        ...archiveRoutes(core, opts),
        metricsRoute(opts.metrics ? createMetricsCollector(core.context) : null),
      ],
      // Uploads run as long as they send (they have their own idle limit); heads still have 10 s.
      limits: { requestTimeoutMs: 0 },
    });
  } catch (e) {
    await core.dispose();
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
      await core.dispose();
    },
  };
}
