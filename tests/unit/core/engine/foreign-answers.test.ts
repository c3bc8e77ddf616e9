// Another server's answer never reaches the UI (issue 9 §6): an engine override pointed at a web
// server (a real HTTP server on loopback that answers every request with a page carrying a secret),
// and an alert channel's test delivery to a receiver that answers an error page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from '../../../../src-main/core/alerts/webhook';
import { defaultDockerFactory } from '../../../../src-main/core/engine/docker-client';
import { HostConnection } from '../../../../src-main/core/engine/host-connection';
import { silentLogger } from '../../../../src-main/rpc/dispatcher';

const SECRET = 'csrf=9f8e7d6c5b4a-SECRET';
let server: Server | null = null;
let conn: HostConnection | null = null;

async function foreignServer(status: number, body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  conn?.stop();
  conn = null;
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = null;
});

describe('foreign answers are not echoed', () => {
  it('an engine override pointing at a web server: the host says so without the page', async () => {
    const addr = await foreignServer(404, `<html><body>Not here. ${SECRET}</body></html>`);
    conn = new HostConnection({ id: 'x', name: 'x', kind: 'local', endpoint: { url: `tcp://${addr}`, source: 'settings' }, dockerFactory: defaultDockerFactory, logger: silentLogger, backoffMinMs: 60_000 });
    conn.start();
    const t0 = Date.now();
    while (conn.host.state !== 'unreachable' && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(conn.host.state).toBe('unreachable');
    expect(conn.host.reason).toMatch(/HTTP 404 from a server that does not answer like a Docker engine/);
    expect(JSON.stringify(conn.host)).not.toContain('SECRET');
  });

  it("a channel test to a receiver answering an error page reports the status, not the page; a bare error code is kept", async () => {
    const url = `http://${await foreignServer(403, `<h1>Forbidden</h1><p>${SECRET}</p>`)}/hook`;
    const r = await postJson(url, { text: 'test' }, { attempts: 1, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, status: 403 });
    expect(r.error).toBe('HTTP 403 Forbidden');
    await new Promise((res) => server!.close(res));
    const slack = `http://${await foreignServer(404, 'no_service')}/services/x`;
    expect((await postJson(slack, {}, { attempts: 1, timeoutMs: 2000 })).error).toBe('HTTP 404 Not Found: no_service');
  });
});
