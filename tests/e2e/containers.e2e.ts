// The container list against the real engine, in Chromium, over `wakedock serve`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cleanupTestContainers, createContainer, docker, ensureTestImage, inspectContainer, runContainer, uniqueName } from '../support/docker-fixtures';
import { launchBrowser, openApp, row, startServe, uncaughtErrors, type ServeProcess } from './support/harness';

const PREFIX = 'wdtest-e2e';
let serve: ServeProcess;
let browser: Browser;
let page: Page;

const stateOf = async (name: string) => (await inspectContainer(name))?.State.Status;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  serve = await startServe();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

describe('container list (e2e)', () => {
  it('shows the containers the test created, grouped by compose project', async () => {
    const project = uniqueName('e2e-proj');
    const web = await runContainer({ area: 'e2e', labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': 'web' }, ports: ['127.0.0.1::80'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    const idle = await createContainer({ area: 'e2e' });
    page = await openApp(browser, serve);

    await expect.poll(() => row(page, web.name).count()).toBe(1);
    await expect.poll(() => row(page, idle.name).count()).toBe(1);
    expect(await row(page, web.name).getAttribute('data-state')).toBe('running');
    expect(await row(page, idle.name).getAttribute('data-state')).toBe('created');
    expect(await row(page, web.name).innerText()).toContain('wakedock-test/busybox:1');
    expect(await page.getByRole('row', { name: `Compose project ${project}` }).innerText()).toContain('1 container');

    // The published port is a link that really answers.
    const href = await row(page, web.name).getByRole('link', { name: /→80\/tcp/ }).getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(href!);
    expect(await res.text()).toContain('wakedock test');

    // Collapsing the project hides its rows.
    await page.getByRole('button', { name: `Collapse ${project}` }).click();
    await expect.poll(() => row(page, web.name).count()).toBe(0);
    await page.getByRole('button', { name: `Expand ${project}` }).click();
    await expect.poll(() => row(page, web.name).count()).toBe(1);
  });

  it('stop and start from the UI change the engine state', async () => {
    const c = await runContainer({ area: 'e2e' });
    await expect.poll(() => row(page, c.name).getAttribute('data-state')).toBe('running');

    await row(page, c.name).getByRole('button', { name: `Stop ${c.name}`, exact: true }).click();
    await expect.poll(() => stateOf(c.name), { timeout: 15_000 }).toBe('exited');
    await expect.poll(() => row(page, c.name).getAttribute('data-state')).toBe('exited');

    await row(page, c.name).getByRole('button', { name: `Start ${c.name}`, exact: true }).click();
    await expect.poll(() => stateOf(c.name), { timeout: 15_000 }).toBe('running');
    await expect.poll(() => row(page, c.name).getAttribute('data-state')).toBe('running');

    await row(page, c.name).getByRole('button', { name: `Pause ${c.name}`, exact: true }).click();
    await expect.poll(() => stateOf(c.name)).toBe('paused');
    await expect.poll(() => row(page, c.name).getAttribute('data-state')).toBe('paused');
    await row(page, c.name).getByRole('button', { name: `Unpause ${c.name}`, exact: true }).click();
    await expect.poll(() => stateOf(c.name)).toBe('running');
  });

  it('a container created by the docker CLI appears without a reload, within 2 s', async () => {
    const name = uniqueName('e2e');
    const t0 = Date.now();
    await docker(['run', '-d', '--init', '--name', name, '--label', 'wakedock.test=1', 'wakedock-test/busybox:1', 'sleep', '3600']);
    await row(page, name).waitFor({ timeout: 2_000 + (Date.now() - t0) });
    await expect.poll(() => row(page, name).getAttribute('data-state'), { timeout: 2_000 }).toBe('running');
    // And removal by the CLI makes it disappear.
    await docker(['rm', '-f', name]);
    await expect.poll(() => row(page, name).count(), { timeout: 3_000 }).toBe(0);
  });

  it('a failed action shows the engine message on that row, and nothing else breaks', async () => {
    const holder = await runContainer({ area: 'e2e', ports: ['127.0.0.1:18765:80'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    const clash = await createContainer({ area: 'e2e', ports: ['127.0.0.1:18765:80'] });
    await expect.poll(() => row(page, clash.name).count()).toBe(1);
    await row(page, clash.name).getByRole('button', { name: `Start ${clash.name}`, exact: true }).click();
    const alert = row(page, clash.name).getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Start failed:.*port is already allocated/s);
    expect(await stateOf(clash.name)).not.toBe('running');
    // Other rows are untouched and still act.
    expect(await row(page, holder.name).getAttribute('data-state')).toBe('running');
    expect(await row(page, holder.name).getByRole('alert').count()).toBe(0);
    await row(page, clash.name).getByRole('button', { name: `Dismiss error for ${clash.name}` }).click();
    expect(await row(page, clash.name).getByRole('alert').count()).toBe(0);
  });

  it('filters by text and by state', async () => {
    const a = await runContainer({ area: 'e2e-filter' });
    const b = await createContainer({ area: 'e2e-filter' });
    await expect.poll(() => row(page, b.name).count()).toBe(1);
    await page.getByLabel('Filter containers').fill(a.name);
    await expect.poll(() => row(page, b.name).count()).toBe(0);
    expect(await row(page, a.name).count()).toBe(1);
    await page.getByLabel('Filter containers').fill('wdtest-e2e-filter');
    await page.getByRole('radio', { name: /Stopped/ }).click();
    await expect.poll(() => row(page, a.name).count()).toBe(0);
    expect(await row(page, b.name).count()).toBe(1);
    await page.getByRole('radio', { name: /All/ }).click();
    await page.getByLabel('Filter containers').fill('');
  });

  it('rename validates the name and renames in the engine', async () => {
    const c = await createContainer({ area: 'e2e' });
    await expect.poll(() => row(page, c.name).count()).toBe(1);
    await row(page, c.name).getByRole('button', { name: `Rename ${c.name}`, exact: true }).click();
    const input = page.getByRole('dialog').getByLabel('New name');
    await input.fill('-bad name');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    expect(await page.getByRole('dialog').getByRole('alert').innerText()).toMatch(/must start with a letter or digit/);
    const newName = `${c.name}-renamed`;
    await input.fill(newName);
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    await expect.poll(async () => (await inspectContainer(newName))?.Name).toBe(`/${newName}`);
    await expect.poll(() => row(page, newName).count()).toBe(1);
  });

  it('remove asks first, and removes with the chosen options', async () => {
    const c = await runContainer({ area: 'e2e', volumes: ['/data'] });
    const info = await inspectContainer(c.name);
    const volume = info!.Mounts.find((m) => m.Destination === '/data')!.Name!;
    await expect.poll(() => row(page, c.name).count()).toBe(1);
    await row(page, c.name).getByRole('button', { name: `Remove ${c.name}`, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await inspectContainer(c.name)).not.toBeNull();

    await row(page, c.name).getByRole('button', { name: `Remove ${c.name}`, exact: true }).click();
    await dialog.getByLabel(/Force/).check();
    await dialog.getByLabel(/anonymous volumes/).check();
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => inspectContainer(c.name), { timeout: 15_000 }).toBeNull();
    await expect.poll(() => row(page, c.name).count()).toBe(0);
    expect((await docker(['volume', 'ls', '-q'])).split('\n')).not.toContain(volume);
  });

  it('remove of a running container: Force is off, and the container is stopped cleanly (SIGTERM) before it is removed', async () => {
    const c = await runContainer({ area: 'e2e' });
    await expect.poll(() => row(page, c.name).count()).toBe(1);
    const since = Math.floor(Date.now() / 1000) - 1;
    await row(page, c.name).getByRole('button', { name: `Remove ${c.name}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${c.name}?` });
    expect(await dialog.getByLabel(/Force/).isChecked()).toBe(false);
    expect(await dialog.getByTestId('remove-stops-first').innerText()).toMatch(/stopped cleanly first/);
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => inspectContainer(c.name), { timeout: 20_000 }).toBeNull();
    // The engine's own record: a SIGTERM (stop), never a SIGKILL, before the destroy.
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await docker(['events', '--since', String(since), '--until', String(until), '--filter', `container=${c.id}`, '--format', '{{.Action}} {{index .Actor.Attributes "signal"}}']);
    const lines = events.split('\n').map((l) => l.trim());
    expect(lines).toContain('kill 15');
    expect(lines).not.toContain('kill 9');
    expect(lines).toContain('destroy');
    expect(lines.indexOf('kill 15')).toBeLessThan(lines.indexOf('destroy'));
  });

  it('bulk actions act on every selected container', async () => {
    const cs = await Promise.all([1, 2, 3].map(() => runContainer({ area: 'e2e-bulk' })));
    for (const c of cs) await expect.poll(() => row(page, c.name).count()).toBe(1);
    for (const c of cs) await row(page, c.name).getByRole('checkbox', { name: `Select ${c.name}` }).check();
    await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Stop selected', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Stop', exact: true }).click();
    for (const c of cs) await expect.poll(() => stateOf(c.name), { timeout: 20_000 }).toBe('exited');
    // Only what applies to three stopped containers is offered.
    const bar = page.getByRole('toolbar', { name: 'Bulk actions' });
    await expect.poll(async () => (await bar.getByRole('button').allInnerTexts()).map((t) => t.trim())).toEqual(['Start selected', 'Restart selected', 'Remove selected', 'Clear selection']);
    await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Start selected', exact: true }).click();
    for (const c of cs) await expect.poll(() => stateOf(c.name), { timeout: 20_000 }).toBe('running');
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
