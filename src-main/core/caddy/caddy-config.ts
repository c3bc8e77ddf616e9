// Pure builder of the Caddy JSON config WakeDock owns: one HTTP server ("wakedock") and one logger.
//
// One stable config: each service's route always points at its container's published loopback port,
// whether the container runs or not. When the upstream is down Caddy fails with 502/503, and the
// server's error routes send the request to WakeDock's waker (a loopback HTTP listener), which answers
// with the loading page and starts the container. The config therefore changes only when services
// change: Caddy 2.6.2 closes every proxied WebSocket on each reload, so a wake must never reload it.
//
// Requests with a body (anything but GET/HEAD) cannot be re-sent to the waker once the first attempt
// consumed the body (2.6.2 answers 502 "invalid Read on closed Body"), so the first error route answers
// them itself: 503 + Retry-After, tagged `X-WakeDock: rejected`. WakeDock learns of them from the
// access log (and wakes the service).
//
// Verified against Caddy 2.6.2 (tests/integration/caddy/*).

export const WAKEDOCK_SERVER = 'wakedock';
export const WAKEDOCK_LOGGER = 'wakedock';
/** Caddy's logger name for the access logs of the server's default_logger_name. */
export const ACCESS_LOGGER = `http.log.access.${WAKEDOCK_LOGGER}`;
/** Path prefix of WakeDock's own endpoints on every service host (status polling of the loading page). */
export const WAKEDOCK_PATH_PREFIX = '/__wakedock/';
/** Response header WakeDock sets on its own answers, so the access log can tell them from the app's. */
export const WAKEDOCK_HEADER = 'X-WakeDock';
export const ROUTE_ID_PREFIX = 'wakedock-svc-';

export interface CaddyRouteService {
  /** Unique service name (used in the route @id). */
  name: string;
  hosts: string[];
  /** host:port Caddy dials: the container's published loopback port. Unique per service. */
  upstream: string;
}

export interface CaddyConfigInput {
  /** Admin endpoint, Caddy syntax: `unix//path/admin.sock` or `127.0.0.1:PORT`. */
  adminListen: string;
  /** The Host header admin requests carry (Caddy checks it against `origins`). */
  adminOrigin: string;
  /** Address the HTTP server listens on, e.g. 127.0.0.1:8480. */
  listen: string;
  /** The waker: host:port on loopback. */
  waker: string;
  /** Access log receiver: host:port on loopback (TCP). Omit to log nothing. */
  accessLog?: string;
  services: CaddyRouteService[];
  /** Seconds clients are told to wait (Retry-After) when a request with a body arrives while the service sleeps. */
  retryAfterSeconds?: number;
}

export type CaddyJson = Record<string, unknown>;

/**
 * The access log is sampled (zap's sampler drops a line before it is encoded): per second, the first
 * `first` lines are logged, then one in `thereafter`. Activity needs "a request for this host
 * happened this second", not every line, and long requests are seen through the in-flight counts;
 * unsampled, Caddy 2.6.2 encodes and writes every line synchronously, which cost the awake path 34 %
 * at ~2,000 requests/s (bench/wake.ts). The sampler is shared by all services: while they take more
 * than `first` requests in one second together, a POST to a sleeping service (seen only through its
 * log line) can go unseen in that second; its client was told to retry (Retry-After) and GETs wake
 * through the waker regardless. One logger per service (`logger_names`) would isolate them, but made
 * every request pay for matching its line against every service's log (1.17 with 20 services).
 * `interval` is nanoseconds (Caddy decodes it as a Go time.Duration).
 */
export const ACCESS_LOG_SAMPLING = { interval: 1_000_000_000, first: 50, thereafter: 1_000_000 } as const;

export function portOf(listen: string): number {
  const m = /:(\d+)$/.exec(listen);
  if (!m) throw new Error(`"${listen}" has no port`);
  return Number(m[1]);
}

