// A menu button (WAI-ARIA menu button pattern) for the actions that do not fit a row or a header.
// The menu is a native popover in the top layer, so no scroll container or virtualized row clips
// it; it is placed under its button (flipped up or left when the window edge is near). Arrow keys
// move between items, Home/End jump, Esc closes, and focus returns to the button.
import { useId, useRef, type ReactNode } from 'react';

export interface MenuItem {
  label: string;
  /** Accessible name when the visible label alone does not say the object ("Restart web-1"). */
  name?: string;
  onSelect(): void;
  disabled?: boolean;
  danger?: boolean;
  icon?: ReactNode;
}

export function RowMenu({ label, items, icon }: { label: string; items: MenuItem[]; icon?: ReactNode }) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const itemsEls = (): HTMLButtonElement[] => [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not(:disabled)') ?? [])];

  const open = (focus: 'first' | 'last' = 'first'): void => {
    const m = menu.current;
    const b = button.current;
    if (!m || !b) return;
    if (!m.matches(':popover-open')) m.showPopover();
    const r = b.getBoundingClientRect();
    const mw = m.offsetWidth;
    const mh = m.offsetHeight;
    const left = Math.max(8, Math.min(r.right - mw, window.innerWidth - mw - 8));
    const below = r.bottom + 4 + mh <= window.innerHeight - 8;
    m.style.left = `${left}px`;
    m.style.top = `${below ? r.bottom + 4 : Math.max(8, r.top - 4 - mh)}px`;
    const els = itemsEls();
    (focus === 'first' ? els[0] : els.at(-1))?.focus();
  };
  const close = (): void => {
    if (menu.current?.matches(':popover-open')) menu.current.hidePopover();
    button.current?.focus();
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        className="icon-btn row-menu-btn"
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-controls={id}
        onClick={() => open()}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            open(e.key === 'ArrowDown' ? 'first' : 'last');
          }
        }}
      >
        {icon ?? (
          <svg width={16} height={16} viewBox="0 0 24 24" aria-hidden focusable={false}>
            <circle cx="5" cy="12" r="1.8" fill="currentColor" />
            <circle cx="12" cy="12" r="1.8" fill="currentColor" />
            <circle cx="19" cy="12" r="1.8" fill="currentColor" />
          </svg>
        )}
      </button>
      <div
        ref={menu}
        id={id}
        popover="auto"
        role="menu"
        aria-label={label}
        className="menu"
        onToggle={(e) => {
          const open = (e as unknown as { newState?: string }).newState === 'open';
          button.current?.setAttribute('aria-expanded', String(open));
        }}
        onKeyDown={(e) => {
          const els = itemsEls();
          const i = els.indexOf(document.activeElement as HTMLButtonElement);
          const go = (j: number): void => {
            e.preventDefault();
            els[(j + els.length) % els.length]?.focus();
          };
          if (e.key === 'ArrowDown') go(i + 1);
          else if (e.key === 'ArrowUp') go(i - 1);
          else if (e.key === 'Home') go(0);
          else if (e.key === 'End') go(els.length - 1);
          else if (e.key === 'Escape') {
            e.preventDefault();
            close();
          } else if (e.key === 'Tab') close();
        }}
      >
        {items.map((it) => (
          <button
            key={it.label}
            type="button"
            role="menuitem"
            aria-label={it.name}
            tabIndex={-1}
            className={`menu-item${it.danger ? ' menu-item-danger' : ''}`}
            disabled={it.disabled}
            onClick={() => {
              close();
              it.onSelect();
            }}
          >
            {it.icon}
            {it.label}
          </button>
        ))}
      </div>
    </>
  );
}
