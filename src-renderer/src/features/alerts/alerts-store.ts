// Alerts in the renderer: the live history (alerts.watch: a snapshot, then upserts/removals),
// rules and channels, and the browser-notification bridge for serve mode.
import { create } from 'zustand';
import type { Alert, AlertRule, AlertsEvent, Channel } from '@contract/procedures/alerts';
import { call, errorText, subscribe } from '../../transport/client';

interface AlertsState {
  /** Newest first. */
  alerts: Alert[];
  loaded: boolean;
  streamError: string | null;
  rules: AlertRule[];
  channels: Channel[];
  /** Start the live feed (once, from the sidebar item); returns the stop function. */
  watch(onFired?: (a: Alert) => void): () => void;
  loadRules(): Promise<void>;
  loadChannels(): Promise<void>;
  ack(ids: string[]): Promise<void>;
  clearResolved(): Promise<void>;
}

export const useAlerts = create<AlertsState>()((set, get) => ({
  alerts: [],
  loaded: false,
  streamError: null,
  rules: [],
  channels: [],

  watch(onFired) {
    const apply = (ev: AlertsEvent): void => {
      if (ev.kind === 'snapshot') {
        set({ alerts: ev.alerts, loaded: true, streamError: null });
        return;
      }
      if (ev.kind === 'removed') {
        const gone = new Set(ev.ids);
        set({ alerts: get().alerts.filter((a) => !gone.has(a.id)) });
        return;
      }
      const list = get().alerts;
      const i = list.findIndex((a) => a.id === ev.alert.id);
      set({ alerts: i >= 0 ? list.map((a) => (a.id === ev.alert.id ? ev.alert : a)) : [ev.alert, ...list] });
      if (ev.fired) onFired?.(ev.alert);
      // A delivery finished: the channel's last result changed too.
      if (!ev.fired && ev.alert.deliveries.length > 0 && get().channels.length > 0) void get().loadChannels();
    };
    return subscribe('alerts.watch', {}, apply, (e) => set({ streamError: e.message }));
  },
  async loadRules() {
    set({ rules: await call('alerts.rules.list', {}) });
  },
  async loadChannels() {
    set({ channels: await call('channels.list', {}) });
  },
  async ack(ids) {
    await call('alerts.ack', { ids });
  },
  async clearResolved() {
    await call('alerts.clear', { which: 'resolved' });
  },
}));

export const unreadCount = (alerts: readonly Alert[]): number => alerts.filter((a) => a.state === 'open' && a.ackedAt === undefined).length;

// ---- browser notifications (serve mode; the desktop app notifies from main) -------------------

export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported';

export function notificationPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function askNotificationPermission(): Promise<NotifyPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch (e) {
    console.warn('notification permission request failed', errorText(e));
    return Notification.permission;
  }
}

export function showBrowserNotification(a: Alert): void {
  if (!a.desktop || notificationPermission() !== 'granted') return;
  try {
    // tag: a second tab (or a resent event) replaces rather than stacks the same alert
    new Notification(`WakeDock: ${a.ruleName}`, { body: a.message, tag: a.id });
  } catch {
    // Some browsers only allow notifications from a service worker; the alert centre still has it.
  }
}
