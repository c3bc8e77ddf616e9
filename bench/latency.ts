// Suite `latency`: how fast the browser UI of `wakedock serve` follows the engine, with 500
// containers present.
//
//   first render   navigation → the list shows all containers (header count) with rows rendered,
//                  on the page's own clock (ms since navigation start); a fresh browser context
//                  each time, so nothing is cached.
//   start → row    K times: a stopped container is started through the raw engine API (not through
//                  WakeDock), and we measure until its row in the browser says data-state="running"
//                  (DOM commit seen by a MutationObserver, then the next animation frame = painted).
//                  Clocks: Node and the page both use epoch ms with sub-ms resolution; their offset
//                  is measured with round trips (smallest RTT wins) and subtracted. The engine's own
//                  "start" event time stamp splits the figure into engine time and WakeDock time.
//   scroll         the engine grows to 1,000 containers (created, cheap) while the page is open;
//                  then the virtualized list is scrolled top to bottom in steps, one per frame,
//                  recording frame deltas and how many rows exist in the DOM.
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServe, type ServeProcess } from '../tests/e2e/support/harness';
import { sleep } from '../tests/support/docker-fixtures';
import { ARM_ROW_WATCH, AWAIT_ROW_WATCH, HEADER_TEXT, WAIT_LIST_READY, PAGE_NOW, SCROLL_THROUGH, call } from './lib/page-scripts';
import { percentile, round, summarize, type Summary } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const CONTAINERS = 500;
const SCROLL_CONTAINERS = 1_000;
const FIRST_RENDER_RUNS = 3;
const K = 30;
const MIN_K = 15;
const SCROLL_STEP_PX = 150;
const VIEWPORT = { width: 1440, height: 900 };

interface Sample {
  /** t0 (just before the engine API call) → row painted with the new state. */
  total: number;
  /** t0 → the engine API call returned. */
  api: number;
  /** t0 → dockerd's event time stamp. */
  engine?: number;
  /** dockerd's event → row painted. */
  wakedock?: number;
  /** DOM commit → next animation frame. */
  commitToFrame: number;
}

function splitOf(runs: Sample[]) {
  const pick = (k: 'engine' | 'wakedock') => runs.flatMap((r) => (r[k] === undefined ? [] : [r[k]]));
  return {
    total: summarize(runs.map((r) => r.total)),
    apiReturn: summarize(runs.map((r) => r.api)),
    engine: summarize(pick('engine')),
    wakedock: summarize(pick('wakedock')),
    commitToFrame: summarize(runs.map((r) => r.commitToFrame)),
  };
}

const nodeNow = (): number => performance.timeOrigin + performance.now();

async function waitListReady(page: Page, total: number, timeoutMs: number): Promise<number> {
  try {
    return Number(await page.evaluate(call(WAIT_LIST_READY, { total, timeoutMs })));
  } catch (e) {
    const header = await page.evaluate(call(HEADER_TEXT)).catch(() => '?');
    throw new Error(`the list did not show ${total} containers within ${timeoutMs} ms (header says "${String(header)}"): ${(e as Error).message.split('\n')[0]}`);
  }
}

/** page clock − node clock, from the round trip with the smallest RTT. */
async function clockOffset(page: Page): Promise<{ offsetMs: number; rttMs: number }> {
  let best = { offsetMs: 0, rttMs: Infinity };
  for (let i = 0; i < 15; i++) {
    const a = nodeNow();
    const p = Number(await page.evaluate(call(PAGE_NOW)));
    const b = nodeNow();
    if (b - a < best.rttMs) best = { offsetMs: p - (a + b) / 2, rttMs: b - a };
  }
  return { offsetMs: round(best.offsetMs, 3), rttMs: round(best.rttMs, 3) };
}

