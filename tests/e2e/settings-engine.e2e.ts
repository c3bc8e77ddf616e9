// Issue 8 §6: Settings with a dead engine address says what happened once, in the right colour:
// no "set in Settings — set in Settings", no version of the previous engine, no green "Now using".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type App, startApp, uncaughtErrors } from './support/harness';

let page: Page;
let app: App;

beforeAll(async () => {
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
});

describe('engine address in Settings (e2e)', () => {
  it('a dead address: unreachable in red with its reason, no stale version, no green message; auto-detect comes back green', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const dead = `unix:///tmp/wakedock-e2e-nothing-${Date.now()}.sock`;
    await page.getByLabel('Engine address override').fill(dead);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const state = page.getByTestId('engine-state');
    await expect.poll(() => state.innerText(), { timeout: 15_000 }).toMatch(/^unreachable/);
    expect(await state.getAttribute('class')).toContain('state-bad');
    expect(await state.innerText()).not.toMatch(/Docker \d/);
    const saved = page.getByTestId('engine-saved');
    await expect.poll(() => saved.getAttribute('class')).toContain('field-error');
    expect(await saved.innerText()).not.toContain('Now using');
    const because = await page.locator('dt', { hasText: 'Chosen because' }).locator('xpath=following-sibling::dd[1]').innerText();
    expect(because.trim()).toBe('set in Settings');

    await page.getByRole('button', { name: 'Use auto-detect' }).click();
    await expect.poll(() => state.innerText(), { timeout: 20_000 }).toMatch(/^connected · Docker \d/);
    await expect.poll(() => saved.getAttribute('class')).toContain('field-ok');
    expect(await saved.innerText()).toBe('Saved. Now using the detected engine.');
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
