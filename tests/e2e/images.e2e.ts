// The Images page in Chromium against `wakedock serve` and the real engine: live list (tags made
// outside show up), tag, untag, remove refused while in use (the engine's words and the container in
// the dialog, nothing changed), details, run from an image, pull with progress from a loopback
// registry, prune with its preview.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cleanupTestContainers, docker, ensureTestImage, uniqueName, waitFor } from '../support/docker-fixtures';
import { buildUniqueImage, cleanupTestImages, imageExists, imageTags } from '../support/resource-fixtures';
import { haveRegistry, startRegistryWithImage, type TestRegistry } from '../support/registry';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2eimg';
const PREFIX = `wdtest-${AREA}-`;
let page: Page;
let app: App;
let reg: TestRegistry | undefined;

const imageRow = (name: string) => page.getByRole('table', { name: 'Images list' }).getByRole('row', { name, exact: true });

async function openImages(): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Images' }).click();
  await page.getByRole('heading', { name: 'Images', exact: true }).waitFor();
}

async function filter(text: string): Promise<void> {
  await page.getByLabel('Filter images').fill(text);
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await cleanupTestImages(AREA);
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await reg?.stop();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await cleanupTestImages(AREA);
});

describe('images page (e2e)', () => {
  it('lists images live: a tag made with the docker CLI appears on the same row', async () => {
    const repo = `${PREFIX}live`;
    await buildUniqueImage(AREA, { tag: `${repo}:one` });
    await openImages();
    await filter(repo);
    const row = imageRow(`${repo}:one`);
    await row.waitFor();
    await docker(['tag', `${repo}:one`, `${repo}:two`]);
    await row.getByText(`${repo}:two`).waitFor();
    expect(await row.getByRole('cell').nth(3).innerText()).toBe('Unused');
  });

  it('tags from the dialog and untags from the chip', async () => {
    const repo = `${PREFIX}live`;
    const row = imageRow(`${repo}:one`);
    await row.getByRole('button', { name: 'Tag', exact: true }).click();
    const dlg = page.getByRole('dialog', { name: `Tag ${repo}:one` });
    await dlg.getByLabel('Tag', { exact: true }).fill('bad tag');
    await dlg.getByText('a tag may contain letters').waitFor();
    expect(await dlg.getByRole('button', { name: 'Add tag' }).isDisabled()).toBe(true);
    await dlg.getByLabel('Tag', { exact: true }).fill('three');
    await dlg.getByRole('button', { name: 'Add tag' }).click();
    await row.getByText(`${repo}:three`).waitFor();
    expect((await imageTags(`${repo}:one`)).sort()).toEqual([`${repo}:one`, `${repo}:three`, `${repo}:two`]);

    await row.getByRole('button', { name: `Remove tag ${repo}:two` }).click();
    const confirm = page.getByRole('dialog', { name: `Remove the tag ${repo}:two?` });
    await confirm.getByText('The image keeps its other names.').waitFor();
    await confirm.getByRole('button', { name: 'Remove tag' }).click();
    await waitFor('the chip to go', async () => (await row.getByText(`${repo}:two`).count()) === 0);
    expect((await imageTags(`${repo}:one`)).sort()).toEqual([`${repo}:one`, `${repo}:three`]);
  });

  it('refuses to remove an image in use: the engine message and the container in the dialog, nothing changes', async () => {
    const tag = `${PREFIX}used:1`;
    const id = await buildUniqueImage(AREA, { tag });
    const c = uniqueName(AREA);
    await docker(['create', '--name', c, '--label', 'wakedock.test=1', tag, 'sleep', '1']);
    await filter(tag);
    const row = imageRow(tag);
    await row.getByText(c).waitFor();
    await row.getByRole('button', { name: `Remove ${tag}` }).click();
    const dlg = page.getByRole('dialog', { name: `Remove the image ${tag}?` });
    await dlg.getByRole('button', { name: 'Remove image' }).click();
    const alert = dlg.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/conflict: unable to (delete|remove)/);
    expect(await alert.innerText()).toContain(c);
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    expect(await imageTags(id)).toEqual([tag]);
    await row.waitFor();
  });

  it('shows details (layers) and runs a container from an image', async () => {
    const tag = `${PREFIX}used:1`;
    const row = imageRow(tag);
    await row.getByRole('button', { name: 'Details' }).click();
    const dlg = page.getByRole('dialog', { name: tag });
    await dlg.getByRole('tab', { name: 'Layers' }).click();
    await dlg.getByRole('list', { name: 'Layers' }).getByText(/LABEL/).first().waitFor();
    await dlg.getByRole('button', { name: 'Close' }).click();
    await row.getByRole('button', { name: `Run ${tag}` }).click();
    await page.getByRole('form', { name: 'Run a container' }).waitFor();
    expect(await page.getByLabel('Image', { exact: true }).inputValue()).toBe(tag);
    await openImages();
  });

  it.skipIf(!haveRegistry)('pulls from a loopback registry with per-layer progress', async () => {
    reg = await startRegistryWithImage(24 * 1024 * 1024);
    await page.getByRole('button', { name: 'Pull an image' }).click();
    const dlg = page.getByRole('dialog', { name: 'Pull an image' });
    await dlg.getByLabel('Image reference').fill('Not A Ref');
    await dlg.getByText('not an image reference').waitFor();
    await dlg.getByLabel('Image reference').fill(reg.ref);
    await dlg.getByRole('button', { name: 'Pull', exact: true }).click();
    await dlg.getByRole('status', { name: 'Pull progress' }).getByText(`Pulled ${reg.ref}`).waitFor({ timeout: 60_000 });
    await dlg.getByRole('button', { name: 'Close' }).click();
    await filter(reg.ref);
    await imageRow(reg.ref).waitFor();
    expect(await imageExists(reg.ref)).toBe(true);
  });

  it('prunes exactly the dangling images its preview lists and reports the space freed', async () => {
    const dangling = await buildUniqueImage(AREA);
    await filter('');
    await page.getByRole('radio', { name: /Dangling/ }).click();
    await imageRow(dangling.replace('sha256:', '').slice(0, 12)).waitFor();
    await page.getByRole('button', { name: 'Prune…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Prune images' });
    const listed = dlg.getByRole('list', { name: 'Images to remove' });
    const short = dangling.replace('sha256:', '').slice(0, 12);
    await listed.getByText(short).waitFor();
    // A shared engine: keep everything but ours (what is unticked is not removed).
    await dlg.getByRole('button', { name: 'Select none' }).click();
    await listed.getByRole('checkbox', { name: new RegExp(`^${short}`) }).check();
    await dlg.getByRole('button', { name: 'Remove 1 image', exact: true }).click();
    await dlg.getByRole('status', { name: 'Prune result' }).getByText(/Removed 1 image, freed/).waitFor();
    expect(await imageExists(dangling)).toBe(false);
    await dlg.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('radio', { name: /All/ }).click();
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('fits at 1280×800, 1024×700 and 390×844 (screenshots)', async () => {
    mkdirSync('/tmp/wakedock-shots', { recursive: true });
    await filter('');
    for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.getByRole('heading', { name: 'Images', exact: true }).waitFor();
      await page.screenshot({ path: `/tmp/wakedock-shots/images-${w}x${h}.png` });
      // No horizontal scroll of the page itself.
      expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")).toBe(true);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
