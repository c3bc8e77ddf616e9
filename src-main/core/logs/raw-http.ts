// A minimal HTTP/1.1 GET for the engine's log endpoint over a unix socket or plain TCP.
// Why not node:http (or dockerode, which uses it): the engine flushes after every log message, so a
// 200,000-line log arrives as 200,000 HTTP chunks, and node:http emits one 'data' event per chunk,
// even when a single socket read holds hundreds of them. That per-chunk cost made reading a log
// ~2x slower than `docker logs`. Here each socket read is de-chunked in one pass and handed on as
// one buffer. TLS and SSH endpoints keep using dockerode's modem.
import { connect, type Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { DEFAULT_ENGINE_TIMEOUTS, shortPath, timeoutError } from '../engine/call-guard';

export type RawEndpoint = { socketPath: string } | { host: string; port: number };

/** Decodes Transfer-Encoding: chunked incrementally. push() returns the payload bytes it found. */
export class ChunkedDecoder {
  private state: 'size' | 'data' | 'data-end' | 'done' = 'size';
  private line = '';
  private left = 0;
  private crlfLeft = 0;

  get done(): boolean {
    return this.state === 'done';
  }

  /** The payload bytes in `buf`, copied into one buffer (one allocation per socket read, not per chunk). */
  push(buf: Buffer): Buffer {
    const out = Buffer.allocUnsafe(buf.length);
    let o = 0;
    let pos = 0;
    while (pos < buf.length && this.state !== 'done') {
      if (this.state === 'size') {
        const nl = buf.indexOf(10, pos);
        if (nl < 0) {
          this.line += buf.toString('latin1', pos, buf.length);
          break;
        }
        this.line += buf.toString('latin1', pos, nl);
        pos = nl + 1;
        const size = parseInt(this.line.trim().split(';')[0] ?? '', 16);
        this.line = '';
        if (Number.isNaN(size)) throw new Error('malformed chunked encoding from the engine');
        if (size === 0) {
          this.state = 'done';
          break;
        }
        this.left = size;
        this.state = 'data';
      } else if (this.state === 'data') {
        const take = Math.min(this.left, buf.length - pos);
        buf.copy(out, o, pos, pos + take);
        o += take;
        pos += take;
        this.left -= take;
        if (this.left === 0) {
          this.state = 'data-end';
          this.crlfLeft = 2;
        }
      } else {
        // The CRLF after a chunk's data.
        const take = Math.min(this.crlfLeft, buf.length - pos);
        pos += take;
        this.crlfLeft -= take;
        if (this.crlfLeft === 0) this.state = 'size';
      }
    }
    return out.subarray(0, o);
  }
}

export interface RawHttpError extends Error {
  statusCode: number;
  json: { message?: string } | null;
}

/**
 * GET path; resolves with the (de-chunked) body as a stream once the status is 200. The answer must
 * start within `openTimeoutMs` (a frozen engine: TIMEOUT, the socket destroyed), like the streams the
 * call guard bounds (engine/call-guard.ts); after that the body has no deadline (follow).
 */
export function rawGet(endpoint: RawEndpoint, path: string, signal?: AbortSignal, openTimeoutMs = DEFAULT_ENGINE_TIMEOUTS.streamOpenMs): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const socket: Socket = 'socketPath' in endpoint ? connect({ path: endpoint.socketPath }) : connect({ host: endpoint.host, port: endpoint.port });
    // 256 KiB: enough to de-chunk a socket read in one go; what a held source (a project merge waiting
    // for its slowest container) buffers here is this much per container, the rest waits in the engine.
    const body = new PassThrough({ highWaterMark: 256 * 1024 });
    let head: Buffer | null = Buffer.alloc(0);
    let chunked: ChunkedDecoder | null = null;
    let status = 0;
    let settled = false;
    let errorBody = '';

    const onAbort = (): void => {
      socket.destroy();
      body.destroy();
      if (!settled) {
        settled = true;
        reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
      }
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const openTimer = setTimeout(() => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      body.destroy();
      reject(timeoutError({ kind: 'stream', label: `GET ${shortPath(path)}`, timeoutMs: openTimeoutMs, mutating: false }));
    }, openTimeoutMs);
    openTimer.unref?.();

    const deliver = (bytes: Buffer): void => {
      if (bytes.length === 0) return;
      if (status !== 200) {
        errorBody += bytes.toString('utf8');
        return;
      }
      const ok = body.write(bytes);
      if (!ok) {
        socket.pause();
        body.once('drain', () => socket.resume());
      }
    };
    const finish = (): void => {
      signal?.removeEventListener('abort', onAbort);
      if (status === 200) {
        body.end();
        return;
      }
      if (settled) return;
      settled = true;
      let json: { message?: string } | null = null;
      try {
        json = JSON.parse(errorBody) as { message?: string };
      } catch {
        /* not JSON */
      }
      const message = json?.message ?? (errorBody.trim() || `HTTP ${status}`);
      reject(Object.assign(new Error(`(HTTP code ${status}) ${message}`), { statusCode: status, json }) as RawHttpError);
    };

    // A consumer that destroys the body (unsubscribe, a re-read) closes the connection with it.
    body.on('close', () => {
      if (!socket.destroyed) socket.destroy();
    });
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: wakedock\r\nAccept: application/vnd.docker.raw-stream\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (buf: Buffer) => {
      try {
        if (head) {
          head = Buffer.concat([head, buf]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) {
            if (head.length > 64 * 1024) throw new Error('the engine sent oversized response headers');
            return;
          }
          const lines = head.toString('latin1', 0, end).split('\r\n');
          status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
          chunked = lines.some((l) => /^transfer-encoding:\s*chunked/i.test(l)) ? new ChunkedDecoder() : null;
          const rest = head.subarray(end + 4);
          head = null;
          clearTimeout(openTimer);
          if (status === 200 && !settled) {
            settled = true;
            resolve(body);
          }
          buf = rest;
        }
        if (chunked) {
          deliver(chunked.push(buf));
          if (chunked.done) {
            finish();
            socket.end();
          }
        } else deliver(buf);
      } catch (e) {
        socket.destroy(e as Error);
      }
    });
    socket.on('end', () => {
      clearTimeout(openTimer);
      finish();
    });
    socket.on('error', (e) => {
      clearTimeout(openTimer);
      signal?.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        reject(e);
      } else body.destroy(e);
    });
    socket.on('close', () => {
      if (status === 200 && !body.writableEnded) body.end();
    });
  });
}
