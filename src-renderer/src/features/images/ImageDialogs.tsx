// The Images page's dialogs: pull (per-layer progress, cancel), tag, remove (force; the blocking
// containers named), details (overview, layers, JSON) and prune (preview, confirm, result).
import { useEffect, useRef, useState } from 'react';
import type { ImageDetail, ImageLayer, ImagePrunePreview, PruneResult } from '@contract/procedures/images';
import type { PullEvent } from '@contract/procedures/run';
import { ImageRefSchema } from '@contract/run-spec';
import { RepositorySchema, TagSchema } from '@contract/procedures/images';
import { call, subscribe } from '../../transport/client';
import { Dialog } from '../../components/Dialog';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes } from '../../presenters/stats-presenter';
import { relativeTime } from '../../presenters/container-presenter';
import { shortImageId, splitRef, type ImageView } from '../../presenters/image-presenter';
import { ActionError } from '../resources/VirtualTable';
import { PruneList } from '../resources/PruneList';
import { shownError, type ShownError } from '../resources/errors';
import { useAction } from '../../components/use-action';

/** A pull's or push's progress: the overall bar and status, then every layer with its bytes. */
export function LayerProgress({ ev, label, done }: { ev: PullEvent; label: string; done: string }) {
  const pct = ev.kind === 'progress' && ev.total > 0 ? Math.round((ev.current / ev.total) * 100) : undefined;
  return (
    <div className="res-pull" role="status" aria-label={label}>
      {ev.kind === 'progress' ? (
        <>
          <div className="res-pull-head">
            <progress max={100} value={pct ?? undefined} aria-label={done} />
            <span className="small">
              {ev.status}
              {pct !== undefined && ` · ${pct}% of ${formatBytes(ev.total)}`}
            </span>
          </div>
          <ul className="res-layers" aria-label="Layers">
            {ev.layers.map((l) => (
              <li key={l.id}>
                <span className="mono">{l.id}</span> <span className="muted">{l.status}</span>
                {l.total ? <span className="muted small"> {formatBytes(l.current ?? 0)} / {formatBytes(l.total)}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <span>{ev.status}</span>
      )}
    </div>
  );
}

/** A pull or a push as a stream: its latest progress, its error, cancel (unsubscribing aborts the engine request). */
export function useLayerStream(proc: 'images.pull' | 'images.push', hostId: string, what: string) {
  const [ev, setEv] = useState<PullEvent | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const off = useRef<(() => void) | null>(null);
  useEffect(() => () => off.current?.(), []);
  const start = (ref: string): void => {
    setErr(null);
    setEv(null);
    setBusy(true);
    off.current = subscribe(
      proc,
      { hostId, ref },
      (e) => {
        setEv(e);
        if (e.kind === 'done') setBusy(false);
      },
      (e) => {
        setErr({ message: e.message, hint: e.hint });
        setBusy(false);
      },
    );
  };
  const cancel = (): void => {
    off.current?.();
    off.current = null;
    setBusy(false);
    setEv(null);
    setErr({ message: `${what} cancelled` });
  };
  return { ev, err, busy, start, cancel };
}

export function PullDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [ref, setRef] = useState('');
  const { ev, err, busy: pulling, start: startPull, cancel } = useLayerStream('images.pull', hostId, 'Pull');
  const parsed = ImageRefSchema.safeParse(ref);
  const fieldErr = ref.trim() && !parsed.success ? parsed.error.issues[0]?.message : undefined;
  const start = (): void => {
    if (parsed.success) startPull(parsed.data);
  };
  return (
    <Dialog title="Pull an image" onClose={pulling ? cancel : onClose}>
      <form
        className="res-form"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <label htmlFor="pull-ref">Image reference</label>
        <input id="pull-ref" className="res-input" value={ref} onChange={(e) => setRef(e.target.value)} placeholder="nginx:1.27, registry:5000/team/app:tag" autoFocus disabled={pulling} aria-invalid={!!fieldErr} />
        {fieldErr && <p className="run-error">{fieldErr}</p>}
        <p className="muted small">Without a tag, :latest is pulled, as docker pull does.</p>
        {ev && <LayerProgress ev={ev} label="Pull progress" done="Pulled" />}
        <ActionError error={err} />
        <div className="dialog-actions">
          {pulling ? (
            <button type="button" className="btn" onClick={cancel}>
              Cancel pull
            </button>
          ) : (
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={!parsed.success || pulling}>
            {pulling ? 'Pulling…' : 'Pull'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function TagDialog({ hostId, view, onClose }: { hostId: string; view: ImageView; onClose(): void }) {
  const initial = view.tags[0] ? splitRef(view.tags[0]) : { repo: '', tag: 'latest' };
  const [repo, setRepo] = useState(initial.repo);
  const [tag, setTag] = useState(view.tags[0] ? '' : 'latest');
  const { busy, error: err, run: act } = useAction();
  const repoOk = RepositorySchema.safeParse(repo);
  const tagOk = TagSchema.safeParse(tag);
  const repoErr = repo && !repoOk.success ? repoOk.error.issues[0]?.message : undefined;
  const tagErr = tag && !tagOk.success ? tagOk.error.issues[0]?.message : undefined;
  const submit = (): Promise<void> =>
    act(async () => {
      await call('images.tag', { hostId, id: view.image.id, repo: repo.trim(), tag: tag.trim() });
      onClose();
    });
  return (
    <Dialog title={`Tag ${view.title === '<none>' ? view.shortId : view.title}`} onClose={onClose}>
      <form
        className="res-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="tag-repo">Repository</label>
        <input id="tag-repo" className="res-input" value={repo} onChange={(e) => setRepo(e.target.value)} placeholder="registry:5000/team/app" aria-invalid={!!repoErr} />
        {repoErr && <p className="run-error">{repoErr}</p>}
        <label htmlFor="tag-tag">Tag</label>
        <input id="tag-tag" className="res-input" value={tag} onChange={(e) => setTag(e.target.value)} placeholder="latest" aria-invalid={!!tagErr} autoFocus />
        {tagErr && <p className="run-error">{tagErr}</p>}
        <ActionError error={err} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !repoOk.success || !tagOk.success}>
            Add tag
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Remove a whole image, or one of its tags (untag). The engine's refusal stays in the dialog. */
export function RemoveImageDialog({ hostId, view, untag, onClose }: { hostId: string; view: ImageView; untag?: string; onClose(): void }) {
  const [force, setForce] = useState(false);
  const { busy, error: err, run: act } = useAction();
  const submit = (): Promise<void> =>
    act(async () => {
      if (untag) await call('images.untag', { hostId, ref: untag });
      else await call('images.remove', { hostId, id: view.image.id, force });
      onClose();
    });
  const name = view.dangling ? view.shortId : view.title;
  return (
    <Dialog title={untag ? `Remove the tag ${untag}?` : `Remove the image ${name}?`} onClose={onClose}>
      <div className="dialog-body">
        {untag ? (
          <p>
            The name <strong>{untag}</strong> is removed.{' '}
            {view.tags.length > 1 ? 'The image keeps its other names.' : 'It is the last name: the image itself is removed too unless a container uses it.'}
          </p>
        ) : (
          <>
            <p>
              <strong>{name}</strong> ({formatBytes(view.image.size)}){view.tags.length > 1 && <> and all its names: {view.tags.join(', ')}</>} will be removed from this host.
            </p>
            {view.image.containerCount > 0 && <p>Used by: {view.image.containers.join(', ')}</p>}
          </>
        )}
      </div>
      {!untag && (
        <div className="dialog-options">
          <label className="check">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
            <span>
              Force
              <small>Also when containers use it (they keep running; the image is only untagged until they are removed).</small>
            </span>
          </label>
        </div>
      )}
      <ActionError error={err} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void submit()}>
          {busy ? 'Removing…' : untag ? 'Remove tag' : 'Remove image'}
        </button>
      </div>
    </Dialog>
  );
}

export function ImageDetailsDialog({ hostId, view, onClose }: { hostId: string; view: ImageView; onClose(): void }) {
  const [tab, setTab] = useState<'overview' | 'layers' | 'json'>('overview');
  const [detail, setDetail] = useState<ImageDetail | null>(null);
  const [layers, setLayers] = useState<ImageLayer[] | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  useEffect(() => {
    Promise.all([call('images.inspect', { hostId, id: view.image.id }), call('images.history', { hostId, id: view.image.id })])
      .then(([d, h]) => {
        setDetail(d);
        setLayers(h);
      })
      .catch((e) => setErr(shownError(e)));
  }, [hostId, view.image.id]);
  const kv = (k: string, v: string) =>
    v ? (
      <>
        <dt>{k}</dt>
        <dd className="mono">{v}</dd>
      </>
    ) : null;
  return (
    <Dialog title={view.dangling ? `Image ${view.shortId}` : view.title} onClose={onClose}>
      <div className="res-details">
        <div className="segmented" role="tablist" aria-label="Image details">
          {(['overview', 'layers', 'json'] as const).map((t) => (
            <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'seg seg-on' : 'seg'} onClick={() => setTab(t)}>
              {t === 'overview' ? 'Overview' : t === 'layers' ? 'Layers' : 'JSON'}
            </button>
          ))}
        </div>
        <ActionError error={err} />
        {!detail && !err && <p className="muted">Loading…</p>}
        {detail && tab === 'overview' && (
          <dl className="res-kv" aria-label="Overview">
            {kv('Id', detail.id)}
            {kv('Names', detail.repoTags.join(', '))}
            {kv('Digests', detail.repoDigests.join(', '))}
            {kv('Created', detail.created)}
            {kv('Size', formatBytes(detail.size))}
            {kv('Platform', `${detail.os}/${detail.architecture}`)}
            {kv('Entrypoint', detail.entrypoint.join(' '))}
            {kv('Command', detail.cmd.join(' '))}
            {kv('Working dir', detail.workingDir)}
            {kv('User', detail.user)}
            {kv('Exposed ports', detail.exposedPorts.join(', '))}
            {kv('Volumes', detail.volumes.join(', '))}
            {kv('Environment', detail.env.join('\n'))}
            {kv('Labels', Object.entries(detail.labels).map(([k, v]) => `${k}=${v}`).join('\n'))}
            {kv('Used by', view.image.containers.join(', '))}
          </dl>
        )}
        {layers && tab === 'layers' && (
          <ol className="res-history" aria-label="Layers">
            {layers.map((l, i) => (
              <li key={`${l.id}-${i}`}>
                <div className="res-history-head">
                  <span className="mono small">{l.id === '<missing>' ? '<missing>' : shortImageId(l.id)}</span>
                  <span className="small">{formatBytes(l.size)}</span>
                  <span className="muted small">{relativeTime(l.created)}</span>
                </div>
                <code className="res-history-cmd">{l.createdBy || l.comment || '—'}</code>
              </li>
            ))}
          </ol>
        )}
        {detail && tab === 'json' && (
          <div className="res-json">
            <CopyButton text={detail.raw} label="Copy JSON" />
            <pre className="mono">{detail.raw}</pre>
          </div>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

export function PruneImagesDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [scope, setScope] = useState<'dangling' | 'unused'>('dangling');
  const [preview, setPreview] = useState<ImagePrunePreview | null>(null);
  const [result, setResult] = useState<PruneResult | null>(null);
  const { busy, error: err, setError: setErr, run: act } = useAction();
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const pick = (s: 'dangling' | 'unused'): void => {
    setScope(s);
    setPreview(null);
    setErr(null);
    setExcluded(new Set());
  };
  const chosen = preview?.items.filter((i) => !excluded.has(i.id)) ?? [];
  useEffect(() => {
    call('images.prunePreview', { hostId, scope })
      .then(setPreview)
      .catch((e) => setErr(shownError(e)));
  }, [hostId, scope, setErr]);
  const prune = async (): Promise<void> => {
    if (chosen.length === 0) return;
    await act(async () => {
      setResult(await call('images.prune', { hostId, ids: chosen.map((i) => i.id) }));
    });
  };
  return (
    <Dialog title="Prune images" onClose={onClose}>
      {result ? (
        <div className="dialog-body" role="status" aria-label="Prune result">
          <p>
            Removed <strong>{result.removed.length}</strong> image{result.removed.length === 1 ? '' : 's'}, freed <strong>{formatBytes(result.spaceFreed)}</strong>.
          </p>
          {result.failed.length > 0 && (
            <ul className="res-list">
              {result.failed.map((f) => (
                <li key={f.id}>
                  <span className="mono">{shortImageId(f.id)}</span>: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <div className="dialog-body">
          <div className="segmented" role="radiogroup" aria-label="What to prune">
            <button type="button" role="radio" aria-checked={scope === 'dangling'} className={scope === 'dangling' ? 'seg seg-on' : 'seg'} onClick={() => pick('dangling')}>
              Dangling only
            </button>
            <button type="button" role="radio" aria-checked={scope === 'unused'} className={scope === 'unused' ? 'seg seg-on' : 'seg'} onClick={() => pick('unused')}>
              All unused
            </button>
          </div>
          {!preview && !err && <p className="muted">Looking…</p>}
          {preview && preview.items.length === 0 && <p>Nothing to prune: no {scope === 'dangling' ? 'dangling' : 'unused'} images.</p>}
          {preview && preview.items.length > 0 && (
            <>
              <p>
                These <strong>{preview.items.length}</strong> images will be removed, freeing at least <strong>{formatBytes(preview.reclaimable)}</strong>:
              </p>
              <PruneList label="Images to remove" items={preview.items.map((i) => ({ id: i.id, label: i.repoTags.length > 0 ? i.repoTags.join(', ') : shortImageId(i.id), size: i.uniqueSize }))} excluded={excluded} onExcluded={setExcluded} />
            </>
          )}
        </div>
      )}
      <ActionError error={err} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          {result ? 'Close' : 'Cancel'}
        </button>
        {!result && (
          <button type="button" className="btn btn-danger" disabled={busy || chosen.length === 0} onClick={() => void prune()}>
            {busy ? 'Removing…' : `Remove ${chosen.length} image${chosen.length === 1 ? '' : 's'}`}
          </button>
        )}
      </div>
    </Dialog>
  );
}
