// Serve's archive transfers between the browser and the engine, behind the token like every route:
//   GET  /api/image-save/<hostId>?name=<ref>[&name=…]   docker save, streamed to the browser (.tar)
//   POST /api/image-load/<hostId>                        the request body (a .tar or .tar.gz) streamed
//        to the engine's /images/load; answers {loaded} or the engine's words
//   GET  /api/volume-backup/<hostId>/<volume>?image=<ref>  a volume's .tar.gz made on the fly through
//        the helper container and streamed to the browser
//   PUT  /api/volume-backups/<file.tar.gz>               an upload into the default backup folder
//        (temporary name, read through as a .tar.gz, then renamed), for volumes.restore
// Everything is streamed with backpressure (memory bounded by stream buffers, whatever the size);
// a disconnect aborts the engine request (the helper is removed, a temporary file deleted). Uploads
// are capped (`uploadLimit`, 413 with the limit in words) and must come from this server's own
// origin when a browser sends them (Origin checked, like the WebSocket).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RpcError, type RpcErrorData } from '../contract/errors';
import { HostIdSchema } from '../contract/inputs';
import { ImageIdSchema } from '../contract/procedures/images';
import { HelperImageSchema, VolumeNameSchema } from '../contract/procedures/volumes';
import type { HostRegistry } from '../core/host-registry';
import { mapEngineError } from '../core/engine/engine-errors';
import { loadImageStream, streamImageSave } from '../core/resources/image-archive';
import { checkArchive, streamVolumeBackup } from '../core/resources/volume-files';
import type { Logger } from '../rpc/dispatcher';
import type { EdgeRoute } from '../edge/edge-server';
import { originAllowed } from '../edge/request-origin';

export const IMAGE_SAVE_PREFIX = '/api/image-save/';
export const IMAGE_LOAD_PREFIX = '/api/image-load/';
export const VOLUME_BACKUP_PREFIX = '/api/volume-backup/';
export const VOLUME_BACKUP_UPLOAD_PREFIX = '/api/volume-backups/';
export const UPLOAD_LIMIT_PATH = '/api/upload-limit';

/** Default cap of one upload: 16 GiB (`serve --upload-limit <MiB>`). */
export const DEFAULT_UPLOAD_LIMIT = 16 * 1024 ** 3;
/** An upload that sends nothing for this long is dropped (the edge's request timeout is off for them). */
export const UPLOAD_IDLE_MS = 60_000;

