// During an engine outage the list on screen is the last one seen: its actions are disabled, with
// the reason, and come back when the engine does. A private dockerd (own socket, data root, bridge)
// is stopped and started so other tests keep their engine.
import { describe, expect, it } from 'vitest';
import { docker, startDockerd, stopDockerd, uniqueName } from '../support/docker-fixtures';
import { row, uncaughtErrors } from './support/harness';
import { privateEngineApp } from './support/private-engine';

const app = privateEngineApp('e2e-outage-actions');
const { daemon } = app;

describe('actions during an engine outage (e2e)', () => {
  it('are disabled with the reason while the engine is away, and enabled again when it is back', async () => {
    const { page } = app;
    const name = uniqueName('e2e-outact');
    await docker(['create', '--name', name, '--label', 'wakedock.test=1', 'wakedock-test/busybox:1', 'sleep', '3600'], { socket: daemon.socket });
    await row(page, name).waitFor();
    const start = page.getByRole('button', { name: `Start ${name}`, exact: true });
    const remove = page.getByRole('button', { name: `Remove ${name}`, exact: true });
    expect(await start.isEnabled()).toBe(true);
    await row(page, name).getByRole('checkbox', { name: `Select ${name}` }).check();
    const bulkStart = page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Start selected', exact: true });
    expect(await bulkStart.isEnabled()).toBe(true);
    expect(await page.getByTestId('actions-blocked').count()).toBe(0);

    await stopDockerd(daemon);
    await page.getByTestId('engine-unreachable').waitFor({ timeout: 10_000 });
    // The stale row is still shown, but nothing on it can be clicked, and the page says why.
    await row(page, name).waitFor();
    await expect.poll(() => start.isDisabled()).toBe(true);
    expect(await remove.isDisabled()).toBe(true);
    expect(await bulkStart.isDisabled()).toBe(true);
    const why = /^Actions are off: the engine is unreachable .*may be out of date\.$/;
    expect(await page.getByTestId('actions-blocked').innerText()).toMatch(why);
    expect(await row(page, name).locator('fieldset.actions-set').getAttribute('title')).toMatch(why);
    await start.click({ force: true, timeout: 2_000 }).catch(() => {});
    expect(await page.locator('.row-error').count()).toBe(0); // nothing was sent to a dead engine

    await startDockerd(daemon);
    await page.getByTestId('connection-state').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
    await expect.poll(() => start.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('actions-blocked').count()).toBe(0);
    await start.click();
    await expect.poll(() => row(page, name).getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
