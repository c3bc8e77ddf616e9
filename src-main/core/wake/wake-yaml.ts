// `wakedock.yml`: services as code. The same model as the editor and the labels (WakeServiceSchema,
// field names as in the issue), under a top-level `services:` list:
//
//   version: 1                # optional
//   services:
//     - name: web
//       hosts: [web.localhost]
//       container: web        # or containers: [a, b], or compose: {project, service}
//       port: 80
//       idle: {after: 30m, grace: 30s, action: stop, cpu_below_percent: 5, memory_below_mb: 200, window: 1m}
//       ready: {http: {path: /health, status: 200}, timeout: 60s, settle: 0s}
//       loading_page: {title: Web, message: Starting…, theme: auto}
//       depends_on: [db]
//       ignore: {user_agents: [Uptime-Kuma], paths: [/healthz]}
//
// Parsed with the `yaml` package (YAML 1.2 core schema: `on`/`yes` stay strings, no sexagesimal
// numbers). Every error names the file, the line and the field (`wakedock.yml:12: services.1.idle.after:
// is not a duration …`): a YAML syntax error, an unknown key, a bad value, a name or hostname listed
// twice, a depends_on cycle (named). A file is taken whole or not at all.
import { isNode, LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { dependencyCycle, describeIssue, WakeServiceSchema, type WakeService } from '../../contract/wake-service';

export interface YamlProblem {
  file: string;
  /** 1-based line of the field (or of the nearest enclosing node that exists). */
  line: number;
  /** Dotted path, e.g. services.1.idle.after; '' for the file as a whole. */
  field: string;
  message: string;
}

export type YamlResult = { ok: true; services: WakeService[] } | { ok: false; problem: YamlProblem };

/** "wakedock.yml:12: services.1.idle.after: is not a duration …" */
export function formatProblem(p: YamlProblem): string {
  return `${p.file}:${p.line}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

const TOP_KEYS = ['version', 'services'];
/** A file larger than this is refused (a service list is a few KiB). */
export const MAX_YAML_BYTES = 1024 * 1024;

/** A problem the file alone cannot show (a hostname another service serves): service index, field path inside it. */
export interface ContextIssue {
  index: number;
  path: (string | number)[];
  message: string;
}

/**
 * Parse a wakedock.yml. `check` adds what only the caller knows (services declared elsewhere); its
 * issue is reported with the line of the field it names, like the file's own problems.
 */
export function parseWakeYaml(text: string, file = 'wakedock.yml', check?: (services: WakeService[]) => ContextIssue | null): YamlResult {
  const lines = new LineCounter();
  const fail = (line: number, field: string, message: string): YamlResult => ({ ok: false, problem: { file, line, field, message } });
  if (Buffer.byteLength(text) > MAX_YAML_BYTES) return fail(1, '', `the file is larger than ${MAX_YAML_BYTES / 1024} KiB`);
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? lines.linePos(first.pos[0]).line;
    return fail(line, '', first.message.split('\n')[0] ?? 'is not valid YAML');
  }
  const lineOf = (path: (string | number)[]): number => lineAt(doc, lines, path);
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  if (root === null || root === undefined) return fail(1, 'services', 'the file is empty: list the services under "services:"');
  if (typeof root !== 'object' || Array.isArray(root)) return fail(1, '', 'the file is a mapping with a "services:" list');
  const top = root as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!TOP_KEYS.includes(k)) return fail(lineOf([k]), k, `unknown key (known: ${TOP_KEYS.join(', ')})`);
  if (top.version !== undefined && top.version !== 1) return fail(lineOf(['version']), 'version', 'the only version is 1');
  const list = top.services ?? [];
  if (!Array.isArray(list)) return fail(lineOf(['services']), 'services', 'is a list of services (each item starts with "- name: …")');

  const services: WakeService[] = [];
  for (const [i, item] of list.entries()) {
    const r = WakeServiceSchema.safeParse(item);
    if (!r.success) {
      const { field, message } = describeIssue(r.error);
      const path = ['services', i, ...(r.error.issues[0]?.path ?? []).map((p) => (typeof p === 'number' ? p : String(p)))];
      return fail(lineOf(path), `services.${i}${field ? `.${field}` : ''}`, message);
    }
    services.push(r.data);
  }
  const names = new Map<string, number>();
  const hosts = new Map<string, string>();
  for (const [i, s] of services.entries()) {
    const dup = names.get(s.name);
    if (dup !== undefined) return fail(lineOf(['services', i, 'name']), `services.${i}.name`, `${s.name} is already the name of services.${dup}`);
    names.set(s.name, i);
    for (const [j, h] of s.hosts.entries()) {
      const other = hosts.get(h);
      if (other) return fail(lineOf(['services', i, 'hosts', j]), `services.${i}.hosts.${j}`, `${h} is already served by ${other}`);
      hosts.set(h, s.name);
    }
  }
  const cycle = dependencyCycle(services);
  if (cycle) {
    const i = names.get(cycle[0] as string) ?? 0;
    return fail(lineOf(['services', i, 'depends_on']), `services.${i}.depends_on`, `depends_on makes a cycle: ${cycle.join(' → ')}`);
  }
  const issue = check?.(services);
  if (issue) {
    const path = ['services', issue.index, ...issue.path];
    return fail(lineOf(path), path.join('.'), issue.message);
  }
  return { ok: true, services };
}

/** The line of the node at `path`, or of its nearest ancestor that exists. */
function lineAt(doc: Document, lines: LineCounter, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

/** The services as a wakedock.yml (stable: services sorted by name, fields in the model's order). */
export function toWakeYaml(services: readonly WakeService[]): string {
  const sorted = [...services].sort((a, b) => a.name.localeCompare(b.name));
  const body = stringify({ version: 1, services: sorted }, { lineWidth: 0 });
  return `# WakeDock services (wake on demand). Import, export or watch this file on the Services page.\n# Fields: docs/features/wake.md\n${body}`;
}
