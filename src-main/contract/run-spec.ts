// COMMON: the "run a container" spec as the user types it (strings, as in the form and as in
// `docker run`), its validation with one specific message per field, and the pure parsers both
// sides share: main turns a valid spec into engine options, the renderer validates as you type
// and prints the equivalent `docker run` line. Every refinement calls the same parser the core
// uses, so a spec that passes validation can always be converted.
import { z } from 'zod';
import { ContainerNameSchema } from './inputs';

// ---- shell words ------------------------------------------------------------------------------

/** Split a command line the way a POSIX shell splits words (quotes and backslashes; no expansion). */
export function parseShellWords(line: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { error: 'a single quote is not closed' };
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        // Inside double quotes a backslash only escapes these (POSIX).
        if (c === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
          cur += line[i + 1];
          i += 2;
          continue;
        }
        cur += c;
        i++;
      }
      if (!closed) return { error: 'a double quote is not closed' };
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) return { error: 'the line ends with a lone backslash' };
      if (line[i + 1] !== '\n') {
        cur += line[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else {
      cur += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return { words };
}

/** Quote one word for a POSIX shell: bare when it is safe, else single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_\-.,:/@%+=^]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

// ---- sizes and CPUs ---------------------------------------------------------------------------

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
/** Docker refuses less than 6 MiB of memory for a container. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

/** "512m", "1g", "1.5G", "256MiB", "1048576" → bytes (binary units, as docker does); undefined if not a size. */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const bytes = Math.round(Number(m[1]) * UNITS[(m[2] || 'b').toLowerCase()]!);
  return Number.isFinite(bytes) ? bytes : undefined;
}

/** bytes → the shortest exact docker size ("512m", "1g"), or plain bytes. */
export function formatMemory(bytes: number): string {
  for (const u of ['t', 'g', 'm', 'k'] as const) {
    if (bytes >= UNITS[u]! && bytes % UNITS[u]! === 0) return `${bytes / UNITS[u]!}${u}`;
  }
  return String(bytes);
}

/** "1.5" → 1_500_000_000 NanoCpus; undefined if not a positive number. */
export function parseCpus(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n > 0 ? Math.round(n * 1e9) : undefined;
}

// ---- ports ------------------------------------------------------------------------------------

export interface PortMapping {
  hostIp?: string;
  /** Absent: the engine picks a free port. */
  hostPort?: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const validPort = (s: string): number | undefined => (/^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535 ? Number(s) : undefined);

/** "[hostIp:][hostPort:]containerPort[/proto]", as `docker run -p` takes it. IPv6 host IPs in [brackets]. */
export function parsePort(text: string): PortMapping | { error: string } {
  const t = text.trim();
  if (!t) return { error: 'enter a port such as 8080:80' };
  let rest = t;
  let protocol: PortMapping['protocol'] = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp' && p !== 'sctp') return { error: `"${p}" is not a protocol (use tcp, udp or sctp)` };
    protocol = p;
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2]!;
  }
  const parts = rest.split(':');
  if (!v6 && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2) return { error: 'use [host IP:]host port:container port[/protocol], e.g. 127.0.0.1:8080:80' };
  if (hostIp !== undefined && !v6 && !IPV4.test(hostIp)) return { error: `"${hostIp}" is not an IP address to publish on` };
  const containerText = parts.pop()!;
  const containerPort = validPort(containerText);
  if (containerPort === undefined) return { error: `the container port "${containerText}" must be a number from 1 to 65535` };
  const hostText = parts.pop();
  let hostPort: number | undefined;
  if (hostText !== undefined && hostText !== '') {
    hostPort = validPort(hostText);
    if (hostPort === undefined) return { error: `the host port "${hostText}" must be a number from 1 to 65535` };
  }
  const m: PortMapping = { containerPort, protocol };
  if (hostIp) m.hostIp = hostIp;
  if (hostPort !== undefined) m.hostPort = hostPort;
  return m;
}

export function formatPort(p: PortMapping): string {
  const ip = p.hostIp ? (p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp) : '';
  const proto = p.protocol === 'tcp' ? '' : `/${p.protocol}`;
  if (ip) return `${ip}:${p.hostPort ?? ''}:${p.containerPort}${proto}`;
  return p.hostPort !== undefined ? `${p.hostPort}:${p.containerPort}${proto}` : `${p.containerPort}${proto}`;
}

