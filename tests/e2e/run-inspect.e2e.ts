// Run form, inspect tab and recreate, in Chromium against `wakedock serve` and the real engine.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_IMAGE, cleanupTestContainers, docker, ensureTestImage, freePort, inspectContainer, uniqueName, waitFor } from '../support/docker-fixtures';
import { haveRegistry, startRegistryWithImage, type TestRegistry } from '../support/registry';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2erun';
const PREFIX = `wdtest-${AREA}-`;
const SECRET = 'hunter2-secret';
let page: Page;
let app: App;

/** The fields of the engine's inspect these tests read. */
interface FullInspect {
  Id: string;
  State: { Running: boolean };
  Config: { Env: string[]; Labels: Record<string, string> };
  HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]>; NanoCpus: number; Memory: number; PidsLimit: number; RestartPolicy: { Name: string; MaximumRetryCount: number } };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

/** Full inspect JSON. */
async function inspectFull(ref: string): Promise<FullInspect> {
  return (JSON.parse(await docker(['container', 'inspect', ref])) as FullInspect[])[0]!;
}

async function httpGet(port: number): Promise<string> {
  return waitFor(`http://127.0.0.1:${port} to answer`, async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    return res.ok ? await res.text() : undefined;
  });
}

async function openRunForm(): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Containers' }).click();
  await page.getByRole('button', { name: 'Run a container' }).click();
  await page.getByRole('form', { name: 'Run a container' }).waitFor();
}

/** Index (1-based) of the env row whose name input holds `name`. */
async function envRow(name: string): Promise<number> {
  return waitFor(`an env row named ${name}`, async () => {
    for (let i = 1; i <= 50; i++) {
      const input = page.getByLabel(`Variable ${i} name`, { exact: true });
      if ((await input.count()) === 0) return undefined;
      if ((await input.inputValue()) === name) return i;
    }
    return undefined;
  });
}

const name = uniqueName(AREA);
let port = 0;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

