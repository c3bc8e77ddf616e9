// Build an image from a folder: the form (folder, Dockerfile, tags, build args, target, no-cache,
// pull), then the build's progress (context sent, the engine's log, the image id or the engine's
// error) and Cancel. Builds live in a store (image-builds.ts): closing the dialog does not stop one,
// and opening the dialog again shows the host's latest build and its kept log.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { formatBytes } from '../../presenters/stats-presenter';
import { EMPTY_BUILD_FORM, parseBuildForm, type BuildForm } from '../../presenters/build-presenter';
import { ActionError } from '../resources/VirtualTable';
import { useImageBuilds, type ImageBuild } from './image-builds';

export function BuildDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const all = useImageBuilds((s) => s.builds);
  const builds = useMemo(() => all.filter((b) => b.hostId === hostId), [all, hostId]);
  const start = useImageBuilds((s) => s.start);
  const dismiss = useImageBuilds((s) => s.dismiss);
  const latest = builds.at(-1);
  // The host's latest build is shown first; "New build" returns to the form with its inputs.
  const [shownId, setShownId] = useState<number | null>(latest?.id ?? null);
  const shown = builds.find((b) => b.id === shownId) ?? null;
  const [form, setForm] = useState<BuildForm>(() => (latest ? formOf(latest) : EMPTY_BUILD_FORM));

  return (
    <Dialog title="Build an image" onClose={onClose}>
      {shown ? (
        <BuildProgress
          build={shown}
          onNew={() => {
            setForm(formOf(shown));
            if (shown.status !== 'running') dismiss(shown.id);
            setShownId(null);
          }}
          onClose={onClose}
        />
      ) : (
        <BuildFormView hostId={hostId} form={form} setForm={setForm} onStart={(input) => setShownId(start(input))} onClose={onClose} />
      )}
    </Dialog>
  );
}

function formOf(b: ImageBuild): BuildForm {
  const i = b.input;
  return {
    context: i.context,
    dockerfile: i.dockerfile ?? 'Dockerfile',
    tags: (i.tags ?? []).join(' '),
    buildArgs: (i.buildArgs ?? []).map((a) => `${a.name}=${a.value}`).join('\n'),
    target: i.target ?? '',
    noCache: i.noCache ?? false,
    pull: i.pull ?? false,
  };
}

function BuildFormView(props: { hostId: string; form: BuildForm; setForm(f: BuildForm): void; onStart(input: NonNullable<ReturnType<typeof parseBuildForm>['input']>): void; onClose(): void }) {
  const { form: f, setForm } = props;
  const set = (p: Partial<BuildForm>): void => setForm({ ...f, ...p });
  const parsed = parseBuildForm(props.hostId, f);
  const e = parsed.errors;
  return (
    <form
      className="res-form res-wide"
      aria-label="Build"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (parsed.input) props.onStart(parsed.input);
      }}
    >
      <label htmlFor="build-context">Folder (the build context, on the machine WakeDock runs on)</label>
      <input id="build-context" className="res-input mono" value={f.context} onChange={(ev) => set({ context: ev.target.value })} placeholder="/home/me/app" autoFocus aria-invalid={!!e.context} />
      {e.context && <p className="run-error">{e.context}</p>}
      <p className="muted small">Files its .dockerignore excludes are not sent.</p>
      <div className="res-build-grid">
        <div className="res-form">
          <label htmlFor="build-dockerfile">Dockerfile (in the folder)</label>
          <input id="build-dockerfile" className="res-input mono" value={f.dockerfile} onChange={(ev) => set({ dockerfile: ev.target.value })} aria-invalid={!!e.dockerfile} />
          {e.dockerfile && <p className="run-error">{e.dockerfile}</p>}
        </div>
        <div className="res-form">
          <label htmlFor="build-target">Target stage (optional)</label>
          <input id="build-target" className="res-input mono" value={f.target} onChange={(ev) => set({ target: ev.target.value })} placeholder="final" aria-invalid={!!e.target} />
          {e.target && <p className="run-error">{e.target}</p>}
        </div>
      </div>
      <label htmlFor="build-tags">Tags (space separated; none: an untagged image)</label>
      <input id="build-tags" className="res-input mono" value={f.tags} onChange={(ev) => set({ tags: ev.target.value })} placeholder="myapp:1.0 registry:5000/team/myapp:1.0" aria-invalid={!!e.tags} />
      {e.tags && <p className="run-error">{e.tags}</p>}
      <label htmlFor="build-args">Build arguments (NAME=value per line)</label>
      <textarea id="build-args" className="mono" rows={3} value={f.buildArgs} onChange={(ev) => set({ buildArgs: ev.target.value })} placeholder={'VERSION=1.2\nHTTP_PROXY='} aria-invalid={!!e.buildArgs} />
      {e.buildArgs && <p className="run-error">Build arguments, {e.buildArgs}</p>}
      <label className="check">
        <input type="checkbox" checked={f.noCache} onChange={(ev) => set({ noCache: ev.target.checked })} />
        <span>
          No cache
          <small> Run every step again.</small>
        </span>
      </label>
      <label className="check">
        <input type="checkbox" checked={f.pull} onChange={(ev) => set({ pull: ev.target.checked })} />
        <span>
          Pull base images
          <small> Fetch newer versions of the FROM images.</small>
        </span>
      </label>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onClose}>
          Close
        </button>
        <button type="submit" className="btn btn-primary" disabled={!parsed.input}>
          Build
        </button>
      </div>
    </form>
  );
}