// ---- volumes and bind mounts ------------------------------------------------------------------

export interface VolumeMapping {
  kind: 'bind' | 'volume';
  /** An absolute host path (bind) or a volume name. */
  source: string;
  target: string;
  readOnly: boolean;
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** "source:target[:ro|rw]": an absolute source is a bind mount, a name is a named volume. */
export function parseVolume(text: string): VolumeMapping | { error: string } {
  const t = text.trim();
  if (!t) return { error: 'enter source:target, e.g. data:/var/lib/data or /home/me/site:/www:ro' };
  const parts = t.split(':');
  let readOnly = false;
  const last = parts[parts.length - 1];
  if (parts.length === 3 && (last === 'ro' || last === 'rw')) {
    readOnly = last === 'ro';
    parts.pop();
  } else if (parts.length === 3) {
    return { error: `"${last}" is not a mount option (use ro or rw)` };
  }
  if (parts.length !== 2) return { error: 'use source:target[:ro], e.g. data:/var/lib/data' };
  const [source, target] = parts as [string, string];
  if (!target.startsWith('/')) return { error: `the target "${target}" must be an absolute path inside the container` };
  if (source.startsWith('/')) return { kind: 'bind', source, target, readOnly };
  if (source.startsWith('.') || source.startsWith('~')) return { error: `a bind mount needs an absolute host path, not "${source}"` };
  if (!VOLUME_NAME.test(source)) return { error: `"${source}" is not a volume name (letters, digits, "_", "." and "-") nor an absolute path` };
  return { kind: 'volume', source, target, readOnly };
}

export function formatVolume(v: VolumeMapping): string {
  return `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`;
}

// ---- KEY=VALUE lists and .env files -----------------------------------------------------------

const ENV_NAME = /^[^=\s]+$/;

export function splitKeyValue(entry: string): { key: string; value: string } {
  const i = entry.indexOf('=');
  return i < 0 ? { key: entry, value: '' } : { key: entry.slice(0, i), value: entry.slice(i + 1) };
}

export interface EnvFileResult {
  entries: string[];
  errors: { line: number; message: string }[];
}

/** Parse .env text (KEY=VALUE lines, # comments, optional `export`, "double" and 'single' quotes). */
export function parseEnvFile(text: string): EnvFileResult {
  const entries: string[] = [];
  const errors: EnvFileResult['errors'] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      errors.push({ line: i + 1, message: `line ${i + 1}: expected KEY=VALUE` });
      continue;
    }
    const key = m[1]!;
    let value = m[2]!;
    if (value.startsWith('"')) {
      // A double-quoted value may span lines and knows \n, \" and \\.
      let body = value.slice(1);
      let j = i;
      while (!/(^|[^\\])(\\\\)*"\s*(#.*)?$/.test(body) && j + 1 < lines.length) body += `\n${lines[++j]}`;
      const end = /^((?:[^"\\]|\\.)*)"\s*(#.*)?$/s.exec(body);
      if (!end) {
        errors.push({ line: i + 1, message: `line ${i + 1}: the double quote is not closed` });
        continue;
      }
      i = j;
      value = end[1]!.replace(/\\(.)/gs, (_s, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
    } else if (value.startsWith("'")) {
      const end = /^'([^']*)'\s*(#.*)?$/.exec(value);
      if (!end) {
        errors.push({ line: i + 1, message: `line ${i + 1}: the single quote is not closed` });
        continue;
      }
      value = end[1]!;
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    entries.push(`${key}=${value}`);
  }
  return { entries, errors };
}

// ---- the spec ---------------------------------------------------------------------------------

export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const;

/** Docker's rule for image references, loosely: no spaces, no uppercase in the repository. */
const IMAGE_REF = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$|^(?:sha256:)?[a-f0-9]{12,64}$/;

export const ImageRefSchema = z
  .string()
  .trim()
  .min(1, 'choose an image')
  .max(512, 'the image reference is too long')
  .regex(IMAGE_REF, 'not an image reference (e.g. nginx:1.27, ghcr.io/org/app:tag); repository names are lowercase');

const words = z.union([z.string().max(8192, 'the command is too long'), z.array(z.string().max(8192)).max(1000)]).optional();

const kvList = (what: string, max: number) =>
  z
    .array(z.string().max(32_768, `this ${what} is too long`))
    .max(max, `at most ${max} ${what}s`)
    .superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((e, i) => {
        const { key } = splitKeyValue(e);
        if (!e.includes('=') || !key) ctx.addIssue({ code: 'custom', path: [i], message: `write ${what}s as NAME=value` });
        else if (!ENV_NAME.test(key)) ctx.addIssue({ code: 'custom', path: [i], message: `the ${what} name "${key}" may not contain spaces` });
        else if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `"${key}" is already set on line ${seen.get(key)! + 1}` });
        else seen.set(key, i);
      });
    });

const shellField = (what: string) =>
  words.superRefine((v, ctx) => {
    if (typeof v === 'string') {
      const r = parseShellWords(v);
      if ('error' in r) ctx.addIssue({ code: 'custom', message: `${what}: ${r.error}` });
    }
  });

export const RunSpecObject = z.strictObject({
  image: ImageRefSchema,
  /** Empty: the engine picks a name. */
  name: z.union([z.literal(''), ContainerNameSchema]).optional(),
  /** A shell-like string ("sh -c 'echo hi'") or the argument array. Empty: the image's default. */
  command: shellField('command'),
  entrypoint: shellField('entrypoint'),
  /** NAME=value entries. */
  env: kvList('variable', 1000).default([]),
  /** "[hostIp:][hostPort:]containerPort[/proto]" entries. */
  ports: z
    .array(z.string().max(100, 'this port is too long'))
    .max(500, 'at most 500 ports')
    .default([])
    .superRefine((list, ctx) => {
      const used = new Map<string, number>();
      list.forEach((p, i) => {
        const r = parsePort(p);
        if ('error' in r) return void ctx.addIssue({ code: 'custom', path: [i], message: r.error });
        if (r.hostPort === undefined) return;
        const key = `${r.hostPort}/${r.protocol}`;
        const other = used.get(key);
        // The same host port twice (on overlapping addresses) can never both bind.
        if (other !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `host port ${key} is already used by port ${other + 1} of this form` });
        else used.set(key, i);
      });
    }),
  /** "source:target[:ro]" entries: an absolute source is a bind mount, a name a named volume. */
  volumes: z
    .array(z.string().max(4096, 'this mount is too long'))
    .max(200, 'at most 200 mounts')
    .default([])
    .superRefine((list, ctx) => {
      const targets = new Map<string, number>();
      list.forEach((v, i) => {
        const r = parseVolume(v);
        if ('error' in r) return void ctx.addIssue({ code: 'custom', path: [i], message: r.error });
        const other = targets.get(r.target);
        if (other !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `${r.target} is already mounted by mount ${other + 1}` });
        else targets.set(r.target, i);
      });
    }),
  /** A network name; empty: the default bridge. */
  network: z
    .string()
    .max(128, 'the network name is too long')
    .regex(/^$|^[a-zA-Z0-9][a-zA-Z0-9_.:-]*$/, 'not a network name')
    .optional(),
  restart: z.enum(RESTART_POLICIES, { message: 'restart must be no, always, unless-stopped or on-failure' }).default('no'),
  /** For on-failure only; 0 or absent: no limit. */
  restartMaxRetries: z.number({ message: 'max retries must be a number' }).int('max retries must be a whole number').min(0, 'max retries cannot be negative').max(1000, 'at most 1000 retries').optional(),
  /** key=value entries. */
  labels: kvList('label', 1000).default([]),
  /** CPUs, e.g. "1.5" (docker run --cpus). */
  cpus: z
    .string()
    .trim()
    .optional()
    .refine((s) => !s || (parseCpus(s) !== undefined && Number(s) <= 1024), 'CPUs must be a positive number such as 0.5 or 2'),
  /** Memory limit, e.g. "512m", "1g". */
  memory: z
    .string()
    .trim()
    .optional()
    .superRefine((s, ctx) => {
      if (!s) return;
      const b = parseMemory(s);
      if (b === undefined) ctx.addIssue({ code: 'custom', message: 'memory must be a size such as 512m or 1g' });
      else if (b < MIN_MEMORY_BYTES) ctx.addIssue({ code: 'custom', message: 'memory must be at least 6m (the engine refuses less)' });
    }),
  /** Maximum number of processes; absent: unlimited. */
  pidsLimit: z.number({ message: 'the process limit must be a number' }).int('the process limit must be a whole number').min(1, 'the process limit must be at least 1').max(4_194_304, 'the process limit is too large').optional(),
  /** Remove the container when it exits (docker run --rm). */
  autoRemove: z.boolean().default(false),
  /** Allocate a terminal and keep stdin open (docker run -it). */
  tty: z.boolean().default(false),
  /** Start after creating. */
  start: z.boolean().default(true),
});

