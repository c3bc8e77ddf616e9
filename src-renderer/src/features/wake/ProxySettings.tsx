// Settings → Proxy: which Caddy serves the service hostnames (WakeDock's own or the user's at an
// admin address), where (HTTP, HTTPS), and ACME for public names. Each field says what is wrong as
// it is left (the contract's schema); Apply sends it to the core, which checks what only the machine
// can tell (a port in use or privileged, an admin address where nothing answers), applies it live
// and says what happened — or puts the error under the field it names.
import { useEffect, useState, type ReactNode } from 'react';
import { RpcError } from '@contract/index';
import { WakeProxySettingsSchema, type WakeProxySettings, type WakeProxySettingsView } from '@contract/wake-proxy-settings';
import type { WakeProxyStatus } from '@contract/wake-service';
import { call, errorText } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import './proxy-settings.css';

type Field = 'mode' | 'admin' | 'listen' | 'https' | 'httpsListen' | 'acme' | 'acmeEmail';

interface Draft {
  mode: 'private' | 'external';
  admin: string;
  listen: string;
  https: boolean;
  httpsListen: string;
  acme: boolean;
  acmeEmail: string;
}

function toDraft(s: WakeProxySettings): Draft {
  return { mode: s.mode, admin: s.admin ?? '', listen: s.listen, https: s.https, httpsListen: s.httpsListen, acme: s.acme, acmeEmail: s.acmeEmail ?? '' };
}

function fromDraft(d: Draft): unknown {
  return {
    mode: d.mode,
    ...(d.admin.trim() ? { admin: d.admin.trim() } : {}),
    listen: d.listen.trim(),
    https: d.https,
    httpsListen: d.httpsListen.trim(),
    acme: d.acme,
    ...(d.acmeEmail.trim() ? { acmeEmail: d.acmeEmail.trim() } : {}),
  };
}

/** The schema's first problem per field (for the draft as a whole: combinations included). */
function check(d: Draft): { errors: Partial<Record<Field, string>>; settings?: WakeProxySettings } {
  const r = WakeProxySettingsSchema.safeParse(fromDraft(d));
  if (r.success) return { errors: {}, settings: r.data };
  const errors: Partial<Record<Field, string>> = {};
  for (const i of r.error.issues) {
    const f = String(i.path[0] ?? 'mode') as Field;
    errors[f] ??= i.message;
  }
  return { errors };
}

const STATE_TEXT: Record<WakeProxyStatus['caddy'], string> = {
  running: 'running',
  starting: 'starting',
  restarting: 'restarting',
  stopped: 'stopped',
  failed: 'not working',
  absent: 'Caddy not installed',
  disabled: 'off',
};

