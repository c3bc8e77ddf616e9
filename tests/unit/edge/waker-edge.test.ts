// The waker as routes of a loopback edge (edge/waker-edge.ts), over real sockets: every method and
// path reaches the waker with Caddy's Host and the original URL; the waker's own headers go out
// without the edge's security headers (a held request must get the app's answer as the app sent
// it); many held requests at once are not cut by the cap on connections without a credential
// (Caddy cannot show one); loopback only; closing frees the port.
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import type { ServedWaker, WakerHandler } from '../../../src-main/core/wake/waker';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function send(address: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Res> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const r = request({ host, port: Number(port), path, method: opts.method ?? 'GET', headers: opts.headers, agent: false, timeout: 20_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    r.on('timeout', () => r.destroy(new Error(`no answer for ${path}`)));
    r.on('error', reject);
    r.end(opts.body);
  });
}

let served: ServedWaker | null = null;
afterEach(async () => {
  await served?.close();
  served = null;
});

describe('the waker on the edge', () => {
  it('gets every method and path with the Host and the raw URL, and answers with its own headers only', async () => {
    const seen: string[] = [];
    const waker: WakerHandler = {
      handle: async (req: IncomingMessage, res: ServerResponse) => {
        seen.push(`${req.method} ${req.headers.host} ${req.url}`);
        req.resume();
        res.writeHead(503, { 'content-type': 'text/plain', 'x-wakedock': 'loading', 'content-security-policy': "default-src 'none'" }).end('asleep');
      },
    };
    served = await serveWakerOnEdge()(waker);
    expect(served.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const r = await send(served.address, '/a/b?c=1&d', { headers: { host: 'app.localhost:8480', accept: 'text/html' } });
    expect(r.status).toBe(503);
    expect(r.text).toBe('asleep');
    expect(r.headers['x-wakedock']).toBe('loading');
    expect(r.headers['content-security-policy']).toBe("default-src 'none'");
    // None of the edge's own headers (they would change an app's answer forwarded by the waker).
    for (const h of ['x-frame-options', 'cross-origin-resource-policy', 'cross-origin-opener-policy', 'referrer-policy', 'permissions-policy']) expect(r.headers[h], h).toBeUndefined();
    await send(served.address, '/', { headers: { host: 'app.localhost' } });
    await send(served.address, '/__wakedock/wake', { method: 'POST', headers: { host: 'app.localhost' }, body: '' });
    await send(served.address, '/upload', { method: 'PUT', headers: { host: 'app.localhost' }, body: 'x' });
    await send(served.address, '/x', { method: 'HEAD', headers: { host: 'app.localhost' } });
    expect(seen).toEqual(['GET app.localhost:8480 /a/b?c=1&d', 'GET app.localhost /', 'POST app.localhost /__wakedock/wake', 'PUT app.localhost /upload', 'HEAD app.localhost /x']);
  });

  it('holds 100 requests at once (more than the cap for connections without a credential), each answered', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let waiting = 0;
    const waker: WakerHandler = {
      handle: async (req, res) => {
        waiting++;
        await gate;
        res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url);
      },
    };
    served = await serveWakerOnEdge()(waker);
    const all = Array.from({ length: 100 }, (_, i) => send(served!.address, `/r${i}`, { headers: { host: 'app.localhost' } }));
    const deadline = Date.now() + 15_000;
    while (waiting < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(waiting, 'requests that reached the waker while held').toBe(100);
    release();
    const answers = await Promise.all(all);
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    expect(answers.map((a) => a.text)).toEqual(Array.from({ length: 100 }, (_, i) => `/r${i}`));
  });

  it('a waker that throws does not take the edge down (500), and closing frees the port', async () => {
    let calls = 0;
    served = await serveWakerOnEdge()({
      handle: async () => {
        calls++;
        throw new Error('boom');
      },
    });
    const r = await send(served.address, '/', { headers: { host: 'app.localhost' } });
    expect(r.status).toBe(500);
    expect(calls).toBe(1);
    const [, port] = served.address.split(':');
    await served.close();
    served = null;
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(Number(port), '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
