// The Alerts page (#/alerts): the alert centre, rules and channels; and the sidebar item with the
// unread badge, which also owns the live feed and browser notifications (serve mode).
import { useEffect, useState, type ReactNode } from 'react';
import { useApp } from '../../stores/app-store';
import { AlertCentre } from './AlertCentre';
import { ChannelsPanel } from './ChannelsPanel';
import { RulesPanel } from './RuleEditor';
import { askNotificationPermission, notificationPermission, showBrowserNotification, unreadCount, useAlerts, type NotifyPermission } from './alerts-store';
import './alerts.css';

type Tab = 'alerts' | 'rules' | 'channels';

export function AlertsView() {
  const [tab, setTab] = useState<Tab>('alerts');
  const unread = useAlerts((s) => unreadCount(s.alerts));
  return (
    <section className="view alerts-view" aria-label="Alerts">
      <header className="view-header">
        <h1>Alerts</h1>
        <BrowserNotifications />
      </header>
      <div className="tabs" role="tablist" aria-label="Alerts sections">
        {(
          [
            ['alerts', `Alert centre${unread ? ` (${unread})` : ''}`],
            ['rules', 'Rules'],
            ['channels', 'Channels'],
          ] as const
        ).map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={`tab${tab === id ? ' tab-on' : ''}`} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <div className="tab-panel alerts-panel" role="tabpanel">
        {tab === 'alerts' && <AlertCentre />}
        {tab === 'rules' && <RulesPanel />}
        {tab === 'channels' && <ChannelsPanel />}
      </div>
    </section>
  );
}

/** Serve mode only: the desktop app notifies from its main process. */
function BrowserNotifications() {
  const mode = useApp((a) => a.info?.mode);
  const [perm, setPerm] = useState<NotifyPermission>(notificationPermission);
  if (mode !== 'serve') return null;
  if (perm === 'granted') return <span className="muted small">Browser notifications are on</span>;
  if (perm === 'unsupported') return <span className="muted small">This browser cannot show notifications</span>;
  if (perm === 'denied') return <span className="muted small">Notifications are blocked for this site (allow them in the browser’s site settings)</span>;
  return (
    <button type="button" className="btn btn-sm" onClick={() => void askNotificationPermission().then(setPerm)}>
      Enable browser notifications
    </button>
  );
}

/** Sidebar entry: starts the live alert feed for the whole app and shows the unread count. */
export function AlertsNavItem(props: { active: boolean; onClick(): void; icon?: ReactNode }) {
  const watch = useAlerts((s) => s.watch);
  const unread = useAlerts((s) => unreadCount(s.alerts));
  const serve = useApp((a) => a.info?.mode === 'serve');
  useEffect(() => watch(serve ? showBrowserNotification : undefined), [watch, serve]);
  return (
    <button type="button" className={`nav-item${props.active ? ' nav-on' : ''}`} aria-current={props.active ? 'page' : undefined} onClick={props.onClick}>
      {props.icon ?? <BellIcon />} Alerts
      {unread > 0 && (
        <span className="nav-badge" aria-label={`${unread} unread`}>
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}

export const BellIcon = () => (
  <svg width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden focusable={false}>
    <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
    <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
  </svg>
);
