// Build from a folder in Chromium against `wakedock serve` and the real engine: the Build dialog
// checks its fields as you type, streams the engine's log, names the image; the image (without the
// file .dockerignore excludes) appears in the list; the log is kept after closing the dialog; a
// Dockerfile error shows the engine's words in the dialog; Cancel stops the engine's build; the
// dialog at 1280×800, 1024×700 and 390×844 (screenshots, no page-level horizontal scroll). The
// built image is saved to a tar file and loaded back through the Save / load dialog.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { docker, ensureTestImage, TEST_IMAGE, waitFor } from '../support/docker-fixtures';
import { cleanupTestImages, imageExists } from '../support/resource-fixtures';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2ebuild';
const PREFIX = `wdtest-${AREA}-`;
let page: Page;
let app: App;
const dirs: string[] = [];
let builtTag = '';

function folder(files: Record<string, string | Buffer>): string {
  const d = mkdtempSync(join(tmpdir(), `${PREFIX}ctx-`));
  dirs.push(d);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(d, name), body);
  return d;
}

const dialog = () => page.getByRole('dialog', { name: 'Build an image' });

async function openBuild(): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Images' }).click();
  await page.getByRole('heading', { name: 'Images', exact: true }).waitFor();
  await page.getByRole('button', { name: /^Build/ }).click();
  await dialog().waitFor();
}

