// The app window: locked-down webPreferences, the sandboxed preload, the navigation guard.
import { BrowserWindow } from 'electron';
import type { Logger } from '../contract/handlers';
import type { AppUrl } from './app-url';
import { guardWebContents } from './security';

export interface MainWindowOptions {
  app: AppUrl;
  preloadPath: string;
  iconPath: string;
  logger: Logger;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 780,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'WakeDock',
    icon: opts.iconPath,
    backgroundColor: '#111827',
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  guardWebContents(win.webContents, opts.app, opts.logger);
  win.once('ready-to-show', () => win.show());
  const crashes: number[] = [];
  win.webContents.on('render-process-gone', (_e, details) => {
    opts.logger.error(`renderer process gone: ${details.reason} (exit code ${details.exitCode})`);
    if (details.reason === 'clean-exit' || details.reason === 'killed' || win.isDestroyed()) return;
    // A crash gets a fresh page (main already closed the old page's streams), but not in a loop.
    const now = Date.now();
    while (crashes.length > 0 && (crashes[0] ?? 0) < now - 60_000) crashes.shift();
    crashes.push(now);
    if (crashes.length <= 3) void win.loadURL(opts.app.entry).catch(() => {});
  });
  void win.loadURL(opts.app.entry).catch((e: unknown) => opts.logger.error(`could not load ${opts.app.entry}`, e));
  return win;
}
