// Desktop notifications for alerts: the shell subscribes to the core's alert service (onFired:
// new alerts of rules with desktop notifications on) and shows each one with Electron's
// Notification. A click brings the window to the front on the alerts page.
import { Notification } from 'electron';
import type { Alert } from '../contract/procedures/alerts';
import type { AlertService } from '../core/alerts/alert-service';
import type { Logger } from '../contract/handlers';

export interface AlertNotificationOptions {
  logger: Logger;
  /** Show the window and open #/alerts. */
  onClick(alert: Alert): void;
}

export function startAlertNotifications(alerts: AlertService, opts: AlertNotificationOptions): () => void {
  if (!Notification.isSupported()) {
    opts.logger.warn('desktop notifications are not supported here; alerts stay in the alert centre');
    return () => {};
  }
  // Keep references: a garbage-collected Notification loses its click handler on some platforms.
  const shown = new Set<Notification>();
  const off = alerts.onFired((alert) => {
    try {
      const n = new Notification({ title: `WakeDock: ${alert.ruleName}`, body: alert.message, urgency: 'normal' });
      shown.add(n);
      n.on('click', () => opts.onClick(alert));
      n.on('close', () => shown.delete(n));
      n.show();
      // Bound the set: drop the oldest beyond 20 (the OS keeps its own copies in its centre).
      if (shown.size > 20) shown.delete(shown.values().next().value as Notification);
    } catch (e) {
      opts.logger.warn('could not show a desktop notification', e);
    }
  });
  return () => {
    off();
    shown.clear();
  };
}
