// Delivery channels (webhooks): list with the last delivery result, editor with URL validation,
// and "Send test" whose outcome (success or the failure with its error) is shown, never hidden.
import { useEffect, useState } from 'react';
import { ChannelInputSchema, type Channel, type DeliveryResult } from '@contract/procedures/alerts';
import { RpcError, fieldMessage } from '@contract/index';
import { call, errorText } from '../../transport/client';
import { useAlerts } from './alerts-store';
import { CHANNEL_KIND_LABEL, fieldErrors, resultText, timeText } from './alert-presenter';
import { Field } from './RuleEditor';

interface Draft {
  id?: string;
  name: string;
  kind: Channel['kind'];
  url: string;
  enabled: boolean;
  sendResolved: boolean;
}

const EMPTY: Draft = { name: '', kind: 'slack', url: '', enabled: true, sendResolved: true };

export function ChannelsPanel() {
  const channels = useAlerts((s) => s.channels);
  const loadChannels = useAlerts((s) => s.loadChannels);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [testing, setTesting] = useState<Record<string, boolean>>({});

  useEffect(() => {
    void loadChannels().catch((e: unknown) => setError(errorText(e)));
  }, [loadChannels]);

  const test = async (c: Channel): Promise<void> => {
    setTesting((t) => ({ ...t, [c.id]: true }));
    try {
      await call('channels.test', { id: c.id, name: c.name, kind: c.kind, url: c.url, enabled: c.enabled, sendResolved: c.sendResolved });
      await loadChannels();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setTesting((t) => ({ ...t, [c.id]: false }));
    }
  };

  return (
    <div className="channels-panel">
      <div className="toolbar">
        <span className="muted small">Webhooks get a POST for every new alert of the rules that name them, and another when it resolves unless the channel says otherwise (3 attempts, 5 s each).</span>
        <span className="grow" />
        <button type="button" className="btn btn-primary btn-sm" onClick={() => setEditing({ ...EMPTY })}>
          New channel
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {editing && (
        <ChannelForm
          key={editing.id ?? 'new'}
          initial={editing}
          onDone={() => {
            setEditing(null);
            void loadChannels();
          }}
        />
      )}
      {channels.length === 0 ? (
        !editing && <p className="empty muted">No channels yet. Add a Slack, Discord or JSON webhook.</p>
      ) : (
        <ul className="channel-list" aria-label="Channels">
          {channels.map((c) => (
            <li key={c.id} className="channel-item" aria-label={c.name}>
              <div className="channel-text">
                <strong>{c.name}</strong>
                {!c.enabled && <span className="muted small"> (disabled)</span>}
                {!c.sendResolved && <span className="muted small">No resolve notices</span>}
                <span className="muted small">{CHANNEL_KIND_LABEL[c.kind]}</span>
                <span className="mono small ellipsis">{c.url}</span>
                {c.lastResult && (
                  <span className={`small ${c.lastResult.ok ? 'result-ok' : 'result-bad'}`} role={c.lastResult.ok ? 'status' : 'alert'}>
                    Last delivery {timeText(c.lastResult.at)}: {resultText(c.lastResult)}
                  </span>
                )}
              </div>
              <button type="button" className="btn btn-sm" aria-label={`Send test to ${c.name}`} disabled={testing[c.id]} onClick={() => void test(c)}>
                {testing[c.id] ? 'Sending…' : 'Send test'}
              </button>
              <button type="button" className="btn btn-sm" aria-label={`Edit ${c.name}`} onClick={() => setEditing({ id: c.id, name: c.name, kind: c.kind, url: c.url, enabled: c.enabled, sendResolved: c.sendResolved })}>
                Edit
              </button>
              <button
                type="button"
                className="btn btn-sm btn-danger"
                aria-label={`Delete ${c.name}`}
                onClick={() =>
                  void call('channels.delete', { id: c.id })
                    .then(loadChannels)
                    .catch((e: unknown) => setError(errorText(e)))
                }
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChannelForm({ initial, onDone }: { initial: Draft; onDone(): void }) {
  const [d, setD] = useState<Draft>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [result, setResult] = useState<DeliveryResult | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]): void => {
    setD((x) => ({ ...x, [k]: v }));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([f]) => f !== k)));
    setResult(null);
  };

  const validated = () => {
    const parsed = ChannelInputSchema.safeParse(d);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return null;
    }
    setErrors({});
    return parsed.data;
  };

  const failed = (e: unknown): void => {
    if (e instanceof RpcError && e.field) setErrors({ [e.field]: fieldMessage(e) });
    else setFormError(errorText(e));
  };

  const save = async (): Promise<void> => {
    setFormError(null);
    const input = validated();
    if (!input) return;
    setBusy('save');
    try {
      await call('channels.save', input);
      onDone();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(null);
    }
  };

  const test = async (): Promise<void> => {
    setFormError(null);
    setResult(null);
    const input = validated();
    if (!input) return;
    setBusy('test');
    try {
      setResult(await call('channels.test', input));
    } catch (e) {
      failed(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <form
      className="card channel-form"
      aria-label={d.id ? `Edit channel ${initial.name}` : 'New channel'}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{d.id ? `Edit “${initial.name}”` : 'New channel'}</h2>
      <div className="form-grid">
        <Field label="Channel name" error={errors.name}>
          {(p) => <input {...p} value={d.name} onChange={(e) => set('name', e.target.value)} placeholder="e.g. #ops" />}
        </Field>
        <Field label="Format" error={errors.kind}>
          {(p) => (
            <select {...p} value={d.kind} onChange={(e) => set('kind', e.target.value as Draft['kind'])}>
              {(Object.keys(CHANNEL_KIND_LABEL) as Draft['kind'][]).map((k) => (
                <option key={k} value={k}>
                  {CHANNEL_KIND_LABEL[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="span-2">
          <Field label="Webhook URL" error={errors.url}>
            {(p) => <input {...p} className="mono" value={d.url} onChange={(e) => set('url', e.target.value)} placeholder="https://hooks.slack.com/services/…" />}
          </Field>
        </div>
      </div>
      <div className="form-row">
        <label className="check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          <span>Enabled</span>
        </label>
        <label className="check">
          <input type="checkbox" checked={d.sendResolved} onChange={(e) => set('sendResolved', e.target.checked)} />
          <span>Also notify when resolved</span>
        </label>
      </div>
      {result && (
        <p className={result.ok ? 'field-ok' : 'field-error'} role={result.ok ? 'status' : 'alert'}>
          Test: {resultText(result)}
        </p>
      )}
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void test()}>
          {busy === 'test' ? 'Sending…' : 'Send test'}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy !== null}>
          Save channel
        </button>
      </div>
    </form>
  );
}
