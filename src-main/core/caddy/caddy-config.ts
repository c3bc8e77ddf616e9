// Pure builder of the Caddy JSON config WakeDock owns: one HTTP server ("wakedock"), its fallback and
// (with HTTPS) its TLS twin. No access log.
//
// One stable config: each service's route always points at its container's published loopback port,
// whether the container runs or not. When the upstream is down Caddy fails with 502/503, and the
// server's error routes send the request to WakeDock's waker (a loopback HTTP listener), which answers
// with the loading page and starts the container. The config therefore changes only when services
// change: Caddy 2.6.2 closes every proxied WebSocket on each reload, so a wake must never reload it.
//
// Requests with a body (anything but GET/HEAD) cannot be re-sent to the waker once the first attempt
// consumed the body (2.6.2 answers 502 "invalid Read on closed Body"), so the first error route sends
// the waker a GET without the body (`rewrite.method`), the original method in `X-WakeDock-Rejected`;
// the waker answers 503 + Retry-After and wakes the service.
//
// Activity (what keeps an awake service awake) is counted by Caddy itself, per upstream, with no
// access log: see ACTIVITY_WINDOW.
//
// Verified against Caddy 2.6.2 (tests/integration/caddy/*).

import type { LbPolicy } from '../../contract/wake-service';

export const WAKEDOCK_SERVER = 'wakedock';
/**
 * The page Caddy serves itself when the waker does not answer (WakeDock not running, or restarting):
 * a small second server on loopback, the waker's fallback upstream.
 */
export const FALLBACK_SERVER = 'wakedock-fallback';
/** The HTTPS twin of the "wakedock" server (same routes), when TLS is on. */
export const TLS_SERVER = 'wakedock-tls';
/** Every server WakeDock owns in a config (merge mode replaces exactly these). */
export const OWNED_SERVERS = [WAKEDOCK_SERVER, FALLBACK_SERVER, TLS_SERVER] as const;
/** The access logger earlier versions added, and its name in the default logger's exclude (merge mode removes both). */
export const WAKEDOCK_LOGGER = 'wakedock';
export const ACCESS_LOGGER = `http.log.access.${WAKEDOCK_LOGGER}`;
/** Path prefix of WakeDock's own endpoints on every service host (status polling of the loading page). */
export const WAKEDOCK_PATH_PREFIX = '/__wakedock/';
/** Response header WakeDock sets on its own answers (loading page, held, rejected, ignored, unavailable). */
export const WAKEDOCK_HEADER = 'X-WakeDock';
/** Request header the error route sets when it hands a request with a body to the waker as a GET: the original method. */
export const REJECTED_HEADER = 'X-WakeDock-Rejected';
export const ROUTE_ID_PREFIX = 'wakedock-svc-';
/** `@id` prefix of WakeDock's TLS automation policies in a shared Caddy (merge mode). */
export const TLS_POLICY_ID_PREFIX = 'wakedock-tls-';
/** WakeDock's own CA in a shared Caddy (the user's `local` CA is never touched). */
export const SHARED_CA = 'wakedock';
export const SHARED_CA_NAME = 'WakeDock Local Authority';

export interface CaddyRouteService {
  /** Unique service name (used in the route @id). */
  name: string;
  hosts: string[];
  /** host:port Caddy dials: the container's published loopback port. Unique per service. */
  upstream: string;
  /** Every replica's host:port (replicas: `containers[]`); default `[upstream]`. */
  upstreams?: string[];
  /** Replicas: the selection policy (default round_robin when there are several upstreams). */
  policy?: LbPolicy;
  /** Active health checks: GET this path on each upstream every `healthInterval`. */
  healthUri?: string;
  healthInterval?: string;
  /** Requests that must not count as activity (monitors, bots): user-agent substrings and path prefixes. */
  ignore?: { user_agents: string[]; paths: string[] };
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
  services: CaddyRouteService[];
  /** Seconds the fallback page tells clients to wait (Retry-After); the waker has its own setting. */
  retryAfterSeconds?: number;
  /**
   * host:port on loopback where Caddy serves its own "WakeDock is not running" page; the waker's
   * fallback upstream, so a request for a sleeping service gets a clear page (not a bare 502) when the
   * waker does not answer. Omit for no fallback.
   */
  fallback?: string;
  /** HTTPS: where the TLS twin of the server listens (e.g. 127.0.0.1:8443); omit for HTTP only. */
  tls?: {
    listen: string;
    /**
     * ACME (Let's Encrypt, ZeroSSL) for public hostnames, only when the user turned it on; else every
     * name gets a certificate from Caddy's local CA.
     */
    acme?: { email?: string };
  };
  /**
   * The config goes into a Caddy the user also runs (merge mode): TLS automation policies only for
   * WakeDock's own hostnames (never a catch-all, each with an `@id`, placed first so they win over a
   * user's catch-all), certificates from WakeDock's own CA (`pki.certificate_authorities.wakedock`,
   * never the user's `local`), and no `http_port`/`https_port` (those are the user's globals).
   */
  shared?: boolean;
}

