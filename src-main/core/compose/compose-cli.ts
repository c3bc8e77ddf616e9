// The compose CLI: found once per core (`docker compose` v2 first, then `docker-compose` v1), run
// against a host's engine (-H and the TLS files of a tcp host; an ssh host's engine through a local
// socket forwarded over its SSH connection) in a project's working dir, with its
// output split into bounded lines (a line is cut at 4 KiB; only the last lines of stderr are kept
// for the error) and read only as fast as the peer takes it.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Host } from '../../contract/models';
import type { ComposeAction } from '../../contract/procedures/compose';

export interface ComposeCommand {
  kind: 'v2' | 'v1';
  /** The executable and what comes before compose's own arguments (v2: `compose`). */
  file: string;
  pre: readonly string[];
  version: string;
}

export interface ComposeCandidate {
  kind: 'v2' | 'v1';
  file: string;
  pre: readonly string[];
}

export const DEFAULT_CANDIDATES: readonly ComposeCandidate[] = [
  { kind: 'v2', file: 'docker', pre: ['compose'] },
  { kind: 'v1', file: 'docker-compose', pre: [] },
];

export const commandText = (c: { file: string; pre: readonly string[] }): string => [c.file, ...c.pre].join(' ');

function versionOf(c: ComposeCandidate): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(c.file, [...c.pre, 'version', '--short'], { timeout: 15_000, maxBuffer: 64 * 1024 }, (err, stdout) => {
      const v = String(stdout).trim().split('\n')[0]?.trim() ?? '';
      resolve(err || !/^v?\d+\.\d+/.test(v) ? null : v.replace(/^v/, ''));
    });
  });
}

/** The first candidate that answers `version --short` with a version. */
export async function detectComposeCli(candidates: readonly ComposeCandidate[] = DEFAULT_CANDIDATES): Promise<ComposeCommand | null> {
  for (const c of candidates) {
    const version = await versionOf(c);
    if (version) return { ...c, version };
  }
  return null;
}

/**
 * How the CLI reaches the host's engine: its arguments; `viaForward` for an ssh host (the engine is
 * reached through a local socket forwarded over the host's SSH connection: forwardArgs); or why it cannot.
 */
