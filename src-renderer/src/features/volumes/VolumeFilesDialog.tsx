// A volume's files: browse (one folder at a time, view small text files, download one file in the
// browser), back up to .tar.gz (progress, cancel), restore (asks first: it replaces the contents)
// and clone — all through a short-lived helper container from an image the host already has, which
// the user picks here (the page says so when the host has none).
import { useEffect, useRef, useState } from 'react';
import type { VolumeBackupEvent, VolumeFile, VolumeListing, VolumeRestoreEvent, VolumeRow } from '@contract/procedures/volumes';
import { VolumeNameSchema } from '@contract/procedures/volumes';
import { RpcError } from '@contract/index';
import { call, subscribe, transportKind } from '../../transport/client';
import { Dialog } from '../../components/Dialog';
import { formatBytes } from '../../presenters/stats-presenter';
import { ActionError } from '../resources/VirtualTable';
import { shownError, type ShownError } from '../resources/errors';
import { tooLargeForServer, uploadFile, UploadError, type Upload } from '../resources/upload';
import { useAction } from '../../components/use-action';

type Tab = 'browse' | 'backup' | 'restore' | 'clone';

function Progress({ done, total, label }: { done: number; total: number | null; label: string }) {
  const pct = total && total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className="vf-progress" role="progressbar" aria-label={label} aria-valuenow={pct ?? undefined} aria-valuemin={0} aria-valuemax={100}>
      <div className="vf-bar">
        <div className="vf-fill" style={{ width: `${pct ?? 5}%` }} />
      </div>
      <span className="muted">
        {formatBytes(done)}
        {total ? ` of ~${formatBytes(total)}` : ''}
      </span>
    </div>
  );
}

function Browse({ hostId, volume, image }: { hostId: string; volume: string; image: string }) {
  const [path, setPath] = useState('');
  const [listing, setListing] = useState<VolumeListing | null>(null);
  const [file, setFile] = useState<VolumeFile | null>(null);
  const [err, setErr] = useState<{ path: string; error: ShownError } | null>(null);
  useEffect(() => {
    let live = true;
    call('volumes.list', { hostId, name: volume, image, path })
      .then((l) => live && (setListing(l), setErr(null)))
      .catch((e) => live && setErr({ path, error: shownError(e) }));
    return () => {
      live = false;
    };
  }, [hostId, volume, image, path]);
  const busy = listing?.path !== path && err?.path !== path;
  const open = async (name: string): Promise<void> => {
    setErr(null);
    try {
      setFile(await call('volumes.readFile', { hostId, name: volume, image, path: path ? `${path}/${name}` : name }));
    } catch (e) {
      setErr({ path, error: shownError(e) });
    }
  };
  const crumbs = path ? path.split('/') : [];
  const downloadHref = (name: string): string => `/api/volume-file/${encodeURIComponent(hostId)}/${encodeURIComponent(volume)}?image=${encodeURIComponent(image)}&path=${encodeURIComponent(path ? `${path}/${name}` : name)}`;
  return (
    <div className="vf-browse">
      <nav className="vf-crumbs" aria-label="Folder">
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => (setPath(''), setFile(null))}>
          {volume}
        </button>
        {crumbs.map((c, i) => (
          <span key={i}>
            /
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => (setPath(crumbs.slice(0, i + 1).join('/')), setFile(null))}>
              {c}
            </button>
          </span>
        ))}
        {busy && <span className="muted"> loading…</span>}
      </nav>
      <ActionError error={err?.error ?? null} />
      {file ? (
        <div className="vf-file" aria-label={`File ${file.path}`}>
          <div className="vf-file-head">
            <button type="button" className="btn btn-sm" onClick={() => setFile(null)}>
              Back
            </button>
            <span className="mono ellipsis">{file.path}</span>
            <span className="muted">{formatBytes(file.size)}</span>
          </div>
          {file.text !== null ? <pre className="vf-text" aria-label="File text">{file.text}</pre> : <p className="muted">{file.notShown === 'too-large' ? `Too large to show here (over 256 KiB); download it instead.` : 'Not a text file; download it instead.'}</p>}
        </div>
      ) : (
        listing && (
          <div role="table" aria-label="Files" className="vf-table">
            {listing.entries.length === 0 && <p className="muted">This folder is empty.</p>}
            {listing.entries.map((e) => (
              <div role="row" key={e.name} className="vf-row" aria-label={e.name}>
                <span role="cell" className="vf-name">
                  {e.type === 'dir' ? (
                    <button type="button" className="btn-link mono" onClick={() => setPath(path ? `${path}/${e.name}` : e.name)}>
                      📁 {e.name}/
                    </button>
                  ) : e.type === 'file' ? (
                    <button type="button" className="btn-link mono" onClick={() => void open(e.name)}>
                      {e.name}
                    </button>
                  ) : (
                    <span className="mono muted">
                      {e.name} {e.type === 'link' ? '(link)' : `(${e.type})`}
                    </span>
                  )}
                </span>
                <span role="cell" className="vf-size muted">
                  {e.type === 'file' ? formatBytes(e.size) : ''}
                </span>
                <span role="cell" className="vf-act">
                  {e.type === 'file' && transportKind() === 'ws' && (
                    <a className="btn btn-sm btn-ghost" href={downloadHref(e.name)} download aria-label={`Download ${e.name}`}>
                      Download
                    </a>
                  )}
                </span>
              </div>
            ))}
            {listing.truncated && <p className="muted">Only the first 1000 entries are listed.</p>}
          </div>
        )
      )}
    </div>
  );
}

