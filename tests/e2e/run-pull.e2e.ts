// Issue 8 §6: the run form pulls an image that is not on this host as part of Run, with progress
// (a loopback registry of the test's own; never the internet).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cleanupTestContainers, docker, uniqueName } from '../support/docker-fixtures';
import { haveRegistry, startRegistryWithImage, type TestRegistry } from '../support/registry';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2erunpull';
let page: Page;
let app: App;
let reg: TestRegistry | undefined;

beforeAll(async () => {
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}-` });
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}-` });
  await reg?.stop();
});

describe('run pulls a missing image (e2e)', () => {
  it.skipIf(!haveRegistry)('Create pulls the image with progress, then creates the container', async () => {
    reg = await startRegistryWithImage(8 * 1024 * 1024);
    const name = uniqueName(AREA);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Containers' }).click();
    await page.getByRole('button', { name: 'Run a container' }).click();
    await page.getByRole('form', { name: 'Run a container' }).waitFor();
    await page.getByLabel('Image', { exact: true }).fill(reg.ref);
    await page.getByLabel('Name', { exact: true }).fill(name);
    // The registry's image is a data layer without a command: create it (not start) with one.
    await page.getByLabel('Command', { exact: true }).fill('/blob');
    await page.getByLabel('Start after creating').uncheck();
    await page.getByRole('button', { name: 'Add label' }).click();
    await page.getByLabel('Label 1', { exact: true }).fill('wakedock.test=1');
    const submit = page.getByRole('button', { name: 'Pull and create', exact: true });
    await submit.click();
    // Progress while it pulls, then the new container's page.
    await page.getByRole('status', { name: 'Pull progress' }).waitFor({ timeout: 15_000 });
    await page.waitForURL(/#\/containers\/[0-9a-f]{64}\/logs$/, { timeout: 30_000 });
    expect(await docker(['inspect', '--format', '{{.Config.Image}}', name])).toBe(reg.ref);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
