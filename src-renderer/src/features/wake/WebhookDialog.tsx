// A service's webhook: the URL WakeDock POSTs JSON to when the service is started, stopped or fails
// to start. The URL is a secret (sealed in the store) and never comes back from the core: a service
// with a webhook says so and which events it sends; entering a URL replaces it.
import { useId, useState } from 'react';
import type { WakeServiceView, WakeWebhookEvent } from '@contract/wake-service';
import { Dialog } from '../../components/Dialog';
import { call, errorText } from '../../transport/client';
import { webhookText } from './wake-presenter';

const EVENTS: { key: WakeWebhookEvent; label: string }[] = [
  { key: 'started', label: 'Started (woken and ready)' },
  { key: 'stopped', label: 'Stopped (put to sleep)' },
  { key: 'failed', label: 'Failed to start' },
];

export function WebhookDialog(props: { service: WakeServiceView; onDone(notice: string | null): void }) {
  const { service } = props;
  const ids = useId();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WakeWebhookEvent[]>(service.webhook?.events ?? ['started', 'stopped', 'failed']);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const has = service.webhook !== undefined;

  const save = async (next: string | null | undefined): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await call('wake.setWebhook', { name: service.name, ...(next !== undefined ? { url: next } : {}), events });
      props.onDone(next === null ? `Removed the webhook of ${service.name}.` : `Saved the webhook of ${service.name}.`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Webhook of ${service.name}`} onClose={() => props.onDone(null)}>
      <div className="dialog-body">
        <p className="muted small">WakeDock POSTs JSON ({'{event, service, hosts, at, reason, message?, cold_start_ms?}'}) to this URL, retrying 3 times. The URL is stored encrypted and is not shown again.</p>
        {has && <p className="small" data-testid="webhook-current">{webhookText(service.webhook)}</p>}
        <div className="field">
          <label htmlFor={`${ids}-url`}>{has ? 'New URL (leave empty to keep the current one)' : 'URL'}</label>
          <input id={`${ids}-url`} className="mono" type="url" autoComplete="off" spellCheck={false} placeholder="https://hooks.example.com/wakedock" value={url} onChange={(e) => setUrl(e.target.value)} />
        </div>
      </div>
      <div className="dialog-options">
        {EVENTS.map((o) => (
          <label key={o.key} className="check">
            <input type="checkbox" checked={events.includes(o.key)} onChange={(e) => setEvents((cur) => (e.target.checked ? [...cur, o.key] : cur.filter((x) => x !== o.key)))} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        {has && (
          <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void save(null)}>
            Remove webhook
          </button>
        )}
        <button type="button" className="btn" onClick={() => props.onDone(null)}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={busy || (url.trim() === '' && !has)} onClick={() => void save(url.trim() === '' ? undefined : url.trim())}>
          {busy ? 'Saving…' : 'Save webhook'}
        </button>
      </div>
    </Dialog>
  );

}
