// The service editor's form state, pure: a draft of strings (what the inputs hold) ↔ the service
// model, and the model's validation issues mapped onto the form's fields. The core validates the same
// schema again at the boundary; this only lets the form say what is wrong before a round trip.
import { LB_POLICIES, WakeServiceSchema, type WakeService, type WakeServiceInput } from '@contract/wake-service';

export type TargetKind = 'container' | 'containers' | 'compose';

export interface Draft {
  name: string;
  /** Hostnames separated by commas or spaces. */
  hosts: string;
  targetKind: TargetKind;
  container: string;
  /** Container names separated by commas or spaces (several containers, started in this order). */
  containers: string;
  project: string;
  composeService: string;
  port: string;
  idleAfter: string;
  idleGrace: string;
  action: 'stop' | 'pause';
  /** Idle thresholds: stay awake while CPU % / memory MiB average at least this over the window. */
  cpuBelow: string;
  memoryBelow: string;
  idleWindow: string;
  /** Services woken first, in this order (commas or spaces). */
  dependsOn: string;
  probe: 'http' | 'tcp';
  httpPath: string;
  httpStatus: string;
  readyTimeout: string;
  settle: string;
  title: string;
  message: string;
  theme: 'auto' | 'light' | 'dark';
  ignoreAgents: string;
  ignorePaths: string;
  /** Replicas only: Caddy's load-balancing policy ('' = not set: round robin), active health check. */
  lbPolicy: '' | (typeof LB_POLICIES)[number];
  lbHealthUri: string;
  lbHealthInterval: string;
}

export type DraftField = keyof Draft;
export type FieldErrors = Partial<Record<DraftField, string>>;

export const EMPTY_DRAFT: Draft = {
  name: '',
  hosts: '',
  targetKind: 'container',
  container: '',
  containers: '',
  project: '',
  composeService: '',
  port: '',
  idleAfter: '30m',
  idleGrace: '30s',
  action: 'stop',
  cpuBelow: '',
  memoryBelow: '',
  idleWindow: '',
  dependsOn: '',
  probe: 'http',
  httpPath: '/',
  httpStatus: '',
  readyTimeout: '60s',
  settle: '0s',
  title: '',
  message: '',
  theme: 'auto',
  ignoreAgents: '',
  ignorePaths: '',
  lbPolicy: '',
  lbHealthUri: '',
  lbHealthInterval: '',
};

const words = (s: string): string[] => s.split(/[\s,]+/).filter((w) => w !== '');
/** User agents may contain spaces ("Uptime Kuma"): one per comma. */
const commaList = (s: string): string[] => s.split(',').map((w) => w.trim()).filter((w) => w !== '');
const optional = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());

