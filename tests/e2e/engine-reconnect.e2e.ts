// Stopping the engine shows "unreachable"; starting it again recovers without a reload.
// Uses a private dockerd (own socket, data root and bridge) so other tests keep their engine.
import { describe, expect, it } from 'vitest';
import { docker, startDockerd, stopDockerd, uniqueName } from '../support/docker-fixtures';
import { row } from './support/harness';
import { privateEngineApp } from './support/private-engine';

const app = privateEngineApp('e2e');
const { daemon } = app;

describe('engine outage (e2e)', () => {
  it('shows which engine was chosen and why', async () => {
    const { page } = app;
    expect(await page.getByTestId('endpoint').innerText()).toBe(`unix://${daemon.socket}`);
    expect(await page.locator('.host-card').innerText()).toContain('from DOCKER_HOST');
  });

  it('shows unreachable when dockerd stops and recovers by itself when it starts again', async () => {
    const { page } = app;
    const before = uniqueName('e2e-outage');
    await docker(['create', '--name', before, '--label', 'wakedock.test=1', 'wakedock-test/busybox:1', 'true'], { socket: daemon.socket });
    await row(page, before).waitFor();

    await stopDockerd(daemon);
    await page.getByTestId('engine-unreachable').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('connection-state').getAttribute('data-state')).toBe('unreachable');
    expect(await page.getByTestId('engine-unreachable').innerText()).toMatch(/Docker engine unreachable[\s\S]*(Is Docker running|Nothing is listening)/);

    await startDockerd(daemon);
    await page.getByTestId('connection-state').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('engine-unreachable').count()).toBe(0);
    await row(page, before).waitFor();

    // The events stream was resubscribed: a new container shows up live.
    const after = uniqueName('e2e-outage');
    await docker(['create', '--name', after, '--label', 'wakedock.test=1', 'wakedock-test/busybox:1', 'true'], { socket: daemon.socket });
    await row(page, after).waitFor({ timeout: 3_000 });
  });
});
