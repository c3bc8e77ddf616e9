// "Run a container" and "Recreate with changes": one form over a RunSpec. Every field is checked
// as you type with the contract's own schema (the core checks again); errors sit under their field.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { RpcError, fieldMessage } from '@contract/index';
import type { ImageSummary, PullEvent } from '@contract/procedures/run';
import { dockerRunCommand, parseEnvFile, runSpecErrors } from '@contract/run-spec';
import { call, errorText, subscribe } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { CopyButton } from '../../components/CopyButton';
import { emptyForm, formErrors, formToSpec, newKey, specToForm, type EnvRow, type RunForm, type TextRow } from './run-form';
import './run.css';

function FieldError({ id, msg }: { id: string; msg: string | undefined }) {
  if (!msg) return null;
  return (
    <p className="run-error" id={id} role="alert">
      {msg}
    </p>
  );
}

function Field(props: { label: string; name: string; error?: string; hint?: ReactNode; children: (p: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode }) {
  const id = `run-${props.name}`;
  const errId = `${id}-error`;
  return (
    <div className="field run-field">
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, 'aria-invalid': !!props.error, 'aria-describedby': props.error ? errId : undefined })}
      {props.hint && !props.error && <p className="muted small run-hint">{props.hint}</p>}
      <FieldError id={errId} msg={props.error} />
    </div>
  );
}

/** Pull an image through images.pull, reporting each event; settles when the pull is done or failed. */
function pullImage(hostId: string, ref: string, onEvent: (e: PullEvent) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let off: (() => void) | null = null;
    let settled = false;
    off = subscribe(
      'images.pull',
      { hostId, ref },
      (e) => {
        onEvent(e);
        if (e.kind === 'done' && !settled) {
          settled = true;
          queueMicrotask(() => off?.());
          resolve();
        }
      },
      (e) => {
        if (settled) return;
        settled = true;
        reject(e);
      },
    );
  });
}

function PullStatus({ ev }: { ev: PullEvent }) {
  const pct = ev.kind === 'progress' && ev.total > 0 ? Math.round((ev.current / ev.total) * 100) : undefined;
  return (
    <div className="run-pull-status" role="status" aria-label="Pull progress">
      {ev.kind === 'progress' ? (
        <>
          <progress max={100} value={pct ?? undefined} aria-label="Pulled" />
          <span className="small muted">
            {ev.status}
            {ev.layers.length > 0 && ` · ${ev.layers.filter((l) => /complete|exists/i.test(l.status)).length}/${ev.layers.length} layers`}
            {pct !== undefined && ` · ${pct}%`}
          </span>
        </>
      ) : (
        <span className="small">{ev.status}</span>
      )}
    </div>
  );
}

function PullPanel({ hostId, image, onDone }: { hostId: string; image: string; onDone(): void }) {
  const [ev, setEv] = useState<PullEvent | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [pulling, setPulling] = useState(false);
  const off = useRef<(() => void) | null>(null);
  useEffect(() => () => off.current?.(), []);
  const start = (): void => {
    setErr(null);
    setEv(null);
    setPulling(true);
    off.current = subscribe(
      'images.pull',
      { hostId, ref: image.trim() },
      (e) => {
        setEv(e);
        if (e.kind === 'done') {
          setPulling(false);
          onDone();
        }
      },
      (e) => {
        setErr(e.message);
        setPulling(false);
      },
    );
  };
  const pct = ev?.kind === 'progress' && ev.total > 0 ? Math.round((ev.current / ev.total) * 100) : undefined;
  return (
    <div className="run-pull">
      <button type="button" className="btn" disabled={!image.trim() || pulling} onClick={start}>
        {pulling ? 'Pulling…' : 'Pull'}
      </button>
      {pulling && (
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            off.current?.();
            setPulling(false);
          }}
        >
          Cancel pull
        </button>
      )}
      {ev && (
        <div className="run-pull-status" role="status" aria-label="Pull progress">
          {ev.kind === 'progress' ? (
            <>
              <progress max={100} value={pct ?? undefined} aria-label="Pulled" />
              <span className="small muted">
                {ev.status}
                {ev.layers.length > 0 && ` · ${ev.layers.filter((l) => /complete|exists/i.test(l.status)).length}/${ev.layers.length} layers`}
                {pct !== undefined && ` · ${pct}%`}
              </span>
            </>
          ) : (
            <span className="small">{ev.status}</span>
          )}
        </div>
      )}
      {err && (
        <p className="run-error" role="alert">
          Pull failed: {err}
        </p>
      )}
    </div>
  );
}

