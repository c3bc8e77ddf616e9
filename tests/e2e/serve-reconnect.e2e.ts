// The renderer's own WebSocket transport (src-renderer/src/transport/ws-transport.ts, in the built
// page, in Chromium) across a restart of `wakedock serve`: the page shows the core is gone, and when
// a new server answers on the same address the transport reconnects by itself, re-opens its
// subscriptions (the container list catches up with what changed while it was down) and calls work
// again — all without a reload.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cleanupTestContainers, createContainer, docker, ensureTestImage, freePort, inspectContainer, runContainer } from '../support/docker-fixtures';
import { launchBrowser, openApp, row, startServe, type ServeProcess } from './support/harness';

const AREA = 'e2e-wsre';
let browser: Browser;
let serve: ServeProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}` });
  dataDir = mkdtempSync(join(tmpdir(), 'wakedock-e2e-wsre-'));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}` });
});

describe('serve restart (e2e, the renderer transport)', () => {
  it('reconnects by itself, re-opens the container list and its calls work again, with no reload', async () => {
    const port = await freePort();
    const token = `e2e-wsre-${Math.random().toString(36).slice(2)}`;
    const start = (): Promise<ServeProcess> => startServe({ token, dataDir, args: ['--port', String(port)] });
    serve = await start();
    const gone = await runContainer({ area: AREA });
    const page: Page = await openApp(browser, serve);
    // Only this test's containers (the list is virtualized, and the shared engine has others').
    await page.getByLabel('Filter containers').fill(`wdtest-${AREA}-`);
    await row(page, gone.name).waitFor();
    // A reload would lose this, and a navigation would be counted.
    await page.evaluate(() => ((globalThis as unknown as { __sameDocument: number }).__sameDocument = 42));
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    await serve.stop();
    serve = undefined;
    // What the user sees while the core is away.
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('unreachable');
    expect(await page.getByTestId('connection-state').innerText()).toContain('Core disconnected');

    // The engine moves on meanwhile: one container goes, one comes.
    await docker(['rm', '-f', gone.name]);
    const came = await createContainer({ area: AREA });

    serve = await start();
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    // The list subscription was re-opened on the new socket: a fresh snapshot, not the old rows.
    await expect.poll(() => row(page, came.name).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => row(page, gone.name).count()).toBe(0);
    expect(await row(page, came.name).getAttribute('data-state')).toBe('created');

    // Live events flow again (the watch is live, not a one-off list) …
    await docker(['start', came.name]);
    await expect.poll(() => row(page, came.name).getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
    // … and calls go over the new socket: stop from the UI reaches the engine.
    await row(page, came.name).getByRole('button', { name: `Stop ${came.name}`, exact: true }).click();
    await expect.poll(async () => (await inspectContainer(came.name))?.State.Status, { timeout: 15_000 }).toBe('exited');
    await expect.poll(() => row(page, came.name).getAttribute('data-state')).toBe('exited');

    expect(navigations).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: number }).__sameDocument)).toBe(42);
  });
});
