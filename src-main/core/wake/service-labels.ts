// Services declared by container labels, the convention Traefik, caddy-docker-proxy and Sablier users
// already write in their compose files. The full set (docs/features/wake.md):
//
//   wakedock.enable=true                 required; anything else ignores the container
//   wakedock.name=app                    default: the compose service, else the container name
//   wakedock.hosts=app.localhost,b.localhost
//   wakedock.port=80                     container port (published on the host)
//   wakedock.idle.after=30m  wakedock.idle.grace=30s  wakedock.idle.action=stop|pause
//   wakedock.idle.cpu_below_percent=5  wakedock.idle.memory_below_mb=200  wakedock.idle.window=1m
//   wakedock.depends_on=db,cache
//   wakedock.ready.http.path=/health  wakedock.ready.http.status=200  wakedock.ready.tcp=true
//   wakedock.ready.timeout=60s  wakedock.ready.settle=2s
//   wakedock.loading.title=…  wakedock.loading.message=…  wakedock.loading.theme=light|dark|auto
//   wakedock.ignore.user_agents=Uptime-Kuma,bot   wakedock.ignore.paths=/healthz,/metrics
//   wakedock.lb.policy=round_robin|least_conn|first|ip_hash|random|uri_hash (replicas: a scaled compose service)
//   wakedock.lb.health_uri=/health  wakedock.lb.health_interval=5s
//
// The target is the labelled container: its compose project/service when it has them (so the service
// survives `docker compose up` recreating it), else its name. Errors name the label.
import { describeIssue, WakeServiceSchema, type WakeDeclarationError, type WakeService } from '../../contract/wake-service';
import type { ContainerSummary } from '../../contract';

export const LABEL_PREFIX = 'wakedock.';

export const KNOWN_LABELS = [
  'enable',
  'name',
  'hosts',
  'port',
  'idle.after',
  'idle.grace',
  'idle.action',
  'idle.cpu_below_percent',
  'idle.memory_below_mb',
  'idle.window',
  'depends_on',
  'ready.http.path',
  'ready.http.status',
  'ready.tcp',
  'ready.timeout',
  'ready.settle',
  'loading.title',
  'loading.message',
  'loading.theme',
  'ignore.user_agents',
  'ignore.paths',
  'lb.policy',
  'lb.health_uri',
  'lb.health_interval',
] as const;

/** Schema field path → label name, so a schema error names the label the user wrote. */
const FIELD_TO_LABEL: [RegExp, string][] = [
  [/^name$/, 'name'],
  [/^hosts(\.\d+)?$/, 'hosts'],
  [/^port$/, 'port'],
  [/^idle\.(after|grace|action|cpu_below_percent|memory_below_mb|window)$/, 'idle.$1'],
  [/^depends_on(\.\d+)?$/, 'depends_on'],
  [/^ready\.http\.(path|status)$/, 'ready.http.$1'],
  [/^ready\.(tcp|timeout|settle)$/, 'ready.$1'],
  [/^loading_page\.(title|message|theme)$/, 'loading.$1'],
  [/^ignore\.(user_agents|paths)(\.\d+)?$/, 'ignore.$1'],
  [/^load_balancing\.(policy|health_uri|health_interval)$/, 'lb.$1'],
];

const list = (v: string | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

const num = (v: string | undefined): number | string | undefined => (v === undefined ? undefined : /^\d+$/.test(v.trim()) ? Number(v.trim()) : v);
const dec = (v: string | undefined): number | string | undefined => (v === undefined ? undefined : /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : v);

export type LabelResult = { ok: true; service: WakeService } | { ok: false; error: WakeDeclarationError } | null;

/** The service a container's labels declare; null when it has no `wakedock.enable=true`. */
export function serviceFromLabels(c: Pick<ContainerSummary, 'name' | 'labels' | 'composeProject' | 'composeService'>): LabelResult {
  const l = c.labels;
  const get = (k: string): string | undefined => l[`${LABEL_PREFIX}${k}`];
  const enable = get('enable');
  if (enable === undefined || !/^(true|1|yes)$/i.test(enable.trim())) return null;
  const fail = (label: string, message: string): LabelResult => ({ ok: false, error: { container: c.name, field: `${LABEL_PREFIX}${label}`, message } });

  for (const key of Object.keys(l)) {
    if (!key.startsWith(LABEL_PREFIX)) continue;
    const k = key.slice(LABEL_PREFIX.length);
    // Unknown keys inside our namespaces (and common slips) are typos worth naming; other top-level
    // keys (e.g. wakedock.test) belong to someone else and are left alone.
    const ours = k.includes('.') || ['host', 'hostname', 'ports', 'enabled', 'after', 'timeout'].includes(k);
    if (ours && !(KNOWN_LABELS as readonly string[]).includes(k)) return fail(k, `unknown label (known: ${KNOWN_LABELS.join(', ')})`);
  }
  const port = get('port');
  if (port === undefined) return fail('port', 'missing: the container port that receives traffic, e.g. wakedock.port=80');
  if (get('hosts') === undefined) return fail('hosts', 'missing: the hostname(s) to serve, e.g. wakedock.hosts=app.localhost');
  const tcp = get('ready.tcp');
  if (tcp !== undefined && !/^(true|false)$/i.test(tcp.trim())) return fail('ready.tcp', 'is true or false');

  const http = get('ready.http.path') !== undefined || get('ready.http.status') !== undefined ? { path: get('ready.http.path') ?? '/', status: num(get('ready.http.status')) } : undefined;
  const raw = {
    name: get('name') ?? c.composeService ?? c.name,
    hosts: list(get('hosts')),
    ...(c.composeProject && c.composeService ? { compose: { project: c.composeProject, service: c.composeService } } : { container: c.name }),
    port: num(port),
    idle: {
      after: get('idle.after'),
      grace: get('idle.grace'),
      action: get('idle.action'),
      cpu_below_percent: dec(get('idle.cpu_below_percent')),
      memory_below_mb: dec(get('idle.memory_below_mb')),
      window: get('idle.window'),
    },
    depends_on: list(get('depends_on')),
    ready: { http, tcp: tcp === undefined ? undefined : /^true$/i.test(tcp.trim()), timeout: get('ready.timeout'), settle: get('ready.settle') },
    loading_page: { title: get('loading.title'), message: get('loading.message'), theme: get('loading.theme') },
    ignore: { user_agents: list(get('ignore.user_agents')), paths: list(get('ignore.paths')) },
    load_balancing: (get('lb.policy') ?? get('lb.health_uri') ?? get('lb.health_interval')) !== undefined ? { policy: get('lb.policy'), health_uri: get('lb.health_uri'), health_interval: get('lb.health_interval') } : undefined,
  };
  const r = WakeServiceSchema.safeParse(stripUndefined(raw));
  if (r.success) return { ok: true, service: r.data };
  const { field, message } = describeIssue(r.error);
  const label = FIELD_TO_LABEL.find(([re]) => re.test(field));
  return fail(label ? field.replace(label[0], label[1]).replace(/\.\d+$/, '') : field, message);
}

function stripUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripUndefined);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) if (val !== undefined) out[k] = stripUndefined(val);
    return out;
  }
  return v;
}