/** A number (decimals allowed) as a number; anything else as typed. */
function decimalOrRaw(s: string): unknown {
  const t = s.trim();
  if (t === '') return undefined;
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** A whole number as a number; anything else as typed, so the schema's message names the problem. */
function numberOrRaw(s: string): unknown {
  const t = s.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : t;
}

export function draftToInput(d: Draft): WakeServiceInput {
  const target =
    d.targetKind === 'container'
      ? { container: d.container.trim() }
      : d.targetKind === 'containers'
        ? { containers: words(d.containers) }
        : { compose: { project: d.project.trim(), service: d.composeService.trim() } };
  const ready: Record<string, unknown> = { timeout: d.readyTimeout.trim(), settle: d.settle.trim() };
  if (d.probe === 'tcp') ready.tcp = true;
  else {
    const status = numberOrRaw(d.httpStatus);
    const path = d.httpPath.trim() || '/';
    if (path !== '/' || status !== undefined) ready.http = { path, ...(status !== undefined ? { status } : {}) };
  }
  // Load balancing belongs to replicas; set only when the form says something, so a service saved
  // unchanged keeps exactly the definition it had (with or without the block).
  const lbSet = d.targetKind === 'containers' && (d.lbPolicy !== '' || d.lbHealthUri.trim() !== '' || d.lbHealthInterval.trim() !== '');
  const lb = lbSet ? { policy: d.lbPolicy || 'round_robin', ...(optional(d.lbHealthUri) ? { health_uri: optional(d.lbHealthUri) } : {}), ...(optional(d.lbHealthInterval) ? { health_interval: optional(d.lbHealthInterval) } : {}) } : undefined;
  const loading: Record<string, unknown> = { theme: d.theme };
  if (optional(d.title)) loading.title = optional(d.title);
  if (optional(d.message)) loading.message = optional(d.message);
  return {
    name: d.name.trim(),
    hosts: words(d.hosts),
    ...target,
    port: numberOrRaw(d.port),
    idle: {
      after: d.idleAfter.trim(),
      grace: d.idleGrace.trim(),
      action: d.action,
      ...(decimalOrRaw(d.cpuBelow) !== undefined ? { cpu_below_percent: decimalOrRaw(d.cpuBelow) } : {}),
      ...(decimalOrRaw(d.memoryBelow) !== undefined ? { memory_below_mb: decimalOrRaw(d.memoryBelow) } : {}),
      ...(optional(d.idleWindow) ? { window: optional(d.idleWindow) } : {}),
    },
    ready,
    loading_page: loading,
    ignore: { user_agents: commaList(d.ignoreAgents), paths: words(d.ignorePaths) },
    ...(words(d.dependsOn).length > 0 ? { depends_on: words(d.dependsOn) } : {}),
    ...(lb ? { load_balancing: lb } : {}),
  } as WakeServiceInput;
}

export function serviceToDraft(s: WakeService): Draft {
  const targetKind: TargetKind = s.compose ? 'compose' : s.containers ? 'containers' : 'container';
  return {
    name: s.name,
    hosts: s.hosts.join(', '),
    targetKind,
    container: s.container ?? '',
    containers: (s.containers ?? []).join(', '),
    project: s.compose?.project ?? '',
    composeService: s.compose?.service ?? '',
    port: String(s.port),
    idleAfter: s.idle.after,
    idleGrace: s.idle.grace,
    action: s.idle.action,
    cpuBelow: s.idle.cpu_below_percent !== undefined ? String(s.idle.cpu_below_percent) : '',
    memoryBelow: s.idle.memory_below_mb !== undefined ? String(s.idle.memory_below_mb) : '',
    idleWindow: s.idle.window ?? '',
    dependsOn: (s.depends_on ?? []).join(', '),
    probe: s.ready.tcp && !s.ready.http ? 'tcp' : 'http',
    httpPath: s.ready.http?.path ?? '/',
    httpStatus: s.ready.http?.status !== undefined ? String(s.ready.http.status) : '',
    readyTimeout: s.ready.timeout,
    settle: s.ready.settle,
    title: s.loading_page.title ?? '',
    message: s.loading_page.message ?? '',
    theme: s.loading_page.theme,
    ignoreAgents: s.ignore.user_agents.join(', '),
    ignorePaths: s.ignore.paths.join(', '),
    lbPolicy: s.load_balancing?.policy ?? '',
    lbHealthUri: s.load_balancing?.health_uri ?? '',
    lbHealthInterval: s.load_balancing?.health_interval ?? '',
  };
}

const FIELD_OF: Record<string, DraftField> = {
  name: 'name',
  hosts: 'hosts',
  containers: 'containers',
  'compose.project': 'project',
  'compose.service': 'composeService',
  compose: 'project',
  port: 'port',
  'idle.after': 'idleAfter',
  'idle.grace': 'idleGrace',
  'idle.action': 'action',
  'idle.cpu_below_percent': 'cpuBelow',
  'idle.memory_below_mb': 'memoryBelow',
  'idle.window': 'idleWindow',
  depends_on: 'dependsOn',
  'ready.http.path': 'httpPath',
  'ready.http.status': 'httpStatus',
  'ready.timeout': 'readyTimeout',
  'ready.settle': 'settle',
  'loading_page.title': 'title',
  'loading_page.message': 'message',
  'loading_page.theme': 'theme',
  'ignore.user_agents': 'ignoreAgents',
  'ignore.paths': 'ignorePaths',
  'load_balancing.policy': 'lbPolicy',
  'load_balancing.health_uri': 'lbHealthUri',
  'load_balancing.health_interval': 'lbHealthInterval',
};

/** The form field a model path ("hosts.1", "idle.after", "ignore.paths.0") belongs to. */
export function fieldOf(path: string, kind: TargetKind): DraftField {
  // "give exactly one target" is reported on `container`: show it at the target the form uses.
  if (path === '' || path === 'container') return kind === 'compose' ? 'project' : kind;
  if (FIELD_OF[path]) return FIELD_OF[path];
  const noIndex = path.replace(/\.\d+$/, '');
  if (FIELD_OF[noIndex]) return FIELD_OF[noIndex];
  return 'name';
}

/** "hosts.1" + the draft → the hostname the message is about, so "is not a hostname" names it. */
function subject(path: string, input: WakeServiceInput): string | undefined {
  const m = /^(hosts|containers|ignore\.paths|ignore\.user_agents)\.(\d+)$/.exec(path);
  if (!m) return undefined;
  const list = m[1] === 'hosts' ? input.hosts : m[1] === 'containers' ? input.containers : m[1] === 'ignore.paths' ? input.ignore?.paths : input.ignore?.user_agents;
  const v = (list as unknown[] | undefined)?.[Number(m[2])];
  return typeof v === 'string' ? v : undefined;
}

export function messageFor(path: string, message: string, input: WakeServiceInput): string {
  const s = subject(path, input);
  return s !== undefined && !message.startsWith(s) ? `"${s}" ${message}` : message;
}

/** Validate a draft with the model's schema: the service, or the first problem of each field. */
export function checkDraft(d: Draft): { service?: WakeService; input: WakeServiceInput; errors: FieldErrors } {
  const input = draftToInput(d);
  const r = WakeServiceSchema.safeParse(input);
  if (r.success) return { service: r.data, input, errors: {} };
  const errors: FieldErrors = {};
  for (const i of r.error.issues) {
    const path = i.path.map(String).join('.');
    errors[fieldOf(path, d.targetKind)] ??= messageFor(path, i.message, input);
  }
  return { input, errors };
}
