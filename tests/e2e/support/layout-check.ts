// Programmatic checks of a rendered page for the layout e2e: nothing outside its container's box
// (nothing cut off by an overflow:hidden ancestor, nothing outside the window, no sideways
// scrolling), run in the page. Returns one line per offending element.
import type { Page } from 'playwright-core';

/** Runs in the browser. Kept as a string so the test's TS config needs no DOM types. */
const CHECK = String.raw`(() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  const name = (el) => {
    const label = el.getAttribute('aria-label') || el.getAttribute('title') || (el.textContent || '').trim().slice(0, 40);
    const cls = typeof el.className === 'string' ? el.className.split(' ').filter(Boolean).slice(0, 2).join('.') : '';
    return el.tagName.toLowerCase() + (cls ? '.' + cls : '') + ' "' + label + '"';
  };
  if (document.documentElement.scrollWidth > vw + 1) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
  const sel = 'button, a, input, select, textarea, [role=tab], [role=radio], [role=columnheader], [role=cell], h1, h2, h3, label, .badge, .port';
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('.xterm, [popover]')) continue;
    const st = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || st.visibility === 'hidden' || st.display === 'none') continue;
    if (r.left < -1 || r.right > vw + 1) {
      out.push(name(el) + ' is outside the window (' + Math.round(r.left) + '…' + Math.round(r.right) + ' of ' + vw + ')');
      continue;
    }
    let checkX = true;
    let checkY = true;
    for (let a = el.parentElement; a && a !== document.documentElement && (checkX || checkY); a = a.parentElement) {
      const as = getComputedStyle(a);
      const ar = a.getBoundingClientRect();
      const scrollX = as.overflowX === 'auto' || as.overflowX === 'scroll';
      const scrollY = as.overflowY === 'auto' || as.overflowY === 'scroll';
      if (checkX && as.overflowX !== 'visible') {
        // Only a strip of tabs may scroll sideways; anything else cut at the side is unreachable.
        if (scrollX && a.matches('.tabs, [data-scroll-x]')) checkX = false;
        else if (r.left < ar.left - 1 || r.right > ar.right + 1) {
          out.push(name(el) + ' sticks out of ' + name(a) + ' sideways (' + Math.round(r.left) + '…' + Math.round(r.right) + ' vs ' + Math.round(ar.left) + '…' + Math.round(ar.right) + ')');
          break;
        }
      }
      if (checkY && as.overflowY !== 'visible') {
        // Below the fold of a scrolling area is fine (scroll to it); cut by a hidden one is not.
        if (scrollY) checkY = false;
        else if (r.top < ar.top - 1 || r.bottom > ar.bottom + 1) {
          out.push(name(el) + ' is cut off by ' + name(a) + ' (' + Math.round(r.top) + '…' + Math.round(r.bottom) + ' vs ' + Math.round(ar.top) + '…' + Math.round(ar.bottom) + ')');
          break;
        }
      }
    }
  }
  return out;
})()`;

export async function layoutProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(CHECK)) as string[];
}
