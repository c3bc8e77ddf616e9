// The system tray: quick actions on the containers of every host, built from the core's services
// directly (no IPC, no RPC handlers). One host's section inline, or one submenu per host when there
// are several. The menu is rebuilt (debounced) from each host's watch stream and state changes.
import { readFileSync } from 'node:fs';
import { Menu, Notification, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { Host } from '../contract';
import type { Logger } from '../contract/handlers';
import type { Core } from '../core/create-core';
import { mapEngineError } from '../core/engine/engine-errors';
import { ContainerTable, buildHostsTrayMenu, type TrayActions, type TrayItem } from './tray-menu';
import { buildWakeTrayItem, withWakeItem } from './tray-wake';

export interface TrayOptions {
  core: Core;
  /** Paths of the 16x16 tray PNG and its 32x32 version for HiDPI screens (bundled assets have hashed names, so @2x siblings are not found by name). */
  icon: { x1: string; x2?: string };
  logger: Logger;
  showWindow(): void;
  quit(): void;
  /** Debounce of menu rebuilds (ms). */
  debounceMs?: number;
}

export interface AppTray {
  dispose(): void;
}

function toTemplate(items: TrayItem[]): MenuItemConstructorOptions[] {
  return items.map((i) =>
    i.type === 'separator'
      ? { type: 'separator' }
      : {
          label: i.label,
          enabled: i.enabled ?? true,
          toolTip: i.toolTip,
          click: i.click ? () => i.click?.() : undefined,
          submenu: i.submenu ? toTemplate(i.submenu) : undefined,
        },
  );
}

export function createTray(opts: TrayOptions): AppTray {
  const { core, logger } = opts;
  const { hosts, containers } = core.services;
  const image = nativeImage.createFromPath(opts.icon.x1);
  if (image.isEmpty()) logger.warn(`tray icon not found at ${opts.icon.x1}`);
  else if (opts.icon.x2) {
    try {
      image.addRepresentation({ scaleFactor: 2, buffer: readFileSync(opts.icon.x2) });
    } catch (e) {
      logger.warn('tray: no @2x icon', e);
    }
  }
  const tray = new Tray(image);
  tray.setToolTip('WakeDock');

  const tables = new Map<string, ContainerTable>();
  let hostList: Host[] = [];
  let timer: NodeJS.Timeout | null = null;
  let disposed = false;

  const report = (what: string, e: unknown): void => {
    const err = mapEngineError(e);
    logger.warn(`tray: ${what} failed: ${err.message}`);
    if (Notification.isSupported()) new Notification({ title: `WakeDock: ${what} failed`, body: err.hint ? `${err.message}\n${err.hint}` : err.message }).show();
  };

  // The containers service: the same engine calls (and error mapping) as the UI's procedures.
  const run = (what: string, p: () => Promise<unknown>): void => {
    p().catch((e: unknown) => report(what, e));
  };
  const app = { show: () => opts.showWindow(), quit: () => opts.quit() };
  const actionsFor = (hostId: string): TrayActions => ({
    ...app,
    reconnect: () => run('Reconnect', async () => hosts.get(hostId).reconnectNow()),
    start: (id) => run('Start', () => containers.start(hostId, id)),
    stop: (id) => run('Stop', () => containers.stop(hostId, id)),
    restart: (id) => run('Restart', () => containers.restart(hostId, id)),
    startAll: (ids) => run('Start all', () => settleAll(ids.map((id) => containers.start(hostId, id)))),
    stopAll: (ids) => run('Stop all', () => settleAll(ids.map((id) => containers.stop(hostId, id)))),
  });

  // Wake-on-demand services (when on): wake now / sleep now, as on the Services page.
  const wake = core.services.wake;
  const wakeActions = {
    wake: (name: string) => run(`Wake ${name}`, () => wake!.controller.wake(name, 'tray', { force: true })),
    sleep: (name: string) => run(`Sleep ${name}`, () => wake!.controller.sleep(name, 'tray')),
  };

  const rebuild = (): void => {
    timer = null;
    if (disposed) return;
    const models = hostList.map((host) => ({ host, containers: tables.get(host.id)?.list ?? [] }));
    const wakeItem = wake ? buildWakeTrayItem(wake.controller.views(), wakeActions) : null;
    tray.setContextMenu(Menu.buildFromTemplate(toTemplate(withWakeItem(buildHostsTrayMenu(models, actionsFor, app), wakeItem))));
  };
  const schedule = (): void => {
    if (timer || disposed) return;
    timer = setTimeout(rebuild, opts.debounceMs ?? 500);
  };

  // Status texts in the tooltips ("Up 5 minutes") age: rebuild the menu from the table once a
  // minute (no engine request; the table is kept by the watch stream).
  const ageing = setInterval(schedule, 60_000);
  ageing.unref?.();

  const stopWake = wake ? wake.onChange(schedule) : () => undefined;
  const stopHosts = hosts.watch((list) => {
    hostList = list;
    schedule();
  });
  const stopContainers = hosts.forEachHost((conn) => {
    const table = new ContainerTable();
    tables.set(conn.id, table);
    const off = conn.watch((patch) => {
      table.apply(patch);
      schedule();
    });
    return () => {
      off();
      tables.delete(conn.id);
      schedule();
    };
  });
  rebuild();

  // Windows and macOS: a left click opens the window (Linux trays only show the menu).
  tray.on('click', () => opts.showWindow());

  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      if (timer) clearTimeout(timer);
      clearInterval(ageing);
      stopHosts();
      stopWake();
      stopContainers();
      tray.destroy();
    },
  };
}

/** Runs every action; fails with the first error after all have finished (so one failure does not hide the others' effect). */
async function settleAll(ps: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(ps);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw failed[0]?.reason;
}
