// The alert centre: open and resolved alerts, acknowledge, history, delivery status per channel
// (the fire delivery, and under it the resolve notice once the alert resolved).
import { useMemo, useState } from 'react';
import type { Alert } from '@contract/procedures/alerts';
import { errorText } from '../../transport/client';
import { useAlerts } from './alerts-store';
import { alertState, CONDITION_LABEL, deliveryLines, deliveryText, heldText, timeText } from './alert-presenter';

type Filter = 'open' | 'resolved' | 'all';

export function AlertCentre() {
  const alerts = useAlerts((s) => s.alerts);
  const loaded = useAlerts((s) => s.loaded);
  const streamError = useAlerts((s) => s.streamError);
  const ack = useAlerts((s) => s.ack);
  const clearResolved = useAlerts((s) => s.clearResolved);
  const [filter, setFilter] = useState<Filter>('open');
  const [error, setError] = useState<string | null>(null);

  const counts = useMemo(() => ({ open: alerts.filter((a) => a.state === 'open').length, resolved: alerts.filter((a) => a.state === 'resolved').length, all: alerts.length }), [alerts]);
  const shown = filter === 'all' ? alerts : alerts.filter((a) => a.state === filter);
  const unacked = alerts.filter((a) => a.state === 'open' && a.ackedAt === undefined);

  const run = async (p: Promise<void>): Promise<void> => {
    try {
      setError(null);
      await p;
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div className="alert-centre">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Show alerts">
          {(['open', 'resolved', 'all'] as const).map((f) => (
            <button key={f} type="button" className={`seg${filter === f ? ' seg-on' : ''}`} aria-pressed={filter === f} onClick={() => setFilter(f)}>
              {f === 'open' ? 'Open' : f === 'resolved' ? 'Resolved' : 'All'} <span className="seg-count">{counts[f]}</span>
            </button>
          ))}
        </div>
        <span className="grow" />
        <button type="button" className="btn btn-sm" disabled={unacked.length === 0} onClick={() => void run(ack(unacked.map((a) => a.id)))}>
          Acknowledge all
        </button>
        <button type="button" className="btn btn-sm" disabled={counts.resolved === 0} onClick={() => void run(clearResolved())}>
          Clear resolved
        </button>
      </div>
      {(error || streamError) && (
        <p className="field-error" role="alert">
          {error ?? streamError}
        </p>
      )}
      {!loaded ? (
        <p className="empty muted">Loading alerts…</p>
      ) : shown.length === 0 ? (
        <p className="empty muted">{filter === 'open' ? 'No open alerts. All quiet.' : filter === 'resolved' ? 'No resolved alerts in the history.' : 'No alerts yet.'}</p>
      ) : (
        <ul className="alert-list" aria-label="Alerts">
          {shown.map((a) => (
            <AlertItem key={a.id} alert={a} onAck={() => void run(ack([a.id]))} />
          ))}
        </ul>
      )}
    </div>
  );
}

function AlertItem({ alert: a, onAck }: { alert: Alert; onAck(): void }) {
  const state = alertState(a);
  const label = `${a.ruleName}: ${a.target.label}`;
  return (
    <li className={`alert-item alert-${state}`} aria-label={label}>
      <div className="alert-head">
        <span className={`alert-state alert-state-${state}`}>{state === 'open' ? 'Open' : state === 'acknowledged' ? 'Acknowledged' : 'Resolved'}</span>
        <strong className="alert-rule">{a.ruleName}</strong>
        <span className="muted small">{CONDITION_LABEL[a.condition]}</span>
        <span className="grow" />
        {state === 'open' && (
          <button type="button" className="btn btn-sm" onClick={onAck} aria-label={`Acknowledge ${label}`}>
            Acknowledge
          </button>
        )}
      </div>
      <div className="alert-message">{a.message}</div>
      <div className="alert-meta muted small">
        <span>Fired {timeText(a.firedAt)}</span>
        {a.occurrences > 1 && <span>· {a.occurrences} times</span>}
        {a.target.project && <span>· project {a.target.project}</span>}
        {a.resolvedAt !== undefined && (
          <span>
            · Resolved {timeText(a.resolvedAt)}
            {a.resolution ? ` (${a.resolution})` : ''}
          </span>
        )}
        {a.ackedAt !== undefined && <span>· Acknowledged {timeText(a.ackedAt)}</span>}
        {heldText(a) && <span data-testid="alert-held">· {heldText(a)}</span>}
      </div>
      {a.deliveries.length > 0 && (
        <ul className="deliveries" aria-label="Deliveries">
          {deliveryLines(a.deliveries).map((d) => (
            <li key={`${d.kind}-${d.channelId}`} className={`delivery delivery-${d.kind} delivery-${d.state}`}>
              {deliveryText(d)}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