async function newBuild(): Promise<void> {
  const again = dialog().getByRole('button', { name: 'New build' });
  if (await again.isVisible()) await again.click();
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestImages(AREA);
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await cleanupTestImages(AREA);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('build an image (e2e)', () => {
  it('builds a folder with its .dockerignore, streams the log, and lists the tagged image', async () => {
    const tag = `${PREFIX}app:${randomBytes(3).toString('hex')}`;
    builtTag = tag;
    const ctx = folder({
      Dockerfile: `FROM ${TEST_IMAGE}\nLABEL wdtest.res=${AREA}\nARG NOTE=none\nCOPY . /ctx/\nRUN echo "$NOTE" > /note\n`,
      '.dockerignore': 'secret.txt\n',
      'app.txt': 'app\n',
      'secret.txt': 'do not send\n',
    });
    await openBuild();
    const dlg = dialog();
    await dlg.getByLabel(/^Folder/).fill('relative/path');
    await dlg.getByText('give the folder as an absolute path').waitFor();
    expect(await dlg.getByRole('button', { name: 'Build', exact: true }).isDisabled()).toBe(true);
    await dlg.getByLabel(/^Folder/).fill(ctx);
    await dlg.getByLabel(/^Tags/).fill('Bad:Tag!');
    await dlg.getByText(/^Bad:Tag!: /).waitFor();
    await dlg.getByLabel(/^Tags/).fill(tag);
    await dlg.getByLabel(/^Build arguments/).fill('1X=y');
    await dlg.getByText(/Build arguments, line 1/).waitFor();
    await dlg.getByLabel(/^Build arguments/).fill('NOTE=from the dialog');
    await dlg.getByRole('button', { name: 'Build', exact: true }).click();

    await dlg.getByRole('status', { name: 'Build status' }).getByText(`as ${tag}`).waitFor({ timeout: 120_000 });
    const log = dlg.getByLabel('Build log');
    expect(await log.innerText()).toMatch(/Step 1\/\d+ : FROM/);
    expect(await log.innerText()).toMatch(/Successfully tagged/);
    expect(await docker(['run', '--rm', tag, 'sh', '-c', 'ls /ctx; cat /note'])).toBe('Dockerfile\napp.txt\nfrom the dialog');

    // The log is kept: close, reopen, still there.
    await dlg.getByRole('button', { name: 'Close' }).click();
    await page.getByLabel('Filter images').fill(tag);
    await page.getByRole('table', { name: 'Images list' }).getByRole('row', { name: tag, exact: true }).waitFor();
    await page.getByRole('button', { name: /^Build/ }).click();
    expect(await dialog().getByLabel('Build log').innerText()).toMatch(/Successfully tagged/);
    await page.getByLabel('Filter images').fill('');
  });

  it("shows the engine's words for a Dockerfile error in the dialog", async () => {
    const ctx = folder({ Dockerfile: `FROM ${TEST_IMAGE}\nCOPYY x /x\n` });
    await newBuild();
    const dlg = dialog();
    await dlg.getByLabel(/^Folder/).fill(ctx);
    await dlg.getByLabel(/^Tags/).fill('');
    await dlg.getByRole('button', { name: 'Build', exact: true }).click();
    await dlg.getByRole('status', { name: 'Build status' }).getByText('Failed').waitFor({ timeout: 60_000 });
    await dlg.getByText(/unknown instruction: COPYY/i).first().waitFor();
  });

  it('cancels a build: the engine stops it', async () => {
    const marker = `${PREFIX}${randomBytes(4).toString('hex')}`;
    const ctx = folder({ Dockerfile: `FROM ${TEST_IMAGE}\nLABEL wdtest.res=${AREA}\nRUN sleep 120 && echo ${marker}\n` });
    await newBuild();
    const dlg = dialog();
    await dlg.getByLabel(/^Folder/).fill(ctx);
    await dlg.getByRole('button', { name: 'Build', exact: true }).click();
    const running = async (): Promise<boolean> => (await docker(['ps', '-a', '--no-trunc', '--format', '{{.Command}}'])).includes(marker);
    await waitFor('the RUN step to start', running, { timeoutMs: 60_000 });
    await dlg.getByText(/Running in/).waitFor();
    await dlg.getByRole('button', { name: 'Cancel build' }).click();
    await dlg.getByRole('status', { name: 'Build status' }).getByText('Cancelled').waitFor();
    await waitFor('the build container to go', async () => !(await running()), { timeoutMs: 60_000 });
  });

  it('saves the built image to a tar file and loads it back', async () => {
    await dialog().getByRole('button', { name: 'Close' }).click();
    const out = mkdtempSync(join(tmpdir(), `${PREFIX}tar-`));
    dirs.push(out);
    const file = join(out, 'app.tar');
    await page.getByRole('button', { name: 'Save / load…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Save or load images' });
    await dlg.getByRole('radio', { name: 'Save to a file' }).click();
    await dlg.getByLabel(/^Images/).fill(builtTag);
    await dlg.getByLabel(/^File to write/).fill('rel.tar');
    await dlg.getByText('give an absolute path').waitFor();
    await dlg.getByLabel(/^File to write/).fill(file);
    await dlg.getByRole('button', { name: 'Save', exact: true }).click();
    await dlg.getByRole('status', { name: 'Archive result' }).getByText(`to ${file}`).waitFor({ timeout: 120_000 });
    expect(existsSync(file)).toBe(true);

    await docker(['rmi', builtTag]);
    await dlg.getByRole('radio', { name: 'Load from a file' }).click();
    await dlg.getByLabel(/^File to read/).fill(file);
    await dlg.getByRole('button', { name: 'Load', exact: true }).click();
    await dlg.getByRole('status', { name: 'Archive result' }).getByText(`Loaded ${builtTag}`).waitFor({ timeout: 120_000 });
    expect(await imageExists(builtTag)).toBe(true);
    await page.screenshot({ path: '/tmp/wakedock-shots/image-archive-1280x800.png' });
    await dlg.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: /^Build/ }).click();
  });

  it('fits at 1280×800, 1024×700 and 390×844 (screenshots)', async () => {
    mkdirSync('/tmp/wakedock-shots', { recursive: true });
    for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await dialog().waitFor();
      await page.screenshot({ path: `/tmp/wakedock-shots/image-build-${w}x${h}.png` });
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    }
    await dialog().getByRole('button', { name: 'New build' }).click();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `/tmp/wakedock-shots/image-build-form-390x844.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `/tmp/wakedock-shots/image-build-form-1280x800.png` });
    expect(uncaughtErrors(page)).toEqual([]);
    expect(await imageExists(`${PREFIX}nothing`)).toBe(false);
  });
});