function BuildProgress({ build: b, onNew, onClose }: { build: ImageBuild; onNew(): void; onClose(): void }) {
  const logRef = useRef<HTMLPreElement>(null);
  const [follow, setFollow] = useState(true);
  useEffect(() => {
    const el = logRef.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [b.lines, follow]);
  const status =
    b.status === 'running'
      ? b.context && !b.context.sent
        ? `Sending the context: ${b.context.files} files, ${formatBytes(b.context.bytes)}`
        : 'Building…'
      : b.status === 'done'
        ? `Built ${b.imageId?.replace(/^sha256:/, '').slice(0, 12) ?? ''}${b.input.tags?.length ? ` as ${b.input.tags.join(', ')}` : ''}`
        : b.status === 'cancelled'
          ? 'Cancelled'
          : 'Failed';
  return (
    <div className="res-form res-wide">
      <p className="small res-build-meta">
        <span className="mono">{b.input.context}</span>
        {b.input.dockerfile && b.input.dockerfile !== 'Dockerfile' && <span className="muted"> · {b.input.dockerfile}</span>}
      </p>
      <p role="status" aria-label="Build status" className={`res-build-meta${b.status === 'failed' ? ' run-error' : b.status === 'done' ? ' res-build-ok' : ''}`}>
        {status}
        {b.context?.sent && <span className="muted small"> · context {formatBytes(b.context.bytes)}</span>}
      </p>
      <pre
        ref={logRef}
        className="res-build-log"
        aria-label="Build log"
        tabIndex={0}
        onScroll={(ev) => {
          const el = ev.currentTarget;
          setFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - 8);
        }}
      >
        {b.dropped > 0 && <span className="muted">… {b.dropped} earlier lines not kept{'\n'}</span>}
        {b.lines.join('\n') || (b.status === 'running' ? 'Waiting for the engine…' : '')}
      </pre>
      <ActionError error={b.error ?? null} />
      <div className="dialog-actions">
        {b.status === 'running' ? (
          <button type="button" className="btn" onClick={b.cancel}>
            Cancel build
          </button>
        ) : (
          <button type="button" className="btn" onClick={onNew}>
            New build
          </button>
        )}
        <button type="button" className="btn btn-primary" onClick={onClose}>
          {b.status === 'running' ? 'Hide' : 'Close'}
        </button>
      </div>
    </div>
  );
}
