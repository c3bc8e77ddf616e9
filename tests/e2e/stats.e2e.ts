// Stats in Chromium over `wakedock serve` and the real engine: the CPU column, a chart drawn as
// SVG in the Stats tab, the dashboard's engine host from /info, and nothing streamed while hidden.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cleanupTestContainers, docker, ensureTestImage, runContainer, type TestContainer } from '../support/docker-fixtures';
import { type App, type ServeProcess, row, startApp, uncaughtErrors } from './support/harness';

const PREFIX = 'wdtest-e2estats';
let serve: ServeProcess;
let page: Page;
let app: App;
let busy: TestContainer;

/** Page script: make the document report `state` and tell the page, as minimising a window does. */
const setVisibility = (state: 'hidden' | 'visible'): string => `
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${state}' });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${state === 'hidden'} });
  document.dispatchEvent(new Event('visibilitychange'));`;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  // A small, steady load (not a full core: other suites share this machine).
  busy = await runContainer({ area: 'e2estats', cmd: ['sh', '-c', 'while :; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 0.05; done'], labels: { 'com.docker.compose.project': 'wdtest-e2estats-proj', 'com.docker.compose.service': 'busy' } });
  ({ serve, page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

describe('stats (e2e)', () => {
  it('the CPU and memory columns show numbers for a running container', async () => {
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    await expect.poll(() => row(page, busy.name).count(), { timeout: 15_000 }).toBe(1);
    const cpu = row(page, busy.name).getByTestId('cpu-cell');
    await expect.poll(async () => (await cpu.count()) > 0 && /^\d+(\.\d+)? %$/.test((await cpu.innerText()).trim()), { timeout: 15_000 }).toBe(true);
    const mem = row(page, busy.name).getByTestId('mem-cell');
    expect((await mem.innerText()).trim()).toMatch(/^\d+(\.\d+)? (B|KiB|MiB|GiB)/);
  });

  it('the CPU column sorts by the live readings (highest first on the second click)', async () => {
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    const group = page.getByRole('checkbox', { name: 'Group by compose project' }).or(page.getByLabel('Group by compose project'));
    if (await group.first().isChecked()) await group.first().uncheck();
    const header = page.getByRole('columnheader', { name: /CPU/ });
    await header.getByRole('button').click();
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    const values = async (): Promise<number[]> => (await page.getByTestId('cpu-cell').allInnerTexts()).map((t) => Number.parseFloat(t));
    await expect.poll(async () => (await values()).length, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => {
        const v = await values();
        return v.every((x, i) => i === 0 || x <= v[i - 1]! + 0.5);
      }, { timeout: 15_000 })
      .toBe(true);
    await group.first().check();
  });

  it('the Stats tab draws a chart: an SVG path with points', async () => {
    await page.goto(`${serve.origin}/#/containers/${busy.id}/stats`);
    const tab = page.getByTestId('stats-tab');
    await tab.waitFor({ timeout: 15_000 });
    const cpuChart = page.getByRole('figure', { name: 'CPU chart' });
    // A recharts area is a <path> whose "d" has one segment per point: wait for several.
    await expect
      .poll(
        async () => {
          const d = await cpuChart.locator('path.recharts-area-curve').first().getAttribute('d').catch(() => null);
          return d ? (d.match(/[LC]/g) ?? []).length : 0;
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThanOrEqual(2);
    // The window picker switches to the 1-hour history (minute resolution) without errors.
    await page.getByRole('radio', { name: '1 hour' }).click();
    await expect.poll(() => page.getByRole('radio', { name: '1 hour' }).getAttribute('aria-checked')).toBe('true');
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it("the dashboard shows the engine's CPU count from /info, totals and the compose project", async () => {
    const ncpu = (await docker(['info', '--format', '{{.NCPU}}'])).trim();
    await page.getByRole('button', { name: 'Dashboard' }).click();
    expect(page.url()).toContain('#/dashboard');
    await expect.poll(() => page.getByTestId('engine-cpus').innerText().catch(() => ''), { timeout: 15_000 }).toBe(ncpu);
    await expect.poll(() => page.getByTestId('total-cpu').innerText(), { timeout: 15_000 }).toMatch(/%/);
    const running = (await docker(['ps', '-q'])).split('\n').filter(Boolean).length;
    await expect.poll(async () => Number((await page.getByTestId('count-running').innerText()).split(' ')[0]), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(running).toBeGreaterThan(0);
    await page.getByRole('combobox', { name: 'Compose project' }).selectOption('wdtest-e2estats-proj');
    const projectCpu = page.getByRole('region', { name: 'Compose project stats' }).or(page.locator('[aria-label="Compose project stats"]')).getByRole('figure', { name: 'CPU chart' });
    await expect.poll(async () => (await projectCpu.locator('path.recharts-area-curve').count()) > 0, { timeout: 20_000 }).toBe(true);
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('the history retention is a setting that persists', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const keep = page.getByRole('combobox', { name: 'Keep 5-minute history for' });
    expect(await keep.inputValue()).toBe('7');
    await keep.selectOption('14');
    await expect.poll(async () => (await page.reload(), await page.getByRole('combobox', { name: 'Keep 5-minute history for' }).inputValue()), { timeout: 10_000 }).toBe('14');
  });

  it('nothing is streamed while the window is hidden', async () => {
    await page.goto(`${serve.origin}/#/containers/${busy.id}/stats`);
    await page.getByTestId('stats-tab').waitFor();
    const frames: number[] = [];
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.webSocketFrameReceived', (e) => {
      if (e.response.payloadData.includes('"cpuPercent"')) frames.push(Date.now());
    });
    await expect.poll(() => frames.length, { timeout: 15_000 }).toBeGreaterThan(0);
    // Hide the page the way a minimised window does.
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false }).catch(() => {});
    await page.evaluate(setVisibility('hidden'));
    await new Promise((r) => setTimeout(r, 1500)); // a batch in flight may still land
    const before = frames.length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(frames.length).toBe(before);
    await page.evaluate(setVisibility('visible'));
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThan(before);
  });
});
