// Registry login, push and pull in Chromium against `wakedock serve`, the real engine and a loopback
// docker-registry that asks for a login (htpasswd): a wrong password is refused under its field, a
// push without a login fails in the dialog with the engine's words, after logging in the push shows
// its progress and the registry has the tag, and the image removed locally is pulled back through the
// login; the password never appears on the page again. Screenshots of both dialogs at 3 sizes.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { docker, ensureTestImage } from '../support/docker-fixtures';
import { buildUniqueImage, cleanupTestImages, imageExists } from '../support/resource-fixtures';
import { haveRegistry, startAuthRegistry, type AuthRegistry } from '../support/registry';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2ereg';
let page: Page;
let app: App;
let reg: AuthRegistry;

const imageRow = (name: string) => page.getByRole('table', { name: 'Images list' }).getByRole('row', { name, exact: true });

beforeAll(async () => {
  if (!haveRegistry) return;
  await ensureTestImage();
  await cleanupTestImages(AREA);
  reg = await startAuthRegistry();
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await reg?.stop();
  await cleanupTestImages(AREA);
});

describe.skipIf(!haveRegistry)('registry login, push, pull (e2e)', () => {
  it('logs in (a wrong password refused on its field), pushes with progress, and pulls back through the login', { timeout: 240_000 }, async () => {
    const ref = `${reg.server}/wdtest/e2e:v1`;
    await buildUniqueImage(AREA, { tag: ref });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Images' }).click();
    await page.getByLabel('Filter images').fill(ref);

    // Without a login the engine refuses the push; the dialog says so.
    await imageRow(ref).getByRole('button', { name: `Push ${ref}` }).click();
    let push = page.getByRole('dialog', { name: `Push ${ref}` });
    await push.getByText('without a login').waitFor();
    await push.getByRole('button', { name: 'Push', exact: true }).click();
    expect(await push.getByRole('alert').innerText()).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
    await push.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Registries…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Registries' });
    await dlg.getByText('Not logged in to any registry').waitFor();
    await dlg.getByLabel('Registry', { exact: true }).fill('https://x');
    await dlg.getByText('a registry is a host name').waitFor();
    await dlg.getByLabel('Registry', { exact: true }).fill(reg.server);
    await dlg.getByLabel('User name').fill(reg.user);
    await dlg.getByLabel('Password or token').fill('wrong');
    await dlg.getByRole('button', { name: 'Log in' }).click();
    await dlg.getByText('The registry refused the login').waitFor();
    await dlg.getByLabel('Password or token').fill(reg.password);
    await dlg.getByRole('button', { name: 'Log in' }).click();
    await dlg.getByRole('list', { name: 'Logged-in registries' }).getByText(reg.server).waitFor();
    expect(await page.content()).not.toContain(reg.password);
    mkdirSync('/tmp/wakedock-shots', { recursive: true });
    for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      if (w < 700) await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'hidden' });
      await page.screenshot({ path: `/tmp/wakedock-shots/registries-${w}x${h}.png` });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await dlg.getByRole('button', { name: 'Close' }).click();

    await imageRow(ref).getByRole('button', { name: `Push ${ref}` }).click();
    push = page.getByRole('dialog', { name: `Push ${ref}` });
    await push.getByText('with your login').waitFor();
    await push.getByRole('button', { name: 'Push', exact: true }).click();
    await push.getByRole('status', { name: 'Push progress' }).getByText(`Pushed ${ref}`).waitFor({ timeout: 60_000 });
    for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      if (w < 700) await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'hidden' });
      await page.screenshot({ path: `/tmp/wakedock-shots/push-${w}x${h}.png` });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await push.getByRole('button', { name: 'Close' }).click();
    expect(await reg.tags('wdtest/e2e')).toEqual(['v1']);

    await docker(['rmi', ref]);
    await page.getByRole('button', { name: 'Pull an image' }).click();
    const pull = page.getByRole('dialog', { name: 'Pull an image' });
    await pull.getByLabel('Image reference').fill(ref);
    await pull.getByRole('button', { name: 'Pull', exact: true }).click();
    await pull.getByRole('status', { name: 'Pull progress' }).getByText(`Pulled ${ref}`).waitFor({ timeout: 60_000 });
    await pull.getByRole('button', { name: 'Close' }).click();
    await imageRow(ref).waitFor();
    expect(await imageExists(ref)).toBe(true);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
