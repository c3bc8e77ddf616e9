// Adding an SSH host from the UI, in Chromium against `wakedock serve`, with a real OpenSSH server on
// loopback and a PRIVATE dockerd as the server's engine: the user picks the ~/.ssh/config alias, tests
// the connection, sees the server's fingerprint in OpenSSH's words, trusts it, the steps all pass, the
// host is added and connects, and its containers (the private engine's, not the local one's) are
// listed. A server whose key changed is refused with OpenSSH's warning and no way to accept it.
// Screenshots (test-results/screenshots/ssh-*.png) at 1280×800, 1024×700 and 390×844.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, cleanupTestContainers, disposePrivateDaemon, runContainer, startPrivateEngine, type PrivateEngine } from '../support/docker-fixtures';
import { makeKey, startSshd, type Sshd, type SshKey } from '../support/sshd';
import { type App, type ServeProcess, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2essh';
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const SIZES = [
  { label: '1280x800', width: 1280, height: 800 },
  { label: '1024x700', width: 1024, height: 700 },
  { label: '390x844', width: 390, height: 844 },
];

let spec: PrivateEngine;
let work: string;
let key: SshKey;
let sshd: Sshd;
let changed: Sshd;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let app: App;
let remoteBox: { name: string };
let localBox: { name: string };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wdtest-e2essh-'));
  spec = await startPrivateEngine(AREA);
  remoteBox = await runContainer({ area: AREA, socket: spec.socket });
  localBox = await runContainer({ area: AREA });
  key = await makeKey(join(work, 'keys'), 'id_ed25519');
  sshd = await startSshd(join(work, 'sshd'), { authorizedKeys: [key.pub] });
  changed = await startSshd(join(work, 'sshd-changed'), { authorizedKeys: [key.pub] });
  const home = join(work, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  writeFileSync(
    join(home, '.ssh', 'config'),
    ['Host build-box', '  HostName 127.0.0.1', `  Port ${sshd.port}`, '  User root', `  IdentityFile ${key.path}`, 'Host moved-box', '  HostName localhost', `  Port ${changed.port}`, '  User root', `  IdentityFile ${key.path}`, ''].join('\n'),
  );
  // The user knew "moved-box" under another key: the server's key has changed since.
  const other = await makeKey(join(work, 'keys'), 'old_host_key');
  writeFileSync(join(home, '.ssh', 'known_hosts'), `[localhost]:${changed.port} ${other.pub.split(' ').slice(0, 2).join(' ')}\n`);
  ({ serve, browser, page } = app = await startApp({ env: { HOME: home, SSH_AUTH_SOCK: '' } }));
  mkdirSync(SHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await app?.close();
  await sshd?.stop().catch(() => {});
  await changed?.stop().catch(() => {});
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}-` });
  if (spec) await disposePrivateDaemon(spec);
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

async function shoot(name: string, p: Page = page): Promise<void> {
  await p.screenshot({ path: join(SHOTS, `ssh-${name}.png`) });
}

async function openDialog(p: Page) {
  await p.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  await p.getByRole('button', { name: 'Add SSH host…' }).click();
  const dialog = p.getByRole('dialog', { name: 'Add an SSH host' });
  await dialog.getByLabel('Alias from ~/.ssh/config').check();
  return dialog;
}

describe('SSH hosts in Settings → Hosts (e2e)', () => {
  it('adds a host by its ~/.ssh/config alias after accepting its fingerprint; it connects and its containers are listed', async () => {
    const dialog = await openDialog(page);
    await dialog.getByLabel('Alias', { exact: true }).selectOption('build-box');
    expect(await dialog.getByTestId('alias-details').innerText()).toBe(`HostName 127.0.0.1 · User root · Port ${sshd.port} · IdentityFile ${key.path}`);
    expect(await dialog.getByLabel('Name').inputValue()).toBe('build-box');
    expect(await dialog.getByTestId('secret-storage').innerText()).toContain('readable only by your user account');
    await dialog.getByLabel('Name').fill('Build box');
    // The server's engine is the private dockerd (the machine's default socket is the local engine).
    await dialog.getByText('Docker socket on the server').click();
    await dialog.getByLabel('Socket path').fill(spec.socket);
    await dialog.getByRole('button', { name: 'Test connection' }).click();

    // The server's key is unknown: OpenSSH's question, with the fingerprint sshd's key really has.
    const keyDialog = page.getByRole('dialog', { name: 'Unknown host key' });
    await keyDialog.waitFor({ timeout: 20_000 });
    expect(await keyDialog.getByTestId('hostkey-fingerprint').innerText()).toBe(sshd.hostKey.fingerprint);
    expect(await keyDialog.locator('pre').innerText()).toBe(
      `The authenticity of host '[127.0.0.1]:${sshd.port} ([127.0.0.1]:${sshd.port})' can't be established.\nED25519 key fingerprint is ${sshd.hostKey.fingerprint}.\nThis key is not known by any other names.`,
    );
    expect(await dialog.getByTestId('ssh-test-result').locator('li[data-step="hostKey"]').getAttribute('data-outcome')).toBe('failed');
    await shoot('fingerprint-1440');
    await keyDialog.getByRole('button', { name: 'Trust this key and connect' }).click();

    // Tested again: every step passes.
    const result = dialog.getByTestId('ssh-test-result');
    await expect.poll(() => result.innerText(), { timeout: 20_000 }).toMatch(/Connected: Docker \d/);
    expect(await result.locator('li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-outcome')}`))).toEqual([
      'connect:ok',
      'hostKey:ok',
      'auth:ok',
      'socket:ok',
      'engine:ok',
    ]);
    await shoot('test-steps-1440');

    await dialog.getByRole('button', { name: 'Add host' }).click();
    await expect.poll(() => page.getByTestId('ssh-host-added').innerText()).toContain('Added Build box');
    const hostRow = page.getByRole('region', { name: 'Hosts', exact: true }).getByTestId('host-row').filter({ hasText: 'Build box' });
    await expect.poll(() => hostRow.getByTestId('host-state').innerText(), { timeout: 30_000 }).toMatch(/^connected · Docker \d/);
    const hostId = (await hostRow.getAttribute('data-host-id'))!;

    // Its containers: the private engine's.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.locator(`[data-testid="host-entry"][data-host="${hostId}"]`).click();
    await nav.getByRole('button', { name: 'Containers' }).click();
    expect(new URL(page.url()).hash).toBe(`#/h/${hostId}/containers`);
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill('wdtest-');
    await page.getByRole('row', { name: remoteBox.name, exact: true }).waitFor({ timeout: 20_000 });
    // Only the server's engine: a container of the local engine is not in this host's list.
    expect(await page.getByRole('row', { name: localBox.name, exact: true }).count()).toBe(0);

    // All hosts: the local engine's container and the server's, each with its host in the Host column.
    await nav.getByTestId('host-entry-all').click();
    expect(new URL(page.url()).hash).toBe('#/all/containers');
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill('wdtest-');
    const row = (name: string) => page.getByRole('row', { name, exact: true });
    await row(remoteBox.name).waitFor({ timeout: 20_000 });
    await row(localBox.name).waitFor({ timeout: 20_000 });
    expect(await row(remoteBox.name).getByTestId('host-cell').innerText()).toBe('Build box');
    expect(await row(localBox.name).getByTestId('host-cell').innerText()).toBe('Local engine');
    // Filter by host: only the server's rows.
    await page.getByLabel('Filter by host').selectOption(hostId);
    await expect.poll(() => row(localBox.name).count()).toBe(0);
    expect(await row(remoteBox.name).count()).toBe(1);
    await page.getByLabel('Filter by host').selectOption('');
    await row(localBox.name).waitFor();
    await shoot('all-hosts-1440');
    expect(uncaughtErrors(page)).toEqual([]);
  }, 180_000);

  it('refuses a server whose key changed, in OpenSSH’s words, with no accept button', async () => {
    await page.goto(`${serve.origin}/#/settings`);
    const dialog = await openDialog(page);
    await dialog.getByLabel('Alias', { exact: true }).selectOption('moved-box');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const warning = dialog.getByTestId('hostkey-changed');
    await warning.waitFor({ timeout: 20_000 });
    const text = await warning.innerText();
    expect(text).toContain('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');
    expect(text).toContain(`The fingerprint for the ED25519 key sent by the remote host is\n${changed.hostKey.fingerprint}.`);
    expect(await warning.getByTestId('hostkey-remove-hint').innerText()).toBe(`ssh-keygen -R "[localhost]:${changed.port}"`);
    expect(await page.getByRole('dialog', { name: 'Unknown host key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Trust/ }).count()).toBe(0);
    await shoot('changed-key-1440');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);

  it('looks finished at 1280×800, 1024×700 and 390×844 (add dialog, fingerprint dialog, test steps)', async () => {
    for (const size of SIZES) {
      const p = await browser.newPage({ viewport: { width: size.width, height: size.height } });
      try {
        await p.goto(serve.url);
        await p.getByTestId('connection-state').and(p.locator('[data-state="connected"]')).waitFor({ state: 'attached', timeout: 15_000 });
        await p.goto(`${serve.origin}/#/settings`);
        await p.getByRole('button', { name: 'Add SSH host…' }).click();
        const dialog = p.getByRole('dialog', { name: 'Add an SSH host' });
        await dialog.getByLabel('Address', { exact: true }).check();
        await dialog.getByLabel('SSH address').fill(`ssh://root@127.0.0.1:${changed.port}`);
        await dialog.getByLabel('Log in with').selectOption('key');
        await dialog.getByLabel('Private key file').fill(key.path);
        await shoot(`${size.label}-add-dialog`, p);
        // A server nobody trusted yet: the fingerprint dialog.
        await dialog.getByRole('button', { name: 'Test connection' }).click();
        const keyDialog = p.getByRole('dialog', { name: 'Unknown host key' });
        await keyDialog.waitFor({ timeout: 20_000 });
        await shoot(`${size.label}-fingerprint`, p);
        await keyDialog.getByRole('button', { name: 'Cancel' }).click();
        await dialog.getByTestId('ssh-test-result').scrollIntoViewIfNeeded();
        await shoot(`${size.label}-test-steps`, p);
        // Nothing sticks out of the dialog.
        const box = await dialog.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= size.width).toBe(true);
      } finally {
        await p.close();
      }
    }
  }, 180_000);
});
