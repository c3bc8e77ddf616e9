// The Alerts page (#/alerts): the alert centre, rules and channels. The sidebar item with the
// unread badge (AlertsNavItem.tsx) owns the live feed and browser notifications (serve mode).
import { useState } from 'react';
import { useApp } from '../../stores/app-store';
import { AlertCentre } from './AlertCentre';
import { ChannelsPanel } from './ChannelsPanel';
import { RulesPanel } from './RuleEditor';
import { askNotificationPermission, notificationPermission, unreadCount, useAlerts, type NotifyPermission } from './alerts-store';
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