/** Rules between fields (a refined object cannot be extended, so they are applied separately). */
export function crossChecks(s: { autoRemove: boolean; restart: string; restartMaxRetries?: number | undefined }, ctx: z.RefinementCtx): void {
  if (s.autoRemove && s.restart !== 'no') ctx.addIssue({ code: 'custom', path: ['restart'], message: 'a container removed on exit cannot have a restart policy' });
  if (s.restartMaxRetries && s.restart !== 'on-failure') ctx.addIssue({ code: 'custom', path: ['restartMaxRetries'], message: 'max retries only applies to the on-failure policy' });
}

export const RunSpecSchema = RunSpecObject.superRefine(crossChecks);

/** What the form sends (defaults may be omitted). */
export type RunSpecInput = z.input<typeof RunSpecSchema>;
/** What the core gets (defaults filled). */
export type RunSpec = z.output<typeof RunSpecSchema>;

export function wordsOf(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length ? v : undefined;
  if (!v.trim()) return undefined;
  const r = parseShellWords(v);
  return 'words' in r && r.words.length ? r.words : undefined;
}

/** Every problem of a spec, keyed by field path ("ports.1"), for inline errors in the form. */
export function runSpecErrors(input: unknown): Record<string, string> {
  const r = RunSpecSchema.safeParse(input);
  const out: Record<string, string> = {};
  if (r.success) return out;
  for (const issue of r.error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    out[key] ??= issue.message;
  }
  return out;
}

