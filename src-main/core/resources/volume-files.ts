// A volume's files through the helper container (volume-helper.ts): one directory at a time
// (bounded), a small file's text, one file's bytes, a streamed .tar.gz backup written to a temporary
// name and renamed (never a half file), a restore that reads the archive through before it wipes
// anything, and a clone into a new volume. Archives come from and go to the engine's /archive
// endpoint: the engine makes and unpacks the tar, Node gzips and gunzips.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type Dockerode from 'dockerode';
import { RpcError } from '../../contract';
import { MAX_DIR_ENTRIES, MAX_VIEW_BYTES, type VolumeBackupEvent, type VolumeEntry, type VolumeFile, type VolumeListing, type VolumeRestoreEvent } from '../../contract/procedures/volumes';
import { engineError, engineStatus } from '../engine/engine-errors';
import { TarReader } from './tar-reader';
import { MOUNT, withHelper, type Helper } from './volume-helper';

/**
 * $1 = the directory. Lists at most $2 entries (dot files too) with one `stat` call, then "#MORE"
 * if there were more. Only sh and stat are needed (busybox and GNU coreutils both have `stat -c`).
 */
const LIST_SCRIPT = `d=$1; max=$2
if ! cd -- "$d" 2>/dev/null; then if [ -e "$d" ]; then echo '#NOTDIR'; else echo '#NOENT'; fi; exit 3; fi
n=0; more=0; set --
for f in .[!.]* ..?* *; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  if [ $n -ge "$max" ]; then more=1; break; fi
  n=$((n+1)); set -- "$@" "$f"
done
[ $# -eq 0 ] || stat -c '%F|%s|%Y|%n' -- "$@"
[ $more -eq 0 ] || echo '#MORE'`;

const WIPE_SCRIPT = `cd -- "$1" && rm -rf -- ..?* .[!.]* *`;

const inVolume = (rel: string): string => (rel ? `${MOUNT}/${rel}` : MOUNT);

export function parseListing(path: string, stdout: string): VolumeListing {
  const entries: VolumeEntry[] = [];
  let truncated = false;
  for (const line of stdout.split('\n')) {
    if (line === '#MORE') truncated = true;
    const m = /^([^|]+)\|(\d+)\|(\d+)\|(.*)$/.exec(line);
    if (!m) continue;
    const kind = m[1]!;
    const type: VolumeEntry['type'] = kind.includes('directory') ? 'dir' : kind.includes('symbolic link') ? 'link' : kind.includes('regular') ? 'file' : 'other';
    entries.push({ name: m[4]!, type, size: type === 'file' ? Number(m[2]) : 0, mtime: Number(m[3]) });
  }
  // Folders first, then by name (as file managers do).
  entries.sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { path, entries, truncated };
}

export async function listVolumeDir(docker: Dockerode, o: { name: string; image: string; path: string; signal?: AbortSignal }): Promise<VolumeListing> {
  return withHelper(docker, { image: o.image, mounts: [{ volume: o.name, target: MOUNT, readOnly: true }], signal: o.signal, purpose: 'browse' }, async (h) => {
    const r = await h.exec(['sh', '-c', LIST_SCRIPT, 'wakedock-list', inVolume(o.path), String(MAX_DIR_ENTRIES)], { signal: o.signal, maxBytes: 2 * 1024 * 1024 });
    if (r.stdout.startsWith('#NOENT')) throw RpcError.from('NOT_FOUND', `No "${o.path}" in the volume.`, { reason: 'PATH_NOT_FOUND', field: 'path' });
    if (r.stdout.startsWith('#NOTDIR')) throw RpcError.from('VALIDATION', `"${o.path}" is not a folder.`, { reason: 'INVALID_INPUT', field: 'path' });
    if (r.exitCode === 127 || /not found/.test(r.stderr) && r.stdout === '') {
      throw RpcError.from('NOT_FOUND', `The image "${o.image}" cannot list files (it needs sh and stat): choose another image.`, { reason: 'HELPER_IMAGE_MISSING', field: 'image', detail: r.stderr.trim() });
    }
    if (r.exitCode !== 0) throw RpcError.from('INTERNAL', `Listing "${o.path || '/'}" failed (exit ${r.exitCode}).`, { detail: r.stderr.trim() || undefined });
    return parseListing(o.path, r.stdout);
  });
}

