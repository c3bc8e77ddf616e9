// Several hosts in Chromium (issue 10 "Several hosts"): the local engine plus a private dockerd on
// TCP with a container of its own. The sidebar's switcher lists both with their state; All hosts
// shows both containers with their host's name; the host filter narrows to one; a Stop on the
// remote row stops the container on the remote engine (its real state); the host in the URL opens
// that host's page; with the remote engine stopped, its group shows it unreachable with the reason
// while the local rows stay live. Screenshots of the switcher and All hosts at 3 sizes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  cleanupTestContainers,
  disposePrivateDaemon,
  docker,
  ensureTestImage,
  inspectContainer,
  REPO_ROOT,
  runContainer,
  startPrivateEngine,
  stopDockerd,
  type PrivateEngine,
  type TestContainer,
} from '../support/docker-fixtures';
import { type App, startApp, uncaughtErrors } from './support/harness';
import { layoutProblems } from './support/layout-check';

const AREA = 'e2emh';
const PREFIX = `wdtest-${AREA}-`;
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const REMOTE = 'Build box';

let spec: PrivateEngine;
let port: number;
let page: Page;
let app: App;
let local: TestContainer;
let remote: TestContainer;

beforeAll(async () => {
  spec = await startPrivateEngine(AREA, { tcp: true });
  port = spec.tcpPort!;
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  local = await runContainer({ area: AREA, name: `${PREFIX}local-web` });
  remote = await runContainer({ area: AREA, name: `${PREFIX}remote-api`, socket: spec.socket });
  ({ page } = app = await startApp());
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
  if (spec) await disposePrivateDaemon(spec);
}, 120_000);

const nav = (p: Page) => p.getByRole('navigation', { name: 'Main' });
const hostRow = (p: Page, name: string) => p.getByRole('row', { name, exact: true });

async function addRemoteHost(): Promise<string> {
  await nav(page).getByRole('button', { name: 'Settings' }).click();
  const form = page.getByRole('form', { name: 'Add a TCP engine' });
  await form.getByLabel('Name').fill(REMOTE);
  await form.getByLabel('Address').fill(`tcp://127.0.0.1:${port}`);
  await form.getByRole('button', { name: 'Add host' }).click();
  const entry = nav(page).locator('[data-testid="host-entry"]', { hasText: REMOTE });
  await expect.poll(() => entry.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
  return (await entry.getAttribute('data-host'))!;
}

async function shoot(p: Page, name: string): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 300));
  await p.screenshot({ path: join(SHOTS, `${name}.png`) });
  return (await layoutProblems(p)).map((x) => `${name}: ${x}`);
}

