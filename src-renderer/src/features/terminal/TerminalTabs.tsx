// Terminals of one place (a container, this machine, or an SSH host) as tabs: new tab (with shell, user and
// working-directory options), close with confirmation while a process runs, copy and paste, and
// "Start again" for an ended session. Used by the container page and the host terminal page.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TerminalSession } from '@contract/procedures/terminal';
import { ConfirmDialog } from '../../components/Dialog';
import { CloseIcon } from '../../components/icons';
import { errorText } from '../../transport/client';
import { TerminalPane, type PaneHandle } from './TerminalPane';
import { scopeKey, useTerminals, type OpenOptions, type TerminalScope } from './terminal-store';
import './terminal.css';

const EMPTY: string[] = [];

function tabLabel(s: TerminalSession | undefined, i: number): string {
  return `${s?.title ?? 'terminal'} ${i + 1}`;
}

export function TerminalTabs({ scope, canOpen, whyNot, autoOpen }: { scope: TerminalScope; canOpen: boolean; whyNot?: string; autoOpen: boolean }) {
  const key = scopeKey(scope);
  const ids = useTerminals((s) => s.tabs[key] ?? EMPTY);
  const active = useTerminals((s) => s.active[key]);
  const sessions = useTerminals((s) => s.sessions);
  const opening = useTerminals((s) => s.opening[key] ?? false);
  const copyOnSelect = useTerminals((s) => s.copyOnSelect);
  const { sync, open, close, setActive, setCopyOnSelect } = useTerminals.getState();
  const [error, setError] = useState<string | null>(null);
  const [showForm, setShowForm] = useState(false);
  const [form, setForm] = useState<OpenOptions>({});
  const [confirm, setConfirm] = useState<string | null>(null);
  const pane = useRef<PaneHandle | null>(null);

  // Rediscover sessions kept by main (after a reload, or opened in another window); then, on a
  // first visit with nothing open, start a shell right away as users expect.
  useEffect(() => {
    let cancelled = false;
    const sc = scope;
    void (async () => {
      try {
        await sync(sc);
        const st = useTerminals.getState();
        if (!cancelled && autoOpen && canOpen && (st.tabs[key] ?? []).length === 0 && !st.opening[key]) await open(sc);
      } catch (e) {
        if (!cancelled) setError(errorText(e));
      }
    })();
    return () => {
      cancelled = true;
    };
    // Once per place (and when it becomes possible to open, e.g. the container started).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, canOpen]);

  const doOpen = async (opts: OpenOptions = {}): Promise<void> => {
    setError(null);
    try {
      await open(scope, opts);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const doClose = async (id: string): Promise<void> => {
    setConfirm(null);
    try {
      await close(id);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const askClose = (id: string): void => {
    if (sessions[id]?.state === 'running') setConfirm(id);
    else void doClose(id);
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setShowForm(false);
    void doOpen(form);
  };

  const current = active && ids.includes(active) ? active : ids.at(-1);
  const cur = current ? sessions[current] : undefined;
  const curIndex = current ? ids.indexOf(current) : -1;

  return (
    <div className="term">
      <div className="term-bar">
        <div className="term-tabs" role="tablist" aria-label="Terminals">
          {ids.map((id, i) => {
            const s = sessions[id];
            const label = tabLabel(s, i);
            const on = id === current;
            return (
              <div key={id} className={`term-tab${on ? ' term-tab-on' : ''}${s?.state === 'exited' ? ' term-tab-ended' : ''}`}>
                <button type="button" role="tab" aria-selected={on} className="term-tab-btn" onClick={() => setActive(scope, id)} title={s ? s.command.join(' ') : undefined}>
                  <span className={`dot ${s?.state === 'exited' ? 'dot-ended' : 'dot-live'}`} aria-hidden="true" />
                  {label}
                  {s?.state === 'exited' && <span className="sr-only"> (ended)</span>}
                </button>
                <button type="button" className="icon-btn term-tab-close" aria-label={`Close ${label}`} onClick={() => askClose(id)}>
                  <CloseIcon />
                </button>
              </div>
            );
          })}
        </div>
        <div className="term-open">
          <button type="button" className="icon-btn term-new" aria-label="New terminal" title={whyNot ?? 'New terminal (automatic shell)'} disabled={!canOpen || opening} onClick={() => void doOpen()}>
            +
          </button>
          {scope.kind !== 'ssh' && (
            <button type="button" className="btn btn-sm btn-ghost" aria-expanded={showForm} disabled={!canOpen} onClick={() => setShowForm((v) => !v)}>
              Options…
            </button>
          )}
        </div>
        <div className="term-tools" role="toolbar" aria-label="Terminal tools">
          <button type="button" className="btn btn-sm" disabled={!cur} onMouseDown={(e) => e.preventDefault()} onClick={() => void pane.current?.copy()} title="Copy the selection (Ctrl+Shift+C)">
            Copy
          </button>
          <button type="button" className="btn btn-sm" disabled={!cur || cur.state !== 'running'} onMouseDown={(e) => e.preventDefault()} onClick={() => void pane.current?.paste()} title="Paste (Ctrl+Shift+V)">
            Paste
          </button>
          <label className="check term-check" title="Copy text as soon as it is selected">
            <input type="checkbox" checked={copyOnSelect} onChange={(e) => setCopyOnSelect(e.target.checked)} />
            <span>Copy on select</span>
          </label>
        </div>
      </div>

      {showForm && (
        <form className="term-form" aria-label="New terminal options" onSubmit={submit}>
          <label className="field">
            <span>Command</span>
            <input className="mono" placeholder={scope.kind === 'host' ? 'your login shell' : 'automatic: bash, else sh'} value={form.command ?? ''} onChange={(e) => setForm({ ...form, command: e.target.value })} />
          </label>
          {scope.kind === 'container' && (
            <label className="field">
              <span>User</span>
              <input className="mono" placeholder="the image's user" value={form.user ?? ''} onChange={(e) => setForm({ ...form, user: e.target.value })} />
            </label>
          )}
          <label className="field">
            <span>Working directory</span>
            <input className="mono" placeholder={scope.kind === 'host' ? 'home' : "the image's"} value={form.workdir ?? ''} onChange={(e) => setForm({ ...form, workdir: e.target.value })} />
          </label>
          <div className="term-form-actions">
            <button type="button" className="btn btn-sm" onClick={() => setShowForm(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-sm btn-primary" disabled={opening}>
              Open terminal
            </button>
          </div>
        </form>
      )}

      {error && (
        <div className="banner banner-error" role="alert">
          <span>{error}</span>
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}

      {cur?.state === 'exited' && (
        <div className="banner term-ended" role="status">
          <span>
            {tabLabel(cur, curIndex)}: {cur.endReason ?? 'ended'}
          </span>
          {canOpen && (
            <button type="button" className="btn btn-sm" onClick={() => void doOpen(useTerminals.getState().options[cur.id] ?? {})}>
              Start again
            </button>
          )}
        </div>
      )}

      {current ? (
        <TerminalPane key={current} sessionId={current} label={tabLabel(cur, curIndex)} onHandle={(h) => (pane.current = h)} />
      ) : (
        <div className="empty muted term-empty">
          {opening ? 'Starting a shell…' : canOpen ? 'No terminal open. Use + to start one.' : (whyNot ?? 'Terminals are unavailable.')}
        </div>
      )}

      {confirm && (
        <ConfirmDialog
          title="Close this terminal?"
          body={<p>{`A process is still running in ${tabLabel(sessions[confirm], ids.indexOf(confirm))}. Closing the terminal ends it.`}</p>}
          confirmLabel="Close terminal"
          danger
          onConfirm={() => void doClose(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </div>
  );
}
