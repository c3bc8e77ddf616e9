// Save images to a tar file and load images from one (docker save / docker load), on the machine
// WakeDock runs on (in serve mode: the server). Progress in bytes, Cancel (unsubscribing aborts the
// engine request; a cancelled save leaves no file), the engine's or the file system's words on error.
// In the browser (serve mode) the archive can also come from or go to this computer: Download streams
// docker save to the browser, Upload sends a .tar/.tar.gz straight to the engine's load.
import { useEffect, useRef, useState } from 'react';
import { ImageIdSchema } from '@contract/procedures/images';
import { subscribe, transportKind } from '../../transport/client';
import { tooLargeForServer, uploadFile, UploadError, type Upload } from '../resources/upload';
import { Dialog } from '../../components/Dialog';
import { formatBytes } from '../../presenters/stats-presenter';
import { ActionError } from '../resources/VirtualTable';
import type { ShownError } from '../resources/errors';

type Mode = 'save' | 'load';

const absolute = (p: string): boolean => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p.trim());

export function ArchiveDialog({ hostId, initialImage, onClose }: { hostId: string; initialImage?: string; onClose(): void }) {
  const [mode, setMode] = useState<Mode>(initialImage ? 'save' : 'load');
  const [images, setImages] = useState(initialImage ?? '');
  const [path, setPath] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [bytes, setBytes] = useState<{ done: number; total?: number } | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  const off = useRef<(() => void) | null>(null);
  useEffect(() => () => off.current?.(), []);
  const browser = transportKind() === 'ws';
  const [file, setFile] = useState<File | null>(null);
  const upload = useRef<Upload<{ loaded: string[]; bytes: number }> | null>(null);
  useEffect(() => () => upload.current?.cancel(), []);

  const ids = images.split(/[\s,]+/).filter(Boolean);
  const badId = ids.find((i) => !ImageIdSchema.safeParse(i).success);
  const pathErr = path.trim() && !absolute(path) ? 'give an absolute path, e.g. /home/me/app.tar' : err?.field === 'path' ? err.message : undefined;
  const ready = absolute(path) && (mode === 'load' || (ids.length > 0 && !badId));

  const start = (): void => {
    setErr(null);
    setResult(null);
    setBytes({ done: 0 });
    setBusy(true);
    const onError = (e: { message: string; hint?: string; field?: string }): void => {
      setErr({ message: e.message, hint: e.hint, field: e.field });
      setBusy(false);
      setBytes(null);
    };
    off.current =
      mode === 'save'
        ? subscribe(
            'images.save',
            { hostId, ids, path: path.trim(), overwrite },
            (e) => {
              if (e.kind === 'progress') setBytes({ done: e.bytes });
              else {
                setResult(`Saved ${formatBytes(e.bytes)} to ${e.path}`);
                setBusy(false);
              }
            },
            onError,
          )
        : subscribe(
            'images.load',
            { hostId, path: path.trim() },
            (e) => {
              if (e.kind === 'progress') setBytes({ done: e.bytes, total: e.total });
              else {
                setResult(e.loaded.length ? `Loaded ${e.loaded.join(', ')}` : 'Loaded (the engine named nothing)');
                setBusy(false);
              }
            },
            onError,
          );
  };
  const startUpload = async (f: File): Promise<void> => {
    setErr(null);
    setResult(null);
    const refusal = await tooLargeForServer(f.size, formatBytes);
    if (refusal) return setErr({ message: refusal, field: 'file' });
    setBusy(true);
    setBytes({ done: 0, total: f.size });
    const u = uploadFile<{ loaded: string[]; bytes: number }>('POST', `/api/image-load/${encodeURIComponent(hostId)}`, f, (sent, total) => setBytes({ done: sent, total }));
    upload.current = u;
    try {
      const r = await u.done;
      setResult(r.loaded.length ? `Loaded ${r.loaded.join(', ')} from ${f.name}` : `Loaded ${f.name} (the engine named nothing)`);
    } catch (e) {
      setErr(e instanceof UploadError ? e.shown : { message: String(e) });
    } finally {
      if (upload.current === u) upload.current = null;
      setBusy(false);
      setBytes(null);
    }
  };
  const cancel = (): void => {
    if (upload.current) {
      upload.current.cancel();
      return;
    }
    off.current?.();
    off.current = null;
    setBusy(false);
    setBytes(null);
    setErr({ message: mode === 'save' ? 'Save cancelled: no file was left.' : 'Load cancelled.' });
  };

  return (
    <Dialog title="Save or load images" onClose={busy ? cancel : onClose}>
      <form
        className="res-form res-wide"
        onSubmit={(ev) => {
          ev.preventDefault();
          if (ready && !busy) start();
        }}
      >
        <div className="segmented" role="radiogroup" aria-label="Save or load">
          {(['save', 'load'] as const).map((m) => (
            <button key={m} type="button" role="radio" aria-checked={mode === m} className={mode === m ? 'seg seg-on' : 'seg'} disabled={busy} onClick={() => (setMode(m), setErr(null), setResult(null))}>
              {m === 'save' ? 'Save to a file' : 'Load from a file'}
            </button>
          ))}
        </div>
        {mode === 'save' && (
          <>
            <label htmlFor="archive-images">Images (names or ids, space separated)</label>
            <input id="archive-images" className="res-input mono" value={images} onChange={(e) => setImages(e.target.value)} disabled={busy} aria-invalid={!!badId} placeholder="myapp:1.0 redis:7" />
            {badId && <p className="run-error">{badId}: not an image name or id</p>}
          </>
        )}
        <label htmlFor="archive-path">{mode === 'save' ? 'File to write (.tar, on the machine WakeDock runs on)' : 'File to read (.tar, on the machine WakeDock runs on)'}</label>
        <input id="archive-path" className="res-input mono" value={path} onChange={(e) => setPath(e.target.value)} disabled={busy} aria-invalid={!!pathErr} placeholder="/home/me/images.tar" />
        {pathErr && <p className="run-error">{pathErr}</p>}
        {mode === 'save' && (
          <label className="check">
            <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} disabled={busy} />
            <span>
              Overwrite the file if it exists
              <small> It is replaced only once the new archive is complete.</small>
            </span>
          </label>
        )}
        {browser && mode === 'save' && (
          <p className="res-archive-alt">
            <span className="muted">Or to this computer: </span>
            <a
              className={`btn btn-sm${ids.length > 0 && !badId && !busy ? '' : ' btn-disabled'}`}
              aria-disabled={!(ids.length > 0 && !badId) || busy}
              href={ids.length > 0 && !badId ? `/api/image-save/${encodeURIComponent(hostId)}?${ids.map((i) => `name=${encodeURIComponent(i)}`).join('&')}` : undefined}
              download
            >
              Download .tar
            </a>
          </p>
        )}
        {browser && mode === 'load' && (
          <div className="res-archive-alt">
            <label htmlFor="archive-upload" className="muted">
              Or upload an archive from this computer (.tar or .tar.gz; loaded as it arrives)
            </label>
            <div className="res-archive-upload">
              <input id="archive-upload" type="file" accept=".tar,.tar.gz,.tgz,application/x-tar,application/gzip" disabled={busy} onChange={(e) => (setFile(e.target.files?.[0] ?? null), setErr(null), setResult(null))} />
              <button type="button" className="btn" disabled={!file || busy} onClick={() => file && void startUpload(file)}>
                Upload and load
              </button>
            </div>
            {err?.field === 'file' && <p className="run-error">{err.message}</p>}
          </div>
        )}
        {bytes && busy && (
          <div className="res-pull-head" role="status" aria-label="Archive progress">
            <progress max={bytes.total ?? undefined} value={bytes.total ? bytes.done : undefined} />
            <span className="small">
              {formatBytes(bytes.done)}
              {bytes.total ? ` of ${formatBytes(bytes.total)}` : ' written'}
            </span>
          </div>
        )}
        {result && (
          <p role="status" aria-label="Archive result" className="res-build-meta res-build-ok">
            {result}
          </p>
        )}
        <ActionError error={err && err.field !== 'file' && !(err.field === 'path' && pathErr === err.message) ? err : null} />
        <div className="dialog-actions">
          {busy ? (
            <button type="button" className="btn" onClick={cancel}>
              Cancel
            </button>
          ) : (
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={!ready || busy}>
            {busy ? (mode === 'save' ? 'Saving…' : 'Loading…') : mode === 'save' ? 'Save' : 'Load'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