describe('run form, inspect and recreate (e2e)', () => {
  it('shows a field error for a bad port and creates nothing', async () => {
    await openRunForm();
    const bad = uniqueName(AREA);
    await page.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await page.getByLabel('Name', { exact: true }).fill(bad);
    await page.getByRole('button', { name: 'Add port' }).click();
    await page.getByLabel('Port 1', { exact: true }).fill('8080:99999');
    await page.getByRole('button', { name: 'Create and start' }).click();
    await expect.poll(() => page.getByLabel('Port 1', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringContaining('the container port "99999" must be a number from 1 to 65535'));
    // A bad memory size gets its own message too.
    await page.getByLabel('Memory', { exact: true }).fill('lots');
    await expect.poll(() => page.getByRole('alert').allInnerTexts()).toContainEqual('memory must be a size such as 512m or 1g');
    expect(await inspectContainer(bad)).toBeNull();
  });

  it('answers a port conflict under the port field before creating', async () => {
    const taken = await freePort();
    const srv: Server = createServer();
    await new Promise<void>((ok) => srv.listen(taken, '127.0.0.1', ok));
    try {
      await openRunForm();
      const c = uniqueName(AREA);
      await page.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
      await page.getByLabel('Name', { exact: true }).fill(c);
      await page.getByRole('button', { name: 'Add port' }).click();
      await page.getByLabel('Port 1', { exact: true }).fill(`${taken}:80`);
      await page.getByRole('button', { name: 'Add label' }).click();
      await page.getByLabel('Label 1', { exact: true }).fill('wakedock.test=1');
      await page.getByRole('button', { name: 'Create and start' }).click();
      await expect.poll(() => page.getByRole('alert').allInnerTexts()).toContainEqual(`host port ${taken}/tcp is already in use on this machine (another program listens on it)`);
      expect(await page.getByLabel('Port 1', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await inspectContainer(c)).toBeNull();
    } finally {
      await new Promise((ok) => srv.close(ok));
    }
  });

  it('runs a busybox httpd from the form whose published port answers on 127.0.0.1', async () => {
    port = await freePort();
    await openRunForm();
    await page.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Command', { exact: true }).fill(`sh -c 'mkdir -p /www && echo "greeting=$GREETING" > /www/index.html && exec httpd -f -p 80 -h /www'`);
    // One variable from pasted .env text, one typed into a row.
    await page.getByRole('button', { name: 'Import .env' }).click();
    await page.getByLabel('.env text').fill('# pasted\nexport GREETING="hello"\n');
    await page.getByRole('button', { name: 'Add these variables' }).click();
    expect(await page.getByLabel('Variable 1 name', { exact: true }).inputValue()).toBe('GREETING');
    expect(await page.getByLabel('Variable 1 value', { exact: true }).inputValue()).toBe('hello');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable 2 name', { exact: true }).fill('DB_PASSWORD');
    await page.getByLabel('Variable 2 value', { exact: true }).fill(SECRET);
    await page.getByRole('button', { name: 'Add port' }).click();
    await page.getByLabel('Port 1', { exact: true }).fill(`127.0.0.1:${port}:80`);
    await page.getByRole('button', { name: 'Add label' }).click();
    await page.getByLabel('Label 1', { exact: true }).fill('wakedock.test=1');
    await page.getByLabel('Memory', { exact: true }).fill('64m');
    // The docker run line follows the form.
    const cmd = await page.getByTestId('docker-run-command').innerText();
    expect(cmd).toContain(`--name ${name}`);
    expect(cmd).toContain(`-p 127.0.0.1:${port}:80`);
    expect(cmd).toContain(`sh -c 'mkdir -p /www && echo "greeting=$GREETING" > /www/index.html && exec httpd -f -p 80 -h /www'`);
    await page.getByRole('button', { name: 'Create and start' }).click();

    await page.waitForURL(/#\/containers\/[0-9a-f]{64}\/logs$/, { timeout: 15_000 });
    expect(await httpGet(port)).toContain('greeting=hello');
    const info = await inspectFull(name);
    expect(info.State.Running).toBe(true);
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello', `DB_PASSWORD=${SECRET}`]));
  });

  it('keeps a secret-looking env value out of the page until it is revealed', async () => {
    await page.getByRole('tab', { name: 'Inspect' }).click();
    await page.getByRole('table', { name: 'Environment variables' }).waitFor();
    expect(await page.getByRole('table', { name: 'Environment variables' }).innerText()).toContain('GREETING');
    expect(await page.content()).not.toContain(SECRET);
    await page.getByRole('button', { name: 'Reveal DB_PASSWORD' }).click();
    await expect.poll(() => page.content()).toContain(SECRET);
    await page.getByRole('button', { name: 'Hide DB_PASSWORD' }).click();
    await expect.poll(() => page.content()).not.toContain(SECRET);
  });

  it('recreates with a changed env var, keeping the name and the hidden secret', async () => {
    const oldId = (await inspectFull(name)).Id;
    await page.getByRole('button', { name: 'Recreate with changes' }).click();
    await page.getByRole('form', { name: `Recreate ${name}` }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(name);
    expect(await page.getByLabel('Port 1', { exact: true }).inputValue()).toBe(`127.0.0.1:${port}:80`);
    // The secret is kept without its value ever reaching the page.
    await page.getByRole('button', { name: 'Replace the value of DB_PASSWORD' }).waitFor();
    expect(await page.content()).not.toContain(SECRET);
    // The preview shows a visible placeholder for it, not a bare `-e DB_PASSWORD` that a shell
    // would fill from the user's own environment.
    const preview = await page.getByTestId('docker-run-command').innerText();
    expect(preview).toContain(`-e 'DB_PASSWORD=<hidden: kept from the old container>'`);
    expect(preview).not.toMatch(/-e DB_PASSWORD(\s|$)/);
    const i = await envRow('GREETING');
    await page.getByLabel(`Variable ${i} value`, { exact: true }).fill('bonjour');
    await page.getByRole('button', { name: 'Recreate', exact: true }).click();

    await page.waitForURL(/#\/containers\/[0-9a-f]{64}\/logs$/, { timeout: 20_000 });
    expect(await httpGet(port)).toContain('greeting=bonjour');
    const info = await inspectFull(name);
    expect(info.Id).not.toBe(oldId);
    expect(info.Config.Env).toEqual(expect.arrayContaining(['GREETING=bonjour', `DB_PASSWORD=${SECRET}`]));
    expect(await inspectContainer(oldId)).toBeNull();
    expect(uncaughtErrors(page)).toEqual([]);
  });
});

describe.skipIf(!haveRegistry)('pull from the run form (e2e, loopback registry)', () => {
  let reg: TestRegistry | undefined;
  beforeAll(async () => {
    reg = await startRegistryWithImage();
  }, 120_000);
  afterAll(async () => {
    await reg?.stop();
  });

  it('pulls an image that is not on the host, showing progress, then offers it in the picker', async () => {
    const { ref } = reg!;
    await openRunForm();
    await page.getByLabel('Image', { exact: true }).fill(ref);
    await page.getByText('Not on this host yet: it is pulled when you create the container (or pull it now).').waitFor();
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Pull progress' }).innerText(), { timeout: 30_000 }).toBe(`Pulled ${ref}`);
    expect(await docker(['image', 'inspect', '--format', '{{index .RepoTags 0}}', ref])).toBe(ref);
    // The picker now lists it, and the hint is gone.
    await expect.poll(() => page.locator(`#run-images option[value="${ref}"]`).count()).toBe(1);
    expect(await page.getByText('Not on this host yet: it is pulled when you create the container (or pull it now).').count()).toBe(0);
  });
});
