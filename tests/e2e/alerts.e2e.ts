// Alerts in Chromium over `wakedock serve` and the real engine: channels with "Send test" (success
// to a local receiver, the failure to a dead port), a rule created in the editor (with its inline
// validation), the rule triggered by a real container, the alert in the alert centre with its
// delivery status, acknowledged from the UI; its resolve notices (delivered, and failed to a dead
// port) shown under each channel's fire delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cleanupTestContainers, docker, ensureTestImage, inspectContainer, runContainer, uniqueName } from '../support/docker-fixtures';
import { deadPort, startReceiver, type Receiver } from '../support/http-receiver';
import { type App, type ServeProcess, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2e-alerts';
const PREFIX = `wdtest-${AREA}-`;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let app: App;
let rx: Receiver;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  rx = await startReceiver();
  ({ serve, browser, page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await rx?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

const nav = () => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Alerts/ });
const tab = (name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) });

describe('alerts (e2e)', () => {
  it('channels: "Send test" to a local receiver shows success, to a dead port shows the failure', async () => {
    await nav().click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/alerts');
    await tab('Channels').click();

    // A URL that is not http(s) is refused inline, before anything is sent.
    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'New channel' });
    await form.getByLabel('Channel name').fill('receiver');
    await form.getByLabel('Format').selectOption('json');
    await form.getByLabel('Webhook URL').fill('ftp://127.0.0.1/hook');
    await form.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => form.getByText('the webhook URL must be an http:// or https:// address').isVisible()).toBe(true);
    expect(await form.getByLabel('Webhook URL').getAttribute('aria-invalid')).toBe('true');
    expect(rx.received).toHaveLength(0);

    await form.getByLabel('Webhook URL').fill(rx.url);
    await form.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => form.getByRole('status').innerText(), { timeout: 10_000 }).toMatch(/^Test: Delivered \(HTTP 200, 1 attempt/);
    expect(rx.received).toHaveLength(1);
    expect((rx.received[0]!.json as { alert: { ruleName: string } }).alert.ruleName).toBe('Test message');
    await form.getByRole('button', { name: 'Save channel' }).click();
    const list = page.getByRole('list', { name: 'Channels' });
    await list.getByRole('listitem', { name: 'receiver' }).waitFor();

    const port = await deadPort();
    await page.getByRole('button', { name: 'New channel' }).click();
    const form2 = page.getByRole('form', { name: 'New channel' });
    await form2.getByLabel('Channel name').fill('dead');
    await form2.getByLabel('Format').selectOption('slack');
    await form2.getByLabel('Webhook URL').fill(`http://127.0.0.1:${port}/hook`);
    await form2.getByRole('button', { name: 'Save channel' }).click();
    const dead = list.getByRole('listitem', { name: 'dead' });
    await dead.waitFor();
    await dead.getByRole('button', { name: 'Send test to dead' }).click();
    // Three attempts with backoff: the failure, with the reason, is shown on the channel.
    await expect.poll(() => dead.getByRole('alert').innerText(), { timeout: 20_000 }).toMatch(/Failed after 3 attempts: ECONNREFUSED/);
    // The working one, tested from the list, records its success too.
    await list.getByRole('listitem', { name: 'receiver' }).getByRole('button', { name: 'Send test to receiver' }).click();
    await expect.poll(() => list.getByRole('listitem', { name: 'receiver' }).getByRole('status').innerText(), { timeout: 10_000 }).toMatch(/Delivered \(HTTP 200/);
    expect(rx.received).toHaveLength(2);
  });

  it('create a rule in the editor, trigger it with a real container, see the alert and its delivery, acknowledge it', async () => {
    const name = uniqueName(AREA);
    await tab('Rules').click();
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });

    // Inline validation: a missing name and a missing container name are shown on their fields.
    await form.getByLabel('Condition').selectOption('exit');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect.poll(() => form.getByText('give the rule a name').isVisible()).toBe(true);
    await expect.poll(() => form.getByText('enter the container name').isVisible()).toBe(true);
    expect(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('list', { name: 'Rules' }).count()).toBe(0);

    await form.getByLabel('Name', { exact: true }).fill('Crash watch');
    await form.getByLabel('Container name').fill(name);
    await form.getByLabel('Cool-down (seconds)').fill('0');
    await form.getByRole('checkbox', { name: 'receiver' }).check();
    await form.getByRole('button', { name: 'Save rule' }).click();
    const rules = page.getByRole('list', { name: 'Rules' });
    await rules.getByRole('listitem', { name: 'Crash watch' }).waitFor();
    expect(await rules.getByRole('listitem', { name: 'Crash watch' }).innerText()).toContain(`container ${name}`);

    // Trigger: a container with that name exits with code 3.
    const before = rx.received.length;
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'sleep 1; exit 3'] });
    await expect.poll(async () => (await inspectContainer(name))?.State.Status, { timeout: 15_000 }).toBe('exited');

    // The sidebar badge counts it before the user even opens the centre.
    await expect.poll(() => nav().innerText(), { timeout: 15_000 }).toMatch(/Alerts\s*1/);
    await tab('Alert centre').click();
    const item = page.getByRole('list', { name: 'Alerts' }).getByRole('listitem', { name: `Crash watch: ${name}` });
    await item.waitFor({ timeout: 15_000 });
    expect(await item.innerText()).toContain(`${name} exited with code 3`);
    await expect.poll(() => item.getByRole('list', { name: 'Deliveries' }).innerText(), { timeout: 15_000 }).toBe('receiver: delivered');
    const hook = (await rx.waitFor(before + 1)).at(-1)!;
    expect((hook.json as { alert: { message: string } }).alert.message).toBe(`${name} exited with code 3`);

    await item.getByRole('button', { name: `Acknowledge Crash watch: ${name}` }).click();
    await expect.poll(() => item.innerText()).toMatch(/Acknowledged/);
    await expect.poll(() => nav().innerText()).toBe('Alerts');
    // Still open (the container has not started again), just acknowledged.
    expect(await item.getByRole('button', { name: /^Acknowledge/ }).count()).toBe(0);

    // A reload shows the same state: it lives in the core, not in the page.
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await tab('Alert centre').click();
    await expect.poll(() => page.getByRole('listitem', { name: `Crash watch: ${name}` }).innerText(), { timeout: 10_000 }).toMatch(/Acknowledged/);
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('serve mode: with notification permission granted, a fired alert shows a browser notification (once)', async () => {
    // Headless Chromium shows no real notifications: record what the page asks for instead.
    const p2 = await browser.newPage();
    await p2.addInitScript(() => {
      const shown: { title: string; body?: string }[] = [];
      (globalThis as unknown as { __shown: typeof shown }).__shown = shown;
      class RecordingNotification {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        constructor(title: string, opts?: { body?: string }) {
          shown.push({ title, body: opts?.body });
        }
      }
      (globalThis as unknown as { Notification: unknown }).Notification = RecordingNotification;
    });
    await p2.goto(serve.url);
    await p2.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Alerts/ }).click();
    await p2.getByText('Browser notifications are on').waitFor();
    const name = uniqueName(AREA);
    await p2.getByRole('tab', { name: 'Rules' }).click();
    await p2.getByRole('button', { name: 'New rule' }).click();
    const form = p2.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name', { exact: true }).fill('Notify me');
    await form.getByLabel('Condition').selectOption('exit');
    await form.getByLabel('Container name').fill(name);
    await form.getByRole('button', { name: 'Save rule' }).click();
    await p2.getByRole('list', { name: 'Rules' }).getByRole('listitem', { name: 'Notify me' }).waitFor();
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'exit 7'] });
    const shown = () => p2.evaluate(() => (globalThis as unknown as { __shown: unknown[] }).__shown);
    await expect.poll(shown, { timeout: 15_000 }).toEqual([{ title: 'WakeDock: Notify me', body: `${name} exited with code 7` }]);
    await p2.close();
  });

  it('resolve notices: the channel editor offers "Also notify when resolved"; a restart resolves the alert and the centre shows each channel\'s resolve notice, a failed one with its error', async () => {
    const name = uniqueName(AREA);
    await nav().click();
    await tab('Channels').click();
    const channels = page.getByRole('list', { name: 'Channels' });
    await channels.getByRole('button', { name: 'Edit receiver' }).click();
    const edit = page.getByRole('form', { name: 'Edit channel receiver' });
    // On by default, also for the channels saved before the option existed.
    expect(await edit.getByRole('checkbox', { name: 'Also notify when resolved' }).isChecked()).toBe(true);
    await edit.getByRole('button', { name: 'Cancel' }).click();

    await tab('Rules').click();
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name', { exact: true }).fill('Resolve watch');
    await form.getByLabel('Condition').selectOption('exit');
    await form.getByLabel('Container name').fill(name);
    await form.getByLabel('Cool-down (seconds)').fill('0');
    await form.getByRole('checkbox', { name: 'receiver' }).check();
    await form.getByRole('checkbox', { name: 'dead' }).check();
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('list', { name: 'Rules' }).getByRole('listitem', { name: 'Resolve watch' }).waitFor();

    // Exits with 3 the first time; started again it keeps running (the marker file survives a start).
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'if [ -f /ran ]; then exec sleep 300; fi; touch /ran; sleep 1; exit 3'] });
    await tab('Alert centre').click();
    await page.getByRole('button', { name: /^Open/ }).click();
    const open = page.getByRole('list', { name: 'Alerts' }).getByRole('listitem', { name: `Resolve watch: ${name}` });
    await open.waitFor({ timeout: 15_000 });
    // The dead channel's fire delivery fails after its retries: wait for it so the lines below are final.
    await expect.poll(() => open.getByRole('list', { name: 'Deliveries' }).innerText(), { timeout: 20_000 }).toMatch(/^receiver: delivered\ndead: failed after 3 attempts — .*ECONNREFUSED/);

    await docker(['start', name]);
    await page.getByRole('button', { name: /^Resolved/ }).click();
    const resolved = page.getByRole('list', { name: 'Alerts' }).getByRole('listitem', { name: `Resolve watch: ${name}` });
    await resolved.waitFor({ timeout: 15_000 });
    await expect.poll(() => resolved.innerText()).toMatch(/Resolved .*\(the container started again\)/);
    // Each channel's resolve notice right under its fire delivery; the failed one says why.
    await expect
      .poll(() => resolved.getByRole('list', { name: 'Deliveries' }).innerText(), { timeout: 20_000 })
      .toMatch(/^receiver: delivered\nreceiver: resolve notice delivered\ndead: failed after 3 attempts — .*ECONNREFUSED.*\ndead: resolve notice failed after 3 attempts — .*ECONNREFUSED/);
    const mine = rx.received.map((r) => r.json as { status?: string; alert?: { target: { containerName?: string } } }).filter((j) => j.alert?.target.containerName === name);
    expect(mine.map((j) => j.status)).toEqual(['firing', 'resolved']);

    // Turning it off is saved and shown on the channel.
    await tab('Channels').click();
    await channels.getByRole('button', { name: 'Edit dead' }).click();
    const editDead = page.getByRole('form', { name: 'Edit channel dead' });
    await editDead.getByRole('checkbox', { name: 'Also notify when resolved' }).uncheck();
    await editDead.getByRole('button', { name: 'Save channel' }).click();
    await expect.poll(() => channels.getByRole('listitem', { name: 'dead' }).innerText()).toContain('No resolve notices');
    expect(await channels.getByRole('listitem', { name: 'receiver' }).innerText()).not.toContain('No resolve notices');
    await channels.getByRole('button', { name: 'Edit dead' }).click();
    expect(await page.getByRole('form', { name: 'Edit channel dead' }).getByRole('checkbox', { name: 'Also notify when resolved' }).isChecked()).toBe(false);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