function TextRows(props: {
  field: 'ports' | 'volumes' | 'labels';
  label: string;
  rowLabel: string;
  placeholder: string;
  hint: ReactNode;
  rows: TextRow[];
  errors: Record<string, string>;
  onChange(rows: TextRow[]): void;
}) {
  const { field, rows } = props;
  return (
    <fieldset className="run-rows">
      <legend>{props.label}</legend>
      {rows.map((r, i) => {
        const err = props.errors[`${field}#${r.key}`];
        return (
          <div key={r.key} className="run-row">
            <input
              aria-label={`${props.rowLabel} ${i + 1}`}
              placeholder={props.placeholder}
              className="mono"
              value={r.text}
              aria-invalid={!!err}
              onChange={(e) => props.onChange(rows.map((x) => (x.key === r.key ? { ...x, text: e.target.value } : x)))}
            />
            <button type="button" className="icon-btn" aria-label={`Remove ${props.rowLabel.toLowerCase()} ${i + 1}`} onClick={() => props.onChange(rows.filter((x) => x.key !== r.key))}>
              ×
            </button>
            <FieldError id={`run-${field}-${r.key}-error`} msg={err} />
          </div>
        );
      })}
      <FieldError id={`run-${field}-error`} msg={props.errors[field]} />
      <div className="run-row-actions">
        <button type="button" className="btn btn-sm" onClick={() => props.onChange([...rows, { key: newKey(), text: '' }])}>
          Add {props.rowLabel.toLowerCase()}
        </button>
        <span className="muted small">{props.hint}</span>
      </div>
    </fieldset>
  );
}

function EnvRows({ rows, errors, onChange }: { rows: EnvRow[]; errors: Record<string, string>; onChange(rows: EnvRow[]): void }) {
  const [importText, setImportText] = useState<string | null>(null);
  const [importErr, setImportErr] = useState<string[]>([]);
  const importEnv = (text: string): void => {
    const r = parseEnvFile(text);
    setImportErr(r.errors.map((e) => e.message));
    const byName = new Map(rows.map((x) => [x.name, x]));
    const next = [...rows];
    for (const e of r.entries) {
      const i = e.indexOf('=');
      const name = e.slice(0, i);
      const value = e.slice(i + 1);
      const old = byName.get(name);
      if (old) next[next.indexOf(old)] = { key: old.key, name, value };
      else next.push({ key: newKey(), name, value });
    }
    onChange(next);
    if (r.errors.length === 0) setImportText(null);
  };
  return (
    <fieldset className="run-rows">
      <legend>Environment variables</legend>
      {rows.map((r, i) => {
        const err = errors[`env#${r.key}`];
        return (
          <div key={r.key} className="run-row run-env-row">
            <input
              aria-label={`Variable ${i + 1} name`}
              placeholder="NAME"
              className="mono"
              value={r.name}
              readOnly={r.kept}
              aria-invalid={!!err}
              onChange={(e) => onChange(rows.map((x) => (x.key === r.key ? { ...x, name: e.target.value } : x)))}
            />
            {r.kept ? (
              <span className="run-kept muted small">
                value hidden, kept from the current container{' '}
                <button type="button" className="btn btn-sm btn-ghost" aria-label={`Replace the value of ${r.name}`} onClick={() => onChange(rows.map((x) => (x.key === r.key ? { key: x.key, name: x.name, value: '' } : x)))}>
                  Replace
                </button>
              </span>
            ) : (
              <input
                aria-label={`Variable ${i + 1} value`}
                placeholder="value"
                className="mono"
                value={r.value}
                onChange={(e) => onChange(rows.map((x) => (x.key === r.key ? { ...x, value: e.target.value } : x)))}
              />
            )}
            <button type="button" className="icon-btn" aria-label={`Remove variable ${i + 1}`} onClick={() => onChange(rows.filter((x) => x.key !== r.key))}>
              ×
            </button>
            <FieldError id={`run-env-${r.key}-error`} msg={err} />
          </div>
        );
      })}
      <FieldError id="run-env-error" msg={errors.env} />
      <div className="run-row-actions">
        <button type="button" className="btn btn-sm" onClick={() => onChange([...rows, { key: newKey(), name: '', value: '' }])}>
          Add variable
        </button>
        <button type="button" className="btn btn-sm" onClick={() => setImportText(importText === null ? '' : null)} aria-expanded={importText !== null}>
          Import .env
        </button>
        <label className="btn btn-sm">
          Load .env file
          <input
            type="file"
            accept=".env,text/plain"
            className="run-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then(importEnv);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {importText !== null && (
        <div className="run-import">
          <textarea aria-label=".env text" className="mono" rows={5} placeholder={'# KEY=value lines\nDB_HOST=db\nexport MODE="production"'} value={importText} onChange={(e) => setImportText(e.target.value)} />
          <button type="button" className="btn btn-sm" onClick={() => importEnv(importText)}>
            Add these variables
          </button>
          {importErr.map((m) => (
            <p key={m} className="run-error" role="alert">
              {m}
            </p>
          ))}
        </div>
      )}
    </fieldset>
  );
}