export type CaddyJson = Record<string, unknown>;

/**
 * Activity without an access log. Each service route's `reverse_proxy` has a passive health check
 * that counts every answered request as a "failure" (`unhealthy_latency: 1ns`) that Caddy forgets
 * after `fail_duration` (this window), with `max_fails` so high that the upstream is never marked
 * down. `GET /reverse_proxy/upstreams` then says, per upstream, how many requests got an answer in the
 * last 3 s (`fails`, next to `num_requests` in flight); WakeDock polls it every second while a service
 * is awake, so no request is missed (the window is 3 polls long) and nothing per request crosses to
 * Node. Requests from ignored user agents or to ignored paths take a twin route without the check.
 * Why not the access log: Caddy 2.6.2 runs its access-log machinery (response recorder, the request
 * encoded into every log core, the deferred entry) for every request while a server logs at all,
 * sampled or not: 1.06–1.09 of a plain reverse_proxy (bench/wake.ts); this is ~1.03. The cost moved
 * to memory: Caddy keeps a sleeping goroutine per counted request until it is forgotten (measured in
 * the bench: Caddy's RSS under load).
 */
export const ACTIVITY_WINDOW_MS = 3000;
/** Effectively "never mark the upstream down because of the activity count". */
export const ACTIVITY_MAX_FAILS = 1_000_000_000;

export function portOf(listen: string): number {
  const m = /:(\d+)$/.exec(listen);
  if (!m) throw new Error(`"${listen}" has no port`);
  return Number(m[1]);
}

