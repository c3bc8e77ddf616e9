// Status text and counts as a user reads them, in Chromium over `wakedock serve` and the real
// engine: a page opened long after the engine's last change says what `docker ps` says then, the
// text ages on screen, and the detail header agrees with the row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cleanupTestContainers, docker, ensureTestImage, runContainer, sleep, waitFor } from '../support/docker-fixtures';
import { launchBrowser, openApp, row, startServe, uncaughtErrors, type ServeProcess } from './support/harness';

const PREFIX = 'wdtest-e2estatus';
let serve: ServeProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  serve = await startServe();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

const ps = (id: string): Promise<string> => docker(['ps', '-a', '--filter', `id=${id}`, '--format', '{{.Status}}']);
const statusOf = (name: string): Promise<string> => row(page, name).getByTestId('status-text').innerText();
const seconds = (text: string): number => Number(/(\d+) seconds?/.exec(text)?.[1] ?? (/Less than a second/.test(text) ? 0 : NaN));

describe('status text (e2e)', () => {
  it('a page opened seconds after the last engine change says what docker ps says, and keeps ageing', async () => {
    const job = await runContainer({ area: 'e2estatus', cmd: ['sh', '-c', 'exit 2'] });
    const svc = await runContainer({ area: 'e2estatus' });
    await waitFor('the job to exit', async () => ((await docker(['inspect', '-f', '{{.State.Status}}', job.name])) === 'exited' ? true : undefined));
    // The core saw both change (events) and listed them then; nothing happens for 5 s.
    await sleep(5_000);
    page = await openApp(browser, serve);
    await row(page, job.name).waitFor();

    const [before, shown, after] = [await ps(job.id), await statusOf(job.name), await ps(job.id)];
    expect(shown).toMatch(/^Exited \(2\) \d+ seconds ago$/);
    expect([before, after]).toContain(shown);
    expect(seconds(shown)).toBeGreaterThanOrEqual(5);
    const up = await statusOf(svc.name);
    expect(up).toMatch(/^Up \d+ seconds$/);
    expect(seconds(up)).toBeGreaterThanOrEqual(5);

    // Ages on screen without anything happening on the engine.
    await sleep(2_200);
    expect(seconds(await statusOf(job.name))).toBeGreaterThanOrEqual(seconds(shown) + 2);
    expect(seconds(await statusOf(svc.name))).toBeGreaterThanOrEqual(seconds(up) + 2);

    // The detail header prints the same text from the same presenter.
    await row(page, svc.name).getByRole('link', { name: svc.name }).click();
    await page.getByTestId('detail-status').waitFor();
    await expect.poll(async () => (await page.getByTestId('detail-status').innerText()) === (await ps(svc.id))).toBe(true);
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('the Containers page and the Dashboard count the same way: a restarting container is not "running"', async () => {
    // A crash loop: the engine's backoff grows, so the container is mostly "restarting".
    const loop = await runContainer({ area: 'e2estatus', cmd: ['sh', '-c', 'exit 1'], extra: ['--restart', 'always'] });
    await waitFor('the loop', async () => Number(await docker(['inspect', '-f', '{{.RestartCount}}', loop.name])) >= 4 || undefined, { timeoutMs: 20_000, intervalMs: 200 });
    page = await openApp(browser, serve);
    const read = async (): Promise<{ list: string; dash: string }> => {
      await page.getByRole('button', { name: 'Containers', exact: true }).first().click();
      const list = (await page.getByTestId('state-counts').innerText()).replace(/^\s*·\s*/, '');
      await page.getByRole('button', { name: 'Dashboard', exact: true }).first().click();
      await page.getByTestId('count-running').waitFor();
      const parts = await page.locator('[data-testid^="count-"]').allInnerTexts();
      return { list, dash: parts.map((t) => t.replace(/\s+/g, ' ').trim()).join(' · ') };
    };
    // The engine is shared with other runs: retry until two reads in a row saw the same engine.
    await expect
      .poll(
        async () => {
          const { list, dash } = await read();
          return list === dash && /\d+ restarting/.test(list) ? list : `${list} ≠ ${dash}`;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toMatch(/^\d+ running · \d+ restarting/);
  });

  it('coming back to the window (focus, page visible) re-reads the list from the engine once, not on a timer', async () => {
    page = await openApp(browser, serve);
    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => typeof f.payload === 'string' && f.payload.includes('containers.reconcile') && sent.push(f.payload)));
    // The socket is already open: watch frames on a fresh page load instead.
    await page.reload();
    await page.getByTestId('connection-state').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
    await sleep(3_000);
    expect(sent).toEqual([]); // nothing while nobody comes back
    await page.evaluate("window.dispatchEvent(new Event('focus'))");
    await expect.poll(() => sent.length).toBe(1);
    // a burst of focus/visibility events is one re-read
    await page.evaluate("window.dispatchEvent(new Event('focus')); document.dispatchEvent(new Event('visibilitychange'))");
    await sleep(500);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!)).toMatchObject({ t: 'call', p: 'containers.reconcile', i: { hostId: 'local' } });
  });
});
