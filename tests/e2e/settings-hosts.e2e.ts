// Settings → Hosts in Chromium against `wakedock serve` and a private dockerd on TCP: a bad address
// is refused next to the field, "Test connection" shows the failing step for a dead port and every
// step for the live engine, "Add host" lists it connected, rename changes the row, remove asks
// first and then the row is gone (and the file no longer has it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { disposePrivateDaemon, freePort, startPrivateEngine, type PrivateEngine } from '../support/docker-fixtures';
import { type App, type ServeProcess, startApp, uncaughtErrors } from './support/harness';

let spec: PrivateEngine;
let port: number;
let serve: ServeProcess;
let page: Page;
let app: App;

beforeAll(async () => {
  spec = await startPrivateEngine('e2ehosts', { tcp: true });
  port = spec.tcpPort!;
  ({ serve, page } = app = await startApp());
}, 180_000);

afterAll(async () => {
  await app?.close();
  if (spec) await disposePrivateDaemon(spec);
}, 120_000);

const savedHosts = (): { name: string }[] => JSON.parse(readFileSync(join(serve.dataDir, 'wakedock.json'), 'utf8')).hosts ?? [];

describe('Settings → Hosts (e2e)', () => {
  it('tests, adds, renames and removes a TCP engine', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const card = page.getByRole('region', { name: 'Hosts', exact: true });
    const rows = card.getByTestId('host-row');
    // The discovered engine is listed and cannot be removed.
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('cannot be removed');
    expect(await rows.first().getByRole('button', { name: 'Remove' }).count()).toBe(0);

    const form = page.getByRole('form', { name: 'Add a TCP engine' });
    await form.getByLabel('Name').fill('Build box');
    await form.getByLabel('Address').fill('http://127.0.0.1:2375');
    await form.getByRole('button', { name: 'Test connection' }).click();
    expect(await form.getByTestId('error-url').innerText()).toBe('use tcp://host:port (e.g. tcp://192.168.1.20:2376)');

    const dead = await freePort();
    await form.getByLabel('Address').fill(`tcp://127.0.0.1:${dead}`);
    await form.getByRole('button', { name: 'Test connection' }).click();
    const result = form.getByTestId('host-test-result');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('Failed at Connect.');
    expect(await result.locator('li[data-outcome="failed"]').innerText()).toMatch(/^Connect — failed: .*ECONNREFUSED/);
    expect(savedHosts()).toEqual([]);

    await form.getByLabel('Address').fill(`tcp://127.0.0.1:${port}`);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toMatch(/The engine answers: Docker \d/);
    expect(await result.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).toEqual(['ok', 'skipped', 'ok']);

    await form.getByRole('button', { name: 'Add host' }).click();
    await expect.poll(() => form.getByTestId('host-added').innerText()).toContain('Added Build box');
    const added = rows.filter({ hasText: 'Build box' });
    await expect.poll(() => added.getByTestId('host-state').innerText(), { timeout: 20_000 }).toMatch(/^connected · Docker \d/);
    expect(await added.getByTestId('host-url').innerText()).toBe(`tcp://127.0.0.1:${port}`);
    expect(savedHosts().map((h) => h.name)).toEqual(['Build box']);

    // The row by its host id (while renaming, the name is in an input, not the row's text).
    const row = card.locator(`[data-host-id="${await added.getAttribute('data-host-id')}"]`);
    await row.getByRole('button', { name: 'Rename' }).click();
    await row.getByLabel('New name').fill(' ');
    await row.getByRole('button', { name: 'Save name' }).click();
    expect(await row.getByRole('alert').innerText()).toBe('give the host a name');
    await row.getByLabel('New name').fill('CI engine');
    await row.getByRole('button', { name: 'Save name' }).click();
    const renamed = rows.filter({ hasText: 'CI engine' });
    await expect.poll(() => renamed.count()).toBe(1);
    expect(savedHosts().map((h) => h.name)).toEqual(['CI engine']);

    await renamed.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove CI engine?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await renamed.count()).toBe(1);
    await renamed.getByRole('button', { name: 'Remove' }).click();
    await dialog.getByRole('button', { name: 'Remove host' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    // The row goes with the registry entry; the file is written just after (atomic rename).
    await expect.poll(() => savedHosts()).toEqual([]);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
