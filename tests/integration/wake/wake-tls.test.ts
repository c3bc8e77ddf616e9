// HTTPS for service hostnames through WakeDock's Caddy (real Caddy 2.6.2, real engine): a .localhost
// name gets a certificate from Caddy's local CA (no trust-store prompt: install_trust false), the
// root certificate WakeDock exports verifies it, and an https request for a sleeping service wakes it
// and then gets the app.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { WakeManager } from '../../../src-main/core/wake/wake-manager';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN, waitRouted } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';

const AREA = 'waketls';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.tls.localhost`;

let core: Core;
let wake: WakeManager;
let dataDir: string;
let port: number;
let httpsPort: number;
let app: TestContainer;

function httpsGet(ca: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown>; issuer: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: httpsPort, servername: HOST, path: '/', headers: { Host: HOST, ...headers }, ...(ca ? { ca } : {}), timeout: 30_000, agent: false }, (res) => {
      let body = '';
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, issuer: String(cert.issuer?.CN ?? '') }));
    });
    r.on('timeout', () => r.destroy(new Error('timed out')));
    r.on('error', reject);
    r.end();
  });
}

describe.skipIf(!CADDY_BIN)('HTTPS for .localhost names through the local CA (real Caddy, real engine)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-waketls-'));
    port = await freePort();
    httpsPort = await freePort();
    const appPort = await freePort();
    app = await createContainer({ area: AREA, ports: [`127.0.0.1:${appPort}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    core = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
    wake = new WakeManager({ dataDir, logger: silentLogger, host: core.hosts.get('local'), listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), https: { listen: `127.0.0.1:${httpsPort}` }, tickMs: 200, pollMs: 300, holdMs: 20_000 });
    wake.start();
    await wake.ready;
    await wake.create({ name: 'tls', hosts: [HOST], container: app.name, port: 80, idle: { after: '10m' } });
    await waitRouted(wake, ['tls']);
  }, 60_000);

  afterAll(async () => {
    await wake?.dispose();
    await core?.dispose();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the exported root verifies the .localhost certificate; an https request wakes the sleeping service, then gets the app', async () => {
    expect(wake.proxyStatus()).toMatchObject({ https: `https://127.0.0.1:${httpsPort}`, httpsPort, acme: false });
    const config = wake.caddyConfig() as { apps: { pki: unknown; tls: { automation: { policies: unknown[] } } } };
    expect(config.apps.pki).toEqual({ certificate_authorities: { local: { install_trust: false } } });
    expect(config.apps.tls.automation.policies).toEqual([{ issuers: [{ module: 'internal' }] }]);

    const root = await waitFor('the local CA', () => wake.rootCertificate().catch(() => null), { timeoutMs: 20_000 });
    expect(root.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const x = new X509Certificate(root.pem);
    expect(x.ca).toBe(true);
    expect(x.subject).toMatch(/Caddy Local Authority/);

    // Without the root the certificate is not trusted (a browser would warn): the root matters.
    await expect(httpsGet(undefined)).rejects.toThrow(/self.signed|unable to (get|verify)|certificate/i);
    expect((await inspectContainer(app.id))?.State.Running).toBe(false);

    // With it: verified, and the first request (a browser's) gets the loading page and wakes the service.
    const first = await waitFor('a verified https answer', () => httpsGet(root.pem, { Accept: 'text/html' }).catch(() => null), { timeoutMs: 20_000 });
    expect(first.issuer).toMatch(/Caddy Local Authority/);
    expect(first.status).toBe(503);
    expect(first.headers['x-wakedock']).toBe('loading');
    const appAnswer = await waitFor('the app over https', async () => {
      const r = await httpsGet(root.pem).catch(() => null);
      return r?.status === 200 ? r : null;
    }, { timeoutMs: 30_000 });
    expect(appAnswer.body).toContain('wakedock test');
    expect((await inspectContainer(app.id))?.State.Running).toBe(true);
    await waitFor('awake', () => wake.controller.view('tls')?.state === 'awake');
  }, 90_000);
});
