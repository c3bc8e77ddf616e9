// Settings → Hosts: every engine WakeDock watches with its state; add a tcp:// engine (name, URL,
// optional TLS files) after testing it step by step; rename or remove (confirmed) an added one.
// Errors appear where the action was taken: next to the field the core named, or under the row.
import { useState } from 'react';
import { HostNameSchema, RpcError, TcpHostConfigSchema, type Host, type HostConfig, type HostTestResult } from '@contract/index';
import { useApp } from '../../stores/app-store';
import { call, errorText } from '../../transport/client';
import { ConfirmDialog } from '../../components/Dialog';

type FieldErrors = Partial<Record<string, string>>;

const STEP_TEXT: Record<HostTestResult['steps'][number]['step'], string> = { connect: 'Connect', tls: 'TLS', hostKey: 'Host key', auth: 'Login', socket: 'Engine socket', engine: 'Engine version' };
const OUTCOME_TEXT = { ok: 'passed', failed: 'failed', skipped: 'skipped' } as const;

/** A failure as field errors (VALIDATION naming a field of the form) or a message for the action. */
function splitError(e: unknown, prefix = ''): { fields: FieldErrors; message: string | null } {
  if (e instanceof RpcError && e.code === 'VALIDATION' && e.field) {
    return { fields: { [e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field]: e.detail ?? e.message }, message: null };
  }
  return { fields: {}, message: errorText(e) };
}

export function HostState({ host }: { host: Host }) {
  return (
    <span className={`pill pill-${host.state}`} data-testid="host-state">
      <span className="dot" aria-hidden="true" />
      <span className={host.state === 'unreachable' ? 'state-bad' : undefined}>
        {host.state}
        {host.state === 'connected' && host.engineVersion && <span className="muted"> · Docker {host.engineVersion}</span>}
        {host.state !== 'connected' && host.reason && <span> · {host.reason}</span>}
      </span>
    </span>
  );
}

export function HostsSettings() {
  const hosts = useApp((a) => a.hosts);
  return (
    <section className="card" aria-labelledby="hosts-h">
      <h2 id="hosts-h">Hosts</h2>
      <p className="muted">Docker engines WakeDock watches. The local engine is found automatically (its address is set above); add others by address.</p>
      <ul className="hosts-list" aria-label="Hosts">
        {hosts.map((h) => (
          <HostRow key={h.id} host={h} />
        ))}
      </ul>
      <AddHostForm />
    </section>
  );
}

