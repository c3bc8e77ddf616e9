// Config as code on the Services page, as a user sees it: `wakedock serve --wake` with the real engine
// and Caddy, Chromium. A pasted wakedock.yml with a mistake is refused naming file, line and field; the
// fixed one creates two services (web depends on db); a picked file updates one; Download exports the
// YAML; a watched file applies its edits and a bad edit is shown in the strip while the last good
// config stays; "Wake now" on web wakes db first, db says "needed by web" and refuses to sleep.
// Screenshots of the panel and the strip at 1280×800, 1024×700 and 390×844.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CADDY_BIN } from '../support/caddy';
import { REPO_ROOT, cleanupTestContainers, createContainer, ensureTestImage, freePort, inspectContainer, type TestContainer } from '../support/docker-fixtures';
import { launchBrowser, openApp, startServe, uncaughtErrors, type ServeProcess } from './support/harness';
import { layoutProblems } from './support/layout-check';

const AREA = 'wakecfge2e';
const PREFIX = `wdtest-${AREA}-`;
const TAG = Math.random().toString(36).slice(2, 8);
const host = (n: string): string => `${n}-${TAG}.yml.localhost`;
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const SIZES = [
  { label: '1280x800', width: 1280, height: 800 },
  { label: '1024x700', width: 1024, height: 700 },
  { label: '390x844', width: 390, height: 844 },
] as const;

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let db: TestContainer;
let web: TestContainer;
let dir: string;

const yaml = (webAfter: string): string => `services:
  - name: db
    hosts: [${host('db')}]
    container: ${db.name}
    port: 80
  - name: web
    hosts: [${host('web')}]
    container: ${web.name}
    port: 80
    idle: {after: ${webAfter}}
    depends_on: [db]
`;

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

describe.skipIf(!CADDY_BIN)('Services page: wakedock.yml import, export, watch; depends_on', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    db = await createContainer({ area: AREA, ports: [`127.0.0.1:${await freePort()}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    web = await createContainer({ area: AREA, ports: [`127.0.0.1:${await freePort()}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    dir = mkdtempSync(join(tmpdir(), 'wd-wakecfg-e2e-'));
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe({ args: ['--wake', '--wake-listen', `127.0.0.1:${await freePort()}`] });
    browser = await launchBrowser();
    page = await openApp(browser, serve);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await cleanupTestContainers({ namePrefix: PREFIX });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports (refusing a bad file, naming line and field), updates from a picked file, and downloads the export', async () => {
    await page.getByRole('button', { name: 'Services' }).click();
    await page.getByTestId('wake-proxy').getByText('Caddy is running').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'wakedock.yml' }).click();
    const panel = page.getByRole('region', { name: 'Config file' });
    const text = panel.getByLabel('wakedock.yml text');

    await text.fill(yaml('10 minutes'));
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    const err = panel.getByTestId('import-error');
    await err.waitFor({ timeout: 10_000 });
    expect(await err.textContent()).toMatch(/^wakedock\.yml:10: services\.1\.idle\.after: is not a duration/);
    expect(await page.getByTestId('service-web').count()).toBe(0);

    await text.fill(yaml('10m'));
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('status').getByText('Imported wakedock.yml: created db, web.').waitFor({ timeout: 10_000 });
    await page.getByTestId('service-db').and(page.locator('[data-state="sleeping"]')).waitFor({ timeout: 15_000 });
    await page.getByTestId('service-web').and(page.locator('[data-state="sleeping"]')).waitFor({ timeout: 15_000 });
    expect(await text.inputValue()).toBe('');

    // A file picked in the browser: web changes, db stays.
    await panel.locator('input[type="file"]').setInputFiles({ name: 'shop.yml', mimeType: 'application/yaml', buffer: Buffer.from(yaml('20m')) });
    await page.getByRole('status').getByText('Imported shop.yml: updated web; 1 unchanged.').waitFor({ timeout: 10_000 });

    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('wakedock.yml');
    const exported = readFileSync((await download.path()) as string, 'utf8');
    expect(exported).toContain(`- name: web`);
    expect(exported).toContain('after: 20m');
    expect(exported).toMatch(/depends_on:\n\s+- db/);
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('watches a file: an edit applies, a bad edit is shown in the strip and the last good config stays', async () => {
    const path = join(dir, 'wakedock.yml');
    const write = (t: string): void => {
      writeFileSync(`${path}.tmp`, t);
      renameSync(`${path}.tmp`, path);
    };
    write(yaml('30m'));
    const panel = page.getByRole('region', { name: 'Config file' });
    await panel.getByLabel('Path', { exact: true }).fill(path);
    await panel.getByRole('button', { name: 'Watch', exact: true }).click();
    const strip = page.getByTestId('wake-file');
    await strip.getByText(/applied .* · 2 services/).waitFor({ timeout: 10_000 });
    expect(await strip.textContent()).toContain(path);
    expect(await strip.textContent()).toContain('Watching');

    write(yaml('45 minutes'));
    await page.getByTestId('wake-file-error').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('wake-file-error').textContent()).toBe('wakedock.yml:10: services.1.idle.after: is not a duration: use a number with s, m or h (e.g. 30s, 5m, 1h30m) — the last good version stays applied');
    expect(await strip.textContent()).toContain('Watched file not applied');
    const problems = await shootAll('services-yml');

    write(yaml('40m'));
    await page.getByTestId('wake-file-error').waitFor({ state: 'detached', timeout: 10_000 });
    await panel.getByRole('button', { name: 'Stop watching' }).click();
    await strip.waitFor({ state: 'detached', timeout: 10_000 });
    await panel.getByRole('button', { name: 'Close' }).click();
    expect(problems).toEqual([]);
  });

  it('"Wake now" on web wakes db first; db is needed by web and refuses to sleep', async () => {
    const webRow = page.getByTestId('service-web');
    const dbRow = page.getByTestId('service-db');
    await webRow.getByRole('button', { name: 'Wake now' }).click();
    await webRow.and(page.locator('[data-state="awake"]')).waitFor({ timeout: 30_000 });
    await dbRow.and(page.locator('[data-state="awake"]')).waitFor({ timeout: 5_000 });
    const started = async (c: TestContainer): Promise<number> => Date.parse((await inspectContainer(c.id))?.State.StartedAt ?? '');
    expect(await started(db)).toBeLessThan(await started(web));
    expect(await dbRow.getByTestId('state-detail').textContent()).toBe('needed by web');

    await dbRow.getByRole('button', { name: 'Sleep now' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sleep now' }).click();
    await dbRow.getByRole('alert').getByText('db is needed by web, which is awake; put it to sleep first').waitFor({ timeout: 10_000 });
    expect((await inspectContainer(db.id))?.State.Running).toBe(true);
    const problems = await shootAll('services-depends');
    expect(problems).toEqual([]);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
