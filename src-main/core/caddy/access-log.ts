// Receives Caddy's access log over TCP (the `net` log writer) on loopback and turns each JSON line
// into an AccessEntry. Caddy 2.6.2 writes a line when a request completes and dials the writer when
// the config is provisioned, so this listener must be up before Caddy starts or loads a config.
// Lines are bounded (64 KiB; a longer one is dropped, not buffered), and a line that is not an access
// entry is ignored.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface AccessEntry {
  /** Hostname without port, lower case. */
  host: string;
  method: string;
  uri: string;
  status: number;
  userAgent: string;
  /** Value of the X-WakeDock response header when WakeDock (or its error routes) answered. */
  wakedock: string | null;
  /** Seconds the request took. */
  duration: number;
  /** Caddy's timestamp (ms since epoch). */
  at: number;
}

const LineSchema = z
  .object({
    ts: z.number(),
    status: z.number(),
    duration: z.number().optional(),
    request: z.object({ host: z.string(), method: z.string(), uri: z.string(), headers: z.record(z.string(), z.array(z.string())).optional() }).loose(),
    resp_headers: z.record(z.string(), z.array(z.string())).optional(),
  })
  .loose();

const MAX_LINE = 64 * 1024;

export function parseAccessLine(line: string): AccessEntry | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const r = LineSchema.safeParse(json);
  if (!r.success) return null;
  const l = r.data;
  const header = (h: Record<string, string[]> | undefined, name: string): string | null => {
    if (!h) return null;
    for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name) return v[0] ?? null;
    return null;
  };
  return {
    host: l.request.host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase(),
    method: l.request.method,
    uri: l.request.uri,
    status: l.status,
    userAgent: header(l.request.headers, 'user-agent') ?? '',
    wakedock: header(l.resp_headers, 'x-wakedock'),
    duration: l.duration ?? 0,
    at: Math.round(l.ts * 1000),
  };
}

export class AccessLogListener {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private listeners = new Set<(e: AccessEntry) => void>();
  /** Lines received (for tests and the proxy status). */
  lines = 0;

  onEntry(fn: (e: AccessEntry) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async listen(host = '127.0.0.1', port = 0): Promise<string> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.setEncoding('utf8');
      let buf = '';
      let dropping = false;
      socket.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (dropping) {
            dropping = false;
            continue;
          }
          this.handle(line);
        }
        if (buf.length > MAX_LINE) {
          buf = '';
          dropping = true;
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => ok());
    });
    const a = server.address() as AddressInfo;
    return `${host}:${a.port}`;
  }

  private handle(line: string): void {
    if (!line.trim()) return;
    const e = parseAccessLine(line);
    if (!e) return;
    this.lines++;
    for (const l of this.listeners) l(e);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }
}
