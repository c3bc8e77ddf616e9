// GET /api/logs/<hostId>/<container>[?timestamps=1]: the container's whole log as text/plain, as
// an attachment, streamed from the engine through the demuxer (never buffered whole). Mounted by
// the HTTP server behind the same token check as every other route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HostIdSchema, ContainerRefSchema } from '../contract/inputs';
import type { HostRegistry } from '../core/host-registry';
import { logFileName, writeLogText } from '../core/logs/download';
import { mapEngineError } from '../core/engine/engine-errors';
import { inspectForLogs } from '../core/logs/follower';
import type { Logger } from '../rpc/dispatcher';
import type { EdgeRoute } from '../edge/edge-server';

export const LOGS_ROUTE_PREFIX = '/api/logs/';

export function logsRoute(hosts: HostRegistry, logger: Logger): EdgeRoute {
  return { method: 'GET', path: `${LOGS_ROUTE_PREFIX}*`, auth: 'token', handle: ({ req, res, url }) => download(req, res, url) };

  async function download(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.slice(LOGS_ROUTE_PREFIX.length).split('/');
    let hostId: string, id: string;
    try {
      hostId = HostIdSchema.parse(decodeURIComponent(parts[0] ?? ''));
      id = ContainerRefSchema.parse(decodeURIComponent(parts[1] ?? ''));
      if (parts.length !== 2) throw new Error('extra path');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request: use /api/logs/<hostId>/<container>\n');
      return;
    }
    const timestamps = ['1', 'true', 'yes'].includes(url.searchParams.get('timestamps') ?? '');
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      const docker = hosts.get(hostId).client();
      const target = await inspectForLogs(docker, id);
      const name = logFileName(target.name);
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await writeLogText(docker, target.id, res, { timestamps, signal: abort.signal, target });
      res.end();
    } catch (e) {
      const { code } = mapEngineError(e);
      const status = code === 'NOT_FOUND' ? 404 : code === 'ENGINE_UNREACHABLE' ? 503 : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${(e as Error).message}\n`);
      else {
        // Mid-stream failure: cut the response so the download is visibly incomplete.
        if (!abort.signal.aborted) logger.warn(`logs download ${id}: failed mid-stream`, e);
        res.destroy();
      }
    }
  }
}
