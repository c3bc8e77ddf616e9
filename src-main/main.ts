// Electron entry: the thin desktop shell around the plain-Node core. Everything the UI does goes
// through the contract over IPC (src-main/electron/ipc-connection.ts ↔ src-preload); the tray
// calls the core directly. Security: sandboxed renderer, context isolation, no Node in the page,
// strict CSP, no navigation away from the app, no new windows, no permissions.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, session, type BrowserWindow } from 'electron';
import { appUrl } from './electron/app-url';
import { IpcRpcHost } from './electron/ipc-connection';
import { consoleLogger } from './electron/logger';
import { hardenSession } from './electron/security';
import { createTray, type AppTray } from './electron/tray';
import { startAlertNotifications } from './electron/alert-notifications';
import { createMainWindow } from './electron/window';
import { askSavePath } from './electron/save-dialog';
import { safeStorageBox } from './electron/safe-storage-box';
import { DataDirLockedError } from './core/store/data-dir-lock';
import { startDesktopCore } from './electron/desktop-core';
import trayIcon from '../resources/tray.png?asset';
import trayIcon2x from '../resources/tray@2x.png?asset';
import windowIcon from '../resources/icon.png?asset';

const logger = consoleLogger();
const here = dirname(fileURLToPath(import.meta.url)); // out/main

// Same data dir in development and packaged builds, whatever package.json's name says.
app.setPath('userData', join(app.getPath('appData'), 'WakeDock'));
if (process.platform === 'win32') app.setAppUserModelId('dev.wakedock.app');

const target = appUrl({
  indexFile: join(here, '../renderer/index.html'),
  // Only an unpackaged (development) app follows ELECTRON_RENDERER_URL: an environment variable
  // must not be able to point the installed app, and its IPC bridge, at another page.
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
});

if (!app.requestSingleInstanceLock()) {
  // Another WakeDock is running; it receives 'second-instance' and shows its window.
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  let tray: AppTray | null = null;
  let ipc: IpcRpcHost | null = null;
  let quitting = false;
  let teardown: (() => Promise<void>) | null = null;

  const openWindow = (): void => {
    if (!ipc) return;
    const w = createMainWindow({ app: target, preloadPath: join(here, '../preload/index.cjs'), iconPath: windowIcon, logger });
    ipc.attach(w.webContents);
    // With a tray, closing the window hides it (the tray keeps the quick actions); Quit quits.
    w.on('close', (e) => {
      if (!quitting && tray) {
        e.preventDefault();
        w.hide();
      }
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    win = w;
  };

  const showWindow = (): void => {
    if (!win || win.isDestroyed()) {
      openWindow();
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const start = async (): Promise<void> => {
    hardenSession(session.defaultSession, target, logger);
    // The core with wake on demand as in serve (docs/features/desktop.md); Electron only hands in
    // its dialog, key store and paths.
    const desktop = await startDesktopCore({ dataDir: app.getPath('userData'), appVersion: app.getVersion(), logger, saveDialog: (name) => askSavePath(win, name), secrets: safeStorageBox() });
    const { core, rpc } = desktop;
    for (const n of core.store.notices) logger.warn(`store: ${n.message}`);
    ipc = new IpcRpcHost(rpc, ipcMain, { isAppUrl: (url) => target.isAppUrl(url), logger });
    const stopNotifications = startAlertNotifications(core.services.alerts, {
      logger,
      onClick: () => {
        showWindow();
        void win?.webContents.executeJavaScript("location.hash = '#/alerts'").catch(() => {});
      },
    });
    teardown = async () => {
      stopNotifications();
      tray?.dispose();
      tray = null;
      ipc?.dispose();
      // Closes every stream, then the core: hangs up exec shells, writes the last alert changes,
      // closes the history database, stops Caddy and the waker's edge.
      await desktop.stop();
    };
    openWindow();
    try {
      tray = createTray({ core, icon: { x1: trayIcon, x2: trayIcon2x }, logger, showWindow, quit: () => app.quit() });
    } catch (e) {
      // Some Linux desktops have no tray; the app works without it (closing the window quits).
      logger.warn('no system tray', e);
    }
  };

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow()); // macOS: click on the Dock icon
  // Quit waits for the core: the first quit is prevented, the core is disposed (awaited: exec
  // shells hung up, the last alert and settings writes on disk), then the app exits for real.
  let shutdown: Promise<void> | null = null;
  let exiting = false;
  app.on('before-quit', (e) => {
    quitting = true;
    if (exiting) return;
    e.preventDefault();
    if (shutdown) return; // already shutting down
    const t = teardown;
    teardown = null;
    shutdown = (t ? t() : Promise.resolve())
      .catch((err: unknown) => logger.error('WakeDock: shutdown failed', err))
      .finally(() => {
        exiting = true;
        app.exit(0);
      });
  });
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });

  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      logger.error('WakeDock could not start', e);
      // Another process (e.g. `wakedock serve --data-dir` on this profile) holds the data dir: say which.
      if (e instanceof DataDirLockedError) dialog.showErrorBox('WakeDock is already running', e.message);
      app.exit(1);
    });
}
