// The confirmations and forms that guard container actions, shown wherever the action started
// (a row, the bulk bar, a group header, the detail page). State lives in the containers store.
import { useState } from 'react';
import { ContainerNameSchema, type ContainerSummary } from '@contract/index';
import { useContainers, type ActionDialog } from '../../stores/containers-store';
import { ConfirmDialog, Dialog } from '../../components/Dialog';

const live = (ts: ContainerSummary[]): number => ts.filter((t) => t.state === 'running' || t.state === 'paused' || t.state === 'restarting').length;

const names = (ts: ContainerSummary[]) => (ts.length === 1 ? <strong>{ts[0]!.name}</strong> : <strong>{ts.length} containers</strong>);

export function ActionDialogs() {
  const s = useContainers();
  const dialog = s.dialog;
  const setDialog = s.setDialog;
  return (
    <>
      {dialog?.kind === 'remove' && (
        <ConfirmDialog
          title={dialog.targets.length === 1 ? `Remove ${dialog.targets[0]!.name}?` : `Remove ${dialog.targets.length} containers?`}
          body={
            <>
              <p>
                {names(dialog.targets)} will be deleted with its writable layer. This cannot be undone. Named volumes are kept.
              </p>
              {live(dialog.targets) > 0 && !dialog.force && (
                <p data-testid="remove-stops-first">
                  {dialog.targets.length === 1 ? 'It is running: it' : `${live(dialog.targets)} of them are running: they`} will be stopped cleanly first (SIGTERM, then SIGKILL after 10 s).
                </p>
              )}
            </>
          }
          confirmLabel="Remove"
          danger
          options={[
            { key: 'force', label: 'Force', hint: 'Kill it at once (SIGKILL) instead of stopping it cleanly' },
            { key: 'volumes', label: 'Also remove anonymous volumes', hint: 'Volumes created without a name for this container' },
          ]}
          values={{ force: dialog.force, volumes: dialog.volumes }}
          onValues={(v) => setDialog({ ...dialog, force: v.force ?? false, volumes: v.volumes ?? false })}
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            const d = dialog;
            setDialog(null);
            if (d.runner) {
              void d.runner.runMany(d.targets, 'remove', { force: d.force, volumes: d.volumes });
              return;
            }
            s.clearSelection();
            void s.runMany(
              d.targets.map((t) => t.id),
              'remove',
              { force: d.force, volumes: d.volumes },
            );
          }}
        />
      )}
      {(dialog?.kind === 'kill' || dialog?.kind === 'stop') && (
        <ConfirmDialog
          title={`${dialog.kind === 'kill' ? 'Kill' : 'Stop'} ${dialog.targets.length === 1 ? dialog.targets[0]!.name : `${dialog.targets.length} containers`}?`}
          body={
            dialog.kind === 'kill' ? (
              <p>{names(dialog.targets)} will get SIGKILL at once: no chance to shut down cleanly.</p>
            ) : (
              <p>{names(dialog.targets)} will be stopped (SIGTERM, then SIGKILL after 10 s).</p>
            )
          }
          confirmLabel={dialog.kind === 'kill' ? 'Kill' : 'Stop'}
          danger={dialog.kind === 'kill'}
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            const d = dialog;
            setDialog(null);
            if (d.runner) {
              void d.runner.runMany(d.targets, d.kind);
              return;
            }
            void s.runMany(
              d.targets.map((t) => t.id),
              d.kind,
            );
          }}
        />
      )}
      {dialog?.kind === 'rename' && <RenameDialog dialog={dialog} setDialog={setDialog} />}
    </>
  );
}

function RenameDialog({ dialog, setDialog }: { dialog: Extract<ActionDialog, { kind: 'rename' }>; setDialog(d: ActionDialog | null): void }) {
  const run = useContainers((s) => s.run);
  const error = useContainers((s) => (dialog.runner ? undefined : s.errors[dialog.target.id]));
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    const parsed = ContainerNameSchema.safeParse(dialog.name.trim());
    if (!parsed.success) {
      setDialog({ ...dialog, error: parsed.error.issues[0]?.message ?? 'invalid name' });
      return;
    }
    if (parsed.data === dialog.target.name) {
      setDialog(null);
      return;
    }
    setBusy(true);
    if (dialog.runner) {
      const failed = await dialog.runner.rename(dialog.target, parsed.data);
      setBusy(false);
      setDialog(failed === null ? null : { ...dialog, name: parsed.data, error: failed });
      return;
    }
    const ok = await run(dialog.target.id, 'rename', { name: parsed.data });
    setBusy(false);
    if (ok) setDialog(null);
  };
  const shown = dialog.error ?? error?.message ?? null;
  return (
    <Dialog title={`Rename ${dialog.target.name}`} onClose={() => setDialog(null)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>New name</span>
          <input
            autoFocus
            value={dialog.name}
            aria-invalid={shown ? true : undefined}
            aria-describedby="rename-error"
            onChange={(e) => setDialog({ ...dialog, name: e.target.value, error: null })}
          />
        </label>
        {shown && (
          <p id="rename-error" className="field-error" role="alert">
            {shown}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setDialog(null)}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Rename
          </button>
        </div>
      </form>
    </Dialog>
  );
}
