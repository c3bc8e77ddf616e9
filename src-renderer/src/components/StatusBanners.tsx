// Always-visible connection state: the link to the core (WebSocket) and each engine's state.
import type { Host } from '@contract/index';
import { useApp } from '../stores/app-store';
import { useNow } from './use-now';

export function EngineBanner({ host }: { host: Host | undefined }) {
  const reconnect = useApp((a) => a.reconnect);
  const now = useNow(1000, host?.state === 'unreachable');
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
  const text = link === 'closed' ? 'Core disconnected' : state === 'connected' ? 'Connected' : state === 'connecting' ? 'Connecting…' : 'Unreachable';
  return (
    <div className={`pill pill-${state}`} role="status" aria-label={`Engine ${text}`} data-testid="connection-state" data-state={state}>
      <span className="dot" />
      <span>{text}</span>
      {host?.engineVersion && state === 'connected' && <span className="muted">Docker {host.engineVersion}</span>}
    </div>
  );
}
