// images.save / images.load: an image archive (docker save's tar) written to or read from a file on
// the machine the core runs on, streamed both ways (never held in memory), progress in bytes at most
// every PROGRESS_MS, cancel by unsubscribing (the engine request and the file streams are destroyed).
// A save writes to a temporary name beside the target and renames it only when the engine's stream
// ended well: a cancelled or failed save leaves no half-written file (the temp file is removed).
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { RpcError } from '../../contract/errors';
import type { StreamSink } from '../../contract/handlers';
import type { ImageLoadEvent, ImageSaveEvent } from '../../contract/procedures/images';
import { engineError, engineMessage } from '../engine/engine-errors';
import { NdjsonSplitter } from '../stats/ndjson';

export const PROGRESS_MS = 250;

const invalid = (message: string): RpcError => RpcError.from('VALIDATION', message, { reason: 'INVALID_INPUT', field: 'path' });

function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
}

/** The target of a save, checked: absolute, in an existing folder, not an existing file unless overwrite. */
export async function checkSavePath(path: string, overwrite: boolean): Promise<string> {
  if (!isAbsolute(path)) throw invalid(`Give the file as an absolute path (${path} is relative).`);
  const file = normalize(path);
  const dir = await stat(dirname(file)).catch(() => null);
  if (!dir?.isDirectory()) throw invalid(`There is no folder ${dirname(file)}.`);
  const existing = await stat(file).catch(() => null);
  if (existing?.isDirectory()) throw invalid(`${file} is a folder; give a file name.`);
  if (existing && !overwrite) throw invalid(`${file} exists. Choose another name or allow overwriting it.`);
  return file;
}

export interface SaveRun {
  docker: Dockerode;
  names: string[];
  path: string;
  overwrite: boolean;
  sink: StreamSink<ImageSaveEvent>;
  signal: AbortSignal;
}

export async function runSave(o: SaveRun): Promise<() => void> {
  const file = await checkSavePath(o.path, o.overwrite);
  // Each name must exist: the engine's own 404 says which.
  for (const n of o.names) {
    await (o.docker.getImage(n).inspect() as Promise<unknown>).catch((e: unknown) => {
      throw engineError(e, { context: `Cannot save ${n}` });
    });
  }
  const temp = join(dirname(file), `.${basename(file)}.wakedock-${randomBytes(4).toString('hex')}.part`);
  let bytes = 0;
  let engine: Readable | null = null;
  const timer = setInterval(() => o.sink.next({ kind: 'progress', bytes }), PROGRESS_MS);
  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  const stop = (): void => {
    clearInterval(timer);
    abort.abort();
    engine?.destroy();
  };
  void (async () => {
    try {
      // dockerode's getImages (GET /images/get?names=…), not in its type definitions.
      const getImages = (o.docker as unknown as { getImages(opts: unknown): Promise<Readable> }).getImages.bind(o.docker);
      engine = await getImages({ names: o.names, abortSignal: abort.signal });
      await pipeline(engine, counter((n) => (bytes += n)), createWriteStream(temp, { flags: 'wx', mode: 0o644 }), { signal: abort.signal });
      await rename(temp, file);
      clearInterval(timer);
      if (o.signal.aborted) return;
      o.sink.next({ kind: 'progress', bytes });
      o.sink.next({ kind: 'done', path: file, bytes });
      o.sink.end();
    } catch (e) {
      clearInterval(timer);
      await unlink(temp).catch(() => undefined);
      if (o.signal.aborted) return;
      o.sink.fail(e instanceof RpcError ? e : (e as { statusCode?: number }).statusCode ? engineError(e, { context: 'The engine could not save the image' }) : RpcError.from('INTERNAL', `Could not write ${file}: ${(e as Error).message}`, { field: 'path', detail: (e as Error).message }));
    } finally {
      o.signal.removeEventListener('abort', onAbort);
    }
  })();
  return stop;
}

export interface LoadRun {
  docker: Dockerode;
  path: string;
  sink: StreamSink<ImageLoadEvent>;
  signal: AbortSignal;
  onDone?(): void;
}

