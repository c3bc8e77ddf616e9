// Hardening of the session and of every window (Electron security checklist): CSP header, no
// permissions, no navigation away from the app, no new windows, no <webview>. External http(s)
// links go to the user's browser instead.
import { shell, type Session, type WebContents } from 'electron';
import type { Logger } from '../contract/handlers';
import { isExternalWebUrl, type AppUrl } from './app-url';
import { contentSecurityPolicy } from './csp';
import { isAllowedPermission } from './permissions';

export function hardenSession(session: Session, app: AppUrl, logger: Logger): void {
  const csp = contentSecurityPolicy({ devOrigin: app.devOrigin });
  session.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') {
      callback({});
      return;
    }
    const headers = { ...(details.responseHeaders ?? {}) };
    // Drop any policy the server sent (the dev server sends none) so ours is the one in force.
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  // WakeDock needs no camera, notifications-from-web, geolocation…: deny all but the clipboard, and
  // that only to the app's own pages (the terminal's Copy and Paste buttons).
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const ok = isAllowedPermission(permission, details.requestingUrl, app);
    if (!ok) logger.warn(`denied a permission request: ${permission}`);
    callback(ok);
  });
  session.setPermissionCheckHandler((wc, permission, _origin, details) => isAllowedPermission(permission, details.requestingUrl ?? wc?.getURL(), app));
}


function openExternally(url: string, logger: Logger): void {
  if (!isExternalWebUrl(url)) {
    logger.warn(`blocked opening ${url}`);
    return;
  }
  shell.openExternal(url).catch((e: unknown) => logger.warn(`could not open ${url}`, e));
}

export function guardWebContents(wc: WebContents, app: AppUrl, logger: Logger): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (app.isAppUrl(url)) return;
    event.preventDefault();
    openExternally(url, logger);
  };
  wc.on('will-navigate', (event) => guard(event, event.url));
  wc.on('will-redirect', (event) => {
    if (!app.isAppUrl(event.url)) event.preventDefault();
  });
  wc.setWindowOpenHandler(({ url }) => {
    openExternally(url, logger);
    return { action: 'deny' };
  });
  wc.on('will-attach-webview', (event) => event.preventDefault());
}