export function RunView({ recreate, image }: { recreate?: string; image?: string }) {
  const navigate = useApp((a) => a.navigate);
  const hostId = useContainers((s) => s.hostId);
  const [form, setForm] = useState<RunForm>(() => ({ ...emptyForm(), image: image ?? '' }));
  const [images, setImages] = useState<ImageSummary[]>([]);
  const [networks, setNetworks] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);
  const [serverErr, setServerErr] = useState<{ field?: string; message: string; detail?: string; hint?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [loading, setLoading] = useState(!!recreate);
  const [loadErr, setLoadErr] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [oldName, setOldName] = useState<string>('');

  const loadImages = useCallback(() => {
    call('images.list', { hostId })
      .then(setImages)
      .catch(() => setImages([]));
  }, [hostId]);
  useEffect(loadImages, [loadImages]);
  useEffect(() => {
    call('networks.list', { hostId })
      .then((list) => setNetworks(list.map((n) => n.name)))
      .catch(() => setNetworks([]));
  }, [hostId]);

  useEffect(() => {
    if (!recreate) return;
    let live = true;
    call('containers.runSpec', { hostId, id: recreate })
      .then((r) => {
        if (!live) return;
        setForm(specToForm(r.spec, r.keptEnv));
        setOldName(r.spec.name ?? recreate);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setLoadErr(errorText(e));
        setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [hostId, recreate]);

  const { spec, keepEnv, rowOf } = useMemo(() => formToSpec(form), [form]);
  const local = useMemo(() => runSpecErrors(spec), [spec]);
  const errors = useMemo(() => {
    const all = touched ? { ...local } : {};
    if (serverErr?.field) all[serverErr.field.replace(/^spec\./, '')] ??= fieldMessage(serverErr);
    return formErrors(all, rowOf);
  }, [local, touched, serverErr, rowOf]);
  const command = useMemo(() => dockerRunCommand(spec, keepEnv), [spec, keepEnv]);
  const set = <K extends keyof RunForm>(k: K, v: RunForm[K]): void => {
    setServerErr(null);
    setForm((f) => ({ ...f, [k]: v }));
  };

  const [pullEv, setPullEv] = useState<PullEvent | null>(null);
  const submit = async (): Promise<void> => {
    setTouched(true);
    setServerErr(null);
    setWarnings([]);
    if (Object.keys(local).length > 0) {
      // Focus the first invalid control so keyboard users land on the problem.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.run-form [aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(true);
    try {
      // An image that is not on this host is pulled as part of Run (as `docker run` would), with
      // its progress shown under the button; a pull failure is the image field's error.
      if (!recreate && !imageKnown) {
        setPullEv({ kind: 'progress', status: `Pulling ${spec.image}…`, current: 0, total: 0, layers: [] } as unknown as PullEvent);
        try {
          await pullImage(hostId, spec.image.trim(), setPullEv);
        } catch (e) {
          setServerErr({ field: 'image', message: `Could not pull ${spec.image.trim()}: ${errorText(e)}` });
          return;
        } finally {
          setPullEv(null);
        }
        loadImages();
      }
      const r = recreate
        ? await call('containers.recreate', { hostId, id: recreate, spec, keepEnv })
        : await call('containers.create', { hostId, ...spec });
      if (r.warnings.length) {
        setWarnings(r.warnings);
        return;
      }
      navigate({ name: 'container', id: r.id, tab: 'logs' });
    } catch (e) {
      setServerErr(e instanceof RpcError ? { field: e.field, message: e.message, detail: e.detail, hint: e.hint } : { message: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const title = recreate ? `Recreate ${oldName || recreate}` : 'Run a container';
  const imageTags = images.flatMap((i) => i.repoTags);
  const imageKnown = imageTags.includes(form.image.trim()) || imageTags.includes(`${form.image.trim()}:latest`);

  return (
    <section className="view run-view" aria-label={title}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/containers" onClick={(e) => (e.preventDefault(), navigate({ name: 'containers' }))}>
          Containers
        </a>
        {recreate && (
          <>
            {' / '}
            <a href={`#/containers/${encodeURIComponent(recreate)}/inspect`} onClick={(e) => (e.preventDefault(), navigate({ name: 'container', id: recreate, tab: 'inspect' }))}>
              {oldName || recreate}
            </a>
          </>
        )}
      </nav>
      <header className="view-header">
        <div>
          <h1>{title}</h1>
          {recreate && <p className="muted">A new container replaces this one. If anything fails, the current container stays as it is. Named and anonymous volumes are kept.</p>}
        </div>
      </header>
      {loading && <div className="empty muted">Loading the container's settings…</div>}
      {loadErr && (
        <div className="banner banner-error" role="alert">
          Could not read the container: {loadErr}
        </div>
      )}
      {!loading && !loadErr && (
        <form
          className="run-form"
          aria-label={title}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div className="card run-card">
            <h2>Image and command</h2>
            <Field label="Image" name="image" error={errors.image} hint={form.image.trim() && !imageKnown ? 'Not on this host yet: it is pulled when you create the container (or pull it now).' : 'Pick a local image or type a reference.'}>
              {(p) => (
                <div className="run-image">
                  <input {...p} list="run-images" className="mono" placeholder="nginx:1.27" value={form.image} onChange={(e) => set('image', e.target.value)} autoComplete="off" />
                  <datalist id="run-images">
                    {imageTags.map((t) => (
                      <option key={t} value={t} />
                    ))}
                  </datalist>
                  <PullPanel hostId={hostId} image={form.image} onDone={loadImages} />
                </div>
              )}
            </Field>
            <Field label="Name" name="name" error={errors.name} hint="Empty: the engine picks one.">
              {(p) => <input {...p} className="mono" value={form.name} onChange={(e) => set('name', e.target.value)} />}
            </Field>
            <Field label="Command" name="command" error={errors.command} hint={`Shell-style words, e.g. sh -c 'echo hi'. Empty: the image's default.`}>
              {(p) => <input {...p} className="mono" value={form.command} onChange={(e) => set('command', e.target.value)} />}
            </Field>
            <Field label="Entrypoint" name="entrypoint" error={errors.entrypoint} hint="Empty: the image's default.">
              {(p) => <input {...p} className="mono" value={form.entrypoint} onChange={(e) => set('entrypoint', e.target.value)} />}
            </Field>
          </div>

          <div className="card run-card">
            <EnvRows rows={form.env} errors={errors} onChange={(v) => set('env', v)} />
          </div>

          <div className="card run-card">
            <TextRows field="ports" label="Ports" rowLabel="Port" placeholder="8080:80" hint="[host IP:]host port:container port[/udp]; leave the host port out to get a free one." rows={form.ports} errors={errors} onChange={(v) => set('ports', v)} />
            <TextRows field="volumes" label="Volumes and bind mounts" rowLabel="Mount" placeholder="data:/var/lib/data" hint="name:/path for a named volume, /host/path:/path for a bind mount; add :ro for read-only." rows={form.volumes} errors={errors} onChange={(v) => set('volumes', v)} />
            <Field label="Network" name="network" error={errors.network} hint="Empty: the default bridge. Suggestions list the engine's networks.">
              {(p) => (
                <>
                  <input {...p} className="mono" list="run-networks" value={form.network} onChange={(e) => set('network', e.target.value)} />
                  <datalist id="run-networks">
                    {networks.map((n) => (
                      <option key={n} value={n} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
          </div>

          <div className="card run-card">
            <h2>Behaviour and limits</h2>
            <div className="run-grid">
              <Field label="Restart policy" name="restart" error={errors.restart}>
                {(p) => (
                  <select {...p} value={form.restart} onChange={(e) => set('restart', e.target.value as RunForm['restart'])}>
                    <option value="no">Never</option>
                    <option value="always">Always</option>
                    <option value="unless-stopped">Unless stopped</option>
                    <option value="on-failure">On failure</option>
                  </select>
                )}
              </Field>
              {form.restart === 'on-failure' && (
                <Field label="Max retries" name="restartMaxRetries" error={errors.restartMaxRetries} hint="Empty: no limit.">
                  {(p) => <input {...p} inputMode="numeric" value={form.restartMaxRetries} onChange={(e) => set('restartMaxRetries', e.target.value)} />}
                </Field>
              )}
              <Field label="CPUs" name="cpus" error={errors.cpus} hint="e.g. 0.5 or 2">
                {(p) => <input {...p} inputMode="decimal" value={form.cpus} onChange={(e) => set('cpus', e.target.value)} />}
              </Field>
              <Field label="Memory" name="memory" error={errors.memory} hint="e.g. 512m or 1g">
                {(p) => <input {...p} value={form.memory} onChange={(e) => set('memory', e.target.value)} />}
              </Field>
              <Field label="Max processes" name="pidsLimit" error={errors.pidsLimit}>
                {(p) => <input {...p} inputMode="numeric" value={form.pidsLimit} onChange={(e) => set('pidsLimit', e.target.value)} />}
              </Field>
            </div>
            <div className="run-checks">
              <label className="check">
                <input type="checkbox" checked={form.autoRemove} onChange={(e) => set('autoRemove', e.target.checked)} />
                <span>Remove the container when it exits</span>
              </label>
              <label className="check">
                <input type="checkbox" checked={form.tty} onChange={(e) => set('tty', e.target.checked)} />
                <span>Allocate a terminal (-it)</span>
              </label>
              {!recreate && (
                <label className="check">
                  <input type="checkbox" checked={form.start} onChange={(e) => set('start', e.target.checked)} />
                  <span>Start after creating</span>
                </label>
              )}
            </div>
            <TextRows field="labels" label="Labels" rowLabel="Label" placeholder="key=value" hint="key=value" rows={form.labels} errors={errors} onChange={(v) => set('labels', v)} />
          </div>

          <div className="card run-card">
            <h2>As a docker command</h2>
            <pre className="mono run-cmd" data-testid="docker-run-command">
              {command}
            </pre>
            <CopyButton text={command} label="Copy as docker run command" className="btn btn-sm">
              Copy as docker run command
            </CopyButton>
          </div>

          {serverErr && !serverErr.field && (
            <div className="banner banner-error" role="alert">
              {serverErr.message}
              {serverErr.hint && <span className="muted"> {serverErr.hint}</span>}
            </div>
          )}
          {serverErr?.field && (
            <p className="run-error" role="status">
              {serverErr.hint ?? 'See the field marked above.'}
            </p>
          )}
          {warnings.length > 0 && (
            <div className="banner banner-warn" role="alert">
              <ul>
                {warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="run-submit">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? (recreate ? 'Recreating…' : pullEv ? 'Pulling…' : 'Creating…') : recreate ? 'Recreate' : form.start ? (imageKnown || !form.image.trim() ? 'Create and start' : 'Pull, create and start') : imageKnown || !form.image.trim() ? 'Create' : 'Pull and create'}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => (recreate ? navigate({ name: 'container', id: recreate, tab: 'inspect' }) : navigate({ name: 'containers' }))}>
              Cancel
            </button>
          </div>
          {pullEv && <PullStatus ev={pullEv} />}
        </form>
      )}
    </section>
  );
}
