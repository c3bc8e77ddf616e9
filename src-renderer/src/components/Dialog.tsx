// A modal dialog on the native <dialog> element (focus trap, Esc to close, inert background).
import { useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * Where focus goes when a dialog closes (WAI-ARIA dialog pattern): back to the control that opened
 * it; if that control is gone (the row was removed) or disabled (its action is now running), to the
 * page's heading, never to the body.
 */
export function returnFocus(opener: Element | null): void {
  const usable = opener instanceof HTMLElement && opener.isConnected && !(opener as HTMLButtonElement).disabled && opener.offsetParent !== null;
  if (usable) {
    opener.focus();
    return;
  }
  const heading = document.querySelector<HTMLElement>('main h1');
  if (heading) {
    if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    heading.focus();
  }
}

export function Dialog(props: { title: string; children: ReactNode; onClose(): void; labelledBy?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Layout effect: the dialog must close (and focus move) before React takes it out of the DOM,
  // else Chromium drops focus on the body.
  useLayoutEffect(() => {
    const d = ref.current;
    const opener = document.activeElement;
    if (d && !d.open) d.showModal();
    return () => {
      d?.close();
      // After this commit (the opener may be re-rendered, enabled or removed by it).
      setTimeout(() => {
        if (document.activeElement === document.body || document.activeElement === null || !document.activeElement.isConnected) returnFocus(opener);
      }, 0);
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label={props.title}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) props.onClose();
      }}
    >
      <h2 className="dialog-title">{props.title}</h2>
      {props.children}
    </dialog>
  );
}

export interface ConfirmOption {
  key: string;
  label: string;
  hint?: string;
}

export function ConfirmDialog(props: {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  options?: ConfirmOption[];
  values?: Record<string, boolean>;
  onValues?(v: Record<string, boolean>): void;
  onConfirm(): void;
  onCancel(): void;
}) {
  return (
    <Dialog title={props.title} onClose={props.onCancel}>
      <div className="dialog-body">{props.body}</div>
      {props.options && props.options.length > 0 && (
        <div className="dialog-options">
          {props.options.map((o) => (
            <label key={o.key} className="check">
              <input
                type="checkbox"
                checked={props.values?.[o.key] ?? false}
                onChange={(e) => props.onValues?.({ ...props.values, [o.key]: e.target.checked })}
              />
              <span>
                {o.label}
                {o.hint && <small>{o.hint}</small>}
              </span>
            </label>
          ))}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className={props.danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={props.onConfirm} autoFocus>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