interface PathStat {
  name: string;
  size: number;
  mode: number;
  linkTarget: string;
}

const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;

async function statPath(h: Helper, path: string, signal?: AbortSignal): Promise<PathStat> {
  let res: { headers: Record<string, string | string[] | undefined>; resume?: () => void };
  try {
    res = (await h.container.infoArchive({ path, abortSignal: signal } as never)) as never;
  } catch (e) {
    if (engineStatus(e) === 404) throw RpcError.from('NOT_FOUND', `No "${path.slice(MOUNT.length + 1)}" in the volume.`, { reason: 'PATH_NOT_FOUND', field: 'path' });
    throw engineError(e);
  }
  res.resume?.();
  const raw = res.headers['x-docker-container-path-stat'];
  const st = JSON.parse(Buffer.from(String(raw ?? ''), 'base64').toString('utf8') || '{}') as Partial<PathStat>;
  return { name: st.name ?? '', size: Number(st.size ?? 0), mode: Number(st.mode ?? 0), linkTarget: st.linkTarget ?? '' };
}

function checkRegular(st: PathStat, rel: string): void {
  if (st.mode >= GO_MODE_DIR || (st.mode & GO_MODE_DIR) !== 0) throw RpcError.from('VALIDATION', `"${rel}" is a folder.`, { reason: 'INVALID_INPUT', field: 'path' });
  if ((st.mode & GO_MODE_SYMLINK) !== 0) throw RpcError.from('VALIDATION', `"${rel}" is a link to ${st.linkTarget || 'another file'}; open its target.`, { reason: 'INVALID_INPUT', field: 'path' });
}

/** Streams the single file of an /archive answer into `onData` (the engine wraps one path in a tar). */
async function fileFromArchive(h: Helper, path: string, out: Writable | null, onData: ((b: Buffer) => void) | null, signal?: AbortSignal): Promise<void> {
  const archive = (await h.container.getArchive({ path, abortSignal: signal } as never)) as unknown as Readable;
  let first = true;
  let taking = false;
  let waiting: Promise<void> | null = null;
  const reader = new TarReader({
    onEntry: (e) => {
      taking = first && e.type === '0';
      first = false;
      return taking;
    },
    onData: (b) => {
      if (onData) onData(b);
      if (out && !out.write(b)) waiting = new Promise((r) => out.once('drain', () => r()));
    },
    drain: () => {
      const w = waiting;
      waiting = null;
      return w;
    },
  });
  await pipeline(archive, reader, { signal });
}

export async function readVolumeFile(docker: Dockerode, o: { name: string; image: string; path: string; signal?: AbortSignal }): Promise<VolumeFile> {
  return withHelper(docker, { image: o.image, mounts: [{ volume: o.name, target: MOUNT, readOnly: true }], signal: o.signal, purpose: 'view' }, async (h) => {
    const st = await statPath(h, inVolume(o.path), o.signal);
    checkRegular(st, o.path);
    if (st.size > MAX_VIEW_BYTES) return { path: o.path, size: st.size, text: null, notShown: 'too-large' };
    const parts: Buffer[] = [];
    let got = 0;
    await fileFromArchive(h, inVolume(o.path), null, (b) => {
      if (got < MAX_VIEW_BYTES) parts.push(b);
      got += b.length;
    }, o.signal);
    const bytes = Buffer.concat(parts).subarray(0, MAX_VIEW_BYTES);
    if (bytes.includes(0)) return { path: o.path, size: st.size, text: null, notShown: 'binary' };
    try {
      return { path: o.path, size: st.size, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), notShown: null };
    } catch {
      return { path: o.path, size: st.size, text: null, notShown: 'binary' };
    }
  });
}

