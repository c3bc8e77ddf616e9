// Which URLs are "our app". Used by the IPC sender check and the navigation guard, so both agree.
// Plain logic (no electron import) so it is unit-tested under Node.
import { pathToFileURL } from 'node:url';

export interface AppUrlOptions {
  /** Absolute path of the built renderer's index.html (production). */
  indexFile: string;
  /** The electron-vite dev server URL (ELECTRON_RENDERER_URL), in development only. */
  devServerUrl?: string;
}

export interface AppUrl {
  /** What BrowserWindow loads. */
  readonly entry: string;
  /** True when url is a document of our app (query and hash ignored). */
  isAppUrl(url: string): boolean;
  /** The origin to allow in the CSP's connect-src during development (the Vite HMR socket), if any. */
  readonly devOrigin?: string;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function appUrl(opts: AppUrlOptions): AppUrl {
  const dev = opts.devServerUrl ? parse(opts.devServerUrl) : null;
  if (opts.devServerUrl && !dev) throw new Error(`ELECTRON_RENDERER_URL is not a URL: ${opts.devServerUrl}`);
  if (dev && dev.protocol !== 'http:' && dev.protocol !== 'https:') throw new Error(`ELECTRON_RENDERER_URL must be http(s): ${opts.devServerUrl}`);
  // Only one document is ours: the built index.html. Any other file:// URL (a dropped file, a
  // path the page was tricked into loading) is foreign, even though it shares the file: scheme.
  const index = pathToFileURL(opts.indexFile);
  return {
    entry: dev ? dev.href : index.href,
    devOrigin: dev?.origin,
    isAppUrl(url: string): boolean {
      const u = parse(url);
      if (!u) return false;
      if (dev) return u.origin === dev.origin;
      // file: URLs have the opaque origin "null", so compare the path instead.
      return u.protocol === 'file:' && u.host === index.host && u.pathname === index.pathname;
    },
  };
}

/** Links that may leave the app for the user's browser. Nothing else (file:, javascript:, custom schemes) is opened. */
export function isExternalWebUrl(url: string): boolean {
  const u = parse(url);
  return !!u && (u.protocol === 'https:' || u.protocol === 'http:');
}