async function firstRender(browser: Browser, serve: ServeProcess, total: number): Promise<{ navToListMs: number[]; wallMs: number[] }> {
  const navToListMs: number[] = [];
  const wallMs: number[] = [];
  for (let i = 0; i < FIRST_RENDER_RUNS; i++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await context.newPage();
      const t0 = Date.now();
      // 'commit': start polling as soon as the new document exists, before the app has rendered.
      await page.goto(serve.url, { waitUntil: 'commit' });
      navToListMs.push(await waitListReady(page, total, 30_000));
      wallMs.push(Date.now() - t0);
    } finally {
      await context.close();
    }
  }
  return { navToListMs, wallMs };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log } = ctx;
  await engine.ensure(CONTAINERS);
  const total = await engine.total();
  const notes: string[] = [];

  const serve = await startServe({ env: { DOCKER_HOST: engine.url } });
  cleanup.push('stop wakedock serve (latency)', () => serve.stop());
  const browser = await launchBrowser();
  cleanup.push('close Chromium (latency)', () => browser.close());

  // ---- first render ----------------------------------------------------------------------------
  log(`latency: first render of ${total} containers × ${FIRST_RENDER_RUNS}`);
  const fr = await firstRender(browser, serve, total);

  // ---- start → row running ---------------------------------------------------------------------
  const context = await browser.newContext({ viewport: VIEWPORT });
  cleanup.push('close the browser context', () => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(serve.url);
  await waitListReady(page, total, 30_000);
  const clock = await clockOffset(page);

  // "<state>:<id>" → when dockerd emitted the event that leads to that state.
  const events = new Map<string, number>();
  const stopEvents = await engine.followEvents((ev) => {
    const to = ev.action === 'start' ? 'running' : ev.action === 'pause' ? 'paused' : undefined;
    if (to) events.set(`${to}:${ev.id}`, ev.timeMs);
  });
  cleanup.push('stop following engine events', stopEvents);

  const filter = page.locator('input[aria-label="Filter containers"]');
  const started: string[] = [];
  const paused = new Set<string>();
  cleanup.push('kill the containers the latency loop started', async () => {
    for (const id of paused) await engine.unpause(id).catch(() => {});
    await engine.kill(started);
  });

  /**
   * One timed change: filter the list to the container (the list is virtualized, so only then is
   * its row rendered), arm the in-page watcher, note t0, act through the raw engine API, and wait
   * until the row shows `to`.
   */
  const measure = async (c: { id: string; name: string }, to: string, act: () => Promise<void>): Promise<Sample> => {
    await filter.fill(c.name);
    const row = page.locator(`[data-testid="container-row"][data-name="${c.name}"]`);
    await row.waitFor({ timeout: 10_000 });
    const before = await row.getAttribute('data-state');
    if (before === to) throw new Error(`${c.name} is already ${to} before the change`);
    await page.evaluate(call(ARM_ROW_WATCH, { name: c.name, state: to }));
    const t0 = nodeNow();
    await act();
    const tApi = nodeNow();
    let seen: { commit: number; frame: number };
    try {
      seen = (await page.evaluate(call(AWAIT_ROW_WATCH, { timeoutMs: 10_000 }))) as { commit: number; frame: number };
    } catch (e) {
      const shown = await row.getAttribute('data-state', { timeout: 1_000 }).catch(() => '(no row)');
      const actual = await engine.state(c.id).catch((err: Error) => err.message);
      throw new Error(`${c.name}: the row still says "${shown}" 10 s after the change to "${to}" (engine says "${actual}"): ${(e as Error).message.split('\n')[0]}\n--- wakedock serve output ---\n${serve.output().slice(-3000)}`);
    }
    const frame = seen.frame - clock.offsetMs;
    // The bench's own events subscription may lag a hair behind WakeDock's: give it a moment.
    const key = `${to}:${c.id}`;
    for (let i = 0; i < 20 && !events.has(key); i++) await sleep(10);
    const evAt = events.get(key);
    return { total: frame - t0, api: tApi - t0, engine: evAt === undefined ? undefined : evAt - t0, wakedock: evAt === undefined ? undefined : frame - evAt, commitToFrame: seen.frame - seen.commit };
  };

  const candidates = engine.containers.filter((c) => c.initial === 'created').slice(0, K);
  log(`latency: start → row running × ${candidates.length} (clock offset ${clock.offsetMs} ms, best RTT ${clock.rttMs} ms)`);
  const startRuns: Sample[] = [];
  for (const c of candidates) {
    if (ctx.budget.expired && startRuns.length >= MIN_K) {
      notes.push(`start → row: stopped after ${startRuns.length} of ${K} runs, the suite's time budget ran out`);
      break;
    }
    started.push(c.id);
    startRuns.push(await measure(c, 'running', () => engine.start(c.id)));
  }

  // Pausing is cheap for the engine (a cgroup freeze), so this end-to-end figure is mostly WakeDock.
  log(`latency: pause → row paused × ${started.length}`);
  const pauseRuns: Sample[] = [];
  for (const id of started) {
    const c = engine.containers.find((x) => x.id === id)!;
    if (ctx.budget.expired && pauseRuns.length >= MIN_K) {
      notes.push(`pause → row: stopped after ${pauseRuns.length} runs, the suite's time budget ran out`);
      break;
    }
    paused.add(id);
    pauseRuns.push(await measure(c, 'paused', () => engine.pause(id)));
    await engine.unpause(id);
    paused.delete(id);
  }
  stopEvents();
  await filter.fill('');

  // ---- scroll through 1,000 ----------------------------------------------------------------------
  const before = await engine.total();
  const tCreate = Date.now();
  await engine.ensure(SCROLL_CONTAINERS, { mixed: false });
  const created = Date.now();
  const scrollTotal = await engine.total();
  log(`latency: ${scrollTotal - before} containers created in ${((created - tCreate) / 1000).toFixed(1)} s while the page was open; waiting for the list to show ${scrollTotal}`);
  await waitListReady(page, scrollTotal, 60_000);
  const catchUpMs = Date.now() - created;
  await sleep(500);
  const domRowsAtTop = Number(await page.evaluate(`document.querySelectorAll('[data-testid="container-scroll"] [role="row"]').length`));
  const scroll = (await page.evaluate(call(SCROLL_THROUGH, { step: SCROLL_STEP_PX, maxFrames: 5_000 }))) as {
    deltas: number[];
    domRows: number[];
    blank: number;
    frames: number;
    scrollHeight: number;
    clientHeight: number;
  };
  if (errors.length > 0) notes.push(`the page threw: ${errors.join('; ')}`);

  const start = splitOf(startRuns);
  const pause = splitOf(pauseRuns);
  for (const [what, sp] of [['start', start], ['pause', pause]] as const) {
    if (sp.engine.n < sp.total.n) notes.push(`the engine's ${what} event was not seen for ${sp.total.n - sp.engine.n} runs; the split covers the others`);
  }
  const frameTimes = summarize(scroll.deltas);
  const domMax = Math.max(...scroll.domRows, domRowsAtTop);
  const fps = round(1000 / percentile(scroll.deltas, 50), 1);
  const firstMs = summarize(fr.navToListMs);

  notes.push(
    '"pause → row paused" is the same measurement with an operation the engine does in a few ms, so it shows the end-to-end path with little engine time in it.',
    '"start → row running" starts before the engine API call, so it includes the engine starting the container (namespaces, cgroups, tini): see "engine" (t0 → dockerd\'s start event) vs "WakeDock" (start event → row painted: events stream, 20 ms coalescing, one filtered list call, WebSocket, React render).',
    `Scroll: ${scroll.frames} steps of ${SCROLL_STEP_PX} px over ${scroll.scrollHeight} px; "blank frames" are frames where the middle of the viewport showed no row.`,
    'Headless Chromium with --disable-gpu: software rendering, so frame times are an upper bound for a desktop with a GPU.',
  );

  const fig = (label: string, v: Summary): string => `| ${label} | ${v.median} ms | ${v.p95} ms | ${v.max} ms |`;
  return {
    params: { containers: total, firstRenderRuns: FIRST_RENDER_RUNS, startRuns: startRuns.length, pauseRuns: pauseRuns.length, scrollContainers: scrollTotal, scrollStepPx: SCROLL_STEP_PX, viewport: VIEWPORT, clock },
    metrics: {
      firstRender: { navigationToListMs: firstMs, wallFromGotoMs: summarize(fr.wallMs) },
      startToRowRunningMs: start,
      pauseToRowPausedMs: pause,
      burst: { created: scrollTotal - before, createMs: created - tCreate, uiCaughtUpAfterLastCreateMs: catchUpMs },
      scroll: { frameMs: frameTimes, medianFps: fps, domRowsMax: domMax, domRowsAtTop, domRowsMedian: percentile(scroll.domRows, 50), blankFrames: scroll.blank, frames: scroll.frames },
    },
    targets: [
      check('start → row running, p95 (engine start included)', start.total.p95, 'ms', '<=', 250),
      check('engine start event → row painted, p95 (WakeDock\'s part)', start.wakedock.p95, 'ms', '<=', 250),
      check('pause → row paused, p95', pause.total.p95, 'ms', '<=', 250),
      check('DOM rows while scrolling 1,000 (max)', domMax, 'rows', '<=', 60),
    ],
    notes,
    summary: [
      '| figure | median | p95 | max |',
      '|---|---|---|---|',
      `| first render of ${total} (navigation → list shown), ${FIRST_RENDER_RUNS} cold loads | ${firstMs.median} ms | | ${firstMs.max} ms |`,
      fig(`start → row running (${start.total.n} runs)`, start.total),
      fig('↳ engine: API call → dockerd start event', start.engine),
      fig('↳ WakeDock: start event → row painted', start.wakedock),
      fig(`pause → row paused (${pause.total.n} runs)`, pause.total),
      fig('↳ engine: API call → dockerd pause event', pause.engine),
      fig('↳ WakeDock: pause event → row painted', pause.wakedock),
      `| scroll ${scrollTotal} rows: frame time | ${frameTimes.median} ms | ${frameTimes.p95} ms | ${frameTimes.max} ms |`,
      '',
      `Scroll: ${scroll.frames} frames, ${domMax} rows in the DOM at most (${domRowsAtTop} at the top), ${scroll.blank} blank frames. ` +
        `Burst: ${scrollTotal - before} containers created in ${created - tCreate} ms; the list showed all ${scrollTotal} ${catchUpMs} ms after the last create returned.`,
    ],
  };
}

export const latencySuite: Suite = { name: 'latency', title: 'engine change → browser row, first render, scrolling', timeLimitMs: 300_000, run };
