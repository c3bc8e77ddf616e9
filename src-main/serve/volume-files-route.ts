// Serve's downloads for volumes, behind the token like every other route:
//   GET /api/volume-file/<hostId>/<volume>?image=<ref>&path=<file>  one file of a volume, streamed
//       from the engine's archive through the helper container (never buffered whole);
//   GET /api/volume-backups/<file.tar.gz>  a backup from the default backup folder (that folder only).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HostIdSchema } from '../contract/inputs';
import { HelperImageSchema, VolumeNameSchema, VolumePathSchema } from '../contract/procedures/volumes';
import type { HostRegistry } from '../core/host-registry';
import { mapEngineError } from '../core/engine/engine-errors';
import { downloadVolumeFile } from '../core/resources/volume-files';
import type { Logger } from '../rpc/dispatcher';
import type { EdgeRoute } from '../edge/edge-server';

export const VOLUME_FILE_PREFIX = '/api/volume-file/';
export const VOLUME_BACKUPS_PREFIX = '/api/volume-backups/';

const attachment = (name: string): string => `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export function volumeFileRoute(hosts: HostRegistry, logger: Logger): EdgeRoute {
  return {
    method: 'GET',
    path: `${VOLUME_FILE_PREFIX}*`,
    auth: 'token',
    handle: async ({ res, url }) => {
      const parts = url.pathname.slice(VOLUME_FILE_PREFIX.length).split('/');
      let hostId: string, name: string, image: string, path: string;
      try {
        if (parts.length !== 2) throw new Error('path');
        hostId = HostIdSchema.parse(decodeURIComponent(parts[0] ?? ''));
        name = VolumeNameSchema.parse(decodeURIComponent(parts[1] ?? ''));
        image = HelperImageSchema.parse(url.searchParams.get('image') ?? '');
        path = VolumePathSchema.parse(url.searchParams.get('path') ?? '');
        if (!path) throw new Error('path');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request: use /api/volume-file/<hostId>/<volume>?image=<ref>&path=<file>\n');
        return;
      }
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      try {
        await downloadVolumeFile(hosts.get(hostId).client(), { name, image, path, signal: abort.signal }, (size, fileName) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size), 'content-disposition': attachment(fileName), 'cache-control': 'no-store' });
          return res;
        });
        res.end();
      } catch (e) {
        const { code, message } = mapEngineError(e);
        const status = code === 'NOT_FOUND' ? 404 : code === 'VALIDATION' ? 400 : code === 'ENGINE_UNREACHABLE' ? 503 : 500;
        if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
        else {
          if (!abort.signal.aborted) logger.warn(`volume file download ${name}:${path}: failed mid-stream`, e);
          res.destroy();
        }
      }
    },
  };
}

export function volumeBackupsRoute(dir: string): EdgeRoute {
  return {
    method: 'GET',
    path: `${VOLUME_BACKUPS_PREFIX}*`,
    auth: 'token',
    handle: async ({ res, url }) => {
      const name = decodeURIComponent(url.pathname.slice(VOLUME_BACKUPS_PREFIX.length));
      // One file of that folder: no separators, no dot files (temporary backups), .tar.gz only.
      if (!/^[^/\\.][^/\\]*\.(tar\.gz|tgz)$/i.test(name)) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request\n');
        return;
      }
      const file = join(dir, name);
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('No such backup\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(st.size), 'content-disposition': attachment(name), 'cache-control': 'no-store' });
      await pipeline(createReadStream(file), res).catch(() => res.destroy());
    },
  };
}