function Backup({ hostId, volume, image }: { hostId: string; volume: string; image: string }) {
  const [path, setPath] = useState('');
  const [dir, setDir] = useState('');
  const [progress, setProgress] = useState<{ read: number; total: number | null } | null>(null);
  const [done, setDone] = useState<{ path: string; written: number } | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  const stop = useRef<(() => void) | null>(null);
  useEffect(() => {
    void call('volumes.backups', {}).then((b) => setDir(b.dir), () => undefined);
    return () => stop.current?.();
  }, []);
  const start = (): void => {
    setErr(null);
    setDone(null);
    setProgress({ read: 0, total: null });
    stop.current = subscribe(
      'volumes.backup',
      { hostId, name: volume, image, ...(path.trim() ? { path: path.trim() } : {}) },
      (e: VolumeBackupEvent) => {
        if (e.kind === 'progress') setProgress({ read: e.read, total: e.total });
        if (e.kind === 'done') {
          stop.current = null;
          setProgress(null);
          setDone({ path: e.path, written: e.written });
        }
      },
      (e) => {
        stop.current = null;
        setProgress(null);
        setErr(shownError(new RpcError(e)));
      },
    );
  };
  const cancel = (): void => {
    stop.current?.();
    stop.current = null;
    setProgress(null);
    setErr({ message: 'Backup cancelled; no file was kept.' });
  };
  const fileName = done?.path.split(/[\\/]/).pop() ?? '';
  return (
    <div className="res-form">
      <label htmlFor="vf-backup-path">Save as (a .tar.gz on the machine that runs WakeDock)</label>
      <input id="vf-backup-path" className="res-input mono" value={path} onChange={(e) => setPath(e.target.value)} placeholder={dir ? `${dir}/${volume}-<date>.tar.gz` : 'Empty: the default backup folder'} disabled={!!progress} aria-invalid={err?.field === 'path'} />
      {err?.field === 'path' && <p className="run-error">{err.message}</p>}
      {progress && <Progress done={progress.read} total={progress.total} label="Backup progress" />}
      {done && (
        <p role="status" aria-label="Backup done">
          Saved {formatBytes(done.written)} to <span className="mono">{done.path}</span>
          {transportKind() === 'ws' && dir && done.path.startsWith(dir) && (
            <>
              {' '}
              <a className="btn btn-sm" href={`/api/volume-backups/${encodeURIComponent(fileName)}`} download>
                Download
              </a>
            </>
          )}
        </p>
      )}
      <ActionError error={err && err.field !== 'path' ? err : null} />
      {transportKind() === 'ws' && (
        <p className="res-archive-alt">
          <span className="muted">Or straight to this computer (made as it downloads; nothing is kept on the server): </span>
          <a className="btn btn-sm" href={`/api/volume-backup/${encodeURIComponent(hostId)}/${encodeURIComponent(volume)}?image=${encodeURIComponent(image)}`} download aria-label="Download a backup">
            Download .tar.gz
          </a>
        </p>
      )}
      <div className="dialog-actions">
        {progress ? (
          <button type="button" className="btn" onClick={cancel}>
            Cancel backup
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={start}>
            Back up
          </button>
        )}
      </div>
    </div>
  );
}

