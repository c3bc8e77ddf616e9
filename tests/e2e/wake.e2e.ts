// Wake on demand as a user sees it: `wakedock serve --wake` with the real engine and Caddy, a
// container labelled as a service, the Services page in Chromium showing each state as it happens,
// and the service's own hostname opened in the browser (loading page, then the app); a second
// container made a service in the editor (field errors, the live route preview, create, edit,
// remove after a confirmation), with screenshots of the page and the editor at three sizes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CADDY_BIN, httpTo } from '../support/caddy';
import { REPO_ROOT, cleanupTestContainers, createContainer, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../support/docker-fixtures';
import { launchBrowser, openApp, startServe, uncaughtErrors, type ServeProcess } from './support/harness';
import { layoutProblems } from './support/layout-check';

const AREA = 'wakee2e';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.e2e.localhost`;
const HOST2 = `${Math.random().toString(36).slice(2, 8)}.made.localhost`;
const HOST3 = `${Math.random().toString(36).slice(2, 8)}.edited.localhost`;
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const SIZES = [
  { label: '1280x800', width: 1280, height: 800 },
  { label: '1024x700', width: 1024, height: 700 },
  { label: '390x844', width: 390, height: 844 },
] as const;

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let app: TestContainer;
let other: TestContainer;
let otherPort: number;
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
    otherPort = await freePort();
    other = await createContainer({ area: AREA, ports: [`127.0.0.1:${otherPort}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    mkdirSync(SHOTS, { recursive: true });
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
    // The browser's own requests (the app, its favicon) are counted by Caddy (answered in the last 3 s, or in flight) at the first polls.
    await expect.poll(() => row.getByTestId('state-detail').textContent(), { timeout: 10_000 }).toMatch(/sleeps in (9m|10m)/);
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
    // The memory its container used just before it was stopped: what sleeping frees.
    await row.getByTestId('asleep').getByText(/^frees \d+(\.\d)? (KiB|MiB)$/).waitFor({ timeout: 5000 });
    expect(await row.getByTestId('state-detail').textContent()).toMatch(/^for \d+s$/);
    await row.getByRole('button', { name: 'Wake now' }).click();
    await row.and(page.locator('[data-state="awake"]')).waitFor({ timeout: 20_000 });
    expect(await running()).toBe(true);
    await waitFor('two wakes counted', async () => (await row.locator('td').nth(4).textContent()) === '2');
    expect(uncaughtErrors(page)).toEqual([]);
  });

  /** Screenshots at the three sizes, each checked for anything cut off or sticking out. */
  async function shootAll(name: string): Promise<string[]> {
    const problems: string[] = [];
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await new Promise((r) => setTimeout(r, 300));
      await page.screenshot({ path: join(SHOTS, `${size.label}-${name}.png`) });
      problems.push(...(await layoutProblems(page)).map((p) => `${size.label} ${name}: ${p}`));
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    return problems;
  }

  it('the editor says what is wrong per field, previews the Caddy route, creates, edits and removes (confirmed) a stored service', async () => {
    await page.getByRole('button', { name: 'New service' }).click();
    const editor = page.getByRole('region', { name: 'New service' });
    await editor.getByLabel('Name', { exact: true }).fill('made');
    const hosts = editor.getByLabel('Hostnames', { exact: true });
    await hosts.fill('ok.localhost, bad_host!');
    await hosts.blur();
    expect(await editor.getByTestId('error-hosts').textContent()).toBe('"bad_host!" is not a hostname (letters, digits, "-" and dots, e.g. app.localhost)');
    // A hostname another service serves: the core's preview says which one.
    await hosts.fill(HOST);
    await editor.getByLabel('Container', { exact: true }).fill(other.name);
    await editor.getByLabel('Container port', { exact: true }).fill('80');
    await editor.getByTestId('error-hosts').getByText(`${HOST} is already served by web`).waitFor({ timeout: 10_000 });
    await hosts.fill(HOST2);
    const after = editor.getByLabel('Idle after', { exact: true });
    await after.fill('5 minutes');
    await after.blur();
    expect(await editor.getByTestId('error-idleAfter').textContent()).toMatch(/is not a duration/);
    await after.fill('10m');
    await editor.getByLabel('Title', { exact: true }).fill('Made in the editor');

    // The preview: the published loopback port Caddy will dial, and the route as WakeDock sends it.
    await editor.getByTestId('preview-route').getByText(HOST2).waitFor({ timeout: 10_000 });
    expect(await editor.getByTestId('preview-upstream').textContent()).toContain(`127.0.0.1:${otherPort}`);
    const route = JSON.parse((await editor.getByTestId('preview-route').textContent()) ?? '') as { match: { host: string[] }[]; handle: { upstreams: { dial: string }[] }[] };
    expect(route.match[0]?.host).toEqual([HOST2]);
    expect(route.handle[0]?.upstreams[0]?.dial).toBe(`127.0.0.1:${otherPort}`);
    expect(await editor.getByTitle('Loading page preview').getAttribute('srcdoc')).toContain('Made in the editor');
    expect(await editor.getByRole('alert').count()).toBe(0);
    const problems = await shootAll('services-editor');

    await editor.getByRole('button', { name: 'Create service' }).click();
    await editor.waitFor({ state: 'detached' });
    const row = page.getByTestId('service-made');
    await row.and(page.locator('[data-state="sleeping"]')).waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('stored');
    // Served through WakeDock's Caddy: an API client is held while it wakes, then gets the app.
    const r = await waitFor('the new service through Caddy', async () => {
      const a = await httpTo(port, HOST2, '/', { headers: { Accept: '*/*' } });
      return a.status === 200 ? a : null;
    }, { timeoutMs: 40_000 });
    expect(r.body).toContain('wakedock test');
    await row.and(page.locator('[data-state="awake"]')).waitFor({ timeout: 20_000 });
    problems.push(...(await shootAll('services')));

    // Edit: the form opens with the service's values; a new hostname is served and linked.
    await row.getByRole('button', { name: 'Edit made' }).click();
    const edit = page.getByRole('region', { name: 'Edit made' });
    expect(await edit.getByLabel('Name', { exact: true }).inputValue()).toBe('made');
    expect(await edit.getByLabel('Idle after', { exact: true }).inputValue()).toBe('10m');
    await edit.getByLabel('Hostnames', { exact: true }).fill(HOST3);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await row.getByRole('link', { name: HOST3 }).waitFor({ timeout: 10_000 });
    expect(await row.getByRole('link', { name: HOST2 }).count()).toBe(0);
    await waitFor('the new hostname through Caddy', async () => (await httpTo(port, HOST3, '/')).status === 200, { timeoutMs: 20_000 });

    // Remove asks first; cancelling keeps it, confirming removes it and leaves the container alone.
    await row.getByRole('button', { name: 'Remove made' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(HOST3);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: 'Remove made' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove service' }).click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await inspectContainer(other.id))?.State.Running).toBe(true);
    expect(problems).toEqual([]);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
