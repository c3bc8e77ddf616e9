// A frozen engine (issue 9 §3): a PRIVATE dockerd stopped with SIGSTOP (its containers keep running)
// makes the host "not answering" in Chromium: the banner says so, the actions are disabled with the
// reason, a forced click sends nothing, and after SIGCONT the host recovers by itself with actions back
// on. Default deadlines: the watchdog pings every 10 s and gives a ping 5 s.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT, disposePrivateDaemon, ensureTestImage, inspectContainer, privateDaemon, privateDaemonDir, runContainer, startDockerd } from '../support/docker-fixtures';
import { type App, row, startApp, uncaughtErrors } from './support/harness';

const daemon = privateDaemon(privateDaemonDir('e2e-unresponsive'));
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
let page: Page;
let app: App;
let frozen = false;

const pid = (): number => Number(readFileSync(daemon.pidFile, 'utf8').trim());
function thaw(): void {
  if (frozen) process.kill(pid(), 'SIGCONT');
  frozen = false;
}

beforeAll(async () => {
  await startDockerd(daemon);
  await ensureTestImage({ socket: daemon.socket });
  ({ page } = app = await startApp({ env: { DOCKER_HOST: `unix://${daemon.socket}` } }));
});

afterAll(async () => {
  thaw();
  await app?.close();
  await disposePrivateDaemon(daemon);
});

describe('a frozen engine (e2e)', () => {
  it('shows "not answering" with actions disabled and the reason, sends nothing, and recovers by itself', async () => {
    const c = await runContainer({ area: 'e2e-unresp', socket: daemon.socket });
    await row(page, c.name).waitFor();
    const stop = page.getByRole('button', { name: `Stop ${c.name}`, exact: true });
    await expect.poll(() => stop.isEnabled()).toBe(true);

    process.kill(pid(), 'SIGSTOP');
    frozen = true;
    const banner = page.getByTestId('engine-unresponsive');
    await banner.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('connection-state').getAttribute('data-state')).toBe('unresponsive');
    expect(await banner.innerText()).toMatch(/Docker engine not answering[\s\S]*no answer to a ping[\s\S]*nothing is queued/);
    await expect.poll(() => stop.isDisabled()).toBe(true);
    expect(await page.getByTestId('actions-blocked').innerText()).toMatch(/^Actions are off: the engine is not answering/);
    await stop.click({ force: true, timeout: 2_000 }).catch(() => {});
    expect(await page.locator('.row-error').count()).toBe(0);

    mkdirSync(SHOTS, { recursive: true });
    for (const [label, width, height] of [['1280x800', 1280, 800], ['1024x700', 1024, 700], ['390x844', 390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(SHOTS, `${label}-engine-unresponsive.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    thaw();
    await page.getByTestId('connection-state').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 20_000 });
    expect(await banner.count()).toBe(0);
    await expect.poll(() => stop.isEnabled(), { timeout: 10_000 }).toBe(true);
    // The forced click during the freeze was not queued: the container is still running.
    expect((await inspectContainer(c.id, { socket: daemon.socket }))?.State.Running).toBe(true);
    await stop.click();
    await expect.poll(() => row(page, c.name).getAttribute('data-state'), { timeout: 15_000 }).not.toBe('running');
    expect(uncaughtErrors(page)).toEqual([]);
  }, 120_000);
});