export function ProxySettings() {
  const [view, setView] = useState<WakeProxySettingsView | null>(null);
  const [status, setStatus] = useState<WakeProxyStatus | null>(null);
  const [off, setOff] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [serverErrors, setServerErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([call('wake.proxySettings', {}), call('wake.proxy', {})]).then(
      ([v, p]) => {
        if (!live) return;
        setView(v);
        setStatus(p);
        setDraft(toDraft(v.settings));
      },
      (e: unknown) => {
        if (live) setOff(errorText(e));
      },
    );
    return () => {
      live = false;
    };
  }, []);

  const fixed = new Map<string, string>((view?.fixed ?? []).map((f) => [f.field, f.flag]));
  const checked = draft ? check(draft) : { errors: {} };
  const errorOf = (f: Field): string | undefined => serverErrors[f] ?? (touched[f] ? checked.errors[f] : undefined);
  const set = (patch: Partial<Draft>): void => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    setServerErrors({});
    setOutcome(null);
  };
  const changed = draft && view ? JSON.stringify(fromDraft(draft)) !== JSON.stringify(fromDraft(toDraft(view.settings))) : false;

  const apply = async (): Promise<void> => {
    if (!draft) return;
    setTouched({ mode: true, admin: true, listen: true, https: true, httpsListen: true, acme: true, acmeEmail: true });
    const c = check(draft);
    if (!c.settings) return;
    setBusy(true);
    setOutcome(null);
    try {
      const r = await call('wake.setProxySettings', c.settings);
      setOutcome({ ok: true, text: r.message });
      setServerErrors({});
      const [v, p] = await Promise.all([call('wake.proxySettings', {}), call('wake.proxy', {})]);
      setView(v);
      setStatus(p);
      setDraft(toDraft(v.settings));
    } catch (e) {
      if (e instanceof RpcError && e.code === 'VALIDATION' && e.field) setServerErrors({ [e.field as Field]: e.detail ?? e.message });
      else setOutcome({ ok: false, text: errorText(e) });
      void call('wake.proxy', {}).then(setStatus, () => undefined);
    } finally {
      setBusy(false);
    }
  };

  const fieldBox = (f: Field, label: string, input: ReactNode, hint?: ReactNode): ReactNode => {
    const err = errorOf(f);
    const flag = fixed.get(f);
    return (
      <div className="field">
        <label htmlFor={`proxy-${f}`}>{label}</label>
        {input}
        {err ? (
          <small className="field-error" role="alert" data-testid={`proxy-error-${f}`}>
            {err}
          </small>
        ) : flag ? (
          <small className="muted">set by {flag} when WakeDock was started</small>
        ) : (
          hint && <small className="muted">{hint}</small>
        )}
      </div>
    );
  };
  const text = (f: 'admin' | 'listen' | 'httpsListen' | 'acmeEmail', placeholder: string, disabled = false): ReactNode => (
    <input
      id={`proxy-${f}`}
      className="mono"
      value={draft?.[f] ?? ''}
      placeholder={placeholder}
      disabled={disabled || fixed.has(f)}
      aria-invalid={errorOf(f) ? true : undefined}
      onChange={(e) => set({ [f]: e.target.value })}
      onBlur={() => setTouched((t) => ({ ...t, [f]: true }))}
    />
  );

  return (
    <section className="card proxy-settings" aria-labelledby="proxy-h" data-testid="proxy-settings">
      <h2 id="proxy-h">Proxy (wake on demand)</h2>
      {off && (
        <p className="muted" data-testid="proxy-off">
          {off}
        </p>
      )}
      {status && view && draft && (
        <>
          <p className="proxy-now" role="status" data-testid="proxy-now">
            <span className={`badge badge-${status.caddy === 'running' ? 'ok' : status.caddy === 'starting' || status.caddy === 'restarting' ? 'warn' : 'bad'}`}>
              <span className="dot" />
              {STATE_TEXT[status.caddy]}
            </span>{' '}
            {status.mode === 'external' ? (
              <>
                Your Caddy at <span className="mono">{status.admin}</span>
              </>
            ) : (
              <>WakeDock&apos;s own Caddy</>
            )}{' '}
            serving service hostnames on <span className="mono">{status.listen}</span>
            {status.https && (
              <>
                {' '}
                and <span className="mono">{status.https}</span>
              </>
            )}
            {status.message && <span className="field-error"> — {status.message}</span>}
          </p>
          <form
            className="proxy-form"
            onSubmit={(e) => {
              e.preventDefault();
              void apply();
            }}
          >
            <fieldset className="proxy-mode">
              <legend>Caddy</legend>
              <label className="check">
                <input type="radio" name="proxy-mode" value="private" checked={draft.mode === 'private'} onChange={() => set({ mode: 'private' })} />
                <span>
                  WakeDock&apos;s own Caddy
                  <small>{view.caddyInstalled ? 'Started and watched by WakeDock, with its own config; never the system Caddyfile.' : 'Needs a caddy binary on PATH (none found).'}</small>
                </span>
              </label>
              <label className="check">
                <input type="radio" name="proxy-mode" value="external" checked={draft.mode === 'external'} onChange={() => set({ mode: 'external' })} />
                <span>
                  My Caddy, at its admin address
                  <small>WakeDock adds only its own servers (and TLS policies) and removes exactly those when you switch back.</small>
                </span>
              </label>
              {errorOf('mode') && (
                <small className="field-error" role="alert" data-testid="proxy-error-mode">
                  {errorOf('mode')}
                </small>
              )}
            </fieldset>
            {draft.mode === 'external' && fieldBox('admin', 'Admin address', text('admin', 'http://127.0.0.1:2019 or /run/caddy/admin.sock'), 'On this machine: http://127.0.0.1:2019 (loopback) or the path of its unix socket.')}
            <div className="proxy-row">
              {fieldBox('listen', 'HTTP address', text('listen', '127.0.0.1:8480'), view.privilegedPorts ? 'host:port. WakeDock may use ports below 1024 here.' : 'host:port. Ports below 1024 need root: the defaults (8480, 8443) do not.')}
              <div className="proxy-https-col">
                <label className="check">
                  <input type="checkbox" checked={draft.https} disabled={fixed.has('https')} onChange={(e) => set({ https: e.target.checked, ...(e.target.checked ? {} : { acme: false }) })} data-testid="proxy-https" />
                  <span>
                    HTTPS for service hostnames
                    <small>{fixed.has('https') ? `set by ${fixed.get('https')} when WakeDock was started` : 'From a local CA, without a trust-store prompt (download its root on the Services page).'}</small>
                  </span>
                </label>
                {draft.https && fieldBox('httpsListen', 'HTTPS address', text('httpsListen', '127.0.0.1:8443'))}
              </div>
            </div>
            <label className="check">
              <input type="checkbox" checked={draft.acme} disabled={!draft.https || fixed.has('acme')} onChange={(e) => set({ acme: e.target.checked })} data-testid="proxy-acme" />
              <span>
                ACME for public names{!draft.https && ' (needs HTTPS)'}
                <small>Let&apos;s Encrypt for names like shop.example.com (ports 80/443 must reach this Caddy); .localhost and other internal names keep the local CA.</small>
              </span>
            </label>
            {errorOf('acme') && (
              <small className="field-error" role="alert" data-testid="proxy-error-acme">
                {errorOf('acme')}
              </small>
            )}
            {draft.acme && fieldBox('acmeEmail', 'ACME e-mail (optional)', text('acmeEmail', 'me@example.com'), 'For expiry notices from the certificate authority.')}
            <div className="proxy-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || !changed} data-testid="proxy-apply">
                {busy ? 'Applying…' : 'Apply'}
              </button>
              <button type="button" className="btn" disabled={busy || !changed} onClick={() => (setDraft(toDraft(view.settings)), setTouched({}), setServerErrors({}), setOutcome(null))}>
                Discard changes
              </button>
            </div>
            {outcome && (
              <p className={outcome.ok ? 'field-ok' : 'field-error'} role="status" data-testid="proxy-outcome">
                {outcome.text}
              </p>
            )}
          </form>
        </>
      )}
    </section>
  );
}

/** On the Services page's proxy strip: whose Caddy it is, and the way to Settings → Proxy. */
export function ProxySettingsLink({ proxy }: { proxy: WakeProxyStatus }) {
  const navigate = useApp((a) => a.navigate);
  if (proxy.caddy === 'disabled') return null;
  return (
    <span className="muted" data-testid="wake-proxy-mode">
      {proxy.mode === 'external' ? (
        <>
          your Caddy at <span className="mono">{proxy.admin}</span> ·{' '}
        </>
      ) : null}
      <a href="#/settings" onClick={(e) => (e.preventDefault(), navigate({ name: 'settings' }))}>
        Proxy settings
      </a>
    </span>
  );
}
