// The raw log reader (logs/raw-http.ts) bypasses dockerode's modem, so it carries its own deadline
// for the answer to start: against a socket that accepts and never answers (a frozen engine), it
// rejects with TIMEOUT and closes its connection; an answer that starts in time is not cut later.
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rawGet } from '../../../../src-main/core/logs/raw-http';

let server: Server | null = null;
let dir = '';
const conns: Socket[] = [];

async function listen(onConn: (s: Socket) => void): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'wdtest-rawhttp-'));
  const path = join(dir, 's.sock');
  server = createServer((s) => {
    conns.push(s);
    onConn(s);
  });
  await new Promise<void>((r) => server!.listen(path, r));
  return path;
}

afterEach(async () => {
  for (const c of conns.splice(0)) c.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('rawGet open deadline', () => {
  it('rejects with TIMEOUT when the engine never answers, and closes the connection', async () => {
    let closed = false;
    const path = await listen((s) => {
      s.resume(); // read, so the client's close is seen
      s.on('close', () => (closed = true));
    });
    const err = await rawGet({ socketPath: path }, `/v1.41/containers/${'a'.repeat(64)}/logs?follow=1`, undefined, 100).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', reason: 'ENGINE_TIMEOUT' });
    expect((err as Error).message).toContain('GET /containers/aaaaaaaaaaaa/logs within 100 ms');
    await expect.poll(() => closed).toBe(true);
  });

  it('keeps a stream whose answer started in time open past the deadline', async () => {
    const path = await listen((s) => {
      s.once('data', () => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'));
    });
    const body = await rawGet({ socketPath: path }, '/containers/x/logs', undefined, 100);
    const got: string[] = [];
    body.on('data', (b: Buffer) => got.push(b.toString()));
    await new Promise((r) => setTimeout(r, 250));
    expect(body.destroyed).toBe(false);
    expect(got.join('')).toBe('abc');
    body.destroy();
  });
});
