// Volume files and compose deploy/scale in Chromium against `wakedock serve`, the real engine and the
// real compose CLI: a volume's Files dialog browses folders and shows a text file, downloads one file
// (the bytes the volume has), backs the volume up with the file on disk afterwards and no helper
// container left; a compose project deployed from the Deploy dialog runs, a YAML error is shown with
// its line, scaled to 3 from the Scale dialog (3 containers in the engine), its file edited in the
// editor, and taken down with its volumes (the volume gone). Screenshots at 1280×800, 1024×700, 390×844.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HELPER_LABEL } from '../../src-main/core/resources/volume-helper';
import { TEST_IMAGE, TEST_LABEL, docker, ensureTestImage, uniqueName, volumeExists, waitFor } from '../support/docker-fixtures';
import { cleanupComposeProjects } from '../support/compose-fixtures';
import { cleanupVolumes } from '../support/resource-fixtures';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2evfc';
const PREFIX = `wdtest-${AREA}-`;
let page: Page;
let app: App;
let root: string;
const SHOTS = '/tmp/wakedock-shots';

async function openPage(name: 'Volumes' | 'Projects'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
}

async function shots(prefix: string, ready: () => Promise<void>): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await ready();
    await page.screenshot({ path: `${SHOTS}/${prefix}-${w}x${h}.png` });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupComposeProjects(PREFIX);
  root = mkdtempSync(join(tmpdir(), 'wdtest-e2evfc-'));
  ({ page } = app = await startApp());
}, 120_000);

