// E2E harness: the real `wakedock serve` (built output, plain Node) and Debian's Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../support/docker-fixtures';

export interface ServeProcess {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startServe(opts: { env?: NodeJS.ProcessEnv; token?: string; dataDir?: string; args?: string[] } = {}): Promise<ServeProcess> {
  const token = opts.token ?? `e2e-${Math.random().toString(36).slice(2)}`;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'wakedock-e2e-'));
  const proc = spawn(process.execPath, [join(REPO_ROOT, 'out/main/serve.js'), 'serve', '--port', '0', '--data-dir', dataDir, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, WAKEDOCK_TOKEN: token, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`wakedock serve did not print its URL in 20 s:\n${out}`)), 20_000);
    const check = (): void => {
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`wakedock serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    token,
    dataDir,
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export interface App {
  serve: ServeProcess;
  browser: Browser;
  /** The app, open and connected (openApp). */
  page: Page;
  /** Close the browser, then stop `wakedock serve`. Idempotent. */
  close(): Promise<void>;
}

/**
 * The start of most e2e files: `wakedock serve` (options as startServe's), Chromium, and the app open
 * in a page and connected. A failed start closes what it had opened. Close it in afterAll.
 */
export async function startApp(opts: Parameters<typeof startServe>[0] = {}): Promise<App> {
  const serve = await startServe(opts);
  let browser: Browser | undefined;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      await browser?.close();
      await serve.stop();
    })());
  try {
    browser = await launchBrowser();
    const page = await openApp(browser, serve);
    return { serve, browser, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

const uncaught = new WeakMap<Page, string[]>();

/** Uncaught exceptions the page threw since openApp. */
export function uncaughtErrors(page: Page): string[] {
  return uncaught.get(page) ?? [];
}

export async function openApp(browser: Browser, serve: ServeProcess): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  uncaught.set(page, errors);
  await page.goto(serve.url);
  await page.getByTestId('connection-state').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
  return page;
}

/** A row of the container list, found the way a user (or a screen reader) finds it: by name. */
export function row(page: Page, name: string) {
  return page.getByRole('row', { name, exact: true });
}
