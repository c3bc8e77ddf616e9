// The sidebar entry of the alerts page: starts the live alert feed for the whole app (so
// notifications and the unread badge work on every page) while the page itself loads on demand.
import { useEffect, type ReactNode } from 'react';
import { useApp } from '../../stores/app-store';
import { showBrowserNotification, unreadCount, useAlerts } from './alerts-store';

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