function HostRow({ host }: { host: Host }) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const rename = async (): Promise<void> => {
    const parsed = HostNameSchema.safeParse(renaming ?? '');
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'invalid name');
      return;
    }
    setBusy(true);
    try {
      await call('hosts.update', { hostId: host.id, name: parsed.data });
      setRenaming(null);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (): Promise<void> => {
    setConfirming(false);
    setBusy(true);
    try {
      await call('hosts.remove', { hostId: host.id });
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <li className="hosts-row" data-testid="host-row" data-host-id={host.id} aria-label={host.name}>
      <div className="hosts-row-main">
        {renaming === null ? (
          <span className="host-name">{host.name}</span>
        ) : (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void rename();
            }}
          >
            <label className="field grow">
              <span>New name</span>
              <input value={renaming} autoFocus aria-invalid={error ? true : undefined} onChange={(e) => (setRenaming(e.target.value), setError(null))} />
            </label>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              Save name
            </button>
            <button type="button" className="btn" onClick={() => (setRenaming(null), setError(null))}>
              Cancel
            </button>
          </form>
        )}
        <span className="mono muted" data-testid="host-url">
          {host.endpoint.url}
          {host.config?.kind === 'tcp' && host.config.tls ? ' (TLS)' : ''}
        </span>
        <HostState host={host} />
        {host.discovered ? (
          <span className="muted">auto-detected · cannot be removed</span>
        ) : (
          renaming === null && (
            <span className="hosts-row-actions">
              <button type="button" className="btn" disabled={busy} onClick={() => (setRenaming(host.name), setError(null))}>
                Rename
              </button>
              <button type="button" className="btn btn-danger" disabled={busy} onClick={() => setConfirming(true)}>
                Remove
              </button>
            </span>
          )
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Remove ${host.name}?`}
          body={
            <p>
              WakeDock stops watching <span className="mono">{host.endpoint.url}</span> and forgets it: its containers, logs, terminals and stats close here.
              Nothing changes on that engine.
            </p>
          }
          confirmLabel="Remove host"
          danger
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </li>
  );
}

interface Draft {
  name: string;
  url: string;
  tls: boolean;
  ca: string;
  cert: string;
  key: string;
  verify: boolean;
}
const EMPTY: Draft = { name: '', url: '', tls: false, ca: '', cert: '', key: '', verify: true };

function configOf(d: Draft): unknown {
  const opt = (s: string): string | undefined => (s.trim() === '' ? undefined : s);
  return { kind: 'tcp', url: d.url, ...(d.tls ? { tls: { ca: opt(d.ca), cert: opt(d.cert), key: opt(d.key), verify: d.verify } } : {}) };
}

/** Validate the form locally (the same schemas as the core); field → message. */
function check(d: Draft, withName: boolean): { config?: HostConfig; name?: string; fields: FieldErrors } {
  const fields: FieldErrors = {};
  const c = TcpHostConfigSchema.safeParse(configOf(d));
  if (!c.success) for (const i of c.error.issues) fields[i.path.join('.')] ??= i.message;
  let name: string | undefined;
  if (withName) {
    const n = HostNameSchema.safeParse(d.name);
    if (n.success) name = n.data;
    else fields.name = n.error.issues[0]?.message;
  }
  return { config: c.success ? c.data : undefined, name, fields };
}

function AddHostForm() {
  const [d, setD] = useState<Draft>(EMPTY);
  const [fields, setFields] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [result, setResult] = useState<HostTestResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'add' | null>(null);

  const edit = (patch: Partial<Draft>): void => {
    setD({ ...d, ...patch });
    setFields({});
    setMessage(null);
    setAdded(null);
    setResult(null);
  };

  const test = async (): Promise<void> => {
    const c = check(d, false);
    setFields(c.fields);
    setMessage(null);
    setAdded(null);
    if (!c.config) return;
    setBusy('test');
    try {
      setResult(await call('hosts.test', { config: c.config }));
    } catch (e) {
      const s = splitError(e, 'config.');
      setFields(s.fields);
      setMessage(s.message);
    } finally {
      setBusy(null);
    }
  };

  const add = async (): Promise<void> => {
    const c = check(d, true);
    setFields(c.fields);
    setMessage(null);
    setAdded(null);
    if (!c.config || c.name === undefined) return;
    setBusy('add');
    try {
      const host = await call('hosts.add', { name: c.name, config: c.config });
      setD(EMPTY);
      setResult(null);
      setAdded(host.name);
    } catch (e) {
      const s = splitError(e, 'config.');
      setFields(s.fields);
      setMessage(s.message);
    } finally {
      setBusy(null);
    }
  };

  const fieldError = (key: string) =>
    fields[key] ? (
      <small className="field-error" role="alert" data-testid={`error-${key}`}>
        {fields[key]}
      </small>
    ) : null;

  return (
    <form
      className="hosts-add"
      aria-labelledby="hosts-add-h"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <h3 id="hosts-add-h">Add a TCP engine</h3>
      <div className="hosts-add-fields">
        <label className="field">
          <span>Name</span>
          <input value={d.name} aria-invalid={fields.name ? true : undefined} onChange={(e) => edit({ name: e.target.value })} />
          {fieldError('name')}
        </label>
        <label className="field grow">
          <span>Address</span>
          <input className="mono" placeholder="tcp://192.168.1.20:2376" value={d.url} aria-invalid={fields.url ? true : undefined} onChange={(e) => edit({ url: e.target.value })} />
          {fieldError('url')}
        </label>
      </div>
      <label className="check">
        <input type="checkbox" checked={d.tls} onChange={(e) => edit({ tls: e.target.checked })} />
        <span>
          Use TLS
          <small>Paths of PEM files on the machine running WakeDock (as made for the Docker CLI: ca.pem, cert.pem, key.pem).</small>
        </span>
      </label>
      {d.tls && (
        <div className="hosts-add-fields">
          {(['ca', 'cert', 'key'] as const).map((k) => (
            <label key={k} className="field grow">
              <span>{k === 'ca' ? 'CA certificate' : k === 'cert' ? 'Client certificate' : 'Client key'}</span>
              <input className="mono" placeholder={`~/.docker/${k}.pem`} value={d[k]} aria-invalid={fields[`tls.${k}`] ? true : undefined} onChange={(e) => edit({ [k]: e.target.value })} />
              {fieldError(`tls.${k}`)}
            </label>
          ))}
          <label className="check">
            <input type="checkbox" checked={d.verify} onChange={(e) => edit({ verify: e.target.checked })} />
            <span>
              Verify the engine&apos;s certificate
              <small>Turn off only for a test engine with a self-signed certificate.</small>
            </span>
          </label>
        </div>
      )}
      <div className="hosts-add-actions">
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void test()}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy !== null}>
          {busy === 'add' ? 'Adding…' : 'Add host'}
        </button>
      </div>
      {result && (
        <div role="status" data-testid="host-test-result">
          <p className={result.ok ? 'field-ok' : 'field-error'}>
            {result.ok ? `The engine answers: Docker ${result.engineVersion ?? ''}.` : `Failed at ${STEP_TEXT[result.failedStep ?? 'connect']}.`}
          </p>
          <ol className="hosts-test-steps">
            {result.steps.map((s) => (
              <li key={s.step} data-outcome={s.outcome} className={s.outcome === 'failed' ? 'state-bad' : s.outcome === 'skipped' ? 'muted' : undefined}>
                <strong>{STEP_TEXT[s.step]}</strong> — {OUTCOME_TEXT[s.outcome]}: {s.message}
              </li>
            ))}
          </ol>
        </div>
      )}
      {message && (
        <p className="field-error" role="alert">
          {message}
        </p>
      )}
      {added && (
        <p className="field-ok" role="status" data-testid="host-added">
          Added {added}. It is listed above with its state.
        </p>
      )}
    </form>
  );
}