/** Streams one file of a volume into `out` (the serve route's response, or a file); `ready` gets its size before the first byte. */
export async function downloadVolumeFile(docker: Dockerode, o: { name: string; image: string; path: string; signal?: AbortSignal }, ready: (size: number, name: string) => Writable): Promise<number> {
  return withHelper(docker, { image: o.image, mounts: [{ volume: o.name, target: MOUNT, readOnly: true }], signal: o.signal, purpose: 'download' }, async (h) => {
    const st = await statPath(h, inVolume(o.path), o.signal);
    checkRegular(st, o.path);
    const out = ready(st.size, st.name || basename(o.path));
    await fileFromArchive(h, inVolume(o.path), out, null, o.signal);
    return st.size;
  });
}

// ---- backup / restore / clone ------------------------------------------------------------------

class Counter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

export function backupFileName(volume: string, now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${volume}-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.tar.gz`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export interface BackupOptions {
  name: string;
  image: string;
  /** Absolute path of the .tar.gz to write. */
  path: string;
  signal: AbortSignal;
  emit(e: VolumeBackupEvent): void;
  /** How often progress is sent. */
  progressMs?: number;
}

/**
 * The volume's contents as a .tar.gz (entries "./…", as `tar czf - -C /v .` writes them), streamed
 * engine → gzip → a temporary file next to the target, renamed once complete. Memory stays constant
 * (stream buffers only); a failure or a cancel removes the temporary file.
 */
export async function backupVolume(docker: Dockerode, o: BackupOptions): Promise<{ path: string; read: number; written: number }> {
  if (await exists(o.path)) throw RpcError.from('CONFLICT', `${o.path} already exists.`, { reason: 'FILE_EXISTS', field: 'path', hint: 'Choose another file name.' });
  const dir = dirname(o.path);
  await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw RpcError.from('VALIDATION', `Cannot create the folder ${dir}: ${e.message}`, { reason: 'INVALID_INPUT', field: 'path' });
  });
  const tmp = join(dir, `.${basename(o.path)}.part-${randomBytes(4).toString('hex')}`);
  return withHelper(docker, { image: o.image, mounts: [{ volume: o.name, target: MOUNT, readOnly: true }], signal: o.signal, purpose: 'backup' }, async (h) => {
    o.emit({ kind: 'start', path: o.path, helper: h.id.slice(0, 12) });
    let total: number | null = null;
    // The size for the progress bar, measured beside the transfer (the engine walks the files).
    void h.exec(['du', '-sk', MOUNT], { signal: o.signal, maxBytes: 4096 }).then((r) => {
      const kb = Number(/^(\d+)/.exec(r.stdout)?.[1]);
      if (r.exitCode === 0 && Number.isFinite(kb)) total = kb * 1024;
    }).catch(() => undefined);
    const read = new Counter();
    const written = new Counter();
    const tick = setInterval(() => o.emit({ kind: 'progress', read: read.bytes, written: written.bytes, total }), o.progressMs ?? 250);
    try {
      const archive = (await h.container.getArchive({ path: `${MOUNT}/.`, abortSignal: o.signal } as never)) as unknown as Readable;
      await pipeline(archive, read, createGzip(), written, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }), { signal: o.signal });
      if (await exists(o.path)) throw RpcError.from('CONFLICT', `${o.path} appeared while the backup ran; the backup was not kept.`, { reason: 'FILE_EXISTS', field: 'path' });
      await rename(tmp, o.path);
      o.emit({ kind: 'progress', read: read.bytes, written: written.bytes, total: total ?? read.bytes });
      return { path: o.path, read: read.bytes, written: written.bytes };
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      if (o.signal.aborted) throw RpcError.from('CANCELLED', 'Backup cancelled; no file was kept.');
      throw e instanceof RpcError ? e : engineError(e, { context: 'The backup failed; no file was kept' });
    } finally {
      clearInterval(tick);
    }
  });
}

/**
 * The volume's contents as a .tar.gz streamed into `out` (serve's download of a backup to the
 * browser): engine archive → gzip → out, with backpressure end to end; nothing is written on the
 * machine that runs WakeDock. `ready` is called once the helper runs, before the first byte.
 */
export async function streamVolumeBackup(docker: Dockerode, o: { name: string; image: string; signal: AbortSignal }, ready: () => Writable): Promise<{ read: number; written: number }> {
  return withHelper(docker, { image: o.image, mounts: [{ volume: o.name, target: MOUNT, readOnly: true }], signal: o.signal, purpose: 'backup' }, async (h) => {
    const archive = (await h.container.getArchive({ path: `${MOUNT}/.`, abortSignal: o.signal } as never)) as unknown as Readable;
    const read = new Counter();
    const written = new Counter();
    await pipeline(archive, read, createGzip(), written, ready(), { signal: o.signal });
    return { read: read.bytes, written: written.bytes };
  });
}

export async function listBackups(dir: string): Promise<{ path: string; name: string; size: number; mtime: number }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files = await Promise.all(
    names
      .filter((n) => /\.(tar\.gz|tgz)$/i.test(n) && !n.startsWith('.'))
      .map(async (name) => {
        const st = await stat(join(dir, name)).catch(() => null);
        return st?.isFile() ? { path: join(dir, name), name, size: st.size, mtime: Math.floor(st.mtimeMs / 1000) } : null;
      }),
  );
  return files.filter((f): f is NonNullable<typeof f> => f !== null).sort((a, b) => b.mtime - a.mtime);
}

/** Reads a .tar.gz through (gunzip + every tar header): its entries and bytes, or ARCHIVE_INVALID. */
export async function checkArchive(path: string, signal?: AbortSignal): Promise<{ entries: number; bytes: number; size: number }> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw RpcError.from('NOT_FOUND', `No file ${path} on the machine that runs WakeDock.`, { reason: 'PATH_NOT_FOUND', field: 'path' });
  }
  const reader = new TarReader({ onEntry: () => false });
  try {
    await pipeline(createReadStream(path), createGunzip(), reader, { signal });
  } catch (e) {
    if (signal?.aborted) throw RpcError.from('CANCELLED', 'Cancelled');
    const msg = (e as Error).message;
    throw RpcError.from('VALIDATION', `${basename(path)} is not a readable .tar.gz (${msg}); the volume was not touched.`, { reason: 'ARCHIVE_INVALID', field: 'path', detail: msg });
  }
  return { entries: reader.entries, bytes: reader.bytes, size };
}

/** Names of running containers (not our helpers) that mount the volume. */
export async function runningUsers(docker: Dockerode, volume: string): Promise<string[]> {
  const list = (await docker.listContainers({ filters: { volume: [volume], status: ['running'] } } as never)) as unknown as { Names?: string[]; Labels?: Record<string, string> }[];
  return list.filter((c) => !c.Labels?.['io.wakedock.volume-helper']).map((c) => (c.Names?.[0] ?? '').replace(/^\//, ''));
}

export interface RestoreOptions {
  name: string;
  image: string;
  path: string;
  signal: AbortSignal;
  emit(e: VolumeRestoreEvent): void;
  progressMs?: number;
}

/** Replaces the volume's contents with the archive's. Checked first; the volume is wiped only after. */
export async function restoreVolume(docker: Dockerode, o: RestoreOptions): Promise<{ entries: number; bytes: number }> {
  const users = await runningUsers(docker, o.name);
  if (users.length > 0) {
    throw RpcError.from('CONFLICT', `The volume is used by running ${users.length === 1 ? 'container' : 'containers'} ${users.join(', ')}; a restore replaces its files under them.`, { reason: 'IN_USE', hint: 'Stop them first.' });
  }
  const checked = await checkArchive(o.path, o.signal);
  o.emit({ kind: 'checked', entries: checked.entries, bytes: checked.bytes });
  return withHelper(docker, { image: o.image, mounts: [{ volume: o.name, target: MOUNT, readOnly: false }], signal: o.signal, purpose: 'restore' }, async (h) => {
    const wipe = await h.exec(['sh', '-c', WIPE_SCRIPT, 'wakedock-wipe', MOUNT], { signal: o.signal });
    if (wipe.exitCode !== 0) throw RpcError.from('INTERNAL', `Could not empty the volume before the restore (exit ${wipe.exitCode}); nothing was restored.`, { detail: wipe.stderr.trim() || undefined });
    const sent = new Counter();
    const tick = setInterval(() => o.emit({ kind: 'progress', sent: sent.bytes, total: checked.size }), o.progressMs ?? 250);
    try {
      const body = new PassThrough();
      const feeding = pipeline(createReadStream(o.path), sent, body, { signal: o.signal });
      // The engine takes gzip itself; it unpacks into the volume's root.
      await Promise.all([h.container.putArchive(body as never, { path: MOUNT, abortSignal: o.signal } as never), feeding]);
    } catch (e) {
      if (o.signal.aborted) throw RpcError.from('CANCELLED', 'Restore cancelled; the volume may hold part of the archive.');
      throw engineError(e, { context: 'The restore failed; the volume may hold part of the archive' });
    } finally {
      clearInterval(tick);
    }
    o.emit({ kind: 'progress', sent: checked.size, total: checked.size });
    return { entries: checked.entries, bytes: checked.bytes };
  });
}

/** A new volume with a copy of the source's files (the engine's archive of one mount into the other). */
export async function cloneVolume(docker: Dockerode, o: { name: string; image: string; target: string; signal?: AbortSignal }): Promise<{ name: string; bytes: number }> {
  let source: { Driver?: string; Labels?: Record<string, string> | null };
  try {
    source = (await docker.getVolume(o.name).inspect()) as never;
  } catch (e) {
    if (engineStatus(e) === 404) throw RpcError.from('NOT_FOUND', `No volume "${o.name}" on this host.`, { reason: 'VOLUME_NOT_FOUND' });
    throw e;
  }
  try {
    await docker.getVolume(o.target).inspect();
    throw RpcError.from('CONFLICT', `A volume named "${o.target}" already exists.`, { reason: 'NAME_IN_USE', field: 'target' });
  } catch (e) {
    if (engineStatus(e) !== 404) throw e;
  }
  // Driver options are not copied: a local volume bound to a folder would share that folder.
  await docker.createVolume({ Name: o.target, Labels: { ...(source.Labels ?? {}), 'io.wakedock.cloned-from': o.name } } as never);
  try {
    // Two helpers: the engine keeps a container locked while its archive streams out, so a PUT into
    // the same container would wait for the GET that waits for it.
    const from = { image: o.image, mounts: [{ volume: o.name, target: MOUNT, readOnly: true }], signal: o.signal, purpose: 'clone' };
    const to = { image: o.image, mounts: [{ volume: o.target, target: MOUNT, readOnly: false }], signal: o.signal, purpose: 'clone' };
    return await withHelper(docker, from, (src) =>
      withHelper(docker, to, async (dst) => {
        const archive = (await src.container.getArchive({ path: `${MOUNT}/.`, abortSignal: o.signal } as never)) as unknown as Readable;
        const count = new Counter();
        const body = new PassThrough();
        await Promise.all([dst.container.putArchive(body as never, { path: MOUNT, abortSignal: o.signal } as never), pipeline(archive, count, body, { signal: o.signal })]);
        return { name: o.target, bytes: count.bytes };
      }),
    );
  } catch (e) {
    // No half clone: the new volume goes with the failure.
    await docker.getVolume(o.target).remove().catch(() => undefined);
    throw e;
  }
}
