// A project's compose files on the machine that runs WakeDock: read them, check an edited text with
// the CLI's own `config` (written to a temporary file next to the real one, so relative paths and the
// folder's .env work as they will for `up`), save atomically (temporary file + rename), and prepare
// a new project's folder for a deploy (created when missing; an existing compose file is replaced only
// when the user confirmed).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { RpcError } from '../../contract';
import { COMPOSE_FILE_NAMES, MAX_COMPOSE_FILE, type ComposeCheck, type ComposeFile } from '../../contract/procedures/compose';
import { runCompose, type ComposeCommand } from './compose-cli';

export async function readComposeFiles(paths: readonly string[]): Promise<ComposeFile[]> {
  const out: ComposeFile[] = [];
  for (const path of paths) {
    const st = await stat(path).catch(() => null);
    if (!st?.isFile()) continue;
    if (st.size > MAX_COMPOSE_FILE) throw RpcError.from('VALIDATION', `${path} is larger than 1 MiB; edit it outside WakeDock.`, { reason: 'INVALID_INPUT' });
    out.push({ path, content: await readFile(path, 'utf8'), size: st.size });
  }
  return out;
}

/** Writes through a temporary file in the same folder and a rename: readers see the old or the new file, never half of one. */
export async function writeAtomic(path: string, content: string): Promise<number> {
  const tmp = join(dirname(path), `.${basename(path)}.wakedock-${randomBytes(4).toString('hex')}`);
  const mode = (await stat(path).catch(() => null))?.mode;
  try {
    await writeFile(tmp, content, { flag: 'wx', mode: mode !== undefined ? mode & 0o777 : 0o644 });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return Buffer.byteLength(content);
}

/** The line an error names in the checked file ("in "./x.yml", line 5, column 4"), the last one mentioned. */
export function errorLine(stderr: string, fileName: string): number | null {
  let line: number | null = null;
  const esc = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const m of stderr.matchAll(new RegExp(`${esc}"?,? line (\\d+)`, 'g'))) line = Number(m[1]);
  if (line === null) for (const m of stderr.matchAll(/\bline (\d+)/g)) line = Number(m[1]);
  return line;
}

export interface CheckOptions {
  cmd: ComposeCommand;
  global: readonly string[];
  dir: string;
  file: string;
  otherFiles: readonly string[];
  content: string;
  project?: string;
  signal?: AbortSignal;
}

/** `config -q` with the edited text in place of `file` (the project's other files as they are). */
export async function checkCompose(o: CheckOptions): Promise<ComposeCheck> {
  const dirExists = (await stat(o.dir).catch(() => null))?.isDirectory() === true;
  // A folder that does not exist yet (a deploy): nothing relative to resolve, check in a temporary one.
  const where = dirExists ? dirname(o.file) : await mkdtemp(join(tmpdir(), 'wakedock-compose-check-'));
  const tmpName = `.${basename(o.file)}.wakedock-check-${randomBytes(4).toString('hex')}.yml`;
  const tmp = join(where, tmpName);
  await writeFile(tmp, o.content, { flag: 'wx', mode: 0o600 });
  try {
    const files = o.otherFiles.includes(o.file) ? o.otherFiles.map((f) => (f === o.file ? tmp : f)) : [tmp, ...o.otherFiles];
    const args = ['--ansi', 'never', ...(o.project ? ['-p', o.project] : []), '--project-directory', dirExists ? o.dir : where, ...files.flatMap((f) => ['-f', f]), 'config', '-q'];
    const lines: string[] = [];
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    o.signal?.addEventListener('abort', stop, { once: true });
    const r = await runCompose({ cmd: o.cmd, global: o.global, args, cwd: where, signal: abort.signal, onLine: (s, t) => s === 'stderr' && lines.length < 200 && lines.push(t) }).finally(() => o.signal?.removeEventListener('abort', stop));
    if (r.exitCode === 0) return { valid: true, error: null, line: null };
    // The CLI names the temporary file; the user knows the real one.
    const text = (r.stderr || lines.join('\n')).split(tmp).join(o.file).split(tmpName).join(basename(o.file));
    return { valid: false, error: text.trim() || `config failed (exit ${r.exitCode})`, line: errorLine(text, basename(o.file)) };
  } finally {
    await unlink(tmp).catch(() => undefined);
    if (!dirExists) await rmdir(where).catch(() => undefined);
  }
}

export function invalidCompose(check: ComposeCheck, file: string): RpcError {
  const first = (check.error ?? '').split('\n').find((l) => l.trim()) ?? 'the compose file is invalid';
  return RpcError.from('VALIDATION', `${basename(file)} is not valid: ${first}`, { reason: 'COMPOSE_INVALID', field: 'content', detail: check.error ?? undefined, ...(check.line ? { hint: `See line ${check.line}.` } : {}) });
}

/** The compose files already in a folder (the names compose looks for). */
export async function composeFilesIn(dir: string): Promise<string[]> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  return COMPOSE_FILE_NAMES.filter((n) => names.has(n)).map((n) => join(dir, n));
}

/**
 * The folder and file a deploy writes: the folder is created when missing (`created` says so, to
 * remove it again if the deploy stops before writing); an existing compose file is CONFLICT /
 * FILE_EXISTS unless `overwrite`, and then that file is the one replaced.
 */
export async function deployTarget(dir: string, kind: 'v1' | 'v2', overwrite: boolean): Promise<{ file: string; created: boolean }> {
  const st = await stat(dir).catch(() => null);
  if (st && !st.isDirectory()) throw RpcError.from('VALIDATION', `${dir} is a file, not a folder.`, { reason: 'INVALID_INPUT', field: 'dir' });
  let created = false;
  if (!st) {
    try {
      await mkdir(dir, { recursive: true });
      created = true;
    } catch (e) {
      throw RpcError.from('VALIDATION', `Cannot create ${dir}: ${(e as Error).message}`, { reason: 'INVALID_INPUT', field: 'dir' });
    }
  }
  const existing = await composeFilesIn(dir);
  if (existing.length > 0 && !overwrite) {
    throw RpcError.from('CONFLICT', `${existing[0]} already exists; deploying replaces it.`, { reason: 'FILE_EXISTS', field: 'dir', hint: 'Confirm to replace it, or choose another folder.' });
  }
  return { file: existing[0] ?? join(dir, kind === 'v2' ? 'compose.yaml' : 'docker-compose.yml'), created };
}

/** Removes a folder the deploy created, when it is still empty. */
export async function removeIfCreated(dir: string, created: boolean): Promise<void> {
  if (created) await rmdir(dir).catch(() => undefined);
}
