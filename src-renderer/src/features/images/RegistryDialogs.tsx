// Registries (log in: checked by the engine, the password kept sealed in the core and never shown
// again; log out) and Push (one of the image's tags, with the login of its registry; per-layer
// progress, cancel; the engine's refusal shown in the dialog).
import { useEffect, useState } from 'react';
import { RegistryServerSchema } from '@contract/procedures/registry';
import type { ProcOutput } from '@contract/index';
import { call } from '../../transport/client';
import { Dialog } from '../../components/Dialog';
import type { ImageView } from '../../presenters/image-presenter';
import { ActionError } from '../resources/VirtualTable';
import { shownError, type ShownError } from '../resources/errors';
import { LayerProgress, useLayerStream } from './ImageDialogs';

/** The registry of an image reference, as docker reads it (for the push dialog's "logged in" line). */
export function registryOfRef(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first.toLowerCase() : 'docker.io';
}

export function RegistriesDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [list, setList] = useState<ProcOutput<'registry.list'> | null>(null);
  const [f, setF] = useState({ server: '', username: '', password: '' });
  const [err, setErr] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const reload = (): void => {
    call('registry.list', {})
      .then(setList)
      .catch((e) => setErr(shownError(e)));
  };
  useEffect(reload, []);
  const serverCheck = RegistryServerSchema.safeParse(f.server);
  const serverErr = f.server && !serverCheck.success ? serverCheck.error.issues[0]?.message : err?.field === 'server' ? err.message : undefined;
  const login = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    setDone(null);
    try {
      const r = await call('registry.login', { hostId, ...f });
      setDone(`Logged in to ${r.server} as ${r.username}.`);
      setF({ server: '', username: '', password: '' });
      reload();
    } catch (e) {
      setErr(shownError(e));
    } finally {
      setBusy(false);
    }
  };
  const logout = async (server: string): Promise<void> => {
    setErr(null);
    setDone(null);
    try {
      await call('registry.logout', { server });
      reload();
    } catch (e) {
      setErr(shownError(e));
    }
  };
  return (
    <Dialog title="Registries" onClose={onClose}>
      <div className="dialog-body">
        {list === null ? (
          <p className="muted">Loading…</p>
        ) : list.items.length === 0 ? (
          <p className="muted">Not logged in to any registry. Pulls and pushes use the Docker CLI's credentials (~/.docker/config.json and its helpers) when it has some for the registry, else go without a login.</p>
        ) : (
          <ul className="res-list" aria-label="Logged-in registries">
            {list.items.map((l) => (
              <li key={l.server} className="res-member">
                <span>
                  <span className="mono">{l.server}</span> <span className="muted">as {l.username}</span>
                </span>
                <button type="button" className="btn btn-sm" aria-label={`Log out of ${l.server}`} onClick={() => void logout(l.server)}>
                  Log out
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <form
        className="res-form"
        aria-label="Log in to a registry"
        onSubmit={(e) => {
          e.preventDefault();
          void login();
        }}
      >
        <label htmlFor="reg-server">Registry</label>
        <input id="reg-server" className="res-input" value={f.server} onChange={(e) => setF({ ...f, server: e.target.value })} placeholder="ghcr.io, 127.0.0.1:5000, docker.io" aria-invalid={!!serverErr} autoFocus />
        {serverErr && <p className="run-error">{serverErr}</p>}
        <label htmlFor="reg-user">User name</label>
        <input id="reg-user" className="res-input" value={f.username} autoComplete="username" onChange={(e) => setF({ ...f, username: e.target.value })} />
        <label htmlFor="reg-password">Password or token</label>
        <input id="reg-password" className="res-input" type="password" autoComplete="current-password" value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} aria-invalid={err?.field === 'password'} />
        {err?.field === 'password' && <p className="run-error">{err.message}</p>}
        {list && <p className="muted small">The engine checks the login first. {list.storage}</p>}
        {done && (
          <p role="status" className="small">
            {done}
          </p>
        )}
        <ActionError error={err && err.field !== 'password' && err.field !== 'server' ? err : null} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !serverCheck.success || !f.username.trim() || !f.password}>
            {busy ? 'Checking…' : 'Log in'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function PushDialog({ hostId, view, onClose }: { hostId: string; view: ImageView; onClose(): void }) {
  const [tag, setTag] = useState(view.tags[0] ?? '');
  const [logins, setLogins] = useState<string[] | null>(null);
  const { ev, err, busy, start, cancel } = useLayerStream('images.push', hostId, 'Push');
  useEffect(() => {
    call('registry.list', {})
      .then((l) => setLogins(l.items.map((i) => i.server)))
      .catch(() => setLogins([]));
  }, []);
  const registry = registryOfRef(tag);
  return (
    <Dialog title={`Push ${view.title}`} onClose={busy ? cancel : onClose}>
      <form
        className="res-form"
        onSubmit={(e) => {
          e.preventDefault();
          start(tag);
        }}
      >
        <label htmlFor="push-tag">Tag to push</label>
        <select id="push-tag" value={tag} onChange={(e) => setTag(e.target.value)} disabled={busy}>
          {view.tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        {logins && (
          <p className="muted small">
            To <span className="mono">{registry}</span>, {logins.includes(registry) ? 'with your login.' : 'without a login (Registries… to log in).'}
          </p>
        )}
        {ev && <LayerProgress ev={ev} label="Push progress" done="Pushed" />}
        <ActionError error={err} />
        <div className="dialog-actions">
          {busy ? (
            <button type="button" className="btn" onClick={cancel}>
              Cancel push
            </button>
          ) : (
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={busy || !tag}>
            {busy ? 'Pushing…' : 'Push'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
