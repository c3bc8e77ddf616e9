// A modal dialog on the native <dialog> element (focus trap, Esc to close, inert background).
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog(props: { title: string; children: ReactNode; onClose(): void; labelledBy?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
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