function Restore({ hostId, volume, image }: { hostId: string; volume: string; image: string }) {
  const [files, setFiles] = useState<{ path: string; name: string; size: number }[]>([]);
  const [path, setPath] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [done, setDone] = useState<{ entries: number; bytes: number } | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  const stop = useRef<(() => void) | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [sending, setSending] = useState<{ sent: number; total: number } | null>(null);
  const upload = useRef<Upload<{ path: string; name: string; size: number }> | null>(null);
  const refresh = (): void => void call('volumes.backups', {}).then((b) => setFiles(b.files), () => undefined);
  useEffect(() => {
    refresh();
    return () => (stop.current?.(), upload.current?.cancel());
  }, []);
  const send = async (f: File): Promise<void> => {
    setErr(null);
    setDone(null);
    const refusal = await tooLargeForServer(f.size, formatBytes);
    if (refusal) return setErr({ message: refusal, field: 'file' });
    setSending({ sent: 0, total: f.size });
    const u = uploadFile<{ path: string; name: string; size: number }>('PUT', `/api/volume-backups/${encodeURIComponent(f.name)}`, f, (sent, total) => setSending({ sent, total }));
    upload.current = u;
    try {
      const r = await u.done;
      setPath(r.path);
      setFile(null);
      refresh();
    } catch (e) {
      setErr(e instanceof UploadError ? { ...e.shown, field: 'file' } : { message: String(e), field: 'file' });
    } finally {
      if (upload.current === u) upload.current = null;
      setSending(null);
    }
  };
  const start = (): void => {
    setConfirm(false);
    setErr(null);
    setDone(null);
    setProgress({ sent: 0, total: 0 });
    stop.current = subscribe(
      'volumes.restore',
      { hostId, name: volume, image, path: path.trim() },
      (e: VolumeRestoreEvent) => {
        if (e.kind === 'progress') setProgress({ sent: e.sent, total: e.total });
        if (e.kind === 'done') {
          stop.current = null;
          setProgress(null);
          setDone({ entries: e.entries, bytes: e.bytes });
        }
      },
      (e) => {
        stop.current = null;
        setProgress(null);
        setErr(shownError(new RpcError(e)));
      },
    );
  };
  return (
    <div className="res-form">
      <label htmlFor="vf-restore-path">Archive (.tar.gz on the machine that runs WakeDock)</label>
      <input id="vf-restore-path" className="res-input mono" list="vf-backups" value={path} onChange={(e) => setPath(e.target.value)} disabled={!!progress} aria-invalid={err?.field === 'path'} />
      <datalist id="vf-backups">
        {files.map((f) => (
          <option key={f.path} value={f.path}>
            {f.name} ({formatBytes(f.size)})
          </option>
        ))}
      </datalist>
      {err?.field === 'path' && <p className="run-error">{err.message}</p>}
      {transportKind() === 'ws' && (
        <div className="res-archive-alt">
          <label htmlFor="vf-restore-upload" className="muted">
            Or upload a .tar.gz from this computer (kept in the default backup folder, then chosen above)
          </label>
          <div className="res-archive-upload">
            <input id="vf-restore-upload" type="file" accept=".tar.gz,.tgz,application/gzip" disabled={!!sending || !!progress} onChange={(e) => (setFile(e.target.files?.[0] ?? null), setErr(null))} />
            {sending ? (
              <button type="button" className="btn" onClick={() => upload.current?.cancel()}>
                Cancel upload
              </button>
            ) : (
              <button type="button" className="btn" disabled={!file || !!progress} onClick={() => file && void send(file)}>
                Upload
              </button>
            )}
          </div>
          {sending && <Progress done={sending.sent} total={sending.total} label="Upload progress" />}
          {err?.field === 'file' && (
            <p className="run-error" role="alert">
              {err.message}
              {err.hint ? ` ${err.hint}` : ''}
            </p>
          )}
        </div>
      )}
      {confirm && (
        <div className="banner banner-warn vf-confirm" role="alert">
          <p>
            Every file now in <strong className="mono">{volume}</strong> is deleted and replaced by the archive&apos;s. This cannot be undone.
          </p>
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => setConfirm(false)}>
              Keep the volume
            </button>
            <button type="button" className="btn btn-danger" onClick={start}>
              Replace the contents
            </button>
          </div>
        </div>
      )}
      {progress && <Progress done={progress.sent} total={progress.total || null} label="Restore progress" />}
      {done && (
        <p role="status" aria-label="Restore done">
          Restored {done.entries} entries ({formatBytes(done.bytes)}).
        </p>
      )}
      <ActionError error={err && err.field !== 'path' && err.field !== 'file' ? err : null} />
      <div className="dialog-actions">
        {progress ? (
          <button type="button" className="btn" onClick={() => (stop.current?.(), (stop.current = null), setProgress(null))}>
            Cancel restore
          </button>
        ) : (
          <button type="button" className="btn btn-danger" disabled={!path.trim() || confirm || !!sending} onClick={() => setConfirm(true)}>
            Restore…
          </button>
        )}
      </div>
    </div>
  );
}