export function hostArgs(host: Pick<Host, 'kind' | 'endpoint' | 'config'>): { args: string[] } | { viaForward: true } | { problem: string } {
  const url = host.endpoint.url;
  if (host.kind === 'ssh') return { viaForward: true };
  if (url.startsWith('ssh://')) return { problem: 'The compose CLI reaches an ssh:// engine only when it is added as an SSH host.' };
  if (!/^(unix|npipe|tcp):\/\//.test(url)) return { problem: `The compose CLI cannot reach ${url || 'this host'}.` };
  const args = ['-H', url];
  const tls = host.config?.kind === 'tcp' ? host.config.tls : undefined;
  if (tls) {
    args.push(tls.verify ? '--tlsverify' : '--tls');
    if (tls.ca) args.push('--tlscacert', tls.ca);
    if (tls.cert) args.push('--tlscert', tls.cert);
    if (tls.key) args.push('--tlskey', tls.key);
  }
  return { args };
}

/** The engine flag for a local socket forward of an ssh host's engine. */
export const forwardArgs = (socketPath: string): string[] => ['-H', `unix://${socketPath}`];

export interface ProjectPlace {
  name: string;
  workingDir: string | null;
  configFiles: readonly string[];
}

/**
 * The project's files on another machine (an ssh host), copied here for this run: the compose files
 * (in the labels' order), the working dir's .env when it has one, and the folder they are in.
 */
export interface FetchedFiles {
  /** The server's working dir (from the labels): relative paths in the files resolve against it there. */
  projectDir: string;
  /** The compose files as `-f` takes them: relative to `dir` (and to projectDir on the server). */
  files: readonly string[];
  envFile?: string;
  /** The local mirror of the server's working dir, holding the copies (the CLI's cwd). */
  dir: string;
}

/** How an action runs (beyond the project and the action). */
export interface ActionOptions {
  services: readonly string[];
  removeVolumes: boolean;
  /** up: --build. */
  build?: boolean;
  /** up on v2: --pull always (v1 has no such flag: the caller runs `pull` first). */
  pullAlways?: boolean;
  /** scale: containers for the one service. */
  replicas?: number;
}

/**
 * compose's own arguments for an action: the project, its files when they still exist (or the copies
 * of a remote project's files, with its working dir on the server as the project directory), the action.
 */
export function composeArgs(p: ProjectPlace, action: ComposeAction, opts: ActionOptions, fetched?: FetchedFiles): { args: string[]; cwd: string } {
  const wd = fetched ? null : p.workingDir && existsSync(p.workingDir) ? p.workingDir : null;
  const args = ['--ansi', 'never', '-p', p.name];
  if (fetched) {
    args.push('--project-directory', fetched.projectDir);
    if (fetched.envFile) args.push('--env-file', fetched.envFile);
    for (const f of fetched.files) args.push('-f', f);
  } else {
    if (wd) args.push('--project-directory', wd);
    for (const f of p.configFiles) if (existsSync(f)) args.push('-f', f);
  }
  const verb: Record<ComposeAction, string[]> = {
    up: ['up', '-d', ...(opts.build ? ['--build'] : []), ...(opts.pullAlways ? ['--pull', 'always'] : [])],
    // --no-recreate: the running containers stay; only the count changes.
    scale: ['up', '-d', '--no-recreate', '--scale', `${opts.services[0] ?? ''}=${opts.replicas ?? 1}`],
    down: ['down', ...(opts.removeVolumes ? ['-v'] : [])],
    start: ['start'],
    stop: ['stop'],
    restart: ['restart'],
    pull: ['pull'],
  };
  args.push(...verb[action], ...(action === 'down' ? [] : opts.services));
  return { args, cwd: fetched?.dir ?? wd ?? tmpdir() };
}

export const MAX_LINE = 4096;

/** Splits a byte stream into lines (\n, \r\n or a lone \r); a line longer than MAX_LINE is cut. */
export class LineSplitter {
  private buf = '';
  private skipping = false;

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    let s = chunk;
    for (;;) {
      const i = s.search(/[\r\n]/);
      if (i < 0) break;
      // The rest of a line already cut at MAX_LINE is dropped.
      if (!this.skipping) this.emit(this.buf + s.slice(0, i));
      this.buf = '';
      this.skipping = false;
      s = s.slice(s[i] === '\r' && s[i + 1] === '\n' ? i + 2 : i + 1);
    }
    if (this.skipping) return;
    this.buf += s;
    if (this.buf.length > MAX_LINE) {
      this.emit(this.buf);
      this.buf = '';
      this.skipping = true;
    }
  }

  end(): void {
    if (this.buf) this.emit(this.buf);
    this.buf = '';
  }

  private emit(line: string): void {
    this.onLine(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
  }
}

/** The last lines of stderr, at most `maxLines` and `maxChars` (what the error shows). */
export class TailLines {
  private readonly lines: string[] = [];
  private chars = 0;

  constructor(
    private readonly maxLines = 40,
    private readonly maxChars = 8192,
  ) {}

  push(line: string): void {
    if (line.trim() === '') return;
    this.lines.push(line);
    this.chars += line.length + 1;
    while (this.lines.length > this.maxLines || (this.chars > this.maxChars && this.lines.length > 1)) this.chars -= this.lines.shift()!.length + 1;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export interface RunOptions {
  cmd: Pick<ComposeCommand, 'file' | 'pre' | 'kind'>;
  global: readonly string[];
  args: readonly string[];
  cwd: string;
  signal: AbortSignal;
  onLine(stream: 'stdout' | 'stderr', text: string): void;
  /** Backpressure: while true the CLI's pipes are not read. */
  congested?(): boolean;
  whenDrained?(): Promise<void>;
}

export function fullArgs(o: Pick<RunOptions, 'cmd' | 'global' | 'args'>): string[] {
  // v2 is a docker CLI plugin: the engine flags go to `docker`, before `compose`; v1 takes them itself.
  return o.cmd.kind === 'v2' ? [...o.global, ...o.cmd.pre, ...o.args] : [...o.cmd.pre, ...o.global, ...o.args];
}

/** Runs the CLI; resolves with its exit code and the tail of its stderr. Abort stops it (TERM, then KILL). */
export function runCompose(o: RunOptions): Promise<{ exitCode: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.cmd.file, fullArgs(o), { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COMPOSE_INTERACTIVE_NO_CLI: '1' } });
    const tail = new TailLines();
    const out = new LineSplitter((l) => o.onLine('stdout', l));
    const err = new LineSplitter((l) => {
      tail.push(l);
      o.onLine('stderr', l);
    });
    let killTimer: NodeJS.Timeout | null = null;
    const onAbort = (): void => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      killTimer.unref();
    };
    o.signal.addEventListener('abort', onAbort, { once: true });
    const read = (stream: NodeJS.ReadableStream, splitter: LineSplitter): void => {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        splitter.push(chunk);
        if (o.congested?.() && o.whenDrained) {
          stream.pause();
          void o.whenDrained().then(() => stream.resume());
        }
      });
    };
    read(child.stdout, out);
    read(child.stderr, err);
    child.on('error', (e) => {
      o.signal.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code, sig) => {
      o.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      out.end();
      err.end();
      resolve({ exitCode: code ?? (sig ? 128 : 1), stderr: tail.text() });
    });
  });
}