afterAll(async () => {
  await app?.close();
  await cleanupComposeProjects(PREFIX);
  await cleanupVolumes(PREFIX);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('volume files (e2e)', () => {
  it('browses a volume, shows a text file, downloads a file, and backs the volume up', { timeout: 240_000 }, async () => {
    const vol = `${PREFIX}data`;
    await docker(['volume', 'create', '--label', `${TEST_LABEL}=1`, vol]);
    await docker(['run', '--rm', '--label', `${TEST_LABEL}=1`, '-v', `${vol}:/v`, TEST_IMAGE, 'sh', '-c', 'mkdir -p /v/conf/sub /v/empty && printf "port=8080\\n" > /v/conf/app.conf && head -c 4096 /dev/urandom > /v/blob.bin']);
    await openPage('Volumes');
    await page.getByLabel('Filter volumes').fill(vol);
    const row = page.getByRole('row', { name: vol });
    await row.getByRole('button', { name: 'Files' }).click();
    const dlg = page.getByRole('dialog', { name: `Files of ${vol}` });
    await waitFor('the helper image chosen', async () => (await dlg.getByLabel('Helper image').inputValue()) === TEST_IMAGE, { timeoutMs: 15_000 });
    const files = dlg.getByRole('table', { name: 'Files' });
    await files.getByRole('row', { name: 'conf' }).waitFor({ timeout: 30_000 });
    await files.getByRole('row', { name: 'blob.bin' }).getByText(/^4\.0 Ki?B$/).waitFor();
    await files.getByRole('button', { name: 'conf/' }).click();
    await files.getByRole('button', { name: 'app.conf' }).click({ timeout: 30_000 });
    await dlg.getByLabel('File text').getByText('port=8080').waitFor({ timeout: 30_000 });
    await shots('volume-files-browse', () => dlg.getByLabel('File text').waitFor());
    await dlg.getByRole('button', { name: 'Back' }).click();
    await dlg.getByRole('button', { name: vol }).click();

    // Download one file: the bytes the volume has.
    const download = page.waitForEvent('download');
    await files.getByRole('link', { name: 'Download blob.bin' }).click({ timeout: 30_000 });
    const got = readFileSync((await (await download).path())!);
    const want = await docker(['run', '--rm', '-v', `${vol}:/v:ro`, TEST_IMAGE, 'sh', '-c', 'sha256sum /v/blob.bin']);
    const { createHash } = await import('node:crypto');
    expect(`${createHash('sha256').update(got).digest('hex')}  /v/blob.bin`).toBe(want);

    // Back up: the file is there afterwards, and no helper is left.
    await dlg.getByRole('tab', { name: 'Back up' }).click();
    const target = join(root, 'vol.tar.gz');
    await dlg.getByLabel(/Save as/).fill(target);
    await dlg.getByRole('button', { name: 'Back up' }).click();
    await dlg.getByRole('status', { name: 'Backup done' }).waitFor({ timeout: 60_000 });
    expect(existsSync(target)).toBe(true);
    await shots('volume-files-backup', () => dlg.getByRole('status', { name: 'Backup done' }).waitFor());
    // A second backup to the same file is refused under the field.
    await dlg.getByRole('button', { name: 'Back up' }).click();
    await dlg.getByText(/already exists/).waitFor({ timeout: 30_000 });
    await waitFor('no helper container left', async () => (await docker(['ps', '-aq', '--filter', `label=${HELPER_LABEL}`])) === '', { timeoutMs: 30_000 });
    await dlg.getByRole('button', { name: 'Close' }).last().click();
    expect(uncaughtErrors(page)).toEqual([]);
  });
});

describe('compose deploy and scale (e2e)', () => {
  it('deploys a project from the dialog, shows a YAML error with its line, scales to 3, edits the file, and takes it down with its volume', { timeout: 300_000 }, async () => {
    const name = uniqueName(AREA);
    const dir = join(root, 'apps', name);
    // A dialog left open by a failed test above would cover the navigation.
    while (await page.getByRole('dialog').count()) await page.keyboard.press('Escape');
    await openPage('Projects');
    await page.getByRole('button', { name: 'Deploy a project…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Deploy a compose project' });
    await dlg.getByLabel(/^Folder/).fill(dir);
    await dlg.getByLabel(/^Project name/).fill(name);
    const editor = dlg.getByLabel('Compose file', { exact: true });
    await editor.fill('version: "3.7"\nservices:\n  web:\n    image: busybox\n   bad: [\n');
    await dlg.getByRole('button', { name: 'Check' }).click();
    await dlg.getByRole('alert', { name: 'Check result' }).getByText(/^Line 5:/).waitFor({ timeout: 30_000 });
    await editor.fill(`version: "3.7"\nservices:\n  web:\n    image: ${TEST_IMAGE}\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n    labels:\n      ${TEST_LABEL}: "1"\n    volumes:\n      - data:/data\nvolumes:\n  data: {}\n`);
    await shots('compose-deploy', () => dlg.waitFor());
    await dlg.getByRole('button', { name: 'Deploy' }).click();
    await dlg.getByRole('status', { name: 'Deploy result' }).waitFor({ timeout: 120_000 });
    await dlg.getByRole('log', { name: 'Deploy output' }).getByText(/up -d/).waitFor();
    const count = async (): Promise<number> => (await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${name}`])).split('\n').filter(Boolean).length;
    expect(await count()).toBe(1);
    await dlg.getByRole('button', { name: 'Close' }).last().click();

    await page.getByLabel('Filter projects').fill(name);
    const card = page.getByRole('article', { name: `Project ${name}` });
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Scale…' }).click();
    const sc = page.getByRole('dialog', { name: `Scale a service of ${name}` });
    await sc.getByLabel('Containers').fill('3');
    await sc.getByRole('button', { name: 'Scale' }).click();
    await card.getByRole('status', { name: `scale web=3 of ${name}` }).getByText('done').waitFor({ timeout: 120_000 });
    expect(await count()).toBe(3);
    await card.getByText('3/3 running').waitFor({ timeout: 30_000 });

    // The compose file in the editor; a refused edit shows the CLI's words.
    await card.getByRole('button', { name: 'Compose file…' }).click();
    const ed = page.getByRole('dialog', { name: `Compose file of ${name}` });
    const text = ed.getByLabel('Compose file text');
    await waitFor('the file text', async () => (await text.inputValue()).includes(`image: ${TEST_IMAGE}`), { timeoutMs: 15_000 });
    await text.fill('services:\n  web:\n    imag: x\n');
    await ed.getByRole('button', { name: 'Save', exact: true }).click();
    await ed.getByRole('alert', { name: 'Check result' }).getByText(/imag/).first().waitFor({ timeout: 30_000 });
    await shots('compose-edit', () => ed.waitFor());
    await ed.getByRole('button', { name: 'Close' }).last().click();
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toContain(TEST_IMAGE);

    // Down with volumes.
    await card.getByRole('button', { name: 'Down…' }).click();
    const down = page.getByRole('dialog', { name: `Take ${name} down?` });
    await down.getByLabel(/Also remove the project/).check();
    await down.getByRole('button', { name: 'Down' }).click();
    await waitFor('no container of the project', async () => (await count()) === 0, { timeoutMs: 60_000 });
    await waitFor('the volume to be removed', async () => !(await volumeExists(`${name}_data`)), { timeoutMs: 60_000 });
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
