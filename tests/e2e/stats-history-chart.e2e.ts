// Issue 8 §5: the chart of a container nobody was watching. History holds one reading every 30 s
// (the background recording), a stretch where nothing was recorded (the container was stopped),
// and the 5-minute chart must draw the band, broken only at that stretch.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DerivedSample } from '../../src-main/contract/models';
import { HistoryStore } from '../../src-main/core/stats/history-store';
import { cleanupTestContainers, createContainer, ensureTestImage } from '../support/docker-fixtures';
import { type App, type ServeProcess, startApp, uncaughtErrors } from './support/harness';

const PREFIX = 'wdtest-e2echartgap';
let serve: ServeProcess;
let page: Page;
let app: App;
let id: string;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  // Created, never started: no live readings, only what history recorded.
  const c = await createContainer({ area: 'e2echartgap' });
  id = c.id;
  const name = c.name;
  const dataDir = mkdtempSync(join(tmpdir(), 'wakedock-e2e-chartgap-'));
  const store = new HistoryStore(join(dataDir, 'stats.db'), { retentionDays: 7 });
  const now = Date.now();
  const reading = (t: number): DerivedSample => ({
    hostId: 'local', id, name, t, cpuPercent: 50, onlineCpus: 2, memUsed: 8 << 20, memLimit: 1 << 30, memPercent: 0.8,
    netRxRate: 1.5, netTxRate: 0.5, blockReadRate: 0, blockWriteRate: 0, pids: 1,
  });
  // 280 s → 190 s ago every 30 s (4 readings), nothing for 120 s, then 70 s → 10 s ago (3 readings).
  for (const ago of [280, 250, 220, 190, 70, 40, 10]) store.record([reading(now - ago * 1000)]);
  store.close();
  ({ serve, page } = app = await startApp({ dataDir }));
});

afterAll(async () => {
  await app?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

describe('charts of recorded history (e2e)', () => {
  it('the 5-minute CPU chart draws 30-second readings as a band, broken only where nothing was recorded', async () => {
    await page.goto(`${serve.origin}/#/containers/${id}/stats`);
    await page.getByTestId('stats-tab').waitFor({ timeout: 15_000 });
    const cpu = page.getByRole('figure', { name: 'CPU chart' });
    // The area's outline is one <path>; each run of connected readings starts with M and adds a
    // segment (L or C) per further reading. Before: every 30 s reading stood alone, nothing was drawn.
    const runs = async (): Promise<number[]> => {
      const d = (await cpu.locator('path.recharts-area-curve').first().getAttribute('d').catch(() => null)) ?? '';
      return d
        .split('M')
        .filter((s) => s.trim())
        .map((s) => (s.match(/[LC]/g) ?? []).length);
    };
    await expect.poll(runs, { timeout: 15_000 }).toEqual([3, 2]);
    // The chart is a named focus stop.
    const surface = cpu.locator('svg.recharts-surface').first();
    expect(await surface.getAttribute('aria-label')).toMatch(/^CPU over the last 5 minutes, now 50\.0 %$/);
    // The network axis at 1.5 B/s: no label twice.
    const net = page.getByRole('figure', { name: 'Network chart' });
    const ticks = await net.locator('.recharts-yAxis-tick-labels text').allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
