// Wake-on-demand services in the tray, as plain data (no electron import; unit-tested under Node):
// a "Services" submenu, one entry per service with its state, and "Wake now" / "Sleep now" as the
// Services page offers them. tray.ts inserts it above "Quit WakeDock".
import type { WakeServiceView } from '../contract/wake-service';
import type { TrayItem } from './tray-menu';

export interface WakeTrayActions {
  wake(name: string): void;
  sleep(name: string): void;
}

const STATE_TEXT: Record<WakeServiceView['state'], string> = { sleeping: 'asleep', waking: 'waking…', awake: 'awake', failed: 'failed', unavailable: 'unavailable' };

/** The Services submenu; null without services (the menu then has no Services entry). */
export function buildWakeTrayItem(views: readonly WakeServiceView[], actions: WakeTrayActions, cap = 25): TrayItem | null {
  if (views.length === 0) return null;
  const shown = [...views].sort((a, b) => a.name.localeCompare(b.name)).slice(0, cap);
  const items: TrayItem[] = shown.map((v) => ({
    label: `${v.name} — ${STATE_TEXT[v.state]}`,
    toolTip: v.message ?? v.definition.hosts.join(', '),
    submenu: [
      { label: 'Wake now', enabled: v.state === 'sleeping' || v.state === 'failed', click: () => actions.wake(v.name) },
      { label: 'Sleep now', enabled: v.state === 'awake', click: () => actions.sleep(v.name) },
    ],
  }));
  if (views.length > shown.length) items.push({ label: `${views.length - shown.length} more… (open WakeDock)`, enabled: false });
  const awake = views.filter((v) => v.state === 'awake').length;
  return { label: `Services (${awake} of ${views.length} awake)`, submenu: items };
}

/** The menu with the Services submenu placed above its closing separator and "Quit WakeDock". */
export function withWakeItem(menu: TrayItem[], item: TrayItem | null): TrayItem[] {
  if (!item) return menu;
  const at = Math.max(0, menu.length - 2);
  return [...menu.slice(0, at), { type: 'separator' }, item, ...menu.slice(at)];
}
