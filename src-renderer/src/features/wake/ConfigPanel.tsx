// Config as code on the Services page: import a wakedock.yml (a file picked in the browser, or pasted
// text), export the stored services (downloaded, or written atomically to a path on the machine the
// core runs on), and watch a file there (each edit applies; a bad edit keeps the last good config and
// the strip above the list says where the problem is). Errors name the file, line and field.
import { useId, useRef, useState } from 'react';
import type { WakeFileStatus } from '@contract/wake-service';
import { call, errorText } from '../../transport/client';
import { importSummary } from './wake-presenter';

export function ConfigPanel(props: { file: WakeFileStatus | undefined; onNotice: (text: string) => void; onClose: () => void }) {
  const ids = useId();
  const [text, setText] = useState('');
  const [importError, setImportError] = useState<string | null>(null);
  const [exportPath, setExportPath] = useState(props.file?.path ?? '');
  const [exportMsg, setExportMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [watchPath, setWatchPath] = useState(props.file?.path ?? '');
  const [watchError, setWatchError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'import' | 'download' | 'write' | 'watch' | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const doImport = async (yaml: string, from: string): Promise<void> => {
    setBusy('import');
    setImportError(null);
    try {
      const r = await call('wake.importYaml', { text: yaml });
      props.onNotice(`Imported ${from}: ${importSummary(r)}.`);
      setText('');
    } catch (e) {
      setImportError(errorText(e).replace(/^wakedock\.yml:/, `${from}:`));
    } finally {
      setBusy(null);
    }
  };

  const pick = async (f: File | undefined): Promise<void> => {
    if (!f) return;
    if (f.size > 1024 * 1024) {
      setImportError(`${f.name} is larger than 1 MiB`);
      return;
    }
    const body = await f.text();
    setText(body);
    await doImport(body, f.name);
    if (fileInput.current) fileInput.current.value = '';
  };

  const download = async (): Promise<void> => {
    setBusy('download');
    setExportMsg(null);
    try {
      const { text: yaml } = await call('wake.exportYaml', {});
      const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'wakedock.yml';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExportMsg({ ok: true, text: 'Downloaded wakedock.yml.' });
    } catch (e) {
      setExportMsg({ ok: false, text: errorText(e) });
    } finally {
      setBusy(null);
    }
  };

  const write = async (): Promise<void> => {
    setBusy('write');
    setExportMsg(null);
    try {
      await call('wake.exportYaml', { path: exportPath.trim() });
      setExportMsg({ ok: true, text: `Wrote ${exportPath.trim()}.` });
    } catch (e) {
      setExportMsg({ ok: false, text: errorText(e) });
    } finally {
      setBusy(null);
    }
  };

  const watch = async (path: string | null): Promise<void> => {
    setBusy('watch');
    setWatchError(null);
    try {
      const st = await call('wake.watchFile', { path });
      if (path === null) props.onNotice('Stopped watching the file; its services stay as they are.');
      else if (st?.error) setWatchError(`Watching, but the file is not applied: ${st.error.file}:${st.error.line}: ${st.error.field ? `${st.error.field}: ` : ''}${st.error.message}`);
      else props.onNotice(`Watching ${path}: ${st?.services.length ?? 0} service${st?.services.length === 1 ? '' : 's'} applied; every change to the file applies.`);
    } catch (e) {
      setWatchError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="wake-config" aria-label="Config file">
      <div className="wake-config-head">
        <h2>wakedock.yml</h2>
        <button type="button" className="btn btn-sm" onClick={props.onClose}>
          Close
        </button>
      </div>
      <div className="wake-config-grid">
        <div className="wake-config-part">
          <h3>Import</h3>
          <p className="muted small">Each service is created, or replaces the stored service with its name. Nothing changes if any line is wrong.</p>
          <input ref={fileInput} id={`${ids}-file`} type="file" accept=".yml,.yaml,application/yaml,text/yaml" className="sr-only" onChange={(e) => void pick(e.target.files?.[0])} />
          <div className="wake-config-row">
            <label htmlFor={`${ids}-file`} className="btn btn-sm" aria-disabled={busy !== null}>
              Choose a file…
            </label>
            <span className="muted small">or paste it:</span>
          </div>
          <textarea aria-label="wakedock.yml text" className="wake-config-text mono" rows={6} spellCheck={false} placeholder={'services:\n  - name: web\n    hosts: [web.localhost]\n    container: web\n    port: 80'} value={text} onChange={(e) => setText(e.target.value)} />
          <div className="wake-config-row">
            <button type="button" className="btn btn-sm btn-primary" disabled={busy !== null || text.trim() === ''} onClick={() => void doImport(text, 'wakedock.yml')}>
              {busy === 'import' ? 'Importing…' : 'Import'}
            </button>
          </div>
          {importError && (
            <p className="field-error wake-config-error" role="alert" data-testid="import-error">
              {importError}
            </p>
          )}
        </div>

        <div className="wake-config-part">
          <h3>Export</h3>
          <p className="muted small">The stored services as YAML. Services set by labels stay in their compose files.</p>
          <div className="wake-config-row">
            <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => void download()}>
              {busy === 'download' ? 'Exporting…' : 'Download'}
            </button>
          </div>
          <label htmlFor={`${ids}-export`} className="small muted">
            Or write it on the machine WakeDock runs on (replaced atomically):
          </label>
          <div className="wake-config-row">
            <input id={`${ids}-export`} className="mono" placeholder="/home/me/wakedock.yml" value={exportPath} onChange={(e) => setExportPath(e.target.value)} />
            <button type="button" className="btn btn-sm" disabled={busy !== null || exportPath.trim() === ''} onClick={() => void write()}>
              {busy === 'write' ? 'Writing…' : 'Write'}
            </button>
          </div>
          {exportMsg && (
            <p className={exportMsg.ok ? 'muted small' : 'field-error'} role={exportMsg.ok ? 'status' : 'alert'}>
              {exportMsg.text}
            </p>
          )}
        </div>

        <div className="wake-config-part">
          <h3>Watch</h3>
          <p className="muted small">A file on the machine WakeDock runs on: applied now and on every change. A bad edit keeps the last good config.</p>
          <label htmlFor={`${ids}-watch`} className="small muted">
            Path
          </label>
          <div className="wake-config-row">
            <input id={`${ids}-watch`} className="mono" placeholder="/home/me/wakedock.yml" value={watchPath} onChange={(e) => setWatchPath(e.target.value)} />
            <button type="button" className="btn btn-sm" disabled={busy !== null || watchPath.trim() === ''} onClick={() => void watch(watchPath.trim())}>
              {busy === 'watch' ? 'Starting…' : !props.file ? 'Watch' : props.file.path === watchPath.trim() ? 'Read again' : 'Watch this instead'}
            </button>
          </div>
          {props.file && (
            <div className="wake-config-row">
              <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => void watch(null)}>
                Stop watching
              </button>
            </div>
          )}
          {watchError && (
            <p className="field-error wake-config-error" role="alert">
              {watchError}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
