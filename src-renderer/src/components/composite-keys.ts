// Keyboard for every tab list and radio group of the app (WAI-ARIA "Tabs" and "Radio Group"
// patterns), installed once for the document so each feature only marks up roles:
//   - ←/→ (and ↑/↓) move to the previous/next enabled tab or radio, wrapping; Home/End jump to the
//     first/last. The item reached is activated (selection follows focus), as both patterns allow.
//   - Roving tab stop: only the selected tab / checked radio is in the Tab order (tabindex 0), the
//     others get tabindex -1; a group with nothing selected keeps its first item reachable.
import { nextIndex } from '../presenters/roving';

const GROUPS = '[role="tablist"], [role="radiogroup"]';
const ITEMS = '[role="tab"], [role="radio"]';

function itemsOf(group: Element): HTMLElement[] {
  // Items of this group only (not of a group nested inside it).
  return [...group.querySelectorAll<HTMLElement>(ITEMS)].filter((el) => el.closest(GROUPS) === group);
}

const isOn = (el: Element): boolean => el.getAttribute('aria-selected') === 'true' || el.getAttribute('aria-checked') === 'true';
const isEnabled = (el: HTMLElement): boolean => !(el as HTMLButtonElement).disabled && el.getAttribute('aria-disabled') !== 'true';

function updateTabStops(doc: Document): void {
  for (const group of doc.querySelectorAll(GROUPS)) {
    const items = itemsOf(group);
    const on = items.find(isOn) ?? items.find(isEnabled);
    for (const el of items) {
      const want = el === on ? '0' : '-1';
      if (el.getAttribute('tabindex') !== want) el.setAttribute('tabindex', want);
    }
  }
}

/** Install on the document; returns the uninstaller. */
export function installCompositeKeys(doc: Document = document): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const item = (e.target as Element | null)?.closest?.(ITEMS) as HTMLElement | null;
    const group = item?.closest(GROUPS);
    if (!item || !group) return;
    const items = itemsOf(group);
    const to = nextIndex(e.key, items.indexOf(item), items.map(isEnabled));
    if (to === null) return;
    e.preventDefault();
    const target = items[to]!;
    target.focus();
    if (!isOn(target)) target.click();
  };
  doc.addEventListener('keydown', onKey);
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      updateTabStops(doc);
    });
  });
  observer.observe(doc.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-selected', 'aria-checked', 'role'] });
  updateTabStops(doc);
  return () => {
    doc.removeEventListener('keydown', onKey);
    observer.disconnect();
  };
}