// ---- docker run -------------------------------------------------------------------------------

/**
 * The `docker run` (or `docker create`) line that makes the same container, shell-quoted.
 * `keptEnv` names variables whose values stay hidden (secrets kept from the container being
 * recreated). They are shown as `-e 'NAME=<hidden: kept from the old container>'`: a visible
 * placeholder, never a bare `-e NAME`, which a shell would silently fill from the user's own
 * environment.
 */
/** What stands for a kept (hidden) value in the `docker run` preview. */
export const KEPT_ENV_PLACEHOLDER = '<hidden: kept from the old container>';

export function dockerRunCommand(input: RunSpecInput, keptEnv: readonly string[] = []): string {
  const s = RunSpecSchema.safeParse(input);
  const spec: RunSpecInput = s.success ? s.data : input;
  const args: string[] = ['docker', spec.start === false ? 'create' : 'run'];
  if (spec.start !== false) args.push('-d');
  if (spec.name) args.push('--name', spec.name);
  if (spec.autoRemove) args.push('--rm');
  if (spec.tty) args.push('-it');
  for (const e of spec.env ?? []) args.push('-e', e);
  for (const k of keptEnv) args.push('-e', `${k}=${KEPT_ENV_PLACEHOLDER}`);
  for (const p of spec.ports ?? []) args.push('-p', p.trim());
  for (const v of spec.volumes ?? []) args.push('-v', v.trim());
  if (spec.network) args.push('--network', spec.network);
  if (spec.restart && spec.restart !== 'no') args.push('--restart', spec.restart === 'on-failure' && spec.restartMaxRetries ? `on-failure:${spec.restartMaxRetries}` : spec.restart);
  for (const l of spec.labels ?? []) args.push('--label', l);
  if (spec.cpus) args.push('--cpus', spec.cpus.trim());
  if (spec.memory) args.push('--memory', spec.memory.trim());
  if (spec.pidsLimit !== undefined) args.push('--pids-limit', String(spec.pidsLimit));
  // --entrypoint takes one word; any further entrypoint words go before the command.
  const ep = wordsOf(spec.entrypoint) ?? [];
  if (ep.length) args.push('--entrypoint', ep[0]!);
  args.push(spec.image.trim());
  args.push(...ep.slice(1), ...(wordsOf(spec.command) ?? []));
  return shellJoin(args);
}
