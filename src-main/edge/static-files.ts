// The built renderer: SPA fallback, no path traversal, caching headers and compression.
// - index.html: `no-store` (it names the current hashed bundles; never serve a stale one);
// - /assets/* (Vite's content-hashed files): a year, `private` (they sit behind the token; a shared
//   cache must not keep them) and `immutable`;
// - anything else: `private, no-cache` with an ETag, so a revalidation is a 304.
// Compressible files are sent br or gzip as the browser prefers (node:zlib, asynchronous, in the
// thread pool), compressed once per file version and kept in a byte-bounded cache.
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.map', '.txt']);
const MIN_COMPRESS_BYTES = 1024;

export type Encoding = 'br' | 'gzip';

/** Picks br, then gzip, from an Accept-Encoding header (an explicit q=0 refuses). */
export function pickEncoding(header: string | string[] | undefined): Encoding | null {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const accepted = new Map<string, number>();
  for (const part of value.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (n: string): boolean => (accepted.get(n) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

export function cacheControlFor(relPath: string): string {
  if (relPath.endsWith('.html')) return 'no-store';
  if (relPath.startsWith('/assets/')) return 'private, max-age=31536000, immutable';
  return 'private, no-cache';
}

/** Compressed bodies by file version and encoding, bounded in bytes (oldest dropped first). */
class CompressedCache {
  private readonly entries = new Map<string, Promise<Buffer>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  get(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const p = make();
    this.entries.set(key, p);
    p.then(
      (buf) => {
        if (this.entries.get(key) !== p) return;
        this.sizes.set(key, buf.length);
        this.bytes += buf.length;
        for (const k of this.entries.keys()) {
          if (this.bytes <= this.maxBytes) break;
          if (k === key) continue;
          this.drop(k);
        }
      },
      () => this.drop(key),
    );
    return p;
  }

  private drop(key: string): void {
    this.entries.delete(key);
    this.bytes -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }

  get size(): number {
    return this.bytes;
  }
}

export interface StaticFiles {
  /** Answers GET/HEAD for `pathname` (already URL-decoded by the caller or not: decoded here). */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void>;
  /** Bytes held by the compressed-body cache (tests). */
  readonly cachedBytes: number;
}

export function staticFiles(staticDir: string, opts: { maxCacheBytes?: number } = {}): StaticFiles {
  const root = resolve(staticDir);
  const cache = new CompressedCache(opts.maxCacheBytes ?? 32 * 1024 * 1024);

  const serve = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      // A malformed escape (e.g. "/%E0%A4%A"): answer, never leave the request hanging.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request: malformed URL\n');
      return;
    }
    if (rel === '/' || !extname(rel)) rel = '/index.html'; // SPA: every route renders the app
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || rel.includes('\0')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    let st;
    try {
      st = await stat(file);
      if (!st.isFile()) throw new Error('not a file');
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: ${rel}\n`);
      return;
    }
    const ext = extname(file);
    const relFromRoot = '/' + file.slice(root.length + 1).split(sep).join('/');
    const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const compressible = COMPRESSIBLE.has(ext) && st.size >= MIN_COMPRESS_BYTES;
    const headers: Record<string, string> = {
      'content-type': MIME[ext] ?? 'application/octet-stream',
      'cache-control': cacheControlFor(relFromRoot),
    };
    if (compressible) headers.vary = 'Accept-Encoding';
    const isHtml = ext === '.html';
    if (!isHtml) headers.etag = etag;
    if (!isHtml && req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    const encoding = compressible ? pickEncoding(req.headers['accept-encoding']) : null;
    let body: Buffer;
    if (encoding) {
      const key = `${file}|${st.size}|${st.mtimeMs}|${encoding}`;
      body = await cache.get(key, async () => {
        const raw = await readFile(file);
        return encoding === 'br'
          ? brotliAsync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } })
          : gzipAsync(raw, { level: 9 });
      });
      headers['content-encoding'] = encoding;
    } else {
      body = await readFile(file);
    }
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return {
    serve,
    get cachedBytes() {
      return cache.size;
    },
  };
}
