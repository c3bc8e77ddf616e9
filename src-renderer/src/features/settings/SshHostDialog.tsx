// Add (or edit) an SSH host: ssh://user@host:port or a ~/.ssh/config alias, how to log in, the
// password or key passphrase (sent once as `secret`, never shown back), the remote socket path, and
// "Test connection" with every step (per jump host). An unknown host key opens the fingerprint
// dialog (trust once → retest); a changed one is refused in OpenSSH's words with no way to accept.
import { useEffect, useState } from 'react';
import { RpcError, type Host, type HostTestResult, type SshAlias } from '@contract/index';
import { EMPTY_SSH, checkSsh, draftOf, secretOf, type AuthMethod, type SshDraft } from './ssh-form';
import { useApp } from '../../stores/app-store';
import { call, errorText } from '../../transport/client';
import { Dialog } from '../../components/Dialog';
import { ChangedKeyWarning, HostKeyDialog } from './host-keys';
import { STEP_LABEL } from './step-labels';
import { TestSteps } from './TestSteps';

type FieldErrors = Partial<Record<string, string>>;

function fieldOf(e: unknown): { fields: FieldErrors; message: string | null } {
  if (e instanceof RpcError && e.code === 'VALIDATION' && e.field) {
    const f = e.field.replace(/^config\./, '').replace(/^auth\./, '').replace(/^secret\./, '');
    return { fields: { [f]: e.detail ?? e.message }, message: null };
  }
  return { fields: {}, message: errorText(e) };
}

