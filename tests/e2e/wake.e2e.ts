// Wake on demand as a user sees it: `wakedock serve --wake` with the real engine and Caddy, a
// container labelled as a service, the Services page in Chromium showing each state as it happens,
// and the service's own hostname opened in the browser (loading page, then the app).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CADDY_BIN } from '../support/caddy';
import { cleanupTestContainers, createContainer, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../support/docker-fixtures';
import { launchBrowser, openApp, startServe, uncaughtErrors, type ServeProcess } from './support/harness';

const AREA = 'wakee2e';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.e2e.localhost`;

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let app: TestContainer;
let port: number;

const running = async (): Promise<boolean> => (await inspectContainer(app.id))?.State.Running ?? false;

describe.skipIf(!CADDY_BIN)('Services page (wake on demand)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    port = await freePort();
    const appPort = await freePort();
    app = await createContainer({
      area: AREA,
      ports: [`127.0.0.1:${appPort}:80`],
      labels: { 'wakedock.enable': 'true', 'wakedock.name': 'web', 'wakedock.hosts': HOST, 'wakedock.port': '80', 'wakedock.idle.after': '10m', 'wakedock.loading.title': 'Web test app' },
      extra: ['--init'],
      cmd: ['sh', '-c', 'sleep 1; exec httpd -f -p 80 -h /www'],
    });
    serve = await startServe({ args: ['--wake', '--wake-listen', `127.0.0.1:${port}`] });
    browser = await launchBrowser();
    page = await openApp(browser, serve);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await cleanupTestContainers({ namePrefix: PREFIX });
  });

  it('shows the proxy and the sleeping service; opening its hostname shows the loading page, then the app, and the page follows', async () => {
    await page.getByRole('button', { name: 'Services' }).click();
    await page.getByTestId('wake-proxy').getByText('Caddy is running').waitFor({ timeout: 20_000 });
    const row = page.getByTestId('service-web');
    await row.and(page.locator('[data-state="sleeping"]')).waitFor({ timeout: 15_000 });
    expect(await row.getByTestId('state').textContent()).toBe('Sleeping');
    const link = row.getByRole('link', { name: HOST });
    expect(await link.getAttribute('href')).toBe(`http://${HOST}:${port}/`);

    const site = await browser.newPage();
    await site.goto(`http://${HOST}:${port}/`);
    expect(await site.locator('h1').textContent()).toBe('Web test app');
    await row.and(page.locator('[data-state="waking"], [data-state="awake"]')).waitFor({ timeout: 10_000 });
    // The loading page reloads itself into the app.
    await site.getByText('wakedock test').waitFor({ timeout: 20_000 });
    await row.and(page.locator('[data-state="awake"]')).waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('state-detail').textContent()).toMatch(/sleeps in (9m|10m)/);
    expect(await row.locator('td').nth(4).textContent()).toBe('1');
    expect(await running()).toBe(true);
    await site.close();
  });

  it('sleep now (confirmed) stops the container and wake now starts it again', async () => {
    const row = page.getByTestId('service-web');
    await row.getByRole('button', { name: 'Sleep now' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sleep now' }).click();
    await row.and(page.locator('[data-state="sleeping"]')).waitFor({ timeout: 20_000 });
    expect(await running()).toBe(false);
    await row.getByRole('button', { name: 'Wake now' }).click();
    await row.and(page.locator('[data-state="awake"]')).waitFor({ timeout: 20_000 });
    expect(await running()).toBe(true);
    await waitFor('two wakes counted', async () => (await row.locator('td').nth(4).textContent()) === '2');
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
