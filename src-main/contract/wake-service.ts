// COMMON: the wake-on-demand service model. One schema for the three ways a service is declared
// (container labels, the UI editor, stored services), with messages that name the field. Durations
// stay as the user wrote them ("30m", "1h30m", "90s"); parseDuration turns them into milliseconds.
import { z } from 'zod';

const DURATION_RE = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/;
const MAX_DURATION_MS = 7 * 24 * 3600_000;

/** "1h30m" → 5_400_000; null when not a duration. */
export function parseDuration(s: string): number | null {
  const t = s.trim().toLowerCase();
  if (!t) return null;
  const m = DURATION_RE.exec(t);
  if (!m) return null;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** 5_400_000 → "1h30m"; 0 → "0s". */
export function formatDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}

export const DurationSchema = z
  .string({ error: 'enter a duration such as 30s, 5m or 1h' })
  .trim()
  .refine((s) => parseDuration(s) !== null, { message: 'is not a duration: use a number with s, m or h (e.g. 30s, 5m, 1h30m)' })
  .refine((s) => (parseDuration(s) ?? 0) <= MAX_DURATION_MS, { message: 'may be at most 7 days (168h)' });

export const HostnameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'enter a hostname')
  .max(253, 'a hostname may have at most 253 characters')
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'is not a hostname (letters, digits, "-" and dots, e.g. app.localhost)');

