// Settings → Proxy as a user sees it: `wakedock serve --wake` with the real Caddy, Chromium. The card
// shows WakeDock's own Caddy and where it serves; an admin address that is not on this machine is
// refused as the field is left, one where nothing answers is refused by the core under the field;
// switching to a "user's Caddy" started by the test says what happened and the user's route still
// answers; switching back works. Screenshots at 1280×800, 1024×700 and 390×844.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CURRENT_SCHEMA_VERSION } from '../../src-main/core/store/migrations';
import { CADDY_BIN, httpTo } from '../support/caddy';
import { REPO_ROOT, freePort, waitFor } from '../support/docker-fixtures';
import { launchBrowser, openApp, startServe, uncaughtErrors, type ServeProcess } from './support/harness';
import { layoutProblems } from './support/layout-check';

const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const SIZES = [
  { label: '1280x800', width: 1280, height: 800 },
  { label: '1024x700', width: 1024, height: 700 },
  { label: '390x844', width: 390, height: 844 },
] as const;

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let userDir: string;
let userCaddy: ChildProcess | null = null;
let adminPort: number;
let userPort: number;
let privatePort: number;

async function shootAll(name: string): Promise<string[]> {
  const problems: string[] = [];
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await new Promise((r) => setTimeout(r, 300));
    await page.getByTestId('proxy-settings').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, `${size.label}-${name}.png`) });
    problems.push(...(await layoutProblems(page)).map((p) => `${size.label} ${name}: ${p}`));
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return problems;
}

