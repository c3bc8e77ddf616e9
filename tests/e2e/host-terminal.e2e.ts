// The host terminal in serve mode: absent by default (no sidebar entry, the core refuses), present
// with --enable-host-terminal (a warning is printed, a shell on this machine works from the UI).
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, startServe, type ServeProcess } from './support/harness';

let browser: Browser;
const serves: ServeProcess[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const s of serves) await s.stop();
});

describe('host terminal (e2e)', () => {
  it('is off by default in serve mode: no sidebar entry, and the page explains how to enable it', async () => {
    const serve = await startServe();
    serves.push(serve);
    const page = await openApp(browser, serve);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect.poll(() => nav.getByRole('button', { name: 'Settings' }).count()).toBe(1);
    expect(await nav.getByRole('button', { name: 'Host terminal' }).count()).toBe(0);
    await page.evaluate("location.hash = '#/terminal'");
    await expect.poll(() => page.getByText('--enable-host-terminal').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('terminal').count()).toBe(0);
    await page.close();
  });

  it('with --enable-host-terminal: warns at start, and a shell on this machine runs from the UI', async () => {
    const serve = await startServe({ args: ['--enable-host-terminal'] });
    serves.push(serve);
    expect(serve.output()).toMatch(/--enable-host-terminal: anyone holding the token gets a shell/);
    const page = await openApp(browser, serve);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Host terminal' }).click();
    const pane = page.getByTestId('terminal');
    await expect.poll(() => pane.getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
    await pane.locator('.xterm').click();
    // The marker is computed by the shell, so only a shell that really ran prints it; the hostname
    // is this machine's (a container would have its own).
    await page.keyboard.type('echo host-$((40+2)) $(cat /proc/sys/kernel/hostname)');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await pane.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' '), { timeout: 15_000 })
      .toMatch(new RegExp(`^host-42 ${hostname()}\\s*$`, 'm'));
    // The shell does not see serve's token.
    await page.keyboard.type('echo "token=[${WAKEDOCK_TOKEN}]"');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await pane.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ')).toMatch(/^token=\[\]\s*$/m);
    await page.close();
  });
});
