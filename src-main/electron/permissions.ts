// Which web permissions the app window gets: only the clipboard (the terminal's Copy and Paste
// buttons), and only for the app's own document. Pure, so it is unit-tested under Node.
import type { AppUrl } from './app-url';

const CLIPBOARD_PERMISSIONS = new Set(['clipboard-read', 'clipboard-sanitized-write']);

export function isAllowedPermission(permission: string, url: string | undefined, app: Pick<AppUrl, 'isAppUrl'>): boolean {
  return CLIPBOARD_PERMISSIONS.has(permission) && !!url && app.isAppUrl(url);
}
