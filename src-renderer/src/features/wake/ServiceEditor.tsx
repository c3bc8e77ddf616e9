// The service editor: create or change a stored wake-on-demand service. Each field says what is
// wrong as it is typed (the model's own schema); while the draft is valid, the core previews what it
// would become (wake.preview): the container port Caddy would dial, the route WakeDock would give
// Caddy, a name or hostname another service already uses, and the loading page a browser would get.
import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { RpcError, type ContainerSummary } from '@contract/index';
import { LB_POLICIES, type WakePreview, type WakeServiceView } from '@contract/wake-service';
import { call, errorText } from '../../transport/client';
import { EMPTY_DRAFT, checkDraft, fieldOf, serviceToDraft, type Draft, type DraftField, type FieldErrors } from './service-draft';

const PREVIEW_DELAY_MS = 300;

const LB_LABEL: Record<(typeof LB_POLICIES)[number], string> = {
  round_robin: 'Round robin',
  least_conn: 'Fewest open requests',
  first: 'First healthy replica',
  ip_hash: 'Same client → same replica',
  random: 'Random',
  uri_hash: 'Same path → same replica',
};

export function ServiceEditor(props: { editing: WakeServiceView | null; onDone(saved: string | null): void }) {
  const { editing } = props;
  const [d, setD] = useState<Draft>(() => (editing ? serviceToDraft(editing.definition) : EMPTY_DRAFT));
  const [touched, setTouched] = useState<Partial<Record<DraftField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The last preview and the draft it was made for (an older one is not shown as current). */
  const [previewed, setPreviewed] = useState<{ key: string; p: WakePreview } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [containers, setContainers] = useState<ContainerSummary[]>([]);
  const ids = useId();

  useEffect(() => {
    let live = true;
    call('containers.list', { hostId: 'local' })
      .then((l) => live && setContainers(l))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const checked = useMemo(() => checkDraft(d), [d]);
  const serviceKey = checked.service ? JSON.stringify(checked.service) : null;

  // The live preview: only for a draft the schema accepts, a moment after the last keystroke.
  useEffect(() => {
    if (!checked.service || !serviceKey) return;
    const service = checked.service;
    const key = serviceKey;
    let live = true;
    const t = setTimeout(() => {
      call('wake.preview', { service, ...(editing ? { replacing: editing.name } : {}) })
        .then((p) => {
          if (!live) return;
          setPreviewed({ key, p });
          setPreviewError(null);
        })
        .catch((e: unknown) => live && setPreviewError(errorText(e)));
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // serviceKey stands for checked.service (a new object on every render of the same draft).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serviceKey, editing?.name]);

  const preview = previewed && previewed.key === serviceKey ? previewed.p : null;
  const previewIssues: FieldErrors = {};
  if (preview && checked.service) for (const i of preview.issues) previewIssues[fieldOf(i.field, d.targetKind)] ??= i.message;

  const edit = (patch: Partial<Draft>): void => {
    setD((cur) => ({ ...cur, ...patch }));
    setServerErrors({});
    setMessage(null);
  };
  const touch = (f: DraftField): void => setTouched((t) => (t[f] ? t : { ...t, [f]: true }));
  const errorOf = (f: DraftField): string | undefined => serverErrors[f] ?? ((submitted || touched[f]) ? checked.errors[f] : undefined) ?? previewIssues[f];

  const save = async (): Promise<void> => {
    setSubmitted(true);
    setMessage(null);
    const service = checked.service;
    if (!service) return;
    setBusy(true);
    try {
      if (editing) await call('wake.update', { name: editing.name, service });
      else await call('wake.create', service);
      props.onDone(service.name);
    } catch (e) {
      if (e instanceof RpcError && e.code === 'VALIDATION' && e.field) setServerErrors({ [fieldOf(e.field, d.targetKind)]: e.detail ?? e.message });
      else setMessage(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const field = (f: DraftField, label: string, input: ReactNode, hint?: string, wide = false): ReactNode => {
    const err = errorOf(f);
    return (
      <div className={`field${wide ? ' wake-field-wide' : ''}`}>
        <label htmlFor={`${ids}-${f}`}>{label}</label>
        {input}
        {err ? (
          <small className="field-error wake-field-msg" role="alert" data-testid={`error-${f}`}>
            {err}
          </small>
        ) : (
          hint && <small className="muted wake-field-msg">{hint}</small>
        )}
      </div>
    );
  };
  const text = (f: Exclude<DraftField, 'targetKind' | 'action' | 'probe' | 'theme'>, extra: { placeholder?: string; list?: string; inputMode?: 'numeric' | 'decimal'; mono?: boolean } = {}): ReactNode => (
    <input
      id={`${ids}-${f}`}
      value={d[f]}
      placeholder={extra.placeholder}
      list={extra.list}
      inputMode={extra.inputMode}
      className={extra.mono ? 'mono' : undefined}
      spellCheck={false}
      autoComplete="off"
      aria-invalid={errorOf(f) ? true : undefined}
      onChange={(e) => edit({ [f]: e.target.value } as Partial<Draft>)}
      onBlur={() => touch(f)}
    />
  );

  const names = [...new Set(containers.map((c) => c.name))].sort();
  const projects = [...new Set(containers.flatMap((c) => (c.composeProject ? [c.composeProject] : [])))].sort();
  const composeServices = [...new Set(containers.flatMap((c) => (c.composeService && (!d.project || c.composeProject === d.project) ? [c.composeService] : [])))].sort();
  const title = editing ? `Edit ${editing.name}` : 'New service';

  return (
    <section className="card wake-editor" aria-label={title}>
      <form
        className="wake-editor-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2>{title}</h2>
        <datalist id={`${ids}-names`}>
          {names.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        <datalist id={`${ids}-projects`}>
          {projects.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        <datalist id={`${ids}-services`}>
          {composeServices.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>

        <fieldset className="wake-fieldset">
          <legend>Service</legend>
          {field('name', 'Name', text('name', { placeholder: 'grafana' }))}
          {field('hosts', 'Hostnames', text('hosts', { placeholder: 'grafana.localhost', mono: true }), 'Separate several with commas. *.localhost names need no DNS.', true)}
          <div className="field">
            <label htmlFor={`${ids}-targetKind`}>Target</label>
            <select id={`${ids}-targetKind`} value={d.targetKind} onChange={(e) => edit({ targetKind: e.target.value as Draft['targetKind'] })}>
              <option value="container">One container</option>
              <option value="containers">Several containers</option>
              <option value="compose">A compose service</option>
            </select>
          </div>
          {d.targetKind === 'container' && field('container', 'Container', text('container', { list: `${ids}-names`, placeholder: 'my-app' }))}
          {d.targetKind === 'containers' && field('containers', 'Containers', text('containers', { list: `${ids}-names`, placeholder: 'app-web-1, app-web-2' }), 'Replicas: all started on a wake; Caddy spreads requests over them.')}
          {d.targetKind === 'containers' && (
            <div className="field">
              <label htmlFor={`${ids}-lbPolicy`}>Spread requests</label>
              <select id={`${ids}-lbPolicy`} value={d.lbPolicy} onChange={(e) => edit({ lbPolicy: e.target.value as Draft['lbPolicy'] })}>
                <option value="">Round robin (default)</option>
                {LB_POLICIES.map((p) => (
                  <option key={p} value={p}>
                    {LB_LABEL[p]}
                  </option>
                ))}
              </select>
            </div>
          )}
          {d.targetKind === 'containers' && field('lbHealthUri', 'Health check path', text('lbHealthUri', { placeholder: 'off, e.g. /health', mono: true }), 'Caddy GETs it on every replica; one that fails gets no traffic.')}
          {d.targetKind === 'containers' && d.lbHealthUri.trim() !== '' && field('lbHealthInterval', 'Check every', text('lbHealthInterval', { placeholder: '5s' }))}
          {d.targetKind === 'compose' && field('project', 'Compose project', text('project', { list: `${ids}-projects` }))}
          {d.targetKind === 'compose' && field('composeService', 'Compose service', text('composeService', { list: `${ids}-services` }))}
          {field('port', 'Container port', text('port', { inputMode: 'numeric', placeholder: '80' }), 'Published on a fixed loopback port, e.g. -p 127.0.0.1:18080:80.')}
          {field('dependsOn', 'Depends on', text('dependsOn', { placeholder: 'db, cache' }), 'Services woken first, in this order; kept awake while this one is.')}
        </fieldset>

        <fieldset className="wake-fieldset">
          <legend>Sleep</legend>
          {field('idleAfter', 'Idle after', text('idleAfter', { placeholder: '30m' }), 'No requests and none in flight for this long.')}
          {field('idleGrace', 'Then wait', text('idleGrace', { placeholder: '30s' }), 'Any request cancels it.')}
          <div className="field">
            <label htmlFor={`${ids}-action`}>Then</label>
            <select id={`${ids}-action`} value={d.action} onChange={(e) => edit({ action: e.target.value as Draft['action'] })}>
              <option value="stop">Stop the containers</option>
              <option value="pause">Pause the containers</option>
            </select>
          </div>
          {field('cpuBelow', 'Busy at CPU %', text('cpuBelow', { inputMode: 'decimal', placeholder: 'off' }), 'Stays awake while CPU (% of one core) is at least this.')}
          {field('memoryBelow', 'Busy at memory MiB', text('memoryBelow', { inputMode: 'decimal', placeholder: 'off' }), 'Stays awake while memory is at least this.')}
          {field('idleWindow', 'Averaged over', text('idleWindow', { placeholder: '1m' }))}
        </fieldset>

        <fieldset className="wake-fieldset">
          <legend>Readiness</legend>
          <div className="field">
            <label htmlFor={`${ids}-probe`}>Ready when</label>
            <select id={`${ids}-probe`} value={d.probe} onChange={(e) => edit({ probe: e.target.value as Draft['probe'] })}>
              <option value="http">An HTTP request answers</option>
              <option value="tcp">A TCP connection opens</option>
            </select>
          </div>
          {d.probe === 'http' && field('httpPath', 'Path', text('httpPath', { placeholder: '/', mono: true }))}
          {d.probe === 'http' && field('httpStatus', 'Status', text('httpStatus', { inputMode: 'numeric', placeholder: 'any below 500' }))}
          {field('readyTimeout', 'Give up after', text('readyTimeout', { placeholder: '60s' }))}
          {field('settle', 'Settle for', text('settle', { placeholder: '0s' }), 'Extra wait once ready.')}
          <p className="muted small wake-fieldset-note">A container with a HEALTHCHECK is ready when it says healthy; the probe is for the others.</p>
        </fieldset>

        <fieldset className="wake-fieldset">
          <legend>Loading page</legend>
          {field('title', 'Title', text('title', { placeholder: d.name || 'the service name' }))}
          <div className="field">
            <label htmlFor={`${ids}-theme`}>Theme</label>
            <select id={`${ids}-theme`} value={d.theme} onChange={(e) => edit({ theme: e.target.value as Draft['theme'] })}>
              <option value="auto">Follow the browser</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </div>
          {field('message', 'Message', text('message', { placeholder: 'It is starting and this page opens it when it is ready.' }), undefined, true)}
        </fieldset>

        <fieldset className="wake-fieldset">
          <legend>Ignore</legend>
          {field('ignoreAgents', 'User agents', text('ignoreAgents', { placeholder: 'Uptime-Kuma, Googlebot' }), 'Comma-separated; these neither wake the service nor keep it awake.', true)}
          {field('ignorePaths', 'Paths', text('ignorePaths', { placeholder: '/healthz', mono: true }), undefined, true)}
        </fieldset>

        {message && (
          <p className="field-error" role="alert">
            {message}
          </p>
        )}
        <div className="wake-editor-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create service'}
          </button>
          <button type="button" className="btn" onClick={() => props.onDone(null)}>
            Cancel
          </button>
        </div>
      </form>

      <aside className="wake-preview" aria-label="Preview">
        <h3>Caddy route</h3>
        {!checked.service ? (
          <p className="muted small">The route appears when every field is valid.</p>
        ) : previewError ? (
          <p className="field-error" role="alert">
            {previewError}
          </p>
        ) : !preview ? (
          <p className="muted small">…</p>
        ) : (
          <>
            {preview.unavailable ? (
              <p className="wake-error small" data-testid="preview-upstream">
                {preview.unavailable}
              </p>
            ) : (
              <p className="small" data-testid="preview-upstream">
                Caddy dials <span className="mono">{preview.upstream}</span>; while it is stopped, requests go to WakeDock, which wakes it.
              </p>
            )}
            <pre className="wake-route" data-testid="preview-route">
              {preview.route}
            </pre>
            <h3>Loading page</h3>
            <iframe className="wake-page-preview" title="Loading page preview" sandbox="" srcDoc={preview.loadingPage} />
          </>
        )}
      </aside>
    </section>
  );
}
