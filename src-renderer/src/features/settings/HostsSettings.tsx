// Settings → Hosts: every engine WakeDock watches with its state; add a tcp:// engine (name, URL,
// optional TLS files) after testing it step by step, or an SSH host (dialog), or import a Docker
// context; rename, edit (ssh) or remove (confirmed) an added one; an SSH host waiting for a host-key
// decision offers the fingerprint dialog. Errors appear where the action was taken: next to the
// field the core named, or under the row.
import { useState } from 'react';
import { HostNameSchema, RpcError, TcpHostConfigSchema, type Host, type HostConfig, type HostTestResult } from '@contract/index';
import { useApp } from '../../stores/app-store';
import { call, errorText } from '../../transport/client';
import { ConfirmDialog } from '../../components/Dialog';
import { ChangedKeyWarning, HostKeyDialog } from './host-keys';
import { HostTools } from './HostTools';
import { ImportContexts, SshEngineNotice } from './ImportContexts';
import { SshHostDialog } from './SshHostDialog';
import { STEP_LABEL } from './step-labels';
import { TestSteps } from './TestSteps';
import './hosts.css';

type FieldErrors = Partial<Record<string, string>>;

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
  const [adding, setAdding] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="hosts-h">
      <div className="hosts-head">
        <h2 id="hosts-h">Hosts</h2>
        <button type="button" className="btn btn-primary btn-sm" onClick={() => (setAdding(true), setDone(null))}>
          Add SSH host…
        </button>
      </div>
      <p className="muted">Docker engines WakeDock watches. The local engine is found automatically (its address is set above); add servers over SSH, or engines by tcp:// address.</p>
      <SshEngineNotice local={hosts.find((h) => h.discovered)} hosts={hosts} />
      <ul className="hosts-list" aria-label="Hosts">
        {hosts.map((h) => (
          <HostRow key={h.id} host={h} />
        ))}
      </ul>
      {done && (
        <p className="field-ok" role="status" data-testid="ssh-host-added">
          {done}
        </p>
      )}
      {adding && <SshHostDialog onClose={() => setAdding(false)} onDone={(m) => (setAdding(false), setDone(m))} />}
      <ImportContexts />
      <AddHostForm />
    </section>
  );
}

/** An SSH host that needs a host-key decision: the fingerprint dialog (unknown) or the refusal (changed). */
function HostKeyPanel({ host }: { host: Host }) {
  const [open, setOpen] = useState(false);
  const k = host.hostKey;
  if (!k || host.state === 'connected') return null;
  if (k.status === 'changed') return <ChangedKeyWarning hostKey={k} />;
  return (
    <div className="hostkey-unknown">
      <span className="state-bad small">The server&apos;s host key is not known yet; WakeDock waits for your decision.</span>
      <button type="button" className="btn btn-sm btn-primary" onClick={() => setOpen(true)}>
        Check the fingerprint…
      </button>
      {open && (
        <HostKeyDialog
          hostKey={k}
          onClose={() => setOpen(false)}
          onTrusted={() => {
            setOpen(false);
            void call('hosts.reconnect', { hostId: host.id }).catch(() => {});
          }}
        />
      )}
    </div>
  );
}

function HostRow({ host }: { host: Host }) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const isSsh = host.config?.kind === 'ssh';
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
              {isSsh && (
                <button type="button" className="btn" disabled={busy} onClick={() => setEditing(true)}>
                  Edit
                </button>
              )}
              <button type="button" className="btn btn-danger" disabled={busy} onClick={() => setConfirming(true)}>
                Remove
              </button>
            </span>
          )
        )}
      </div>
      <HostKeyPanel host={host} />
      <HostTools host={host} />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {editing && <SshHostDialog host={host} onClose={() => setEditing(false)} onDone={() => setEditing(false)} />}
      {confirming && (
        <ConfirmDialog
          title={`Remove ${host.name}?`}
          body={
            <p>
              WakeDock stops watching <span className="mono">{host.endpoint.url}</span> and forgets it: its containers, logs, terminals and stats close here.
              Nothing changes on that engine.
              {isSsh && ' Its stored password or key passphrase is deleted, and its local socket (if on) is removed.'}
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
            {result.ok ? `The engine answers: Docker ${result.engineVersion ?? ''}.` : `Failed at ${STEP_LABEL[result.failedStep ?? 'connect']}.`}
          </p>
          <TestSteps steps={result.steps} />
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
