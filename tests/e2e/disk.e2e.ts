// The Disk usage page in Chromium against `wakedock serve` and the real engine: categories, largest
// items, a clean-up that lists exactly what it removes, asks, removes only the ticked items and
// reports the space freed.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cleanupTestContainers, createContainer, ensureTestImage, inspectContainer } from '../support/docker-fixtures';
import { buildUniqueImage, cleanupTestImages, imageExists } from '../support/resource-fixtures';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2edisk';
const PREFIX = `wdtest-${AREA}-`;
let page: Page;
let app: App;

beforeAll(async () => {
  await ensureTestImage();
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await cleanupTestImages(AREA);
});

describe('disk usage page (e2e)', () => {
  it('shows usage, previews a clean-up, asks, removes only the ticked items and reports the space freed', async () => {
    const dangling = await buildUniqueImage(AREA);
    const stopped = await createContainer({ area: AREA });
    const other = await createContainer({ area: AREA });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Disk usage' }).click();
    await page.getByRole('heading', { name: 'Disk usage', exact: true }).waitFor();
    const cards = page.getByRole('list', { name: 'Usage by category' });
    for (const c of ['Images', 'Containers', 'Volumes', 'Build cache']) await cards.getByRole('listitem', { name: c }).waitFor();
    await page.getByRole('table', { name: 'Largest items' }).waitFor();

    const region = page.getByRole('region', { name: 'Clean up' });
    await region.getByRole('button', { name: 'Show what would be removed' }).click();
    const listed = region.getByRole('list', { name: 'Items to remove' });
    const short = dangling.replace('sha256:', '').slice(0, 12);
    await listed.getByText(`image ${short}`).waitFor();
    await listed.getByText(`container ${stopped.name}`).waitFor();
    await listed.getByText(`container ${other.name}`).waitFor();
    // A shared engine: tick only ours, and leave `other` out too (unticked items stay).
    await region.getByRole('button', { name: 'Select none' }).click();
    await listed.getByRole('checkbox', { name: new RegExp(`^image ${short}`) }).check();
    await listed.getByRole('checkbox', { name: new RegExp(`^container ${stopped.name}`) }).check();
    await region.getByRole('button', { name: 'Remove 2 items…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove 2 items?' });
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await region.getByRole('status', { name: 'Clean-up result' }).getByText(/Removed 2 items, freed/).waitFor();
    expect(await imageExists(dangling)).toBe(false);
    expect(await inspectContainer(stopped.id)).toBeNull();
    expect(await inspectContainer(other.id)).not.toBeNull();
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('fits at 1280×800, 1024×700 and 390×844 (screenshots)', async () => {
    mkdirSync('/tmp/wakedock-shots', { recursive: true });
    for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.getByRole('heading', { name: 'Disk usage', exact: true }).waitFor();
      await page.screenshot({ path: `/tmp/wakedock-shots/disk-${w}x${h}.png` });
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
