// HTTPS for service hostnames as a user sees it: `wakedock serve --wake --wake-https` with the real
// engine and Caddy; the Services page names the HTTPS address and "local CA" beside the proxy, and
// **Download root certificate** saves Caddy's local root; that file (and nothing else) makes the
// .localhost certificate verify, and the first https request for the sleeping service gets the
// loading page. Screenshots of the Services page with HTTPS on at three sizes.
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CADDY_BIN } from '../support/caddy';
import { REPO_ROOT, cleanupTestContainers, createContainer, ensureTestImage, freePort, waitFor } from '../support/docker-fixtures';
import { launchBrowser, openApp, startServe, uncaughtErrors, type ServeProcess } from './support/harness';
import { layoutProblems } from './support/layout-check';

const AREA = 'wakehttpse2e';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.tls.localhost`;
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const SIZES = [
  { label: '1280x800', width: 1280, height: 800 },
  { label: '1024x700', width: 1024, height: 700 },
  { label: '390x844', width: 390, height: 844 },
] as const;

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let httpsPort: number;

function httpsGet(ca: string | undefined): Promise<{ status: number; tag: unknown; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: httpsPort, servername: HOST, path: '/', headers: { Host: HOST, Accept: 'text/html' }, ...(ca ? { ca } : {}), timeout: 30_000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, tag: res.headers['x-wakedock'], body }));
    });
    r.on('timeout', () => r.destroy(new Error('no https answer in 30 s')));
    r.on('error', reject);
    r.end();
  });
}

describe.skipIf(!CADDY_BIN)('Services page with HTTPS (local CA, root certificate download)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    const port = await freePort();
    httpsPort = await freePort();
    const appPort = await freePort();
    await createContainer({
      area: AREA,
      ports: [`127.0.0.1:${appPort}:80`],
      labels: { 'wakedock.enable': 'true', 'wakedock.name': 'tls', 'wakedock.hosts': HOST, 'wakedock.port': '80', 'wakedock.idle.after': '10m', 'wakedock.loading.title': 'TLS test app' },
      extra: ['--init'],
      cmd: ['httpd', '-f', '-p', '80', '-h', '/www'],
    });
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe({ args: ['--wake', '--wake-listen', `127.0.0.1:${port}`, '--wake-https', `127.0.0.1:${httpsPort}`] });
    browser = await launchBrowser();
    page = await openApp(browser, serve);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await cleanupTestContainers({ namePrefix: PREFIX });
  });

  it('shows the HTTPS address, downloads the root, which verifies the .localhost certificate; the first https request gets the loading page', async () => {
    await page.getByRole('button', { name: 'Services' }).click();
    await page.getByTestId('wake-proxy').getByText('Caddy is running').waitFor({ timeout: 30_000 });
    const https = page.getByTestId('wake-https');
    await https.getByText(`https://127.0.0.1:${httpsPort}`).waitFor({ timeout: 10_000 });
    expect(await https.textContent()).toContain('(local CA)');
    await page.getByTestId('service-tls').and(page.locator('[data-state="sleeping"]')).waitFor({ timeout: 30_000 });

    const button = page.getByRole('button', { name: 'Download root certificate' });
    await waitFor('the download button enabled', () => button.isEnabled(), { timeoutMs: 10_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('wakedock-local-ca.crt');
    const pem = readFileSync((await download.path()) as string, 'utf8');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?$/);

    // Without the root the certificate does not verify; with the downloaded file it does.
    await expect(httpsGet(undefined)).rejects.toThrow(/self.signed|unable to (get|verify)|certificate/i);
    const first = await waitFor('a verified https answer', () => httpsGet(pem).catch(() => null), { timeoutMs: 30_000, intervalMs: 500 });
    expect([first.status, first.tag], first.body.slice(0, 200)).toEqual([503, 'loading']);
    expect(first.body).toContain('TLS test app');
    await page.getByTestId('service-tls').and(page.locator('[data-state="waking"], [data-state="awake"]')).waitFor({ timeout: 20_000 });
    expect(uncaughtErrors(page)).toEqual([]);
  }, 120_000);

  it('screenshots of the Services page with HTTPS on at three sizes, nothing cut off', async () => {
    const problems: string[] = [];
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await new Promise((r) => setTimeout(r, 300));
      await page.screenshot({ path: join(SHOTS, `${size.label}-services-https.png`) });
      problems.push(...(await layoutProblems(page)).map((p) => `${size.label}: ${p}`));
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(problems).toEqual([]);
  });
});
