// Test support for the Caddy integration tests: a temp dir per test, a plain HTTP client that sets
// the Host header (requests go to Caddy on 127.0.0.1 whatever the hostname), and small loopback HTTP
// servers that play an upstream app or the waker.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCaddy } from '../../src-main/core/caddy/caddy-supervisor';

export const CADDY_BIN = findCaddy();

export function tempDir(prefix: string): { dir: string; remove(): void } {
  // Short path: a unix socket path may have at most ~100 characters.
  const dir = mkdtempSync(join(tmpdir(), `wd-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to 127.0.0.1:port with the given Host header. */
export function httpTo(port: number, host: string, path = '/', opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { Host: host, ...opts.headers }, timeout: opts.timeoutMs ?? 20_000 }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`request to ${host}${path} timed out`)));
    r.on('error', reject);
    r.end(opts.body);
  });
}

export interface TestServer {
  port: number;
  hits: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A loopback HTTP server answering `answer(req)` (default 200 with `text`). */
export async function startHttp(text: string, port = 0): Promise<TestServer> {
  const hits: TestServer['hits'] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(text);
    });
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** What `waitRouted` needs of a WakeManager (kept structural so tests/support does not import core state). */
export interface RoutedProbe {
  routedServices(): string[];
  proxyStatus(): unknown;
  controller: { view(name: string): unknown };
}

/**
 * Wait until Caddy runs the routes of these services. Generous (30 s: Caddy's start and the engine's
 * answers are slow on a loaded CI machine), and on time-out it says what it saw: the proxy's status
 * (Caddy starting, restarting with its error, the apply error) and each service's state and message.
 */
export async function waitRouted(wake: RoutedProbe, names: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const routed = wake.routedServices();
    if (names.every((n) => routed.includes(n))) return;
    if (Date.now() >= deadline) {
      const views = names.map((n) => JSON.stringify(wake.controller.view(n) ?? { name: n, missing: true }));
      throw new Error(`timed out after ${timeoutMs} ms waiting for Caddy to route ${names.join(', ')}; routed: [${routed.join(', ')}]; proxy: ${JSON.stringify(wake.proxyStatus())}; services: ${views.join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