describe('several hosts (e2e)', () => {
  it('All hosts merges both engines, filters by host, acts on the remote engine, and survives it going down', async () => {
    const remoteId = await addRemoteHost();
    const entries = nav(page).getByTestId('host-entry');
    expect(await entries.evaluateAll((els) => els.map((e) => e.textContent))).toEqual(['Local engineConnected', `${REMOTE}Connected`]);
    expect(await nav(page).getByTestId('host-entry-all').innerText()).toContain('2 connected');

    // All hosts: both containers, each with its host's name in the Host column.
    await nav(page).getByTestId('host-entry-all').click();
    expect(new URL(page.url()).hash).toBe('#/all/containers');
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill(PREFIX);
    await hostRow(page, remote.name).waitFor({ timeout: 20_000 });
    await hostRow(page, local.name).waitFor({ timeout: 20_000 });
    expect(await hostRow(page, remote.name).getByTestId('host-cell').innerText()).toBe(REMOTE);
    expect(await hostRow(page, local.name).getByTestId('host-cell').innerText()).toBe('Local engine');
    expect(await page.getByTestId('host-group').evaluateAll((els) => els.map((e) => e.getAttribute('data-host')))).toEqual(['local', remoteId]);

    // Filter by host: only the remote engine's rows.
    await page.getByLabel('Filter by host').selectOption(remoteId);
    await expect.poll(() => hostRow(page, local.name).count()).toBe(0);
    expect(await hostRow(page, remote.name).count()).toBe(1);
    await page.getByLabel('Filter by host').selectOption('');
    await hostRow(page, local.name).waitFor();

    // Screenshots of the All hosts view and the switcher at 3 sizes.
    const problems: string[] = [];
    for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      problems.push(...(await shoot(page, `${w}x${h}-all-hosts`)));
      const menu = page.getByRole('button', { name: 'Menu', exact: true });
      if (await menu.isVisible()) {
        await menu.click();
        problems.push(...(await shoot(page, `${w}x${h}-host-switcher`)));
        await page.keyboard.press('Escape');
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(problems).toEqual([]);

    // An action on the remote row changes the remote engine's real state (and only that one's).
    await hostRow(page, remote.name).getByRole('button', { name: `Stop ${remote.name}` }).click();
    await expect.poll(async () => (await inspectContainer(remote.id, { socket: spec.socket }))?.State.Running, { timeout: 30_000 }).toBe(false);
    await expect.poll(() => hostRow(page, remote.name).getAttribute('data-state'), { timeout: 20_000 }).toBe('exited');
    expect((await inspectContainer(local.id))?.State.Running).toBe(true);

    // The link of a remote row opens the container on its host (the host in the URL).
    await hostRow(page, remote.name).getByRole('link', { name: remote.name, exact: true }).click();
    expect(new URL(page.url()).hash).toBe(`#/h/${remoteId}/containers/${remote.id}/logs`);
    await page.getByRole('heading', { name: remote.name }).waitFor({ timeout: 15_000 });
    expect(await nav(page).locator('[aria-current="true"]').getAttribute('data-host')).toBe(remoteId);
    // Its per-host pages follow: the remote engine's containers only.
    await nav(page).getByRole('button', { name: 'Containers' }).click();
    expect(new URL(page.url()).hash).toBe(`#/h/${remoteId}/containers`);
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill(PREFIX);
    await page.getByRole('row', { name: remote.name, exact: true }).waitFor();
    expect(await page.getByRole('row', { name: local.name, exact: true }).count()).toBe(0);

    // The remote engine goes down: its group says unreachable with the reason; local rows stay live.
    await nav(page).getByTestId('host-entry-all').click();
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill(PREFIX);
    await hostRow(page, local.name).waitFor();
    await stopDockerd(spec);
    const group = page.locator(`[data-testid="host-group"][data-host="${remoteId}"]`);
    await expect.poll(() => group.getAttribute('data-state'), { timeout: 30_000 }).toBe('unreachable');
    expect(await group.getByTestId('host-problem').innerText()).toMatch(/^Unreachable: .+/);
    expect(await hostRow(page, remote.name).count()).toBe(0);
    expect(await nav(page).locator(`[data-host="${remoteId}"]`).getAttribute('data-state')).toBe('unreachable');
    await docker(['stop', '-t', '1', local.name]);
    await expect.poll(() => hostRow(page, local.name).getAttribute('data-state'), { timeout: 20_000 }).toBe('exited');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await shoot(page, '1280x800-all-hosts-unreachable')).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await shoot(page, '390x844-all-hosts-unreachable')).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });

    // The total dashboard: one line per host, the unreachable one with its reason.
    await nav(page).getByRole('button', { name: 'Dashboard' }).click();
    expect(new URL(page.url()).hash).toBe('#/all/dashboard');
    const line = page.locator(`[data-testid="host-line"][data-host="${remoteId}"]`);
    await expect.poll(() => line.innerText(), { timeout: 10_000 }).toContain('Unreachable');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await shoot(page, '1280x800-all-hosts-dashboard')).toEqual([]);
    expect(uncaughtErrors(page)).toEqual([]);
  }, 240_000);
});
