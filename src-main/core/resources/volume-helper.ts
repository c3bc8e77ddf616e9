// The short-lived helper container behind a volume's files (browse, view, download, backup, restore,
// clone). It runs an image the host already has (never pulled), with no network, the volume at /v
// (read-only unless the operation writes), and `sleep` as its command so it goes away by itself
// (AutoRemove) even if WakeDock dies while using it; every operation also removes it explicitly in a
// finally, whatever happened (failure, cancel). Archives go through the engine's /archive endpoint
// (the engine makes and unpacks the tar), so only listing and wiping need the image's sh.
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { RpcError } from '../../contract';
import { engineError, engineMessage, engineStatus } from '../engine/engine-errors';

export const HELPER_LABEL = 'io.wakedock.volume-helper';
/** How long a helper may live if nobody removes it (it is removed as soon as its operation ends). */
export const HELPER_LIFETIME_S = 3600;
export const MOUNT = '/v';

/** Images known to have sh, tar, stat and find (busybox or coreutils). */
const LIKELY = /(^|\/)(busybox|alpine|debian|ubuntu|fedora|centos|rockylinux|almalinux|amazonlinux|archlinux|opensuse\/[^:]+|bash|node|python|ruby|golang|postgres|redis|nginx|httpd|mysql|mariadb)(:|$)|^wakedock-test\/busybox:/;

export function rankHelperImages(tags: readonly string[]): { ref: string; likely: boolean }[] {
  const out = [...new Set(tags.filter((t) => t && t !== '<none>:<none>' && !t.includes('<none>')))].map((ref) => ({ ref, likely: LIKELY.test(ref) }));
  // Smallest first among likely ones is not known from tags; busybox/alpine first, then the rest by name.
  const rank = (r: string): number => (/busybox/.test(r) ? 0 : /alpine/.test(r) ? 1 : 2);
  return out.sort((a, b) => Number(b.likely) - Number(a.likely) || rank(a.ref) - rank(b.ref) || a.ref.localeCompare(b.ref));
}

export async function helperImages(docker: Dockerode): Promise<{ images: { ref: string; likely: boolean }[]; suggested: string | null }> {
  const imgs = (await docker.listImages()) as unknown as { RepoTags?: string[] | null }[];
  const images = rankHelperImages(imgs.flatMap((i) => i.RepoTags ?? []));
  return { images, suggested: images.find((i) => i.likely)?.ref ?? null };
}

export interface HelperMount {
  volume: string;
  target: string;
  readOnly: boolean;
}

export interface Helper {
  container: Dockerode.Container;
  id: string;
  /** Runs argv in the helper; stdout (bounded) and the exit code. */
  exec(argv: string[], opts?: { maxBytes?: number; signal?: AbortSignal }): Promise<{ stdout: string; stderr: string; exitCode: number; cut: boolean }>;
}

async function ensureVolume(docker: Dockerode, name: string): Promise<void> {
  try {
    await docker.getVolume(name).inspect();
  } catch (e) {
    if (engineStatus(e) === 404) throw RpcError.from('NOT_FOUND', `No volume "${name}" on this host.`, { reason: 'VOLUME_NOT_FOUND' });
    throw e;
  }
}

async function ensureImage(docker: Dockerode, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
  } catch (e) {
    if (engineStatus(e) === 404) {
      throw RpcError.from('NOT_FOUND', `The image "${image}" is not on this host; the helper container only uses images the host already has.`, { reason: 'HELPER_IMAGE_MISSING', field: 'image', hint: 'Choose one of the listed images, or pull a small one (busybox, alpine) first.' });
    }
    throw e;
  }
}

/**
 * Runs `fn` with a started helper container and removes the container afterwards, whatever
 * happened. `signal` aborting removes it at once (which also ends any archive transfer in flight).
 */
export async function withHelper<T>(docker: Dockerode, o: { image: string; mounts: HelperMount[]; signal?: AbortSignal; purpose: string }, fn: (h: Helper) => Promise<T>): Promise<T> {
  for (const m of o.mounts) await ensureVolume(docker, m.volume);
  await ensureImage(docker, o.image);
  if (o.signal?.aborted) throw RpcError.from('CANCELLED', 'Cancelled');
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer({
      Image: o.image,
      Entrypoint: ['sleep'],
      Cmd: [String(HELPER_LIFETIME_S)],
      User: '0',
      WorkingDir: '/',
      Labels: { [HELPER_LABEL]: o.purpose },
      NetworkDisabled: true,
      HostConfig: {
        AutoRemove: true,
        NetworkMode: 'none',
        Mounts: o.mounts.map((m) => ({ Type: 'volume', Source: m.volume, Target: m.target, ReadOnly: m.readOnly })),
      },
    } as Dockerode.ContainerCreateOptions);
  } catch (e) {
    throw engineError(e, { context: 'Could not create the helper container' });
  }
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    try {
      await container.remove({ force: true, v: false });
    } catch (e) {
      // 404: AutoRemove was first; 409 "removal already in progress": same.
      const s = engineStatus(e);
      if (s !== 404 && s !== 409) throw e;
    }
  };
  const onAbort = (): void => void remove().catch(() => undefined);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    try {
      await container.start();
    } catch (e) {
      const msg = engineMessage(e as never);
      if (/executable file not found|no such file or directory|not found in \$PATH/i.test(msg)) {
        throw RpcError.from('NOT_FOUND', `The image "${o.image}" cannot run the helper (it has no sleep/sh): choose another image.`, { reason: 'HELPER_IMAGE_MISSING', field: 'image', detail: msg });
      }
      throw engineError(e, { context: 'Could not start the helper container' });
    }
    const helper: Helper = { container, id: container.id, exec: (argv, eo) => execIn(docker, container, argv, eo) };
    return await fn(helper);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await remove();
  }
}

async function execIn(docker: Dockerode, container: Dockerode.Container, argv: string[], o: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<{ stdout: string; stderr: string; exitCode: number; cut: boolean }> {
  const max = o.maxBytes ?? 4 * 1024 * 1024;
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false, User: '0' });
  const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outBytes = 0;
  let errBytes = 0;
  let cut = false;
  await new Promise<void>((resolve, reject) => {
    const sinkOut = { write: (c: Buffer) => {
      if (outBytes >= max) {
        cut = true;
        return true;
      }
      out.push(c.subarray(0, max - outBytes));
      outBytes += Math.min(c.length, max - outBytes);
      return true;
    } };
    const sinkErr = { write: (c: Buffer) => {
      if (errBytes < 64 * 1024) {
        err.push(c);
        errBytes += c.length;
      }
      return true;
    } };
    docker.modem.demuxStream(stream, sinkOut as never, sinkErr as never);
    const abort = (): void => {
      stream.destroy();
      reject(RpcError.from('CANCELLED', 'Cancelled'));
    };
    o.signal?.addEventListener('abort', abort, { once: true });
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', reject);
  });
  const info = (await exec.inspect()) as { ExitCode?: number | null };
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: info.ExitCode ?? -1, cut };
}