function Clone({ hostId, volume, image }: { hostId: string; volume: string; image: string }) {
  const [target, setTarget] = useState(`${volume}-copy`);
  const { busy, error: err, run: act } = useAction();
  const [done, setDone] = useState<{ name: string; bytes: number } | null>(null);
  const parsed = VolumeNameSchema.safeParse(target);
  const fieldErr = !parsed.success ? parsed.error.issues[0]?.message : err?.field === 'target' ? err.message : undefined;
  const submit = (): Promise<void> =>
    act(async () => {
      setDone(await call('volumes.clone', { hostId, name: volume, image, target: target.trim() }));
    });
  return (
    <form className="res-form" onSubmit={(e) => (e.preventDefault(), void submit())}>
      <label htmlFor="vf-clone-name">New volume name</label>
      <input id="vf-clone-name" className="res-input mono" value={target} onChange={(e) => setTarget(e.target.value)} aria-invalid={!!fieldErr} />
      {fieldErr && <p className="run-error">{fieldErr}</p>}
      {done && (
        <p role="status" aria-label="Clone done">
          Cloned into <span className="mono">{done.name}</span> ({formatBytes(done.bytes)} copied).
        </p>
      )}
      <ActionError error={err && err.field !== 'target' ? err : null} />
      <div className="dialog-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !!fieldErr}>
          {busy ? 'Cloning…' : 'Clone'}
        </button>
      </div>
    </form>
  );
}

export function VolumeFilesDialog({ hostId, volume, onClose }: { hostId: string; volume: VolumeRow; onClose(): void }) {
  const [tab, setTab] = useState<Tab>('browse');
  const [images, setImages] = useState<{ ref: string; likely: boolean }[] | null>(null);
  const [image, setImage] = useState('');
  const [err, setErr] = useState<ShownError | null>(null);
  useEffect(() => {
    call('volumes.helperImages', { hostId })
      .then((r) => {
        setImages(r.images);
        setImage(r.suggested ?? r.images[0]?.ref ?? '');
      })
      .catch((e) => setErr(shownError(e)));
  }, [hostId]);
  const tabs: { key: Tab; label: string }[] = [
    { key: 'browse', label: 'Browse' },
    { key: 'backup', label: 'Back up' },
    { key: 'restore', label: 'Restore' },
    { key: 'clone', label: 'Clone' },
  ];
  const noImage = images !== null && images.length === 0;
  const unlikely = images !== null && image !== '' && !images.find((i) => i.ref === image)?.likely;
  return (
    <Dialog title={`Files of ${volume.name}`} onClose={onClose}>
      <div className="dialog-body vf-dialog">
        <div className="vf-helper">
          <label htmlFor="vf-image">Helper image</label>
          <select id="vf-image" className="res-input" value={image} onChange={(e) => setImage(e.target.value)} disabled={!images || noImage}>
            {(images ?? []).map((i) => (
              <option key={i.ref} value={i.ref}>
                {i.ref}
                {i.likely ? '' : ' (may have no shell)'}
              </option>
            ))}
          </select>
          <p className="muted vf-note">A short-lived container of this image mounts the volume{tab === 'browse' || tab === 'backup' ? ' read-only' : ''} and is removed afterwards. Nothing is pulled.</p>
          {noImage && (
            <p className="run-error" role="alert">
              This host has no image to run the helper container. Pull a small image with a shell (busybox or alpine) from the Images page first.
            </p>
          )}
          {unlikely && <p className="muted">This image may have no shell; browsing needs sh and stat.</p>}
        </div>
        <ActionError error={err} />
        <div className="segmented" role="tablist" aria-label="Volume files">
          {tabs.map((t) => (
            <button key={t.key} type="button" role="tab" aria-selected={tab === t.key} className={tab === t.key ? 'seg seg-on' : 'seg'} onClick={() => setTab(t.key)}>
              {t.label}
            </button>
          ))}
        </div>
        {image && !noImage && (
          <div role="tabpanel" aria-label={tabs.find((t) => t.key === tab)?.label}>
            {tab === 'browse' && <Browse key={image} hostId={hostId} volume={volume.name} image={image} />}
            {tab === 'backup' && <Backup hostId={hostId} volume={volume.name} image={image} />}
            {tab === 'restore' && <Restore hostId={hostId} volume={volume.name} image={image} />}
            {tab === 'clone' && <Clone hostId={hostId} volume={volume.name} image={image} />}
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