export async function runLoad(o: LoadRun): Promise<() => void> {
  if (!isAbsolute(o.path)) throw invalid(`Give the file as an absolute path (${o.path} is relative).`);
  const file = normalize(o.path);
  const st = await stat(file).catch(() => null);
  if (!st) throw invalid(`There is no file ${file}.`);
  if (!st.isFile()) throw invalid(`${file} is not a file.`);
  const total = st.size;
  let bytes = 0;
  const source = createReadStream(file);
  const body = source.pipe(counter((n) => (bytes += n)));
  source.on('error', (e) => body.destroy(e));
  const timer = setInterval(() => o.sink.next({ kind: 'progress', bytes, total }), PROGRESS_MS);
  let engine: Readable | null = null;
  let finished = false;
  const stop = (): void => {
    clearInterval(timer);
    source.destroy();
    body.destroy();
    engine?.destroy();
  };
  const fail = (e: unknown): void => {
    if (finished || o.signal.aborted) return;
    finished = true;
    stop();
    o.sink.fail(e);
  };
  o.docker.loadImage(body as unknown as NodeJS.ReadableStream, { quiet: true, abortSignal: o.signal } as never, (err: unknown, res?: NodeJS.ReadableStream) => {
    if (o.signal.aborted) return void (res as Readable | undefined)?.destroy();
    if (err || !res) {
      const status = (err as { statusCode?: number } | null)?.statusCode;
      return fail(status && status !== 404 ? RpcError.from('VALIDATION', engineMessage(err as never), { reason: 'ENGINE_REFUSED_INPUT', field: 'path', detail: engineMessage(err as never) }) : engineError(err ?? new Error('the engine sent no answer'), { context: 'The engine could not load the file' }));
    }
    engine = res as Readable;
    const answer = readLoadAnswer(engine);
    engine.on('error', (e) => fail(engineError(e, { context: 'The load stopped' })));
    engine.on('end', () => {
      if (finished || o.signal.aborted) return;
      const { loaded, error } = answer();
      if (error) return fail(RpcError.from('VALIDATION', error, { reason: 'ENGINE_REFUSED_INPUT', field: 'path', detail: error }));
      finished = true;
      stop();
      o.onDone?.();
      o.sink.next({ kind: 'progress', bytes, total });
      o.sink.next({ kind: 'done', loaded });
      o.sink.end();
    });
  });
  return stop;
}

/**
 * docker save of `names` streamed into `out` (serve's download to the browser): each name is checked
 * first (the engine's 404 names the missing one), then the engine's archive goes through with
 * backpressure; nothing is written on the machine that runs WakeDock.
 */
export async function streamImageSave(docker: Dockerode, names: string[], signal: AbortSignal, ready: () => NodeJS.WritableStream): Promise<number> {
  for (const n of names) {
    await (docker.getImage(n).inspect() as Promise<unknown>).catch((e: unknown) => {
      throw engineError(e, { context: `Cannot save ${n}` });
    });
  }
  const getImages = (docker as unknown as { getImages(opts: unknown): Promise<Readable> }).getImages.bind(docker);
  const engine = await getImages({ names, abortSignal: signal });
  let bytes = 0;
  await pipeline(engine, counter((n) => (bytes += n)), ready(), { signal });
  return bytes;
}

/**
 * docker load from a stream (serve's upload from the browser): the body goes to /images/load as it
 * arrives; resolves with the names or ids the engine reports, rejects in the engine's words
 * (VALIDATION / ENGINE_REFUSED_INPUT when it refuses the archive).
 */
export function loadImageStream(docker: Dockerode, body: Readable, signal: AbortSignal): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const refused = (msg: string): RpcError => RpcError.from('VALIDATION', msg, { reason: 'ENGINE_REFUSED_INPUT', field: 'file', detail: msg });
    docker.loadImage(body as unknown as NodeJS.ReadableStream, { quiet: true, abortSignal: signal } as never, (err: unknown, res?: NodeJS.ReadableStream) => {
      if (err || !res) {
        const status = (err as { statusCode?: number } | null)?.statusCode;
        return reject(status && status !== 404 ? refused(engineMessage(err as never)) : engineError(err ?? new Error('the engine sent no answer'), { context: 'The engine could not load the archive' }));
      }
      const engine = res as Readable;
      const answer = readLoadAnswer(engine);
      engine.on('error', (e) => reject(signal.aborted ? RpcError.from('CANCELLED', 'The upload was cancelled.') : engineError(e, { context: 'The load stopped' })));
      engine.on('end', () => {
        const { loaded, error } = answer();
        if (error) reject(refused(error));
        else resolve(loaded);
      });
    });
  });
}

type LoadLine = { stream?: string; error?: string; errorDetail?: { message?: string } } | null;

/**
 * The engine's answer to /images/load, read as it streams (JSON lines): the names or ids it reports
 * loaded (at most 1000) and its error, if any. Shared by the load from a file and the browser upload.
 */
function readLoadAnswer(engine: Readable): () => { loaded: string[]; error: string | null } {
  const lines = new NdjsonSplitter<LoadLine>();
  const loaded: string[] = [];
  let error: string | null = null;
  engine.on('data', (chunk: Buffer) => {
    for (const j of lines.push(chunk.toString('utf8'))) {
      if (!j || typeof j !== 'object') continue;
      if (j.error || j.errorDetail) error = j.errorDetail?.message ?? j.error ?? 'the load failed';
      const m = /^Loaded image(?: ID)?: (.+)$/.exec((j.stream ?? '').trim());
      if (m && loaded.length < 1000) loaded.push(m[1]!);
    }
  });
  return () => ({ loaded, error });
}