const ContainerNameSchema = z
  .string()
  .trim()
  .min(1, 'enter a container name')
  .max(128, 'a container name may have at most 128 characters')
  .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a container name has only letters, digits, "_", "." and "-"')
  .transform((s) => s.replace(/^\//, ''));

export const ServiceNameSchema = z
  .string()
  .trim()
  .min(1, 'enter a name')
  .max(64, 'a name may have at most 64 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a name has only letters, digits, "_", "." and "-"');

/** Load-balancing policies of Caddy 2.6.2's reverse_proxy that need no extra options. */
export const LB_POLICIES = ['round_robin', 'least_conn', 'first', 'ip_hash', 'random', 'uri_hash'] as const;
export type LbPolicy = (typeof LB_POLICIES)[number];

export const WakeServiceSchema = z
  .strictObject({
    name: ServiceNameSchema,
    hosts: z.array(HostnameSchema, { error: 'enter at least one hostname' }).min(1, 'enter at least one hostname').max(32, 'at most 32 hostnames'),
    container: ContainerNameSchema.optional(),
    containers: z.array(ContainerNameSchema).min(1, 'list at least one container').max(16, 'at most 16 containers').optional(),
    compose: z.strictObject({ project: z.string().trim().min(1, 'enter the compose project'), service: z.string().trim().min(1, 'enter the compose service') }).optional(),
    /** The container port that receives traffic; it must be published on the host (ideally 127.0.0.1:PORT). */
    port: z.number({ error: 'the port must be a number' }).int('the port must be a whole number').min(1, 'the port must be 1–65535').max(65535, 'the port must be 1–65535'),
    idle: z
      .strictObject({
        after: DurationSchema.default('30m'),
        grace: DurationSchema.default('30s'),
        action: z.enum(['stop', 'pause'], { error: 'the idle action is "stop" or "pause"' }).default('stop'),
        /** Stay awake while the containers' CPU (% of one core, like `docker stats`) averages at least this over `window`. */
        cpu_below_percent: z.number({ error: 'cpu_below_percent must be a number' }).min(0, 'cpu_below_percent is 0 or more').max(6400, 'cpu_below_percent may be at most 6400').optional(),
        /** Stay awake while the containers' memory (without page cache, MiB) averages at least this over `window`. */
        memory_below_mb: z.number({ error: 'memory_below_mb must be a number' }).min(0, 'memory_below_mb is 0 or more').max(1_048_576, 'memory_below_mb may be at most 1048576').optional(),
        /** The window the thresholds are averaged over (default 1m). */
        window: DurationSchema.optional(),
      })
      .default({ after: '30m', grace: '30s', action: 'stop' }),
    ready: z
      .strictObject({
        http: z
          .strictObject({
            path: z.string().trim().startsWith('/', 'the path starts with "/"').default('/'),
            /** Exact status that means ready; absent: any status below 500. */
            status: z.number().int().min(100).max(599).optional(),
          })
          .optional(),
        /** Ready when a TCP connection opens (beware: Docker's userland proxy accepts before the app listens). */
        tcp: z.boolean().optional(),
        timeout: DurationSchema.default('60s'),
        settle: DurationSchema.default('0s'),
      })
      .default({ timeout: '60s', settle: '0s' }),
    loading_page: z
      .strictObject({
        title: z.string().trim().max(120, 'a title may have at most 120 characters').optional(),
        message: z.string().trim().max(1000, 'a message may have at most 1000 characters').optional(),
        theme: z.enum(['light', 'dark', 'auto'], { error: 'the theme is light, dark or auto' }).default('auto'),
      })
      .default({ theme: 'auto' }),
    /** Replicas (`containers[]`): how Caddy spreads requests, and active health checks on each. */
    load_balancing: z
      .strictObject({
        policy: z.enum(LB_POLICIES, { error: `the policy is one of ${LB_POLICIES.join(', ')}` }).default('round_robin'),
        /** GET this path on every replica each `health_interval`; a replica that fails gets no traffic. */
        health_uri: z.string().trim().startsWith('/', 'the health URI starts with "/"').max(512).optional(),
        health_interval: DurationSchema.default('5s'),
      })
      .optional(),
    ignore: z
      .strictObject({
        /** Case-insensitive substrings of the User-Agent (monitors, bots). */
        user_agents: z.array(z.string().trim().min(1)).max(64).default([]),
        /** Path prefixes (e.g. /healthz). */
        paths: z.array(z.string().trim().startsWith('/', 'a path starts with "/"')).max(64).default([]),
      })
      .default({ user_agents: [], paths: [] }),
    /** Services woken before this one, in this order (each ready before the next); never put to sleep while this one is awake. */
    depends_on: z.array(ServiceNameSchema).max(16, 'at most 16 dependencies').optional(),
  })
  .superRefine((s, ctx) => {
    const targets = [s.container, s.containers, s.compose].filter((t) => t !== undefined).length;
    if (targets !== 1) ctx.addIssue({ code: 'custom', path: ['container'], message: 'give exactly one target: container, containers or compose' });
    const seen = new Set<string>();
    s.hosts.forEach((h, i) => {
      if (seen.has(h)) ctx.addIssue({ code: 'custom', path: ['hosts', i], message: `${h} is listed twice` });
      seen.add(h);
    });
    (s.depends_on ?? []).forEach((d, i) => {
      if (d === s.name) ctx.addIssue({ code: 'custom', path: ['depends_on', i], message: `${s.name} cannot depend on itself` });
      else if ((s.depends_on ?? []).indexOf(d) !== i) ctx.addIssue({ code: 'custom', path: ['depends_on', i], message: `${d} is listed twice` });
    });
  });

/** Default window the idle CPU/memory thresholds are averaged over. */
export const DEFAULT_IDLE_WINDOW = '1m';

/**
 * A cycle in the services' depends_on, as the names along it (["a", "b", "a"]), or null.
 * Dependencies on names that are not declared are not cycles (see missingDependencies).
 */
export function dependencyCycle(services: readonly Pick<WakeService, 'name' | 'depends_on'>[]): string[] | null {
  const deps = new Map(services.map((s) => [s.name, s.depends_on ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done' || !deps.has(n)) return null;
    if (state.get(n) === 'visiting') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'visiting');
    path.push(n);
    for (const d of deps.get(n) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const s of [...services].sort((a, b) => a.name.localeCompare(b.name))) {
    const c = visit(s.name);
    if (c) return c;
  }
  return null;
}

export type WakeService = z.output<typeof WakeServiceSchema>;
export type WakeServiceInput = z.input<typeof WakeServiceSchema>;

/** "hosts.1: is not a hostname …" — the first problem of a zod error, naming the field. */
export function describeIssue(e: z.ZodError, prefix = ''): { field: string; message: string } {
  const i = e.issues[0];
  const field = `${prefix}${(i?.path ?? []).map(String).join('.')}`;
  return { field, message: i?.message ?? 'invalid' };
}

export const WakeStateSchema = z.enum(['sleeping', 'waking', 'awake', 'failed', 'unavailable']);
export type WakeState = z.infer<typeof WakeStateSchema>;

/**
 * A service's counters, kept in the store (`wakeCounters`) so they survive a restart of the core:
 * wakes, the last cold starts, the last request and wake, the time spent asleep and the memory its
 * containers used when they were last put to sleep (what sleeping frees).
 */
export const WakeCountersSchema = z.object({
  name: z.string().min(1),
  wakes: z.number().int().min(0),
  /** The last (at most 10) cold starts, ms. */
  coldStarts: z.array(z.number().min(0)).max(10),
  lastRequestAt: z.number().optional(),
  lastWakeAt: z.number().optional(),
  /** Time asleep, ms, not counting the current sleep. */
  asleepMs: z.number().min(0),
  /** Epoch ms the current sleep began (absent while awake). */
  asleepSince: z.number().optional(),
  /** Memory (without page cache) the containers used when last put to sleep, bytes. */
  memoryBytes: z.number().min(0).optional(),
  /** Their average CPU (% of one core, summed) over the awake period before the last sleep. */
  cpuPercent: z.number().min(0).optional(),
  /** CPU time saved by the sleeps that ended, ms of one core (the current sleep: cpuPercent × its length). */
  cpuSavedMs: z.number().min(0).optional(),
});
export type WakeCounters = z.infer<typeof WakeCountersSchema>;

/** What a service's webhook is sent for. */
export const WakeWebhookEventSchema = z.enum(['started', 'stopped', 'failed']);
export type WakeWebhookEvent = z.infer<typeof WakeWebhookEventSchema>;

/** A service's webhook as the renderer sees it: never the URL (it is a secret, sealed in the store). */
export const WakeWebhookInfoSchema = z.object({
  events: z.array(WakeWebhookEventSchema),
  /** The last delivery: its event, whether the receiver took it, after how many attempts. */
  lastDelivery: z
    .object({ event: WakeWebhookEventSchema, ok: z.boolean(), at: z.number(), attempts: z.number(), status: z.number().optional(), error: z.string().optional() })
    .optional(),
});
export type WakeWebhookInfo = z.infer<typeof WakeWebhookInfoSchema>;

/** What the Services page shows for one service. */
export const WakeServiceViewSchema = z.object({
  name: z.string(),
  source: z.enum(['labels', 'stored']),
  definition: WakeServiceSchema,
  state: WakeStateSchema,
  /** Why: the start error (failed), the missing container or port (unavailable). */
  message: z.string().optional(),
  /** host:port Caddy dials, when known. */
  upstream: z.string().optional(),
  /** Epoch ms of the last request seen (access log), if any. */
  lastRequestAt: z.number().optional(),
  /** Epoch ms when the service will be put to sleep if nothing happens (awake only). */
  sleepsAt: z.number().optional(),
  /** Requests in flight through Caddy right now. */
  inFlight: z.number(),
  wakes: z.number(),
  /** Median of the last cold starts (ms), if any. */
  medianColdStartMs: z.number().optional(),
  /** Epoch ms when the current wake began (waking). */
  wakingSince: z.number().optional(),
  /** Epoch ms until which a failed service is not retried. */
  retryAt: z.number().optional(),
  /** Epoch ms of the last wake (cold start) that finished. */
  lastWakeAt: z.number().optional(),
  /** Time spent asleep, ms, not counting the current sleep (since `asleepSince`); kept across restarts. */
  asleepMs: z.number().optional(),
  /** Epoch ms the current sleep began. */
  asleepSince: z.number().optional(),
  /** Memory its containers used when last put to sleep (what sleeping frees), bytes. */
  memoryBytes: z.number().optional(),
  /** Their average CPU while awake before the last sleep, % of one core (summed over the containers). */
  cpuPercent: z.number().optional(),
  /** CPU time saved by the sleeps that ended, ms of one core; see `cpuSavedAt` for the total up to now. */
  cpuSavedMs: z.number().optional(),
  /** Why an idle service stays awake: its usage is above an idle threshold ("CPU 37% > 5%"). */
  busy: z.string().optional(),
  /** Awake services that depend on this one (it is not put to sleep while they are awake). */
  neededBy: z.array(z.string()).optional(),
  /** Its webhook (without the URL), if one is set. */
  webhook: WakeWebhookInfoSchema.optional(),
});
export type WakeServiceView = z.infer<typeof WakeServiceViewSchema>;

/**
 * CPU time sleeping saved up to `now`, ms of one core: the sleeps that ended, plus the current one
 * × the average CPU its containers used while awake before it. Grows while the service sleeps.
 */
export function cpuSavedAt(v: Pick<WakeServiceView, 'cpuSavedMs' | 'cpuPercent' | 'asleepSince'>, now: number): number {
  const current = v.asleepSince !== undefined && v.cpuPercent !== undefined ? ((v.cpuPercent / 100) * Math.max(0, now - v.asleepSince)) : 0;
  return (v.cpuSavedMs ?? 0) + current;
}

/** A problem in a wakedock.yml: the file, the line and the field it names. */
export const WakeYamlProblemSchema = z.object({ file: z.string(), line: z.number(), field: z.string(), message: z.string() });
export type WakeYamlProblem = z.infer<typeof WakeYamlProblemSchema>;

/** The wakedock.yml WakeDock watches (config as code). */
export const WakeFileStatusSchema = z.object({
  path: z.string(),
  /** Epoch ms the file was last applied (its services are the stored services named in `services`). */
  appliedAt: z.number().optional(),
  /** The services the last good version of the file declares. */
  services: z.array(z.string()),
  /** The last edit could not be applied: the last good config stays. */
  error: WakeYamlProblemSchema.optional(),
});
export type WakeFileStatus = z.infer<typeof WakeFileStatusSchema>;

/** What an import changed in the stored services. */
export const WakeImportResultSchema = z.object({ created: z.array(z.string()), updated: z.array(z.string()), unchanged: z.array(z.string()), removed: z.array(z.string()) });
export type WakeImportResult = z.infer<typeof WakeImportResultSchema>;

/** A label-declared service that could not be read. */
export const WakeDeclarationErrorSchema = z.object({ container: z.string(), field: z.string(), message: z.string() });
export type WakeDeclarationError = z.infer<typeof WakeDeclarationErrorSchema>;

export const WakeProxyStatusSchema = z.object({
  caddy: z.enum(['absent', 'stopped', 'starting', 'running', 'restarting', 'failed', 'disabled']),
  message: z.string().optional(),
  /** e.g. http://127.0.0.1:8480 — where service hostnames are served. */
  listen: z.string().optional(),
  port: z.number().optional(),
  admin: z.string().optional(),
  hint: z.string().optional(),
  /** e.g. https://127.0.0.1:8443 — HTTPS for the same hostnames (local CA), when on. */
  https: z.string().optional(),
  httpsPort: z.number().optional(),
  /** Whether public hostnames get ACME certificates (else every name: the local CA). */
  acme: z.boolean().optional(),
  /** private: WakeDock's own Caddy; external: the user's Caddy at `admin` (Settings → Proxy). */
  mode: z.enum(['private', 'external']).optional(),
});
export type WakeProxyStatus = z.infer<typeof WakeProxyStatusSchema>;

/** What the editor shows for a service before it is saved (wake.preview). */
export const WakePreviewSchema = z.object({
  /** Problems the schema cannot see: a hostname or name another service already uses. */
  issues: z.array(z.object({ field: z.string(), message: z.string() })),
  /** Address Caddy would dial: the target's published loopback port, when it has one. */
  upstream: z.string().optional(),
  /** Why the service could not be routed yet (no such container, port not published on loopback). */
  unavailable: z.string().optional(),
  /** The route WakeDock would give Caddy for this service (JSON, as sent). */
  route: z.string(),
  /** The loading page a browser would get while the service starts (HTML, without its script). */
  loadingPage: z.string(),
});
export type WakePreview = z.infer<typeof WakePreviewSchema>;
