// Code that runs inside the page. Kept as plain JavaScript source strings on purpose: functions
// passed to page.evaluate are serialised with toString(), and the TypeScript loader may inject
// helpers (e.g. esbuild's __name) that do not exist in the page. The node tsconfig has no DOM types
// either. Each script is an expression; call(script, arg) builds `(script)(arg)`.

export function call(script: string, arg?: unknown): string {
  return `(${script})(${arg === undefined ? '' : JSON.stringify(arg)})`;
}

/** Epoch ms with sub-ms resolution, on the page's clock. */
export const PAGE_NOW = `() => performance.timeOrigin + performance.now()`;

/**
 * Resolves once the list shows at least `total` containers (header "<n> on <host>") and at least one row is
 * rendered, checked every animation frame; with the page's performance.now() at that frame, i.e.
 * ms since navigation start. (A polling loop in the page rather than page.waitForFunction: the
 * app's CSP forbids the eval that a string predicate would need.)
 */
export const WAIT_LIST_READY = `({ total, timeoutMs }) => new Promise((resolve, reject) => {
  const give = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  const test = () => {
    const rows = document.querySelectorAll('[data-testid="container-row"]').length;
    const header = document.querySelector('section[aria-label="Containers"] header p');
    const shown = header ? parseInt(header.textContent || '', 10) : NaN;
    if (rows > 0 && shown >= total) {
      clearTimeout(give);
      resolve(performance.now());
      return;
    }
    requestAnimationFrame(test);
  };
  test();
})`;

/** What the list header says now (for error messages). */
export const HEADER_TEXT = `() => {
  const header = document.querySelector('section[aria-label="Containers"] header p');
  return header ? header.textContent : '(no list header)';
}`;

/**
 * Arm a watcher for one row turning running. A MutationObserver notes the DOM commit; the next
 * animation frame after it is when the browser paints it. Both as epoch ms on the page's clock.
 */
export const ARM_ROW_WATCH = `({ name, state }) => {
  const sel = '[data-testid="container-row"][data-name="' + CSS.escape(name) + '"]';
  const w = { commit: 0, frame: 0, done: null };
  w.done = new Promise((resolve) => {
    const now = () => performance.timeOrigin + performance.now();
    const test = () => {
      if (w.commit) return;
      const row = document.querySelector(sel);
      if (row && row.getAttribute('data-state') === state) {
        w.commit = now();
        obs.disconnect();
        requestAnimationFrame(() => {
          w.frame = now();
          resolve({ commit: w.commit, frame: w.frame });
        });
      }
    };
    const obs = new MutationObserver(test);
    obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    test();
  });
  window.__wdbenchWatch = w;
  return true;
}`;

export const AWAIT_ROW_WATCH = `({ timeoutMs }) => Promise.race([
  window.__wdbenchWatch.done,
  new Promise((_, reject) => setTimeout(() => reject(new Error('row did not change within ' + timeoutMs + ' ms')), timeoutMs)),
])`;

/**
 * Scroll the virtualized list from top to bottom, \`step\` px per animation frame, and record the
 * frame deltas, the number of rows in the DOM at each frame, and frames where the middle of the
 * viewport shows no row (the virtualizer lagging behind the scroll).
 */
export const SCROLL_THROUGH = `({ step, maxFrames }) => new Promise((resolve, reject) => {
  const el = document.querySelector('[data-testid="container-scroll"]');
  if (!el) { reject(new Error('no [data-testid=container-scroll]')); return; }
  el.scrollTop = 0;
  const deltas = [];
  const domRows = [];
  let blank = 0;
  let last = 0;
  let frames = 0;
  const box = el.getBoundingClientRect();
  const probeX = box.left + Math.min(200, box.width / 2);
  const probeY = box.top + box.height / 2;
  const tick = (now) => {
    if (last) deltas.push(now - last);
    last = now;
    domRows.push(el.querySelectorAll('[role="row"]').length);
    const hit = document.elementFromPoint(probeX, probeY);
    if (!hit || !hit.closest('[role="row"]')) blank++;
    if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1 || frames >= maxFrames) {
      resolve({ deltas, domRows, blank, frames, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight });
      return;
    }
    el.scrollTop += step;
    frames++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(() => requestAnimationFrame(tick));
})`;
