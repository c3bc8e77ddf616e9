// Issue 8 §6, keyboard and focus (WAI-ARIA patterns) in Chromium against `wakedock serve`: focus
// returns to the opener when a dialog or a row menu closes, opening a container puts focus on its
// name, tab lists and radio groups move with the arrow keys and are one Tab stop, charts are named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cleanupTestContainers, ensureTestImage, runContainer, type TestContainer } from '../support/docker-fixtures';
import { type App, row, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2ekeys';
let page: Page;
let app: App;
let c: TestContainer;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}-` });
  c = await runContainer({ area: AREA });
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}-` });
});

/** Accessible-ish description of the focused element. */
const focused = (): Promise<string> =>
  page.evaluate(`(() => { const a = document.activeElement; if (!a || a === document.body) return 'body'; return a.getAttribute('aria-label') || a.textContent.trim(); })()`) as Promise<string>;

describe('keyboard and focus (e2e)', () => {
  it('closing a dialog gives focus back to the button that opened it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Containers' }).click();
    await row(page, c.name).waitFor({ timeout: 15_000 });
    await row(page, c.name).getByRole('button', { name: `Rename ${c.name}`, exact: true }).click();
    await page.getByRole('dialog', { name: `Rename ${c.name}` }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(focused).toBe(`Rename ${c.name}`);
    // Cancel with the button, too.
    await row(page, c.name).getByRole('button', { name: `Remove ${c.name}`, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(focused).toBe(`Remove ${c.name}`);
  });

  it('the row menu opens with the keyboard, moves with the arrows and gives focus back on Esc', async () => {
    await page.setViewportSize({ width: 1100, height: 800 });
    const more = row(page, c.name).getByRole('button', { name: `More actions for ${c.name}`, exact: true });
    await more.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe(`Restart ${c.name}`);
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe(`Pause ${c.name}`);
    await page.keyboard.press('End');
    await expect.poll(focused).toBe(`Remove ${c.name}`);
    await page.keyboard.press('Escape');
    await expect.poll(focused).toBe(`More actions for ${c.name}`);
    expect(await page.getByRole('menu').count()).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('opening a container puts focus on its name; the tabs move with the arrow keys and are one Tab stop', async () => {
    await row(page, c.name).getByRole('link', { name: c.name, exact: true }).click();
    // The detail view's chunk loads on demand: give a loaded machine time, then the focus must be there.
    await expect.poll(focused, { timeout: 10_000 }).toBe(c.name);
    const tabs = page.getByRole('tablist', { name: 'Container views' });
    const tab = (n: string) => tabs.getByRole('tab', { name: n });
    await tab('Logs').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tab('Terminal').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('terminal').waitFor({ timeout: 15_000 });
    await tab('Terminal').focus();
    await page.keyboard.press('End');
    await expect.poll(() => tab('Stats').getAttribute('aria-selected')).toBe('true');
    await expect.poll(focused).toBe('Stats');
    await page.keyboard.press('Home');
    await expect.poll(() => tab('Logs').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tab('Stats').getAttribute('aria-selected')).toBe('true');
    // Roving tab stop: only the selected tab is in the Tab order.
    await expect.poll(async () => Promise.all(['Logs', 'Terminal', 'Inspect', 'Stats'].map((n) => tab(n).getAttribute('tabindex')))).toEqual(['-1', '-1', '-1', '0']);
  });

  it('the time window is a radio group on the arrow keys; charts are named focus stops', async () => {
    const group = page.getByRole('radiogroup', { name: 'Time window' });
    await group.getByRole('radio', { name: '5 min' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => group.getByRole('radio', { name: '1 hour' }).getAttribute('aria-checked')).toBe('true');
    await expect.poll(focused).toBe('1 hour');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => group.getByRole('radio', { name: '5 min' }).getAttribute('aria-checked')).toBe('true');
    // Every focusable chart surface has a name that says what it shows.
    const cpu = page.getByRole('figure', { name: 'CPU chart' }).locator('svg[tabindex="0"]');
    await expect.poll(() => cpu.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const unnamed = await page.evaluate(`[...document.querySelectorAll('svg[tabindex="0"]')].filter((s) => !s.getAttribute('aria-label')).length`);
    expect(unnamed).toBe(0);
    expect(await cpu.first().getAttribute('aria-label')).toMatch(/^CPU over the last 5 minutes/);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
