// images.build: a folder on the machine the core runs on, tarred as a stream (tar-fs) with its
// .dockerignore honoured (@balena/dockerignore, a port of Docker's own matcher), sent to the host's
// engine (/build, the classic builder; through the host's connector, so SSH hosts work the same), and
// the engine's JSON lines turned into a bounded log: lines cut at 4 KiB, sent in batches at most every
// LOG_EMIT_MS, the engine stream paused while the peer is congested. The end is `done {imageId}` or a
// failure in the engine's own words (CONFLICT / BUILD_FAILED, detail: the last lines). Unsubscribing
// aborts the request: the engine cancels the build and removes its intermediate container.
import ignore from '@balena/dockerignore';
import type Dockerode from 'dockerode';
import { statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import tar from 'tar-fs';
import { RpcError } from '../../contract/errors';
import type { StreamSink } from '../../contract/handlers';
import type { BuildEvent, BuildInputSchema } from '../../contract/procedures/images';
import type { z } from 'zod';
import { engineError, engineMessage } from '../engine/engine-errors';

type BuildInput = z.output<typeof BuildInputSchema>;

export const LOG_EMIT_MS = 100;
export const CONTEXT_EMIT_MS = 250;
export const MAX_LINE = 4096;
/** Lines held between two sends (the engine is paused while the peer is congested, so this rarely fills). */
export const MAX_PENDING_LINES = 5000;
/** Lines kept for the failure's detail. */
export const TAIL_LINES = 40;

const invalid = (field: string, message: string): RpcError => RpcError.from('VALIDATION', message, { reason: 'INVALID_INPUT', field });

/** The context folder and the Dockerfile inside it, checked; the Dockerfile as a tar path (posix). */
export async function checkBuildPaths(context: string, dockerfile: string): Promise<{ context: string; dockerfile: string }> {
  if (!isAbsolute(context)) throw invalid('context', `Give the folder as an absolute path (${context} is relative).`);
  const dir = normalize(context);
  const st = await stat(dir).catch(() => null);
  if (!st) throw invalid('context', `There is no folder ${dir}.`);
  if (!st.isDirectory()) throw invalid('context', `${dir} is a file, not a folder.`);
  const file = normalize(isAbsolute(dockerfile) ? dockerfile : join(dir, dockerfile));
  const rel = relative(dir, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw invalid('dockerfile', 'The Dockerfile must be inside the folder.');
  const fst = await stat(file).catch(() => null);
  if (!fst?.isFile()) throw invalid('dockerfile', `There is no ${rel} in ${dir}.`);
  return { context: dir, dockerfile: rel.split(sep).join('/') };
}

/** The .dockerignore patterns of a context (none when it has no such file). */
export async function readDockerignore(context: string): Promise<string[]> {
  const text = await readFile(join(context, '.dockerignore'), 'utf8').catch(() => '');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * tar-fs's ignore(absolute path): true for what .dockerignore excludes. The Dockerfile and
 * .dockerignore are always sent (the engine needs them; docker build does the same). A directory is
 * skipped whole only when no `!` pattern could bring something inside it back.
 */
export function contextIgnore(context: string, dockerfile: string, patterns: string[]): (abs: string) => boolean {
  if (patterns.length === 0) return () => false;
  const ig = ignore().add(patterns);
  const keep = new Set([dockerfile, '.dockerignore']);
  const hasExceptions = patterns.some((p) => p.startsWith('!'));
  const keptDirs = new Set<string>();
  for (const k of keep) {
    const parts = k.split('/');
    for (let i = 1; i < parts.length; i++) keptDirs.add(parts.slice(0, i).join('/'));
  }
  return (abs) => {
    const rel = relative(context, abs).split(sep).join('/');
    if (rel === '' || keep.has(rel) || keptDirs.has(rel)) return false;
    if (!ig.ignores(rel)) return false;
    // An ignored folder may hold an exception (`!dir/keep`): walk it, its files are checked one by one.
    return !(hasExceptions && isDirSync(abs));
  };
}

function isDirSync(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** The context as a tar stream (owner root, as docker build sends it) and a byte/file counter. */
export function packContext(context: string, ignoreFn: (abs: string) => boolean): { tar: Readable; counted: () => { bytes: number; files: number } } {
  let files = 0;
  let bytes = 0;
  const pack = tar.pack(context, {
    ignore: ignoreFn,
    map: (h) => {
      files += 1;
      return { ...h, uid: 0, gid: 0 };
    },
  });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  pack.on('error', (e) => counter.destroy(e));
  pack.pipe(counter);
  return { tar: counter, counted: () => ({ bytes, files }) };
}

/** Engine build lines → text lines; the image id from `aux.ID` (or "Successfully built"); the error. */
export class BuildOutput {
  private partial = '';
  pending: string[] = [];
  private skipped = 0;
  readonly tail: string[] = [];
  imageId: string | null = null;
  error: string | null = null;

  push(raw: { stream?: unknown; status?: unknown; aux?: { ID?: unknown }; error?: unknown; errorDetail?: { message?: unknown } }): void {
    if (raw.aux && typeof raw.aux.ID === 'string') this.imageId = raw.aux.ID;
    if (typeof raw.error === 'string' || raw.errorDetail) {
      const msg = typeof raw.errorDetail?.message === 'string' ? raw.errorDetail.message : String(raw.error);
      this.error = msg;
      this.addLine(msg);
      return;
    }
    const text = typeof raw.stream === 'string' ? raw.stream : typeof raw.status === 'string' ? `${raw.status}\n` : '';
    if (!text) return;
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE) {
      this.addLine(this.partial);
      this.partial = '';
    }
    for (const l of parts) this.addLine(l);
  }

  finish(): void {
    if (this.partial) this.addLine(this.partial);
    this.partial = '';
  }

  private addLine(l: string): void {
    const line = l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l;
    const built = /^Successfully built ([0-9a-f]{12,64})$/.exec(line);
    if (built && !this.imageId) this.imageId = built[1]!;
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    if (this.pending.length >= MAX_PENDING_LINES) {
      this.pending.shift();
      this.skipped += 1;
    }
    this.pending.push(line);
  }

  /** The lines since the last take (with a note when some had to be dropped). */
  take(): string[] {
    const out = this.skipped > 0 ? [`… ${this.skipped} lines skipped (the window was not keeping up)`, ...this.pending] : this.pending;
    this.pending = [];
    this.skipped = 0;
    return out;
  }
}

/** The engine answered the build request with an error (a Dockerfile it cannot parse: 400): its words. */
function refused(err: unknown): RpcError {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === undefined || status === 404) return engineError(err, { context: 'The engine refused the build' });
  const message = engineMessage(err as never);
  return RpcError.from('CONFLICT', message, { reason: 'BUILD_FAILED', detail: message });
}

export interface BuildRun {
  docker: Dockerode;
  input: BuildInput;
  sink: StreamSink<BuildEvent>;
  signal: AbortSignal;
  /** Called when the image is built (the list re-reads). */
  onDone?(): void;
}

/** Runs a build into the sink; the returned function tears it down (idempotent). */
export async function runBuild(o: BuildRun): Promise<() => void> {
  const { context, dockerfile } = await checkBuildPaths(o.input.context, o.input.dockerfile);
  const patterns = await readDockerignore(context);
  const { tar: body, counted } = packContext(context, contextIgnore(context, dockerfile, patterns));
  const out = new BuildOutput();
  const timers: NodeJS.Timeout[] = [];
  let engine: Readable | null = null;
  let finished = false;

  const stop = (): void => {
    for (const t of timers) clearInterval(t);
    timers.length = 0;
    body.destroy();
    engine?.destroy();
  };
  const flushLog = (): void => {
    if (out.pending.length > 0) o.sink.next({ kind: 'log', lines: out.take() });
  };
  let sentReported = false;
  const flushContext = (): void => {
    if (sentReported) return;
    const c = counted();
    const sent = body.readableEnded;
    o.sink.next({ kind: 'context', bytes: c.bytes, files: c.files, sent });
    if (sent) sentReported = true;
  };
  const fail = (e: unknown): void => {
    if (finished || o.signal.aborted) return;
    finished = true;
    stop();
    o.sink.fail(e);
  };

  timers.push(setInterval(flushContext, CONTEXT_EMIT_MS));
  body.on('end', flushContext);
  body.on('error', (e) => fail(RpcError.from('VALIDATION', `Could not read the build context: ${e.message}`, { reason: 'INVALID_INPUT', field: 'context', detail: e.message })));

  const buildargs = Object.fromEntries(o.input.buildArgs.map((a) => [a.name, a.value]));
  const opts = {
    dockerfile,
    t: o.input.tags,
    buildargs,
    nocache: o.input.noCache,
    pull: o.input.pull,
    rm: true,
    forcerm: true,
    abortSignal: o.signal,
    ...(o.input.target ? { target: o.input.target } : {}),
  };
  o.docker.buildImage(body as unknown as NodeJS.ReadableStream, opts as unknown as Dockerode.ImageBuildOptions, (err, stream) => {
    if (o.signal.aborted) return void (stream as Readable | undefined)?.destroy();
    if (err || !stream) return fail(err ? refused(err) : new Error('the engine sent no build output'));
    engine = stream as Readable;
    timers.push(setInterval(flushLog, LOG_EMIT_MS));
    let buf = '';
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line) continue;
        try {
          out.push(JSON.parse(line) as never);
        } catch {
          out.push({ stream: `${line}\n` });
        }
      }
      if (buf.length > 1024 * 1024) buf = '';
      // Backpressure: hold the engine's output while the peer is not keeping up.
      if (o.sink.congested()) {
        engine?.pause();
        void o.sink.whenDrained().then(() => engine?.resume());
      }
    };
    engine.on('data', onData);
    engine.on('error', (e) => fail(engineError(e, { context: 'The build stopped' })));
    engine.on('end', () => {
      if (finished || o.signal.aborted) return;
      out.finish();
      flushContext();
      flushLog();
      if (out.error || !out.imageId) {
        const message = out.error ?? 'The build ended without an image.';
        return fail(RpcError.from('CONFLICT', message, { reason: 'BUILD_FAILED', detail: out.tail.join('\n') }));
      }
      finished = true;
      stop();
      o.onDone?.();
      o.sink.next({ kind: 'done', imageId: out.imageId, tags: o.input.tags });
      o.sink.end();
    });
  });
  return stop;
}