export function routeId(serviceName: string): string {
  return `${ROUTE_ID_PREFIX}${serviceName.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
}

/** Prefix of the dial address ignored requests use: the same socket, another entry in Caddy's upstream pool. */
export const IGNORED_DIAL_PREFIX = 'tcp/';

/**
 * Caddy's reverse_proxy to a service's upstreams (policy and active checks). `count` adds the activity
 * count; without it (ignored requests) each address is dialled as `tcp/host:port`: the same socket,
 * but Caddy keys its upstream pool by the address as written, so their in-flight count is apart too
 * and a monitor's requests in flight do not keep the service awake either.
 */
function serviceProxy(s: CaddyRouteService, count: boolean): CaddyJson {
  const dials = s.upstreams && s.upstreams.length > 0 ? s.upstreams : [s.upstream];
  const proxy: CaddyJson = { handler: 'reverse_proxy', upstreams: dials.map((dial) => ({ dial: count ? dial : `${IGNORED_DIAL_PREFIX}${dial}` })) };
  if (dials.length > 1 || s.policy) proxy.load_balancing = { selection_policy: { policy: s.policy ?? 'round_robin' } };
  const checks: CaddyJson = {};
  if (s.healthUri) checks.active = { uri: s.healthUri, interval: s.healthInterval ?? '5s', timeout: '2s' };
  if (count) checks.passive = { fail_duration: `${ACTIVITY_WINDOW_MS}ms`, max_fails: ACTIVITY_MAX_FAILS, unhealthy_latency: '1ns' };
  if (Object.keys(checks).length > 0) proxy.health_checks = checks;
  return proxy;
}

/** RE2 pattern matching any of the substrings, case-insensitively. */
export function substringsPattern(subs: string[]): string {
  return `(?i)(?:${subs.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
}

/**
 * One service's route: its hostnames → its containers' published loopback ports, always, counting
 * activity (ACTIVITY_WINDOW_MS). Several replicas get a selection policy (round_robin unless set); a
 * health URI adds active health checks, so a replica that stops answering gets no traffic (and, all
 * down, Caddy answers 503 "no upstreams available", which the error routes send to the waker like a
 * dial error).
 *
 * With ignore rules, the route's handler is a subroute, evaluated only once the host matched: first
 * ignored user agents (substring, any case) and paths (the path or below it, any case, as Caddy's path
 * matcher) → the same proxy without the count (dialled apart, see serviceProxy), then the counted proxy. (Caddy evaluates the matchers
 * of one set in no fixed order: as separate top-level routes, every service's user-agent pattern ran
 * on every request, 1.27 in bench/wake.ts.)
 */
export function serviceRoute(s: CaddyRouteService): CaddyJson {
  const uas = (s.ignore?.user_agents ?? []).filter((x) => x.length > 0);
  const paths = (s.ignore?.paths ?? []).filter((x) => x.length > 0);
  const ignored: CaddyJson[] = [];
  if (uas.length > 0) ignored.push({ header_regexp: { 'User-Agent': { pattern: substringsPattern(uas) } } });
  if (paths.length > 0) ignored.push({ path: paths.flatMap((p) => (p.endsWith('/') ? [`${p}*`] : [p, `${p}/*`])) });
  const handle =
    ignored.length === 0
      ? [serviceProxy(s, true)]
      : [{ handler: 'subroute', routes: [{ match: ignored, handle: [serviceProxy(s, false)], terminal: true }, { handle: [serviceProxy(s, true)] }] }];
  return {
    '@id': routeId(s.name),
    match: [{ host: [...s.hosts].sort() }],
    handle,
    terminal: true,
  };
}

/** Every reverse_proxy handler in a route, subroutes included (what validation checks). */
export function proxiesOf(route: unknown): { upstreams?: { dial?: unknown }[] }[] {
  const out: { upstreams?: { dial?: unknown }[] }[] = [];
  const handle = (route as { handle?: unknown } | null)?.handle;
  if (!Array.isArray(handle)) return out;
  for (const h of handle as { handler?: string; routes?: unknown[]; upstreams?: { dial?: unknown }[] }[]) {
    if (h?.handler === 'reverse_proxy') out.push(h);
    if (h?.handler === 'subroute' && Array.isArray(h.routes)) for (const r of h.routes) out.push(...proxiesOf(r));
  }
  return out;
}

/** The page Caddy answers itself when the waker is unreachable (static: no placeholders from the request). */
export const WAKER_DOWN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="10"><title>WakeDock is not running</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#222;background:#fafafa}
@media(prefers-color-scheme:dark){body{color:#eee;background:#16181c}}h1{font-size:1.4rem}code{font-size:.95em}</style></head>
<body><h1>This service is asleep, and WakeDock is not running to wake it</h1>
<p>The app behind this address is stopped while nobody uses it. WakeDock starts it on the first request, but WakeDock itself does not answer right now.</p>
<p>Start the WakeDock app (or <code>wakedock serve --wake</code>) and this page will load the app. It tries again every 10 seconds.</p></body></html>
`;

/** The fallback server: any request → 503 with the page above (HTML) or one line of text. */
export function buildFallbackServer(listen: string, retryAfter: string): CaddyJson {
  const headers = (type: string): Record<string, string[]> => ({ 'Content-Type': [type], 'Cache-Control': ['no-store'], 'Retry-After': [retryAfter], [WAKEDOCK_HEADER]: ['unavailable'] });
  return {
    listen: [listen],
    automatic_https: { disable: true },
    routes: [
      {
        match: [{ header: { Accept: ['*text/html*'] } }],
        handle: [{ handler: 'static_response', status_code: 503, headers: headers('text/html; charset=utf-8'), body: WAKER_DOWN_PAGE }],
        terminal: true,
      },
      {
        handle: [{ handler: 'static_response', status_code: 503, headers: headers('text/plain; charset=utf-8'), body: 'This service is asleep and WakeDock, which wakes it, is not running. Retry later.\n' }],
        terminal: true,
      },
    ],
  };
}

/** The "wakedock" server: status path → waker, one route per service, error routes → waker. */
export function buildServer(input: CaddyConfigInput): CaddyJson {
  // With a fallback: the waker first; a dial error marks it failed for 1 s (passive health check) and
  // the retry (dial errors are retried for any method, no body was read) picks the fallback.
  const waker = (extra: CaddyJson = {}): CaddyJson => ({
    handler: 'reverse_proxy',
    upstreams: input.fallback ? [{ dial: input.waker }, { dial: input.fallback }] : [{ dial: input.waker }],
    ...(input.fallback
      ? {
          load_balancing: { selection_policy: { policy: 'first' }, try_duration: '2s', try_interval: '50ms' },
          health_checks: { passive: { fail_duration: '1s', max_fails: 1 } },
        }
      : {}),
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
          // A request with a body: its body is gone (the first attempt closed it), so the waker gets a
          // GET without one and the original method in a header; it answers 503 + Retry-After and wakes.
          '@id': 'wakedock-error-body',
          match: [{ not: [{ method: ['GET', 'HEAD'] }], expression: '{http.error.status_code} >= 502 && {http.error.status_code} <= 504' }],
          handle: [waker({ rewrite: { method: 'GET' }, headers: { request: { set: { [REJECTED_HEADER]: ['{http.request.method}'], 'X-WakeDock-Error': ['{http.error.status_code}'] } } } })],
          terminal: true,
        },
        {
          '@id': 'wakedock-error-waker',
          match: [{ expression: '{http.error.status_code} >= 502 && {http.error.status_code} <= 504' }],
          handle: [waker({ headers: { request: { set: { 'X-WakeDock-Error': ['{http.error.status_code}'] }, delete: [REJECTED_HEADER] } } })],
          terminal: true,
        },
      ],
    },
  };
  return server;
}

/**
 * Names certmagic 0.17 (Caddy 2.6.2) treats as internal, and the private suffixes added later or by
 * convention: they always get the local CA, never ACME.
 */
export function isInternalName(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || /\.(localhost|local|test|internal|home\.arpa|lan|invalid|example)$/.test(h) || /^\d+\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The TLS twin of the server: the same routes and error routes (without @id: Caddy indexes @id
 * globally), on the HTTPS listener, automatic HTTPS for its hostnames but no HTTP→HTTPS redirects
 * (the HTTP server keeps serving the same names).
 */
export function buildTlsServer(input: CaddyConfigInput, http: CaddyJson): CaddyJson {
  const copy = JSON.parse(JSON.stringify(http).replace(/"@id":"[^"]*",?/g, '')) as CaddyJson;
  copy.listen = [input.tls?.listen];
  copy.automatic_https = { disable_redirects: true };
  copy.tls_connection_policies = [{}];
  return copy;
}

/**
 * TLS automation: internal names (and, without ACME, every name) from the local CA; public names
 * from ACME only when it is on. The local CA never installs itself into the system trust store (no
 * sudo prompt): the root certificate is exported from the UI instead.
 */
export function tlsApps(input: CaddyConfigInput): CaddyJson {
  const hosts = [...new Set(input.services.flatMap((s) => s.hosts.map((h) => h.toLowerCase())))].sort();
  const internal = hosts.filter(isInternalName);
  const pub = hosts.filter((h) => !isInternalName(h));
  const policies: CaddyJson[] = [];
  if (input.shared) {
    // In the user's Caddy: our names only, from our own CA (or ACME for public names when on).
    const ours = { module: 'internal', ca: SHARED_CA };
    if (input.tls?.acme) {
      if (internal.length > 0) policies.push({ '@id': `${TLS_POLICY_ID_PREFIX}internal`, subjects: internal, issuers: [ours] });
      if (pub.length > 0) policies.push({ '@id': `${TLS_POLICY_ID_PREFIX}acme`, subjects: pub, issuers: [{ module: 'acme', ...(input.tls.acme.email ? { email: input.tls.acme.email } : {}) }] });
    } else if (hosts.length > 0) {
      policies.push({ '@id': `${TLS_POLICY_ID_PREFIX}internal`, subjects: hosts, issuers: [ours] });
    }
    return {
      tls: { automation: { policies } },
      pki: { certificate_authorities: { [SHARED_CA]: { name: SHARED_CA_NAME, install_trust: false } } },
    };
  }
  if (input.tls?.acme) {
    if (internal.length > 0) policies.push({ subjects: internal, issuers: [{ module: 'internal' }] });
    if (pub.length > 0) policies.push({ subjects: pub, issuers: [{ module: 'acme', ...(input.tls.acme.email ? { email: input.tls.acme.email } : {}) }] });
    // Any other name: the local CA (never ACME for a name nobody declared).
    policies.push({ issuers: [{ module: 'internal' }] });
  } else {
    policies.push({ issuers: [{ module: 'internal' }] });
  }
  return {
    tls: { automation: { policies } },
    pki: { certificate_authorities: { local: { install_trust: false } } },
  };
}

/** The full config of a private Caddy WakeDock runs. */
export function buildConfig(input: CaddyConfigInput): CaddyJson {
  const server = buildServer(input);
  const servers: CaddyJson = { [WAKEDOCK_SERVER]: server };
  if (input.fallback) servers[FALLBACK_SERVER] = buildFallbackServer(input.fallback, String(input.retryAfterSeconds ?? 5));
  if (input.tls) servers[TLS_SERVER] = buildTlsServer(input, server);
  const http: CaddyJson = input.shared ? { servers } : { http_port: portOf(input.listen), servers };
  if (input.tls && !input.shared) http.https_port = portOf(input.tls.listen);
  const config: CaddyJson = {
    admin: { listen: input.adminListen, origins: [input.adminOrigin] },
    apps: { http, ...(input.tls ? tlsApps(input) : {}) },
  };
  return config;
}

/**
 * Containers (dotted paths) merge mode may have to create in the user's config. Each one it created
 * is remembered, so removing WakeDock's parts also removes the containers that then stand empty,
 * and the user's config is left as it was, byte for byte. '' is the whole config (Caddy had none).
 */
export const MERGE_CONTAINERS = [
  '',
  'apps',
  'apps.http',
  'apps.http.servers',
  'apps.tls',
  'apps.tls.automation',
  'apps.tls.automation.policies',
  'apps.pki',
  'apps.pki.certificate_authorities',
  'logging',
  'logging.logs',
  'logging.logs.default',
  'logging.logs.default.exclude',
] as const;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(root: Obj, path: string): unknown {
  if (path === '') return root;
  let cur: unknown = root;
  for (const k of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** The container at `path`, created (and remembered in `created`) when missing. */
function ensure<T extends Obj | unknown[]>(root: Obj, path: string, created: Set<string>, make: () => T): T {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.length === 0 ? root : ensure(root, keys.join('.'), created, () => ({}) as Obj);
  const p = parent as Obj;
  if (p[last] === undefined) {
    p[last] = make();
    created.add(path);
  }
  return p[last] as T;
}

function isOurPolicy(p: unknown): boolean {
  return isObj(p) && typeof p['@id'] === 'string' && p['@id'].startsWith(TLS_POLICY_ID_PREFIX);
}

/**
 * The user's config without anything WakeDock put there: its servers, logger (and the default
 * logger's exclude entry), TLS policies (by `@id`) and CA; containers WakeDock created that are now
 * empty are removed too. null when Caddy had no config at all before WakeDock's.
 */
export function unmergeOwned(current: CaddyJson | null, created: Iterable<string> = []): CaddyJson | null {
  if (current === null) return null;
  const base = structuredClone(current);
  const servers = at(base, 'apps.http.servers');
  if (isObj(servers)) for (const name of OWNED_SERVERS) delete servers[name];
  const logs = at(base, 'logging.logs');
  if (isObj(logs)) delete logs[WAKEDOCK_LOGGER];
  const def = at(base, 'logging.logs.default');
  if (isObj(def) && Array.isArray(def.exclude)) def.exclude = def.exclude.filter((e) => e !== ACCESS_LOGGER);
  const auto = at(base, 'apps.tls.automation');
  if (isObj(auto) && Array.isArray(auto.policies)) auto.policies = auto.policies.filter((p) => !isOurPolicy(p));
  const cas = at(base, 'apps.pki.certificate_authorities');
  if (isObj(cas)) delete cas[SHARED_CA];
  // Prune what WakeDock created and nothing else uses, deepest first.
  const mine = new Set(created);
  for (const path of [...MERGE_CONTAINERS].reverse()) {
    if (!mine.has(path) || path === '') continue;
    const v = at(base, path);
    const empty = Array.isArray(v) ? v.length === 0 : isObj(v) && Object.keys(v).length === 0;
    if (!empty) continue;
    const keys = path.split('.');
    const last = keys.pop() as string;
    const parent = at(base, keys.join('.'));
    if (isObj(parent)) delete parent[last];
  }
  if (mine.has('') && Object.keys(base).length === 0) return null;
  return base;
}

/**
 * Merge WakeDock's parts into a config someone else also uses (a user-configured admin endpoint):
 * `apps.http.servers.{wakedock,wakedock-fallback,wakedock-tls}` and, for HTTPS, its TLS automation
 * policies (first, by `@id`) and its own CA. Everything else is kept as it was. What had to be
 * created is added to `created`. Earlier WakeDock parts are removed first (unmergeOwned: so turning
 * HTTPS off leaves no policy behind, and the access logger earlier versions added goes too).
 */
export function mergeOwned(current: CaddyJson | null, ours: CaddyJson, created: Set<string> = new Set()): CaddyJson {
  if (current === null) created.add('');
  const base = unmergeOwned(current, created) ?? {};
  const ourApps = ours.apps as { http: { servers: Obj; http_port?: number }; tls?: { automation?: { policies?: unknown[] } }; pki?: { certificate_authorities?: Obj } };
  const servers = ensure<Obj>(base, 'apps.http.servers', created, () => ({}));
  for (const name of OWNED_SERVERS) if (ourApps.http.servers[name] !== undefined) servers[name] = ourApps.http.servers[name];
  const ourPolicies = (ourApps.tls?.automation?.policies ?? []).filter(isOurPolicy);
  if (ourPolicies.length > 0) {
    const policies = ensure<unknown[]>(base, 'apps.tls.automation.policies', created, () => []);
    policies.unshift(...ourPolicies);
  }
  const ourCa = ourApps.pki?.certificate_authorities?.[SHARED_CA];
  if (ourCa !== undefined) ensure<Obj>(base, 'apps.pki.certificate_authorities', created, () => ({}))[SHARED_CA] = ourCa;
  return base;
}

/** WakeDock's parts of a config (servers, TLS policies, CA): what apply verifies after a load. */
export function ownedParts(config: unknown): Record<string, unknown> {
  const c = isObj(config) ? config : {};
  const policies = at(c, 'apps.tls.automation.policies');
  const cas = at(c, 'apps.pki.certificate_authorities');
  return {
    servers: ownedServers(config),
    policies: Array.isArray(policies) ? policies.filter(isOurPolicy) : [],
    ca: isObj(cas) ? (cas[SHARED_CA] ?? null) : null,
  };
}

/** Our server as it stands in a config (null when missing): what the supervisor compares to detect a restart. */
export function ownedServer(config: unknown): unknown {
  const c = config as { apps?: { http?: { servers?: Record<string, unknown> } } } | null;
  return c?.apps?.http?.servers?.[WAKEDOCK_SERVER] ?? null;
}

/** Every server WakeDock owns, by name (what apply and the supervisor compare). */
export function ownedServers(config: unknown): Record<string, unknown> {
  const c = config as { apps?: { http?: { servers?: Record<string, unknown> } } } | null;
  const out: Record<string, unknown> = {};
  for (const name of OWNED_SERVERS) {
    const s = c?.apps?.http?.servers?.[name];
    if (s !== undefined) out[name] = s;
  }
  return out;
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
