// The Projects page in Chromium against `wakedock serve`, the real engine and the real compose CLI:
// a project made outside appears with its services and compose file; stop one service, start the
// project, a broken compose file's `up` shows the CLI's own error under the project with nothing
// changed, Down asks (volumes optional) and removes containers and volume; Logs opens the merged
// logs; screenshots at 1280×800, 1024×700 and 390×844 with no page-level horizontal scroll.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { docker, dockerRaw, ensureTestImage, uniqueName, volumeExists, waitFor } from '../support/docker-fixtures';
import { cleanupComposeProjects, composeCli, composeDir, composeYaml } from '../support/compose-fixtures';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2ecmp';
const PREFIX = `wdtest-${AREA}-`;
let page: Page;
let app: App;
const dirs: { remove(): void }[] = [];

const card = (name: string) => page.getByRole('article', { name: `Project ${name}` });
const stateOf = async (id: string): Promise<string> => (await docker(['inspect', '--format', '{{.State.Status}}', id])).trim();
const containerOf = async (project: string, service: string): Promise<string> => (await docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`])).trim();

async function openProjects(): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Projects' }).click();
  await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor();
}

async function makeProject(): Promise<{ name: string; dir: string; file: string }> {
  const name = uniqueName(AREA);
  const d = composeDir(composeYaml(['web', 'worker'], { volume: true }));
  dirs.push(d);
  await composeCli(['-p', name, 'up', '-d'], d.dir);
  return { name, dir: d.dir, file: d.file };
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupComposeProjects(PREFIX);
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await cleanupComposeProjects(PREFIX);
  for (const d of dirs) d.remove();
});

describe('projects page (e2e)', () => {
  it('shows a project made outside, stops a service, starts the project, shows a broken file\'s error, and takes it down with its volume', { timeout: 240_000 }, async () => {
    const p = await makeProject();
    await openProjects();
    await page.getByTestId('compose-cli').getByText(/docker(-| )compose/).waitFor();
    await page.getByLabel('Filter projects').fill(p.name);
    const c = card(p.name);
    await c.getByText('all 2 running').waitFor();
    await c.getByText(p.file).waitFor();
    const services = c.getByRole('table', { name: `Services of ${p.name}` });
    expect(await services.getByRole('row').count()).toBe(3);
    const worker = await containerOf(p.name, 'worker');
    const web = await containerOf(p.name, 'web');

    await c.getByRole('button', { name: 'Stop service worker' }).click();
    await c.getByRole('status', { name: `stop worker of ${p.name}` }).getByText('done').waitFor({ timeout: 60_000 });
    expect(await stateOf(worker)).toBe('exited');
    expect(await stateOf(web)).toBe('running');
    await c.getByText('1 of 2 running').waitFor();
    expect(await c.getByRole('log', { name: `Output of ${p.name}` }).innerText()).toContain('stop worker');

    await c.getByRole('group', { name: `Actions on ${p.name}` }).getByRole('button', { name: 'Start', exact: true }).click();
    await c.getByRole('status', { name: `start of ${p.name}` }).getByText('done').waitFor({ timeout: 60_000 });
    await c.getByText('all 2 running').waitFor();
    expect(await stateOf(worker)).toBe('running');

    // A YAML error: the CLI's own words under the project; the containers are untouched.
    writeFileSync(p.file, 'services:\n  web:\n    image: [unclosed\n');
    await c.getByRole('button', { name: 'Up', exact: true }).click();
    const alert = c.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.innerText()).toMatch(/up failed \(exit \d+\)/);
    expect(await c.getByRole('log', { name: `Output of ${p.name}` }).innerText()).toMatch(/yaml|while parsing|expected/i);
    expect(await stateOf(web)).toBe('running');
    expect(await stateOf(worker)).toBe('running');

    writeFileSync(p.file, composeYaml(['web', 'worker'], { volume: true }));
    // Up… with its options: build first (the command line says --build); the project runs after it.
    await c.getByRole('button', { name: 'Up…' }).click();
    const up = page.getByRole('dialog', { name: `Up ${p.name}` });
    await up.getByLabel(/Build images first/).check();
    await up.getByRole('button', { name: 'Up', exact: true }).click();
    await c.getByRole('status', { name: `up --build of ${p.name}` }).getByText('done').waitFor({ timeout: 120_000 });
    expect(await c.getByRole('log', { name: `Output of ${p.name}` }).innerText()).toMatch(/\$ .* up -d --build/);
    await c.getByText('all 2 running').waitFor({ timeout: 30_000 });

    // Down asks first; with volumes ticked the named volume goes too.
    await c.getByRole('button', { name: 'Down…' }).click();
    const dlg = page.getByRole('dialog', { name: `Take ${p.name} down?` });
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    expect(await stateOf(web)).toBe('running');
    await c.getByRole('button', { name: 'Down…' }).click();
    await dlg.getByLabel(/Also remove the project’s volumes/).check();
    await dlg.getByRole('button', { name: 'Down', exact: true }).click();
    await waitFor('the project to leave the page', async () => (await card(p.name).count()) === 0, { timeoutMs: 60_000 });
    expect((await dockerRaw(['inspect', web])).code).not.toBe(0);
    // The card goes with the containers; compose removes the network and the volume after them.
    await waitFor('down -v to remove the named volume', async () => !(await volumeExists(`${p.name}_data`)), { timeoutMs: 30_000 });
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('opens the merged logs of a project, and fits at 1280×800, 1024×700 and 390×844 (screenshots)', { timeout: 120_000 }, async () => {
    const p = await makeProject();
    await openProjects();
    await page.getByLabel('Filter projects').fill(p.name);
    const c = card(p.name);
    await c.getByText('all 2 running').waitFor();
    await c.getByRole('button', { name: 'Restart service web' }).click();
    await c.getByRole('status', { name: `restart web of ${p.name}` }).getByText('done').waitFor({ timeout: 60_000 });
    mkdirSync('/tmp/wakedock-shots', { recursive: true });
    for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor();
      // Narrow: the sidebar slides away into a drawer (a short transition); shoot the page after it.
      if (w < 700) await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'hidden' });
      await page.screenshot({ path: `/tmp/wakedock-shots/projects-${w}x${h}.png` });
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await c.getByRole('button', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: p.name, exact: true }).waitFor();
    expect(page.url()).toContain(`#/projects/${p.name}/logs`);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
