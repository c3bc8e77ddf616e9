// Container terminals in Chromium against `wakedock serve` and the real engine: typing, resizing,
// leaving and coming back, several tabs, copy and paste, and what an ended session shows.
// What the terminal shows is read from xterm's DOM renderer (.xterm-rows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { cleanupTestContainers, docker, ensureTestImage, runContainer, type TestContainer } from '../support/docker-fixtures';
import { launchBrowser, row, startServe, type ServeProcess } from './support/harness';

const AREA = 'e2eterm';
const PREFIX = `wdtest-${AREA}-`;
let serve: ServeProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  serve = await startServe();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(serve.url);
  await page.getByTestId('connection-state').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await serve?.stop();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

/** The visible pane (the active tab's terminal). */
const pane = (): Locator => page.getByTestId('terminal');

/** What the active terminal shows, one line per row, without trailing blanks. */
async function screen(): Promise<string> {
  const text = await pane().locator('.xterm-rows').innerText();
  return text
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

async function typeLine(line: string): Promise<void> {
  await pane().locator('.xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** Put text on the page's clipboard (the browser context has clipboard permissions). */
async function setClipboard(text: string): Promise<void> {
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
}

async function openTerminalOf(c: TestContainer): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Containers' }).click();
  await row(page, c.name).getByRole('link', { name: c.name, exact: true }).click();
  await page.getByRole('tab', { name: 'Terminal' }).click();
  await expect.poll(() => pane().getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
}


describe('terminal (e2e)', () => {
  let c: TestContainer;

  it('opens a shell in the container; typed input is evaluated', async () => {
    c = await runContainer({ area: AREA });
    await openTerminalOf(c);
    await typeLine('echo wd-$((40+2))');
    await expect.poll(screen, { timeout: 10_000 }).toMatch(/^wd-42$/m);
    // The typed line itself is there too (a real tty echoes), unevaluated.
    expect(await screen()).toContain('echo wd-$((40+2))');
  });

  it('follows the size of the window: stty size inside changes', async () => {
    const before = { cols: Number(await pane().getAttribute('data-cols')), rows: Number(await pane().getAttribute('data-rows')) };
    expect(before.cols).toBeGreaterThan(20);
    await typeLine('stty size');
    await expect.poll(screen).toMatch(new RegExp(`^${before.rows} ${before.cols}$`, 'm'));

    await page.setViewportSize({ width: 1000, height: 640 });
    await expect.poll(async () => Number(await pane().getAttribute('data-cols'))).toBeLessThan(before.cols);
    const after = { cols: Number(await pane().getAttribute('data-cols')), rows: Number(await pane().getAttribute('data-rows')) };
    expect(after.rows).toBeLessThan(before.rows);
    await typeLine('clear; stty size');
    await expect.poll(screen).toMatch(new RegExp(`^${after.rows} ${after.cols}$`, 'm'));
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('keeps the session and its history when you leave and come back', async () => {
    const id = await pane().getAttribute('data-session-id');
    await typeLine('echo keep-$((6*7)); sleep 1; echo late-$((2*4))');
    await expect.poll(screen).toMatch(/^keep-42$/m);
    // Leave while the command still runs: its later output is kept for us.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Containers' }).click();
    await expect.poll(() => pane().count()).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    await row(page, c.name).getByRole('link', { name: c.name, exact: true }).click();
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await expect.poll(() => pane().getAttribute('data-session-id')).toBe(id);
    await expect.poll(screen).toMatch(/^late-8$/m);
    expect(await screen()).toMatch(/^keep-42$/m);
    await typeLine('echo again-$((1+2))');
    await expect.poll(screen).toMatch(/^again-3$/m);
    // Still the same single terminal, not a new one.
    expect(await page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab').count()).toBe(1);
  });

  it('runs two terminals at once as tabs, each with its own history; closing a running one asks first', async () => {
    const tabs = page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab');
    const first = await pane().getAttribute('data-session-id');
    await page.getByRole('button', { name: 'New terminal', exact: true }).click();
    await expect.poll(() => tabs.count()).toBe(2);
    await expect.poll(() => pane().getAttribute('data-session-id')).not.toBe(first);
    await expect.poll(() => pane().getAttribute('data-state')).toBe('running');
    await typeLine('echo second-$((5*5))');
    await expect.poll(screen).toMatch(/^second-25$/m);

    await tabs.first().click();
    await expect.poll(() => pane().getAttribute('data-session-id')).toBe(first);
    await expect.poll(screen).toMatch(/^again-3$/m);
    expect(await screen()).not.toContain('second-25');

    // Two shells really run in the container.
    await expect.poll(async () => (await docker(['top', c.name, '-o', 'pid,args'])).split('\n').filter((l) => /^\d+\s+(bash|sh)$/.test(l.trim())).length).toBe(2);

    const secondLabel = (await tabs.nth(1).innerText()).trim();
    await page.getByRole('button', { name: `Close ${secondLabel}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Close this terminal?' });
    await dialog.getByRole('button', { name: 'Close terminal' }).click();
    await expect.poll(() => tabs.count()).toBe(1);
    await expect.poll(async () => (await docker(['top', c.name, '-o', 'pid,args'])).split('\n').filter((l) => /^\d+\s+(bash|sh)$/.test(l.trim())).length).toBe(1);
  });

  it('copies the selection and pastes into the shell (buttons and Ctrl+Shift+V)', async () => {
    await typeLine('clear; echo copy-$((3*3))');
    await expect.poll(screen).toMatch(/^copy-9$/m);
    const line = pane().locator('.xterm-rows > div').filter({ hasText: /^copy-9\s*$/ });
    const box = (await line.boundingBox())!;
    // Double-click selects the word under the pointer, as in any terminal.
    await page.mouse.dblclick(box.x + 6, box.y + box.height / 2);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe('copy-9');

    await setClipboard('echo pasted-$((5+5))');
    await page.getByRole('button', { name: 'Paste', exact: true }).click();
    await expect.poll(screen).toMatch(/^\/ # echo pasted-\$\(\(5\+5\)\)$/m);
    await page.keyboard.press('Enter');
    await expect.poll(screen).toMatch(/^pasted-10$/m);

    await setClipboard('echo keyed-$((4+4))');
    await pane().locator('.xterm').click();
    await page.keyboard.press('Control+Shift+V');
    await expect.poll(screen).toMatch(/echo keyed-\$\(\(4\+4\)\)$/m);
    await page.keyboard.press('Enter');
    await expect.poll(screen).toMatch(/^keyed-8$/m);
  });

  it('an exiting shell stays visible as ended with its code, and can be started again', async () => {
    await typeLine('exit 0');
    await expect.poll(() => pane().getAttribute('data-state')).toBe('exited');
    await expect.poll(screen).toContain('[process exited with code 0]');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'process exited with code 0' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Start again' }).click();
    await expect.poll(() => page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab').count()).toBe(2);
    await expect.poll(() => pane().getAttribute('data-state')).toBe('running');
    await typeLine('echo fresh-$((9+9))');
    await expect.poll(screen).toMatch(/^fresh-18$/m);
  });

  it('the container stopping ends its terminals with a message instead of hanging', async () => {
    await docker(['stop', '-t', '1', c.name]);
    await expect.poll(() => pane().getAttribute('data-state'), { timeout: 15_000 }).toBe('exited');
    await expect.poll(screen).toContain('[container stopped]');
    await expect.poll(() => page.getByRole('button', { name: 'New terminal', exact: true }).isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});

describe('terminal replay (e2e)', () => {
  it('coming back to a terminal sends the program only what the user types, not replies to replayed queries', async () => {
    const c = await runContainer({ area: AREA });
    await openTerminalOf(c);
    // Several prompts: busybox ash asks for the cursor position (ESC[6n) at every one of them,
    // so the scrollback holds a query per prompt.
    for (let i = 0; i < 3; i++) await typeLine(`echo p-${i}`);
    await expect.poll(screen).toMatch(/^p-2$/m);
    await typeLine('read -r X; echo "LEN=${#X}"; printf %s "$X" | busybox od -An -c');
    // Leave for another tab of the container and come back: the scrollback replays in a fresh xterm.
    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect.poll(() => pane().count()).toBe(0);
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await expect.poll(() => pane().getAttribute('data-state')).toBe('running');
    await expect.poll(screen).toMatch(/^p-2$/m);
    await new Promise((r) => setTimeout(r, 300));
    await typeLine('hello');
    // The program read exactly the five typed characters (a reply would show as 033 [ … R).
    await expect.poll(screen, { timeout: 10_000 }).toMatch(/^LEN=\d+$/m);
    const out = await screen();
    expect(out).toMatch(/^LEN=5$/m);
    expect(out).not.toContain('033');
    expect(out).toMatch(/^\s+h\s+e\s+l\s+l\s+o$/m);
  });
});