export function routeId(serviceName: string): string {
  return `${ROUTE_ID_PREFIX}${serviceName.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
}

/** One service's route: its hostnames → its container's published loopback port, always. */
export function serviceRoute(s: CaddyRouteService): CaddyJson {
  return {
    '@id': routeId(s.name),
    match: [{ host: [...s.hosts].sort() }],
    handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: s.upstream }] }],
    terminal: true,
  };
}

/** The "wakedock" server: status path → waker, one route per service, error routes → waker. */
export function buildServer(input: CaddyConfigInput): CaddyJson {
  const retryAfter = String(input.retryAfterSeconds ?? 5);
  const waker = (extra: CaddyJson = {}): CaddyJson => ({
    handler: 'reverse_proxy',
    upstreams: [{ dial: input.waker }],
    ...extra,
  });
  const routes: CaddyJson[] = [
    {
      '@id': 'wakedock-status',
      match: [{ path: [`${WAKEDOCK_PATH_PREFIX}*`] }],
      handle: [waker()],
      terminal: true,
    },
  ];
  const sorted = [...input.services].sort((a, b) => a.name.localeCompare(b.name));
  for (const s of sorted) routes.push(serviceRoute(s));
  const server: CaddyJson = {
    listen: [input.listen],
    automatic_https: { disable: true },
    routes,
    errors: {
      routes: [
        {
          '@id': 'wakedock-error-body',
          match: [{ not: [{ method: ['GET', 'HEAD'] }], expression: '{http.error.status_code} >= 502 && {http.error.status_code} <= 504' }],
          handle: [
            {
              handler: 'headers',
              response: { set: { 'Retry-After': [retryAfter], 'Cache-Control': ['no-store'], [WAKEDOCK_HEADER]: ['rejected'] } },
            },
            {
              handler: 'static_response',
              status_code: 503,
              headers: { 'Content-Type': ['text/plain; charset=utf-8'] },
              body: 'This service is asleep and is being woken. Retry this request in a few seconds.\n',
            },
          ],
          terminal: true,
        },
        {
          '@id': 'wakedock-error-waker',
          match: [{ expression: '{http.error.status_code} >= 502 && {http.error.status_code} <= 504' }],
          handle: [waker({ headers: { request: { set: { 'X-WakeDock-Error': ['{http.error.status_code}'] } } } })],
          terminal: true,
        },
      ],
    },
  };
  if (input.accessLog) server.logs = { default_logger_name: WAKEDOCK_LOGGER };
  return server;
}

/** The full config of a private Caddy WakeDock runs. */
export function buildConfig(input: CaddyConfigInput): CaddyJson {
  const config: CaddyJson = {
    admin: { listen: input.adminListen, origins: [input.adminOrigin] },
    apps: {
      http: {
        http_port: portOf(input.listen),
        servers: { [WAKEDOCK_SERVER]: buildServer(input) },
      },
    },
  };
  if (input.accessLog) {
    config.logging = {
      logs: {
        default: { exclude: [ACCESS_LOGGER] },
        [WAKEDOCK_LOGGER]: {
          include: [ACCESS_LOGGER],
          encoder: { format: 'json' },
          sampling: ACCESS_LOG_SAMPLING,
          writer: { output: 'net', address: `tcp/${input.accessLog}`, dial_timeout: '2s' },
        },
      },
    };
  }
  return config;
}

/**
 * Merge WakeDock's parts into a config someone else also uses (a user-configured admin endpoint):
 * only `apps.http.servers.wakedock` and `logging.logs.wakedock` (+ the default logger's exclude) are
 * ours; every other server, route, app and logger is kept as it was.
 */
export function mergeOwned(current: CaddyJson | null, ours: CaddyJson): CaddyJson {
  const base = structuredClone(current ?? {}) as CaddyJson;
  const ourApps = ours.apps as { http: { servers: Record<string, unknown>; http_port?: number } };
  const apps = (base.apps ??= {}) as Record<string, unknown>;
  const http = (apps.http ??= {}) as Record<string, unknown>;
  const servers = (http.servers ??= {}) as Record<string, unknown>;
  servers[WAKEDOCK_SERVER] = ourApps.http.servers[WAKEDOCK_SERVER];
  if (http.http_port === undefined && ourApps.http.http_port !== undefined) http.http_port = ourApps.http.http_port;
  const ourLogs = (ours.logging as { logs?: Record<string, unknown> } | undefined)?.logs;
  if (ourLogs) {
    const logging = (base.logging ??= {}) as Record<string, unknown>;
    const logs = (logging.logs ??= {}) as Record<string, Record<string, unknown>>;
    logs[WAKEDOCK_LOGGER] = ourLogs[WAKEDOCK_LOGGER] as Record<string, unknown>;
    const def = (logs.default ??= {});
    const exclude = new Set<string>((def.exclude as string[] | undefined) ?? []);
    exclude.add(ACCESS_LOGGER);
    def.exclude = [...exclude];
  }
  return base;
}

/** Our server as it stands in a config (null when missing): what the supervisor compares to detect a restart. */
export function ownedServer(config: unknown): unknown {
  const c = config as { apps?: { http?: { servers?: Record<string, unknown> } } } | null;
  return c?.apps?.http?.servers?.[WAKEDOCK_SERVER] ?? null;
}

/** Stable JSON (sorted keys) for comparing configs. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      return Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return val;
  });
}
