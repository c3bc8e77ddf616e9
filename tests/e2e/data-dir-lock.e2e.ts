// One process per data dir, through the real `wakedock serve` CLI (issue 9 §4): a second serve on the
// same data dir refuses to start, exits 1 and names the process that holds it; once that one stops
// (SIGTERM, awaited shutdown) the dir is free. Files are owner-only, and Settings says (in Chromium)
// where secrets are kept in serve mode.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServe, type ServeProcess } from './support/harness';

let browser: Browser;
let dataDir: string;
const started: ServeProcess[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  dataDir = mkdtempSync(join(tmpdir(), 'wakedock-e2e-lock-'));
});
afterAll(async () => {
  for (const s of started) await s.stop();
  await browser?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the data-dir lock', () => {
  it('a second wakedock serve on the same data dir says which process holds it and exits 1', async () => {
    const first = await startServe({ dataDir });
    started.push(first);
    expect(readdirSync(dataDir)).toContain('wakedock.lock');

    const err = await startServe({ dataDir }).then(
      (s) => {
        started.push(s);
        return null;
      },
      (e: unknown) => e as Error,
    );
    expect(err).not.toBeNull();
    expect(err!.message).toMatch(/exited with 1/);
    expect(err!.message).toContain(`is in use by another WakeDock (serve, pid ${first.proc.pid}`);
    expect(err!.message).toMatch(/--data-dir/);

    if (process.platform !== 'win32') {
      expect(statSync(join(dataDir, 'wakedock.json')).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    }

    // Settings → About tells where secrets are kept in serve mode.
    const page = await browser.newPage();
    await page.goto(`${first.url}#/settings`);
    await page.getByTestId('secret-storage').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('secret-storage').textContent()).toMatch(/encrypted in wakedock.json with a key kept in secrets.key.*only by your user account/);
    await page.close();

    await first.stop();
    expect(readdirSync(dataDir)).not.toContain('wakedock.lock');
    const second = await startServe({ dataDir });
    started.push(second);
    expect(second.output()).not.toMatch(/in use by another/);
  }, 90_000);
});
