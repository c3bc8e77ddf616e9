// The engine's /containers/{id}/logs endpoint as a stream. dockerode's container.logs() buffers the
// whole body unless follow is set; history (follow=false) can be gigabytes, so we always stream and
// parse as bytes arrive: over our own reader for unix sockets and plain TCP (raw-http.ts explains
// why), over dockerode's modem with isStream for the rest (TLS, SSH).
import type Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import { rawGet, type RawEndpoint } from './raw-http';

/** Unix socket or plain-HTTP TCP: read logs with our own de-chunking reader (see raw-http.ts). */
function rawEndpointOf(docker: Dockerode): RawEndpoint | null {
  const m = docker.modem as unknown as { socketPath?: unknown; host?: string; port?: number | string; protocol?: string; ca?: unknown; cert?: unknown };
  if (typeof m.socketPath === 'string' && m.socketPath) return { socketPath: m.socketPath };
  if (m.protocol === 'http' && m.host && m.port && !m.ca && !m.cert) return { host: m.host, port: Number(m.port) };
  return null;
}

export interface LogQuery {
  follow: boolean;
  /** A count or 'all'. */
  tail: number | 'all';
  /** Engine form: "<seconds>.<nanoseconds>" (inclusive). */
  since?: string;
  until?: string;
}

export function openLogStream(docker: Dockerode, id: string, q: LogQuery, signal?: AbortSignal): Promise<Readable> {
  const options: Record<string, unknown> = { stdout: true, stderr: true, timestamps: true, follow: q.follow, tail: String(q.tail) };
  if (q.since) options.since = q.since;
  if (q.until) options.until = q.until;
  const raw = rawEndpointOf(docker);
  if (raw) {
    const m = docker.modem as unknown as { version?: string };
    const qs = new URLSearchParams(Object.entries(options).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return rawGet(raw, `${m.version ? `/${m.version}` : ''}/containers/${encodeURIComponent(id)}/logs?${qs}`, signal);
  }
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options,
      } as Parameters<Dockerode['modem']['dial']>[0],
      (err, stream) => (err ? reject(err) : resolve(stream as Readable)),
    );
  });
}

/** Epoch seconds (number) or an ISO date → the engine's "<s>.<ns>" form. */
export function toEngineTime(t: number | string): string {
  if (typeof t === 'number') {
    const s = Math.floor(t);
    const ns = Math.round((t - s) * 1e9);
    return `${s}.${String(Math.min(ns, 999_999_999)).padStart(9, '0')}`;
  }
  if (/^\d+(\.\d+)?$/.test(t)) return toEngineTime(Number(t));
  return fromRfc3339(t) ?? toEngineTime(Date.parse(t) / 1000);
}

/** "2024-05-01T12:00:00.123456789Z" → "1714564800.123456789", keeping all nine digits. */
export function fromRfc3339(raw: string): string | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(raw);
  if (!m) return null;
  const secMs = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(secMs)) return null;
  return `${Math.floor(secMs / 1000)}.${(m[2] ?? '').padEnd(9, '0')}`;
}

/** Epoch ms → engine time at the very end of that millisecond (for an inclusive "until"). */
export function endOfMsEngineTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const rest = ms - s * 1000;
  return `${s}.${String(Math.floor(rest)).padStart(3, '0')}999999`;
}