const attachment = (name: string): string => `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

const STATUS: Partial<Record<RpcErrorData['code'], number>> = { NOT_FOUND: 404, VALIDATION: 400, CONFLICT: 409, LIMIT: 413, ENGINE_UNREACHABLE: 503, TIMEOUT: 504, CANCELLED: 499 };

/** An error as JSON (the contract's error shape), with a status to match. */
function sendError(res: ServerResponse, e: unknown, req?: IncomingMessage): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const data = mapEngineError(e);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  // A body we stopped reading: answer, then close the connection (its rest is never read).
  const unread = req && !req.complete;
  if (unread) headers.connection = 'close';
  res.writeHead(STATUS[data.code] ?? 500, headers).end(JSON.stringify(data));
  if (unread) res.on('finish', () => req.destroy());
}

/**
 * The request body through `counter` (which fails past the limit). Not `pipeline(req, …)`: that
 * destroys the request on an error, and the 413 could not be sent any more. A client that goes
 * away aborts `signal` (the body never "ends", so nothing downstream takes a cut body for whole).
 */
function bodyThrough(req: IncomingMessage, counter: LimitCounter, signal: AbortSignal): void {
  req.pipe(counter);
  req.on('error', (e) => counter.destroy(e));
  signal.addEventListener('abort', () => counter.destroy(RpcError.from('CANCELLED', 'The upload was cancelled; nothing was kept.')), { once: true });
}

const badRequest = (message: string, field?: string): RpcError => RpcError.from('VALIDATION', message, { reason: 'INVALID_INPUT', field });

export function formatLimit(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${+(bytes / 1024 ** 3).toFixed(1)} GiB` : `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

const tooLarge = (limit: number): RpcError =>
  RpcError.from('LIMIT', `The file is larger than this server accepts (${formatLimit(limit)}).`, { reason: 'LIMIT_REACHED', field: 'file', hint: 'Start wakedock serve with a larger --upload-limit <MiB>, or copy the file to the server and give its path.' });

/** Counts the body and fails it past `limit` bytes. */
class LimitCounter extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) cb(tooLarge(this.limit));
    else cb(null, chunk);
  }
}

/**
 * The upload's checks before a byte is read: a browser's request from another origin is refused
 * (403), a declared length over the limit is 413 at once. Returns the abort signal of the request:
 * aborted when the client goes away, or sends nothing for UPLOAD_IDLE_MS.
 */
function acceptUpload(req: IncomingMessage, res: ServerResponse, limit: number): AbortController | null {
  if (!originAllowed(req)) {
    res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ code: 'UNAUTHORIZED', message: 'Uploads are accepted from this server’s own page only.', retryable: false }));
    req.resume();
    return null;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    // Not a byte of it is read: the answer goes out and the connection closes.
    sendError(res, tooLarge(limit), req);
    return null;
  }
  const abort = new AbortController();
  // The answer's socket closing before the answer is complete: the browser cancelled or went away.
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  req.on('aborted', () => abort.abort());
  req.socket.setTimeout(UPLOAD_IDLE_MS, () => {
    abort.abort();
    req.destroy();
  });
  return abort;
}

export function imageSaveRoute(hosts: HostRegistry, logger: Logger): EdgeRoute {
  return {
    method: 'GET',
    path: `${IMAGE_SAVE_PREFIX}:hostId`,
    auth: 'token',
    handle: async ({ res, url, params }) => {
      let hostId: string, names: string[];
      try {
        hostId = HostIdSchema.parse(params.hostId ?? '');
        names = url.searchParams.getAll('name').map((n) => ImageIdSchema.parse(n));
        if (names.length === 0 || names.length > 100) throw new Error('names');
      } catch {
        sendError(res, badRequest('Bad request: use /api/image-save/<hostId>?name=<image>[&name=…]', 'name'));
        return;
      }
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const fileName = `${names[0]!.replace(/[/:@]+/g, '_')}${names.length > 1 ? `-and-${names.length - 1}-more` : ''}.tar`;
      try {
        await streamImageSave(hosts.get(hostId).client(), names, abort.signal, () => {
          res.writeHead(200, { 'content-type': 'application/x-tar', 'content-disposition': attachment(fileName), 'cache-control': 'no-store' });
          return res;
        });
      } catch (e) {
        if (res.headersSent && !abort.signal.aborted) logger.warn(`image save download ${names.join(' ')}: failed mid-stream`, e);
        sendError(res, e);
      }
    },
  };
}

export function imageLoadRoute(hosts: HostRegistry, limit: number, onLoaded: (hostId: string) => void): EdgeRoute {
  return {
    method: 'POST',
    path: `${IMAGE_LOAD_PREFIX}:hostId`,
    auth: 'token',
    handle: async ({ req, res, params }) => {
      const parsed = HostIdSchema.safeParse(params.hostId ?? '');
      if (!parsed.success) {
        sendError(res, badRequest('Bad request: use POST /api/image-load/<hostId> with the archive as the body'), req);
        return;
      }
      const abort = acceptUpload(req, res, limit);
      if (!abort) return;
      const counter = new LimitCounter(limit);
      let bodyError: unknown = null;
      // The body's own failure (over the limit, the client gone) stops the engine request too.
      counter.on('error', (e) => {
        bodyError ??= e;
        abort.abort();
      });
      bodyThrough(req, counter, abort.signal);
      try {
        const loaded = await loadImageStream(hosts.get(parsed.data).client(), counter as Readable, abort.signal);
        if (bodyError) throw bodyError;
        onLoaded(parsed.data);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify({ loaded, bytes: counter.bytes }));
      } catch (e) {
        sendError(res, bodyError ?? e, req);
      }
    },
  };
}

export function volumeBackupDownloadRoute(hosts: HostRegistry, logger: Logger): EdgeRoute {
  return {
    method: 'GET',
    path: `${VOLUME_BACKUP_PREFIX}:hostId/:volume`,
    auth: 'token',
    handle: async ({ res, url, params }) => {
      let hostId: string, name: string, image: string;
      try {
        hostId = HostIdSchema.parse(params.hostId ?? '');
        name = VolumeNameSchema.parse(params.volume ?? '');
        image = HelperImageSchema.parse(url.searchParams.get('image') ?? '');
      } catch {
        sendError(res, badRequest('Bad request: use /api/volume-backup/<hostId>/<volume>?image=<helper image>'));
        return;
      }
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
      try {
        await streamVolumeBackup(hosts.get(hostId).client(), { name, image, signal: abort.signal }, () => {
          res.writeHead(200, { 'content-type': 'application/gzip', 'content-disposition': attachment(`${name}-${stamp}.tar.gz`), 'cache-control': 'no-store' });
          return res;
        });
      } catch (e) {
        if (res.headersSent && !abort.signal.aborted) logger.warn(`volume backup download ${name}: failed mid-stream`, e);
        sendError(res, e);
      }
    },
  };
}

const BACKUP_NAME = /^[^/\\.][^/\\]{0,250}\.(tar\.gz|tgz)$/i;

/**
 * PUT /api/volume-backups/<name>: the body becomes <dir>/<name> — written to `.<name>.part-<random>`,
 * read through (gunzip + every tar header, as a restore does), then renamed; an existing name is 409,
 * a broken archive 400, a cancel or a failure leaves nothing. Answers 201 {path, name, size}.
 */
export function volumeBackupUploadRoute(dir: string, limit: number): EdgeRoute {
  return {
    method: 'PUT',
    path: `${VOLUME_BACKUP_UPLOAD_PREFIX}*`,
    auth: 'token',
    handle: async ({ req, res, url }) => {
      const name = decodeURIComponent(url.pathname.slice(VOLUME_BACKUP_UPLOAD_PREFIX.length));
      if (!BACKUP_NAME.test(name)) {
        sendError(res, badRequest('The file name must end in .tar.gz or .tgz, with no folders and no leading dot.', 'file'), req);
        return;
      }
      const target = join(dir, name);
      if (await stat(target).catch(() => null)) {
        sendError(res, RpcError.from('CONFLICT', `A backup named ${name} is already in the backup folder.`, { reason: 'FILE_EXISTS', field: 'file', hint: 'Rename the file, or restore the one that is there.' }), req);
        return;
      }
      const abort = acceptUpload(req, res, limit);
      if (!abort) return;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temp = join(dir, `.${name}.part-${randomBytes(4).toString('hex')}`);
      const counter = new LimitCounter(limit);
      bodyThrough(req, counter, abort.signal);
      try {
        await pipeline(counter, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
        await checkArchive(temp, abort.signal).catch((e: unknown) => {
          throw e instanceof RpcError && e.reason === 'ARCHIVE_INVALID' ? RpcError.from('VALIDATION', `${name} is not a readable .tar.gz; it was not kept.`, { reason: 'ARCHIVE_INVALID', field: 'file', detail: e.detail }) : e;
        });
        if (await stat(target).catch(() => null)) throw RpcError.from('CONFLICT', `A backup named ${name} appeared meanwhile; the upload was not kept.`, { reason: 'FILE_EXISTS', field: 'file' });
        await rename(temp, target);
        res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify({ path: target, name, size: counter.bytes }));
      } catch (e) {
        await unlink(temp).catch(() => undefined);
        sendError(res, e instanceof RpcError ? e : abort.signal.aborted ? RpcError.from('CANCELLED', 'The upload was cancelled; nothing was kept.') : e, req);
      }
    },
  };
}

/** GET /api/upload-limit: {bytes}, so the page can refuse a file that is too large before sending it. */
export function uploadLimitRoute(limit: number): EdgeRoute {
  return {
    method: 'GET',
    path: UPLOAD_LIMIT_PATH,
    auth: 'token',
    handle: ({ res }) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify({ bytes: limit }));
    },
  };
}