function aliasDetails(a: SshAlias): string {
  return [
    `HostName ${a.hostName}`,
    a.user ? `User ${a.user}` : null,
    a.port ? `Port ${a.port}` : null,
    a.proxyJump ? `ProxyJump ${a.proxyJump}` : null,
    a.identityFile ? `IdentityFile ${a.identityFile}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

const AUTH_TEXT: Record<AuthMethod, { label: string; hint: string }> = {
  auto: { label: 'Automatic', hint: 'As OpenSSH does: the SSH agent, then the IdentityFile of the alias or your default keys (~/.ssh/id_ed25519, id_ecdsa, id_rsa).' },
  agent: { label: 'SSH agent', hint: 'Keys loaded in the agent (SSH_AUTH_SOCK; Pageant on Windows).' },
  key: { label: 'Key file', hint: 'A private key (ed25519, ECDSA or RSA) on the machine running WakeDock.' },
  password: { label: 'Password', hint: 'The account’s password on the server.' },
};

export function SshHostDialog(props: { host?: Host; onClose(): void; onDone(message: string): void }) {
  const editing = props.host;
  const [d, setD] = useState<SshDraft>(editing ? draftOf(editing) : EMPTY_SSH);
  const [fields, setFields] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [result, setResult] = useState<HostTestResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [askKey, setAskKey] = useState(false);
  const [aliases, setAliases] = useState<SshAlias[] | null>(null);
  const [aliasError, setAliasError] = useState<string | null>(null);
  const secretStorage = useApp((a) => a.info?.secretStorage);

  useEffect(() => {
    let live = true;
    call('hosts.sshAliases', {}).then(
      (list) => live && setAliases(list),
      (e: unknown) => live && (setAliases([]), setAliasError(errorText(e))),
    );
    return () => {
      live = false;
    };
  }, []);

  const edit = (patch: Partial<SshDraft>): void => {
    setD({ ...d, ...patch });
    setFields({});
    setMessage(null);
    setResult(null);
  };

  const test = async (draft = d): Promise<void> => {
    const c = checkSsh(draft, false);
    setFields(c.fields);
    setMessage(null);
    if (!c.config) return;
    setBusy('test');
    try {
      const secret = secretOf(draft);
      const r = await call('hosts.test', { config: c.config, ...(secret ? { secret } : {}), ...(editing ? { hostId: editing.id } : {}) });
      setResult(r);
      if (r.hostKey?.status === 'unknown') setAskKey(true);
    } catch (e) {
      const s = fieldOf(e);
      setFields(s.fields);
      setMessage(s.message);
    } finally {
      setBusy(null);
    }
  };

  const save = async (): Promise<void> => {
    const c = checkSsh(d, true);
    setFields(c.fields);
    setMessage(null);
    if (!c.config || c.name === undefined) return;
    setBusy('save');
    try {
      const secret = secretOf(d);
      if (editing) {
        await call('hosts.update', { hostId: editing.id, name: c.name, config: c.config, ...(secret ? { secret } : {}) });
        props.onDone(`Saved ${c.name}; it reconnects with the new settings.`);
      } else {
        const host = await call('hosts.add', { name: c.name, config: c.config, ...(secret ? { secret } : {}) });
        props.onDone(`Added ${host.name}. It is listed above with its state.`);
      }
    } catch (e) {
      const s = fieldOf(e);
      setFields(s.fields);
      setMessage(s.message);
      setBusy(null);
    }
  };

  const fieldError = (key: string) =>
    fields[key] ? (
      <small className="field-error" role="alert" data-testid={`ssh-error-${key}`}>
        {fields[key]}
      </small>
    ) : null;
  const chosen = aliases?.find((a) => a.alias === d.alias);
  const storedSecret = editing !== undefined && editing.secretStorage !== undefined && editing.secretStorage !== 'none';

  return (
    <Dialog title={editing ? `Edit ${editing.name}` : 'Add an SSH host'} onClose={props.onClose}>
      <form
        className="ssh-form"
        aria-label={editing ? 'Edit SSH host' : 'Add an SSH host'}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <p className="muted small">WakeDock reaches the server&apos;s Docker engine over SSH; nothing is installed on the server.</p>
        <label className="field">
          <span>Name</span>
          <input value={d.name} autoFocus aria-invalid={fields.name ? true : undefined} onChange={(e) => edit({ name: e.target.value })} />
          {fieldError('name')}
        </label>

        <fieldset className="ssh-choice">
          <legend>Server</legend>
          <label className="radio">
            <input type="radio" name="ssh-target" checked={d.target === 'url'} onChange={() => edit({ target: 'url' })} /> Address
          </label>
          <label className="radio">
            <input type="radio" name="ssh-target" checked={d.target === 'alias'} onChange={() => edit({ target: 'alias' })} /> Alias from ~/.ssh/config
          </label>
        </fieldset>
        {d.target === 'url' ? (
          <>
            <label className="field">
              <span>SSH address</span>
              <input className="mono" placeholder="ssh://deploy@192.168.1.20:22" value={d.url} aria-invalid={fields.url ? true : undefined} onChange={(e) => edit({ url: e.target.value })} />
              {fieldError('url')}
            </label>
            <label className="field">
              <span>Jump hosts (optional)</span>
              <input className="mono" placeholder="ssh://me@bastion.example:22" value={d.jump} aria-invalid={fields.jump ? true : undefined} onChange={(e) => edit({ jump: e.target.value })} />
              <small className="muted">ProxyJump hops in order, separated by commas.</small>
              {fieldError('jump')}
            </label>
          </>
        ) : (
          <label className="field">
            <span>Alias</span>
            <select aria-label="Alias" value={d.alias} aria-invalid={fields.alias ? true : undefined} onChange={(e) => edit({ alias: e.target.value, name: d.name || e.target.value })}>
              <option value="">{aliases === null ? 'Reading ~/.ssh/config…' : aliases.length === 0 ? 'No Host entries in ~/.ssh/config' : 'Choose a Host alias'}</option>
              {aliases?.map((a) => (
                <option key={a.alias} value={a.alias}>
                  {a.alias}
                </option>
              ))}
            </select>
            {chosen && (
              <small className="mono ssh-alias-details" data-testid="alias-details">
                {aliasDetails(chosen)}
              </small>
            )}
            {aliasError && (
              <small className="field-error" role="alert">
                {aliasError}
              </small>
            )}
            {fieldError('alias')}
          </label>
        )}

        <label className="field">
          <span>Log in with</span>
          <select aria-label="Log in with" value={d.auth} onChange={(e) => edit({ auth: e.target.value as AuthMethod })}>
            {(Object.keys(AUTH_TEXT) as AuthMethod[]).map((m) => (
              <option key={m} value={m}>
                {AUTH_TEXT[m].label}
              </option>
            ))}
          </select>
          <small className="muted">{AUTH_TEXT[d.auth].hint}</small>
        </label>
        {d.auth === 'key' && (
          <label className="field">
            <span>Private key file</span>
            <input className="mono" placeholder="~/.ssh/id_ed25519" value={d.keyPath} aria-invalid={fields.keyPath ? true : undefined} onChange={(e) => edit({ keyPath: e.target.value })} />
            {fieldError('keyPath')}
          </label>
        )}
        {(d.auth === 'key' || d.auth === 'auto') && (
          <label className="field">
            <span>Key passphrase (if the key is encrypted)</span>
            <input type="password" autoComplete="off" placeholder={storedSecret ? 'stored — leave empty to keep it' : ''} value={d.passphrase} onChange={(e) => edit({ passphrase: e.target.value })} />
            {fieldError('passphrase')}
          </label>
        )}
        {d.auth === 'password' && (
          <label className="field">
            <span>Password</span>
            <input type="password" autoComplete="off" placeholder={storedSecret ? 'stored — leave empty to keep it' : ''} value={d.password} onChange={(e) => edit({ password: e.target.value })} />
            {fieldError('password')}
          </label>
        )}
        {(d.auth === 'password' || d.auth === 'key' || d.auth === 'auto') && (
          <p className="muted small" data-testid="secret-storage">
            {d.auth === 'password' ? 'The password' : 'A passphrase'} is sent to WakeDock once and never shown again.{' '}
            {secretStorage?.kind === 'os-keystore'
              ? 'It is stored encrypted with your operating system’s key store (Electron safeStorage).'
              : secretStorage?.kind === 'owner-only-file'
                ? 'It is encrypted in WakeDock’s data file with a key kept in a file next to it; both are readable only by your user account (mode 0600). There is no OS key store here.'
                : ''}
          </p>
        )}

        <details className="ssh-advanced" open={d.socketPath !== '' || undefined}>
          <summary>Docker socket on the server</summary>
          <label className="field">
            <span>Socket path</span>
            <input className="mono" placeholder="automatic: /var/run/docker.sock, then rootless /run/user/<uid>/docker.sock" value={d.socketPath} aria-invalid={fields.socketPath ? true : undefined} onChange={(e) => edit({ socketPath: e.target.value })} />
            {fieldError('socketPath')}
          </label>
        </details>

        {result && (
          <div role="status" data-testid="ssh-test-result" ref={(el) => el?.scrollIntoView({ block: 'nearest' })}>
            <p className={result.ok ? 'field-ok' : 'field-error'}>{result.ok ? `Connected: Docker ${result.engineVersion ?? ''} on the server.` : `Failed at ${stepName(result)}.`}</p>
            <TestSteps steps={result.steps} />
            {result.hostKey?.status === 'changed' && <ChangedKeyWarning hostKey={result.hostKey} />}
            {result.hostKey?.status === 'unknown' && !askKey && (
              <button type="button" className="btn btn-sm" onClick={() => setAskKey(true)}>
                Check the fingerprint…
              </button>
            )}
          </div>
        )}
        {message && (
          <p className="field-error" role="alert">
            {message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void test()}>
            {busy === 'test' ? 'Testing…' : 'Test connection'}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy !== null}>
            {busy === 'save' ? 'Saving…' : editing ? 'Save' : 'Add host'}
          </button>
        </div>
      </form>
      {askKey && result?.hostKey && (
        <HostKeyDialog
          hostKey={result.hostKey}
          onClose={() => setAskKey(false)}
          onTrusted={() => {
            setAskKey(false);
            void test();
          }}
        />
      )}
    </Dialog>
  );
}

function stepName(r: HostTestResult): string {
  const s = r.steps.find((x) => x.outcome === 'failed');
  const label = STEP_LABEL[r.failedStep ?? s?.step ?? 'connect'];
  return s?.hop ? `${label} (jump host ${s.hop})` : label;
}
