// The run form's state (rows the user edits) ⇄ the RunSpec the core takes (pure). Blank rows are
// dropped from the spec, so each spec index remembers its row: an error on "ports.1" lands under
// the row the user sees as that port.
import { formatMemory, parseMemory, shellJoin, type RunSpecInput } from '@contract/run-spec';

export interface TextRow {
  key: number;
  text: string;
}

export interface EnvRow {
  key: number;
  name: string;
  value: string;
  /** A secret of the container being recreated: its value stays in main and is carried over. */
  kept?: boolean;
}

export type Restart = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RunForm {
  image: string;
  name: string;
  command: string;
  entrypoint: string;
  env: EnvRow[];
  ports: TextRow[];
  volumes: TextRow[];
  labels: TextRow[];
  network: string;
  restart: Restart;
  restartMaxRetries: string;
  cpus: string;
  memory: string;
  pidsLimit: string;
  autoRemove: boolean;
  tty: boolean;
  start: boolean;
}

export type ListField = 'env' | 'ports' | 'volumes' | 'labels';

let nextKey = 1;
export const newKey = (): number => nextKey++;

export function emptyForm(): RunForm {
  return {
    image: '',
    name: '',
    command: '',
    entrypoint: '',
    env: [],
    ports: [],
    volumes: [],
    labels: [],
    network: '',
    restart: 'no',
    restartMaxRetries: '',
    cpus: '',
    memory: '',
    pidsLimit: '',
    autoRemove: false,
    tty: false,
    start: true,
  };
}

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()));

export interface FormSpec {
  spec: RunSpecInput;
  /** Names of kept secrets (recreate). */
  keepEnv: string[];
  /** For each list field: spec index → row key. */
  rowOf: Record<ListField, number[]>;
}

export function formToSpec(f: RunForm): FormSpec {
  const rowOf: Record<ListField, number[]> = { env: [], ports: [], volumes: [], labels: [] };
  const env: string[] = [];
  const keepEnv: string[] = [];
  for (const r of f.env) {
    if (r.kept) {
      keepEnv.push(r.name);
      continue;
    }
    if (!r.name.trim() && !r.value) continue;
    env.push(`${r.name.trim()}=${r.value}`);
    rowOf.env.push(r.key);
  }
  const list = (field: 'ports' | 'volumes' | 'labels'): string[] => {
    const out: string[] = [];
    for (const r of f[field]) {
      if (!r.text.trim()) continue;
      out.push(r.text.trim());
      rowOf[field].push(r.key);
    }
    return out;
  };
  const spec: RunSpecInput = {
    image: f.image.trim(),
    env,
    ports: list('ports'),
    volumes: list('volumes'),
    labels: list('labels'),
    restart: f.restart,
    autoRemove: f.autoRemove,
    tty: f.tty,
    start: f.start,
  };
  if (f.name.trim()) spec.name = f.name.trim();
  if (f.command.trim()) spec.command = f.command.trim();
  if (f.entrypoint.trim()) spec.entrypoint = f.entrypoint.trim();
  if (f.network.trim()) spec.network = f.network.trim();
  if (f.restart === 'on-failure' && num(f.restartMaxRetries) !== undefined) spec.restartMaxRetries = num(f.restartMaxRetries);
  if (f.cpus.trim()) spec.cpus = f.cpus.trim();
  if (f.memory.trim()) spec.memory = f.memory.trim();
  if (num(f.pidsLimit) !== undefined) spec.pidsLimit = num(f.pidsLimit);
  return { spec, keepEnv, rowOf };
}

export function specToForm(spec: RunSpecInput, keptEnv: readonly string[] = []): RunForm {
  const rows = (list: readonly string[] | undefined): TextRow[] => (list ?? []).map((text) => ({ key: newKey(), text }));
  const env: EnvRow[] = (spec.env ?? []).map((e) => {
    const i = e.indexOf('=');
    return { key: newKey(), name: i < 0 ? e : e.slice(0, i), value: i < 0 ? '' : e.slice(i + 1) };
  });
  for (const name of keptEnv) env.push({ key: newKey(), name, value: '', kept: true });
  const memBytes = spec.memory ? parseMemory(spec.memory) : undefined;
  return {
    image: spec.image,
    name: spec.name ?? '',
    command: typeof spec.command === 'string' ? spec.command : shellJoin(spec.command ?? []),
    entrypoint: typeof spec.entrypoint === 'string' ? spec.entrypoint : shellJoin(spec.entrypoint ?? []),
    env,
    ports: rows(spec.ports),
    volumes: rows(spec.volumes),
    labels: rows(spec.labels),
    network: spec.network ?? '',
    restart: spec.restart ?? 'no',
    restartMaxRetries: spec.restartMaxRetries ? String(spec.restartMaxRetries) : '',
    cpus: spec.cpus ?? '',
    memory: memBytes !== undefined ? formatMemory(memBytes) : (spec.memory ?? ''),
    pidsLimit: spec.pidsLimit !== undefined ? String(spec.pidsLimit) : '',
    autoRemove: spec.autoRemove ?? false,
    tty: spec.tty ?? false,
    start: spec.start ?? true,
  };
}

/**
 * Spec error paths ("ports.1", "spec.memory") → form error keys: "ports#<rowKey>" for a row,
 * the field name otherwise.
 */
export function formErrors(errors: Record<string, string>, rowOf: FormSpec['rowOf']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, msg] of Object.entries(errors)) {
    const parts = path.replace(/^spec\./, '').split('.');
    const field = parts[0]!;
    const index = parts[1];
    if ((field === 'env' || field === 'ports' || field === 'volumes' || field === 'labels') && index !== undefined && /^\d+$/.test(index)) {
      const key = rowOf[field][Number(index)];
      out[key === undefined ? field : `${field}#${key}`] ??= msg;
    } else {
      out[field] ??= msg;
    }
  }
  return out;
}
