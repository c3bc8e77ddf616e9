// A local HTTP receiver for webhook tests: records every request on 127.0.0.1 and answers with
// the statuses a test scripts (then 200), or hangs when asked to.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  at: number;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Statuses for the next requests, in order ('hang' never answers); afterwards 200. */
  script(...statuses: (number | 'hang')[]): void;
  /** Resolves once n requests arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let queue: (number | 'hang')[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json, at: Date.now() });
      for (const w of waiters) w();
      const next = queue.shift() ?? 200;
      if (next === 'hang') return; // never answer: the client's timeout must end it
      res.writeHead(next, { 'content-type': 'text/plain' }).end(next >= 400 ? `scripted ${next}` : 'ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    script: (...s) => {
      queue = s;
    },
    waitFor: (n, timeoutMs = 10_000) =>
      new Promise((ok, fail) => {
        const check = (): void => {
          if (received.length >= n) {
            waiters.delete(check);
            clearTimeout(t);
            ok(received.slice());
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`receiver: ${received.length} of ${n} requests within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}
