// Always-visible connection state: the link to the core (WebSocket) and each engine's state.
import type { Host } from '@contract/index';
import { useApp } from '../stores/app-store';
import { useNow } from './use-now';

/** How long ago, in words: "12 s", "3 min". */
function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export function EngineBanner({ host }: { host: Host | undefined }) {
  const reconnect = useApp((a) => a.reconnect);
  const now = useNow(1000, host?.state === 'unreachable' || host?.state === 'unresponsive' || host?.state === 'degraded');
  if (host?.state === 'unresponsive' || host?.state === 'degraded') {
    const silent = host.state === 'unresponsive';
    return (
      <div className={`banner ${silent ? 'banner-error' : 'banner-warn'}`} role="alert" data-testid={silent ? 'engine-unresponsive' : 'engine-degraded'}>
        <div>
          <strong>{silent ? 'Docker engine not answering' : 'Docker engine answering slowly'}</strong>
          {host.since !== undefined && <span className="muted"> for {elapsed(now - host.since)}</span>}
          {host.reason && <span className="muted"> — {host.reason}</span>}
          <div>
            {silent
              ? 'Actions are off and nothing is queued. An action that timed out may still happen when the engine answers; the list will then show it.'
              : 'Actions still go, each with a deadline; one that times out says so.'}
          </div>
        </div>
        <div className="banner-actions">
          <span className="muted">Checking…</span>
          <button type="button" className="btn btn-sm" onClick={() => void reconnect(host.id)}>
            Check now
          </button>
        </div>
      </div>
    );
  }
  if (!host || host.state !== 'unreachable') return null;
  const secs = host.retryAt ? Math.max(0, Math.ceil((host.retryAt - now) / 1000)) : 0;
  return (
    <div className="banner banner-error" role="alert" data-testid="engine-unreachable">
      <div>
        <strong>Docker engine unreachable</strong> at <span className="mono">{host.endpoint.url}</span>
        {host.reason && <span className="muted"> — {host.reason}</span>}
        <div>{host.hint ?? 'Is Docker running?'}</div>
      </div>
      <div className="banner-actions">
        <span className="muted">{secs > 0 ? `Retrying in ${secs} s` : 'Retrying…'}</span>
        <button type="button" className="btn btn-sm" onClick={() => void reconnect(host.id)}>
          Retry now
        </button>
      </div>
    </div>
  );
}

export function LinkBanner() {
  const link = useApp((a) => a.link);
  if (link !== 'closed') return null;
  return (
    <div className="banner banner-warn" role="alert">
      Lost the connection to the WakeDock core. Reconnecting…
    </div>
  );
}

export function NoticeBanners() {
  const info = useApp((a) => a.info);
  const dismissed = useApp((a) => a.dismissedNotices);
  const dismiss = useApp((a) => a.dismissNotice);
  const fatal = useApp((a) => a.fatal);
  return (
    <>
      {fatal && (
        <div className="banner banner-error" role="alert">
          {fatal}
        </div>
      )}
      {info?.notices.map((n, i) =>
        dismissed.has(i) ? null : (
          <div key={i} className={`banner banner-${n.level === 'error' ? 'error' : n.level === 'warning' ? 'warn' : 'info'}`} role="status">
            <span>{n.message}</span>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => dismiss(i)}>
              Dismiss
            </button>
          </div>
        ),
      )}
    </>
  );
}

export function ConnectionPill({ host }: { host: Host | undefined }) {
  const link = useApp((a) => a.link);
  const state = link === 'closed' ? 'unreachable' : (host?.state ?? 'connecting');
  const text =
    link === 'closed'
      ? 'Core disconnected'
      : state === 'connected'
        ? 'Connected'
        : state === 'connecting'
          ? 'Connecting…'
          : state === 'degraded'
            ? 'Slow'
            : state === 'unresponsive'
              ? 'Not answering'
              : 'Unreachable';
  return (
    <div className={`pill pill-${state}`} role="status" aria-label={`Engine ${text}`} data-testid="connection-state" data-state={state}>
      <span className="dot" />
      <span>{text}</span>
      {host?.engineVersion && state === 'connected' && <span className="muted">Docker {host.engineVersion}</span>}
    </div>
  );
}