describe.skipIf(!CADDY_BIN)('Settings → Proxy (e2e): private Caddy, a bad admin address, the user\'s Caddy and back', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    userDir = mkdtempSync(join(tmpdir(), 'wd-proxy-e2e-'));
    [adminPort, userPort, privatePort] = [await freePort(), await freePort(), await freePort()];
    const userConfig = {
      admin: { listen: `127.0.0.1:${adminPort}` },
      apps: { http: { servers: { mine: { listen: [`127.0.0.1:${userPort}`], automatic_https: { disable: true }, routes: [{ handle: [{ handler: 'static_response', body: 'the user route' }] }] } } } },
    };
    writeFileSync(join(userDir, 'user.json'), JSON.stringify(userConfig));
    userCaddy = spawn(CADDY_BIN as string, ['run', '--config', join(userDir, 'user.json')], { stdio: 'ignore', env: { ...process.env, HOME: userDir, XDG_DATA_HOME: join(userDir, 'data'), XDG_CONFIG_HOME: join(userDir, 'config') } });
    await waitFor('the user\'s Caddy answers', async () => (await httpTo(userPort, 'x.localhost')).body === 'the user route', { timeoutMs: 30_000 });
    // The private Caddy on a free port (a saved setting), so --wake alone fixes no field.
    const dataDir = mkdtempSync(join(tmpdir(), 'wakedock-e2e-'));
    writeFileSync(join(dataDir, 'wakedock.json'), JSON.stringify({ schemaVersion: CURRENT_SCHEMA_VERSION, wakeProxy: { settings: { mode: 'private', listen: `127.0.0.1:${privatePort}`, https: false, httpsListen: `127.0.0.1:${await freePort()}`, acme: false }, merged: null } }));
    serve = await startServe({ dataDir, args: ['--wake'] });
    browser = await launchBrowser();
    page = await openApp(browser, serve);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (userCaddy && userCaddy.exitCode === null) {
      const gone = new Promise((r) => userCaddy?.once('exit', r));
      userCaddy.kill('SIGTERM');
      await gone;
    }
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it('shows the private Caddy, refuses bad admin addresses under the field, switches to the user\'s Caddy and back', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const card = page.getByTestId('proxy-settings');
    const now = page.getByTestId('proxy-now');
    await expect.poll(() => now.innerText(), { timeout: 30_000 }).toMatch(new RegExp(`^running\\s+WakeDock's own Caddy serving service hostnames on http://127\\.0\\.0\\.1:${privatePort}`));
    expect(await card.getByLabel('HTTP address', { exact: true }).inputValue()).toBe(`127.0.0.1:${privatePort}`);
    const problems = await shootAll('settings-proxy');

    // A bad address: refused as the field is left (not this machine), then by the core (nothing answers).
    await card.getByLabel('My Caddy, at its admin address').check();
    const admin = card.getByLabel('Admin address', { exact: true });
    await admin.fill('http://192.0.2.7:2019');
    await admin.blur();
    await expect.poll(() => page.getByTestId('proxy-error-admin').innerText()).toContain('192.0.2.7 is not this machine');
    const closed = await freePort();
    await admin.fill(`http://127.0.0.1:${closed}`);
    await card.getByTestId('proxy-apply').click();
    await expect.poll(() => page.getByTestId('proxy-error-admin').innerText(), { timeout: 20_000 }).toContain(`nothing answers at http://127.0.0.1:${closed} (connection refused)`);
    expect(await admin.getAttribute('aria-invalid')).toBe('true');
    problems.push(...(await shootAll('settings-proxy-error')));
    // Nothing changed: still the private Caddy.
    expect(await now.innerText()).toContain("WakeDock's own Caddy");

    // The user's Caddy.
    const listenPort = await freePort();
    await admin.fill(`http://127.0.0.1:${adminPort}`);
    await card.getByLabel('HTTP address', { exact: true }).fill(`127.0.0.1:${listenPort}`);
    const tlsPort = await freePort();
    await card.getByTestId('proxy-https').check();
    await card.getByLabel('HTTPS address', { exact: true }).fill(`127.0.0.1:${tlsPort}`);
    await card.getByTestId('proxy-apply').click();
    const outcome = page.getByTestId('proxy-outcome');
    await expect.poll(() => outcome.innerText(), { timeout: 30_000 }).toContain(`Switched to your Caddy at http://127.0.0.1:${adminPort}`);
    expect(await outcome.innerText()).toContain('your server (mine) was left as it was');
    expect(await outcome.getAttribute('class')).toContain('field-ok');
    await expect.poll(() => now.innerText(), { timeout: 15_000 }).toMatch(new RegExp(`^running\\s+Your Caddy at http://127\\.0\\.0\\.1:${adminPort} serving service hostnames on http://127\\.0\\.0\\.1:${listenPort} and https://127\\.0\\.0\\.1:${tlsPort}`));
    expect((await httpTo(userPort, 'x.localhost')).body).toBe('the user route');
    // WakeDock's server answers in the user's Caddy (its status route, for any name).
    await waitFor('WakeDock\'s server in the user\'s Caddy', async () => (await httpTo(listenPort, 'nobody.localhost', '/__wakedock/status')).status !== 0, { timeoutMs: 15_000 });
    problems.push(...(await shootAll('settings-proxy-external')));
    // The Services page names the user's Caddy and links back here.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Services' }).click();
    await expect.poll(() => page.getByTestId('wake-proxy-mode').innerText(), { timeout: 15_000 }).toContain(`your Caddy at http://127.0.0.1:${adminPort}`);
    await page.getByTestId('wake-proxy-mode').getByRole('link', { name: 'Proxy settings' }).click();
    await card.waitFor();

    // And back.
    await card.getByLabel("WakeDock's own Caddy").check();
    await card.getByTestId('proxy-https').uncheck();
    await card.getByLabel('HTTP address', { exact: true }).fill(`127.0.0.1:${privatePort}`);
    await card.getByTestId('proxy-apply').click();
    await expect.poll(() => outcome.innerText(), { timeout: 30_000 }).toContain("Switched to WakeDock's private Caddy");
    expect(await outcome.innerText()).toContain(`WakeDock's servers were removed from your Caddy at http://127.0.0.1:${adminPort}`);
    await expect.poll(() => now.innerText(), { timeout: 30_000 }).toMatch(/^running\s+WakeDock's own Caddy/);
    expect((await httpTo(userPort, 'x.localhost')).body).toBe('the user route');
    expect(problems).toEqual([]);
    expect(uncaughtErrors(page)).toEqual([]);
  }, 180_000);
});
