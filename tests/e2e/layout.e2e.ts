// Issue 8 §4: every page at 1280×800 (the common laptop), 1024×700 and 390×844 (a phone), in
// Chromium against `wakedock serve` and the real engine. Each page is screenshotted
// (test-results/screenshots/<size>-<page>.png) and checked: nothing outside its container's box,
// no sideways scrolling, and every container action reachable (a visible button or an item of the
// row's menu).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cleanupTestContainers, createContainer, ensureTestImage, REPO_ROOT, runContainer, type TestContainer } from '../support/docker-fixtures';
import { launchBrowser, row, startServe, type ServeProcess } from './support/harness';
import { layoutProblems } from './support/layout-check';

const AREA = 'e2elayout';
const PREFIX = `wdtest-${AREA}-`;
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const SIZES = [
  { label: '1280x800', width: 1280, height: 800 },
  { label: '1024x700', width: 1024, height: 700 },
  { label: '390x844', width: 390, height: 844 },
] as const;
const ACTIONS = [['Start', 'Stop'], ['Restart'], ['Pause', 'Unpause'], ['Kill'], ['Rename'], ['Remove']] as const;

let serve: ServeProcess;
let browser: Browser;
let web: TestContainer;
let stopped: TestContainer;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  web = await runContainer({ area: AREA, name: `${PREFIX}web-1`, ports: ['127.0.0.1::80'], cmd: ['httpd', '-f', '-p', '80'], labels: { 'com.docker.compose.project': `${PREFIX}shop`, 'com.docker.compose.service': 'web' } });
  stopped = await createContainer({ area: AREA, name: `${PREFIX}worker-with-a-rather-long-name` });
  serve = await startServe();
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await expect.poll(() => page.getByText('Loading…', { exact: true }).count(), { timeout: 10_000 }).toBe(0);
  await new Promise((r) => setTimeout(r, 400));
}

async function openNav(page: Page): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menu', exact: true });
  if (await menu.isVisible()) {
    await menu.click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button').first().waitFor();
  }
}

async function shootAndCheck(page: Page, size: string, name: string): Promise<string[]> {
  await settle(page);
  await page.screenshot({ path: join(SHOTS, `${size}-${name}.png`) });
  return (await layoutProblems(page)).map((p) => `${size} ${name}: ${p}`);
}

/** Every action of a row, reached the way a user can: a visible button, else the row's menu. */
async function reachableActions(page: Page, name: string): Promise<string[]> {
  const r = row(page, name);
  const found: string[] = [];
  for (const group of ACTIONS) {
    for (const a of group) if (await r.getByRole('button', { name: `${a} ${name}`, exact: true }).isVisible()) found.push(a);
  }
  const more = r.getByRole('button', { name: `More actions for ${name}`, exact: true });
  if (await more.isVisible()) {
    await more.click();
    const menu = page.getByRole('menu', { name: `More actions for ${name}` });
    await menu.waitFor();
    for (const item of await menu.getByRole('menuitem').all()) found.push((await item.innerText()).trim());
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
  }
  return found;
}

describe('layout at laptop and phone sizes (e2e)', () => {
  for (const size of SIZES) {
    it(`every page at ${size.label}: nothing clipped, every action reachable`, async () => {
      const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
      const problems: string[] = [];
      try {
        await page.goto(serve.url);
        await page.getByTestId('connection-state').and(page.locator('[data-state="connected"]')).waitFor({ state: 'attached', timeout: 15_000 });

        // Every page of the sidebar (including pages other features add).
        await openNav(page);
        const labels = (await page.getByRole('navigation', { name: 'Main' }).getByRole('button').allInnerTexts()).map((t) => t.replace(/\d+\+?$/, '').trim());
        const names = await Promise.all(
          (await page.getByRole('navigation', { name: 'Main' }).getByRole('button').all()).map(async (b) => (await b.getAttribute('aria-label')) ?? (await b.getAttribute('title')) ?? ''),
        );
        const pages = labels.map((l, i) => l || names[i]!).filter(Boolean);
        expect(pages).toEqual(expect.arrayContaining(['Dashboard', 'Containers', 'Settings']));
        if (size.width < 720) await page.keyboard.press('Escape');
        for (const p of pages) {
          await openNav(page);
          await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: p }).first().click();
          problems.push(...(await shootAndCheck(page, size.label, p.toLowerCase().replace(/\s+/g, '-'))));
        }

        // The drawer itself on a phone.
        if (size.width < 720) {
          await openNav(page);
          problems.push(...(await shootAndCheck(page, size.label, 'menu-open')));
          await page.keyboard.press('Escape');
          expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Menu');
        }

        // The container list: every action of both rows reachable.
        await openNav(page);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Containers' }).click();
        // Filter first: with many containers on the engine the rows may be below the fold (virtualized).
        await page.getByRole('textbox', { name: 'Filter containers' }).or(page.getByRole('searchbox', { name: 'Filter containers' })).fill(PREFIX);
        await row(page, web.name).waitFor({ timeout: 15_000 });
        problems.push(...(await shootAndCheck(page, size.label, 'containers-filtered')));
        for (const c of [web, stopped]) {
          const reach = await reachableActions(page, c.name);
          for (const group of ACTIONS) expect(reach.some((a) => (group as readonly string[]).includes(a)), `${size.label}: ${group.join('/')} of ${c.name} reachable (found ${reach.join(', ')})`).toBe(true);
        }
        // The row menu open.
        const more = row(page, web.name).getByRole('button', { name: `More actions for ${web.name}` });
        if (await more.isVisible()) {
          await more.click();
          await page.screenshot({ path: join(SHOTS, `${size.label}-row-menu.png`) });
          await page.keyboard.press('Escape');
        }

        // The container page, each tab.
        await row(page, web.name).getByRole('link', { name: web.name, exact: true }).click();
        for (const tab of ['Logs', 'Terminal', 'Inspect', 'Stats']) {
          await page.getByRole('tab', { name: tab }).click();
          if (tab === 'Terminal') await page.getByTestId('terminal').waitFor({ timeout: 15_000 });
          problems.push(...(await shootAndCheck(page, size.label, `container-${tab.toLowerCase()}`)));
        }
        // Its actions are reachable on the page too.
        const header = page.getByRole('toolbar', { name: `Actions for ${web.name}` });
        const visible = await header.getByRole('button', { name: `Stop ${web.name}`, exact: true }).isVisible();
        expect(visible).toBe(true);

        // The run form.
        await openNav(page);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Containers' }).click();
        await page.getByRole('button', { name: 'Run a container' }).click();
        await page.getByRole('form', { name: 'Run a container' }).waitFor();
        problems.push(...(await shootAndCheck(page, size.label, 'run-form')));
      } finally {
        await page.close();
      }
      expect(problems).toEqual([]);
    });
  }
});
