import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkedDecoder, rawGet } from '../../../../src-main/core/logs/raw-http';

const chunked = (parts: string[]): Buffer => Buffer.from(parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n');

describe('ChunkedDecoder', () => {
  it('decodes whatever the read boundaries (size lines, data and CRLF split anywhere)', () => {
    const body = chunked(['hello ', 'wörld', '', 'x'.repeat(300)].filter(Boolean));
    for (let size = 1; size <= 17; size++) {
      const d = new ChunkedDecoder();
      const out: Buffer[] = [];
      for (let i = 0; i < body.length; i += size) out.push(d.push(body.subarray(i, i + size)));
      expect(Buffer.concat(out).toString()).toBe(`hello wörld${'x'.repeat(300)}`);
      expect(d.done).toBe(true);
    }
  });

  it('accepts chunk extensions and refuses garbage', () => {
    expect(new ChunkedDecoder().push(Buffer.from('3;name=v\r\nabc\r\n0\r\n\r\n')).toString()).toBe('abc');
    expect(() => new ChunkedDecoder().push(Buffer.from('zz\r\n'))).toThrow(/malformed/);
  });
});

describe('rawGet over a unix socket', () => {
  let server: Server;
  let dir: string;
  let socketPath: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wdtest-rawhttp-'));
    socketPath = join(dir, 's.sock');
    server = createServer((sock) => {
      sock.once('data', (req) => {
        const path = /^GET (\S+)/.exec(req.toString())![1]!;
        if (path.startsWith('/missing')) {
          sock.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n{"message":"No such container: nope"}\n');
          return;
        }
        sock.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        const body = chunked(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`));
        // Dribble it out in odd-sized writes.
        let i = 0;
        const next = (): void => {
          if (i >= body.length) return void sock.end();
          sock.write(body.subarray(i, i + 777));
          i += 777;
          setImmediate(next);
        };
        next();
      });
    });
    await new Promise<void>((r) => server.listen(socketPath, r));
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams the de-chunked body', async () => {
    const s = await rawGet({ socketPath }, '/logs');
    let text = '';
    for await (const c of s) text += String(c);
    expect(text.split('\n').slice(0, -1)).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${i}`));
  });

  it('rejects with the engine status and message (as dockerode errors look)', async () => {
    await expect(rawGet({ socketPath }, '/missing')).rejects.toMatchObject({ statusCode: 404, json: { message: 'No such container: nope' } });
  });

  it('an aborted request rejects with AbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(rawGet({ socketPath }, '/logs', ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('rawGet teardown', () => {
  it('destroying the body closes the connection (the server sees the socket close)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wdtest-rawhttp2-'));
    const socketPath = join(dir, 's.sock');
    let closed = false;
    const server = createServer((sock) => {
      sock.on('close', () => (closed = true));
      sock.once('data', () => sock.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'));
    });
    await new Promise<void>((r) => server.listen(socketPath, r));
    try {
      const body = await rawGet({ socketPath }, '/follow');
      await new Promise((r) => body.once('data', r));
      body.destroy();
      for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closed).toBe(true);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
