// Projects page dialogs: deploy a new project from a pasted compose file into a folder (checked with
// the CLI's `config` first, an existing compose file replaced only after a yes), edit a project's
// compose file (checked, the CLI's error and line shown under the editor, saved atomically, then
// optionally `up -d`), and scale a service.
import { useEffect, useRef, useState } from 'react';
import type { ComposeCheck, ComposeCli, ComposeFile, ComposeProject, ComposeRunEvent } from '@contract/procedures/compose';
import { RpcError } from '@contract/index';
import { call, subscribe } from '../../transport/client';
import { Dialog } from '../../components/Dialog';
import { ActionError } from '../resources/VirtualTable';
import { shownError, type ShownError } from '../resources/errors';
import { useComposeRuns } from './compose-runs';

function CheckResult({ check }: { check: ComposeCheck | null }) {
  if (!check) return null;
  if (check.valid) return <p className="cmp-ok" role="status" aria-label="Check result">The compose CLI accepts this file.</p>;
  return (
    <div className="res-error" role="alert" aria-label="Check result">
      <strong>{check.line ? `Line ${check.line}: ` : ''}the compose CLI refuses this file</strong>
      <pre className="cmp-cli-error">{check.error}</pre>
    </div>
  );
}

/** The editor: a textarea with line numbers' worth of help: the line an error names is selected. */
function ComposeEditor({ value, onChange, line, label, id }: { value: string; onChange(v: string): void; line: number | null; label: string; id: string }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !line) return;
    const lines = value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [line]);
  return <textarea ref={ref} id={id} className="cmp-editor mono" aria-label={label} spellCheck={false} rows={16} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export function DeployDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [dir, setDir] = useState('');
  const [project, setProject] = useState('');
  const [content, setContent] = useState('services:\n  web:\n    image: \n');
  const [build, setBuild] = useState(false);
  const [pull, setPull] = useState(false);
  const [check, setCheck] = useState<ComposeCheck | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  const [askOverwrite, setAskOverwrite] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'failed'>('idle');
  const stop = useRef<(() => void) | null>(null);
  useEffect(() => () => stop.current?.(), []);
  const dirOk = dir.trim().startsWith('/') || /^[A-Za-z]:[\\/]/.test(dir.trim());
  const projectOk = project === '' || /^[a-z0-9][a-z0-9_.-]*$/.test(project);
  const runCheck = async (): Promise<void> => {
    setErr(null);
    try {
      setCheck(await call('compose.check', { hostId, dir: dir.trim(), file: `${dir.trim().replace(/[\\/]+$/, '')}/docker-compose.yml`, content, ...(project ? { project } : {}) }));
    } catch (e) {
      setErr(shownError(e));
    }
  };
  const deploy = (overwrite: boolean): void => {
    setAskOverwrite(false);
    setErr(null);
    setCheck(null);
    setLines([]);
    setState('running');
    stop.current = subscribe(
      'compose.deploy',
      { hostId, dir: dir.trim(), project, content, overwrite, build, pull },
      (e: ComposeRunEvent) => {
        if (e.kind === 'start') setLines((l) => [...l, `$ ${e.command}`].slice(-300));
        else if (e.kind === 'output') setLines((l) => [...l, e.text].slice(-300));
        else {
          stop.current = null;
          setState('done');
        }
      },
      (data) => {
        stop.current = null;
        setState('failed');
        if (data.reason === 'FILE_EXISTS') {
          setState('idle');
          setAskOverwrite(true);
          return;
        }
        if (data.reason === 'COMPOSE_INVALID') {
          const line = /line (\d+)/.exec(data.hint ?? '')?.[1];
          setCheck({ valid: false, error: data.detail ?? data.message, line: line ? Number(line) : null });
          setState('idle');
          return;
        }
        setErr(shownError(new RpcError(data)));
      },
    );
  };
  const running = state === 'running';
  return (
    <Dialog title="Deploy a compose project" onClose={onClose}>
      <form className="res-form cmp-deploy" onSubmit={(e) => (e.preventDefault(), deploy(false))}>
        <label htmlFor="cmp-dir">Folder (on the machine that runs WakeDock; created if missing, its .env is used)</label>
        <input id="cmp-dir" className="res-input mono" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/home/me/apps/blog" disabled={running} aria-invalid={dir !== '' && !dirOk} />
        {dir !== '' && !dirOk && <p className="run-error">Give an absolute folder.</p>}
        {err?.field === 'dir' && <p className="run-error">{err.message}</p>}
        <label htmlFor="cmp-project">Project name (empty: the folder&apos;s name)</label>
        <input id="cmp-project" className="res-input mono" value={project} onChange={(e) => setProject(e.target.value)} disabled={running} aria-invalid={!projectOk} />
        {!projectOk && <p className="run-error">Lowercase letters, digits, &quot;_&quot;, &quot;.&quot; and &quot;-&quot;, starting with a letter or digit.</p>}
        <label htmlFor="cmp-content">Compose file</label>
        <ComposeEditor id="cmp-content" label="Compose file" value={content} onChange={(v) => (setContent(v), setCheck(null))} line={check?.line ?? null} />
        <CheckResult check={check} />
        <div className="cmp-opts">
          <label>
            <input type="checkbox" checked={build} onChange={(e) => setBuild(e.target.checked)} disabled={running} /> Build images first
          </label>
          <label>
            <input type="checkbox" checked={pull} onChange={(e) => setPull(e.target.checked)} disabled={running} /> Pull images first
          </label>
        </div>
        {askOverwrite && (
          <div className="banner banner-warn" role="alert">
            This folder already has a compose file. Deploying replaces it with the text above.
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={() => setAskOverwrite(false)}>
                Keep it
              </button>
              <button type="button" className="btn btn-danger" onClick={() => deploy(true)}>
                Replace and deploy
              </button>
            </div>
          </div>
        )}
        {lines.length > 0 && (
          <pre className="cmp-log" role="log" aria-label="Deploy output">
            {lines.join('\n')}
          </pre>
        )}
        {state === 'done' && (
          <p className="cmp-ok" role="status" aria-label="Deploy result">
            Deployed: the project is up.
          </p>
        )}
        <ActionError error={err && err.field !== 'dir' ? err : null} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {state === 'done' ? 'Close' : 'Cancel'}
          </button>
          <button type="button" className="btn" disabled={running || !dirOk || !content.trim()} onClick={() => void runCheck()}>
            Check
          </button>
          <button type="submit" className="btn btn-primary" disabled={running || !dirOk || !projectOk || !content.trim()}>
            {running ? 'Deploying…' : 'Deploy'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function EditFileDialog({ hostId, project, onClose }: { hostId: string; project: ComposeProject; onClose(): void }) {
  const [files, setFiles] = useState<ComposeFile[] | null>(null);
  const [workingDir, setWorkingDir] = useState<string | null>(null);
  const [idx, setIdx] = useState(0);
  const [content, setContent] = useState('');
  const [check, setCheck] = useState<ComposeCheck | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const start = useComposeRuns((s) => s.start);
  useEffect(() => {
    call('compose.files', { hostId, project: project.name })
      .then((r) => {
        setFiles(r.files);
        setWorkingDir(r.workingDir);
        setContent(r.files[0]?.content ?? '');
      })
      .catch((e) => setErr(shownError(e)));
  }, [hostId, project.name]);
  const file = files?.[idx];
  const dirty = !!file && content !== file.content;
  const runCheck = async (): Promise<ComposeCheck | null> => {
    if (!file) return null;
    setErr(null);
    try {
      const c = await call('compose.check', { hostId, dir: workingDir ?? file.path.replace(/[\\/][^\\/]*$/, ''), file: file.path, otherFiles: project.configFiles, content, project: project.name });
      setCheck(c);
      return c;
    } catch (e) {
      setErr(shownError(e));
      return null;
    }
  };
  const save = async (thenUp: boolean): Promise<void> => {
    if (!file) return;
    setBusy(true);
    setSaved(null);
    try {
      const c = await runCheck();
      if (!c?.valid) return;
      const r = await call('compose.save', { hostId, project: project.name, file: file.path, content });
      setFiles((fs) => fs && fs.map((f, i) => (i === idx ? { ...f, content, size: r.bytes } : f)));
      setSaved(r.path);
      if (thenUp) {
        start(hostId, project.name, 'up');
        onClose();
      }
    } catch (e) {
      setErr(shownError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Compose file of ${project.name}`} onClose={onClose}>
      <div className="res-form">
        {files && files.length === 0 && <p className="muted">The compose files recorded in the labels are not on this machine.</p>}
        {files && files.length > 1 && (
          <div className="segmented" role="tablist" aria-label="Compose files">
            {files.map((f, i) => (
              <button key={f.path} type="button" role="tab" aria-selected={i === idx} className={i === idx ? 'seg seg-on' : 'seg'} onClick={() => (setIdx(i), setContent(f.content), setCheck(null))}>
                {f.path.split(/[\\/]/).pop()}
              </button>
            ))}
          </div>
        )}
        {file && (
          <>
            <p className="mono small muted">{file.path}</p>
            <ComposeEditor id="cmp-edit" label="Compose file text" value={content} onChange={(v) => (setContent(v), setCheck(null), setSaved(null))} line={check?.line ?? null} />
            <CheckResult check={check} />
            {saved && (
              <p className="cmp-ok" role="status" aria-label="Save result">
                Saved {saved}.
              </p>
            )}
          </>
        )}
        <ActionError error={err} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="button" className="btn" disabled={!file || busy} onClick={() => void runCheck()}>
            Check
          </button>
          <button type="button" className="btn" disabled={!dirty || busy} onClick={() => void save(false)}>
            Save
          </button>
          <button type="button" className="btn btn-primary" disabled={!file || busy} onClick={() => void save(true)}>
            Save and up
          </button>
        </div>
      </div>
    </Dialog>
  );
}

export function ScaleDialog({ hostId, project, onClose }: { hostId: string; project: ComposeProject; onClose(): void }) {
  const [service, setService] = useState(project.services[0]?.name ?? '');
  const current = project.services.find((s) => s.name === service)?.total ?? 1;
  const [replicas, setReplicas] = useState(String(current));
  const start = useComposeRuns((s) => s.start);
  const n = Number(replicas);
  const ok = Number.isInteger(n) && n >= 0 && n <= 100;
  return (
    <Dialog title={`Scale a service of ${project.name}`} onClose={onClose}>
      <form
        className="res-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ok) return;
          start(hostId, project.name, 'scale', { services: [service], replicas: n });
          onClose();
        }}
      >
        <label htmlFor="cmp-scale-svc">Service</label>
        <select id="cmp-scale-svc" className="res-input" value={service} onChange={(e) => (setService(e.target.value), setReplicas(String(project.services.find((s) => s.name === e.target.value)?.total ?? 1)))}>
          {project.services.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name} ({s.total} now)
            </option>
          ))}
        </select>
        <label htmlFor="cmp-scale-n">Containers</label>
        <input id="cmp-scale-n" className="res-input" type="number" min={0} max={100} value={replicas} onChange={(e) => setReplicas(e.target.value)} aria-invalid={!ok} />
        {!ok && <p className="run-error">A whole number from 0 to 100.</p>}
        <p className="muted small">Runs up -d --no-recreate --scale: the running containers stay, only the count changes.</p>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!ok || !service}>
            Scale
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Up…" on a project card: up -d with its options (build images first, pull images first). */
export function UpDialog({ hostId, project, cli, onClose }: { hostId: string; project: ComposeProject; cli: ComposeCli | null; onClose(): void }) {
  const [build, setBuild] = useState(false);
  const [pull, setPull] = useState(false);
  const start = useComposeRuns((s) => s.start);
  const v1 = cli?.kind === 'v1';
  return (
    <Dialog title={`Up ${project.name}`} onClose={onClose}>
      <form
        className="res-form"
        onSubmit={(e) => {
          e.preventDefault();
          start(hostId, project.name, 'up', { build, pull });
          onClose();
        }}
      >
        <p className="muted small">Creates and starts what is missing or changed (up -d), in the project&apos;s folder with its compose files.</p>
        <label className="check">
          <input type="checkbox" checked={build} onChange={(e) => setBuild(e.target.checked)} />
          <span>
            Build images first
            <small> --build: services with a build section are rebuilt from their folder.</small>
          </span>
        </label>
        <label className="check">
          <input type="checkbox" checked={pull} onChange={(e) => setPull(e.target.checked)} />
          <span>
            Pull images first
            <small>{v1 ? ' docker-compose 1 has no --pull: pull runs as its own step before up.' : ' --pull always: newer images replace the local ones.'}</small>
          </span>
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Up
          </button>
        </div>
      </form>
    </Dialog>
  );
}
