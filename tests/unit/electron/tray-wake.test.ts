// Wake-on-demand services in the tray: one entry per service with its state, wake/sleep offered when
// they apply and bound to that service, and the submenu placed above Quit.
import { describe, expect, it } from 'vitest';
import { WakeServiceSchema, type WakeServiceView } from '../../../src-main/contract/wake-service';
import { buildWakeTrayItem, withWakeItem } from '../../../src-main/electron/tray-wake';
import type { TrayItem } from '../../../src-main/electron/tray-menu';

const view = (name: string, state: WakeServiceView['state'], extra: Partial<WakeServiceView> = {}): WakeServiceView => ({
  name,
  source: 'stored',
  definition: WakeServiceSchema.parse({ name, hosts: [`${name}.localhost`], container: name, port: 80 }),
  state,
  inFlight: 0,
  wakes: 0,
  ...extra,
});

describe('tray: wake services', () => {
  it('has no Services entry without services', () => {
    expect(buildWakeTrayItem([], { wake() {}, sleep() {} })).toBeNull();
    const menu: TrayItem[] = [{ label: 'Show WakeDock' }, { type: 'separator' }, { label: 'Quit WakeDock' }];
    expect(withWakeItem(menu, null)).toBe(menu);
  });

  it('lists each service with its state; wake when asleep or failed, sleep when awake, bound to that service', () => {
    const calls: string[] = [];
    const item = buildWakeTrayItem([view('web', 'awake'), view('db', 'sleeping'), view('api', 'failed', { message: 'exited (code 1)' }), view('old', 'unavailable')], {
      wake: (n) => calls.push(`wake ${n}`),
      sleep: (n) => calls.push(`sleep ${n}`),
    })!;
    expect(item.label).toBe('Services (1 of 4 awake)');
    expect(item.submenu?.map((i) => i.label)).toEqual(['api — failed', 'db — asleep', 'old — unavailable', 'web — awake']);
    expect(item.submenu?.[0]?.toolTip).toBe('exited (code 1)');
    const entry = (n: number) => Object.fromEntries((item.submenu?.[n]?.submenu ?? []).map((i) => [i.label, i]));
    expect([entry(0)['Wake now']?.enabled, entry(0)['Sleep now']?.enabled]).toEqual([true, false]);
    expect([entry(1)['Wake now']?.enabled, entry(1)['Sleep now']?.enabled]).toEqual([true, false]);
    expect([entry(2)['Wake now']?.enabled, entry(2)['Sleep now']?.enabled]).toEqual([false, false]);
    expect([entry(3)['Wake now']?.enabled, entry(3)['Sleep now']?.enabled]).toEqual([false, true]);
    entry(1)['Wake now']?.click?.();
    entry(3)['Sleep now']?.click?.();
    expect(calls).toEqual(['wake db', 'sleep web']);
  });

  it('caps the list and goes above the closing separator and Quit', () => {
    const item = buildWakeTrayItem(Array.from({ length: 30 }, (_, i) => view(`s${String(i).padStart(2, '0')}`, 'sleeping')), { wake() {}, sleep() {} }, 25)!;
    expect(item.submenu).toHaveLength(26);
    expect(item.submenu?.at(-1)).toMatchObject({ label: '5 more… (open WakeDock)', enabled: false });
    const menu: TrayItem[] = [{ label: 'Show WakeDock' }, { type: 'separator' }, { label: 'Containers' }, { type: 'separator' }, { label: 'Quit WakeDock' }];
    expect(withWakeItem(menu, item).map((i) => i.label ?? '—')).toEqual(['Show WakeDock', '—', 'Containers', '—', 'Services (0 of 30 awake)', '—', 'Quit WakeDock']);
  });
});
