// Which URLs count as the app: the IPC sender check and the navigation guard both rely on it.
import { describe, expect, it } from 'vitest';
import { appUrl, isExternalWebUrl } from '../../../src-main/electron/app-url';
import { contentSecurityPolicy } from '../../../src-main/electron/csp';

describe('appUrl (production, file://)', () => {
  const app = appUrl({ indexFile: '/opt/WakeDock/resources/app.asar/out/renderer/index.html' });

  it('loads the built index.html', () => {
    expect(app.entry).toBe('file:///opt/WakeDock/resources/app.asar/out/renderer/index.html');
    expect(app.devOrigin).toBeUndefined();
  });

  it('accepts the index with a hash or query (client-side routes), nothing else', () => {
    expect(app.isAppUrl(app.entry)).toBe(true);
    expect(app.isAppUrl(`${app.entry}#/containers`)).toBe(true);
    expect(app.isAppUrl(`${app.entry}?x=1`)).toBe(true);
    expect(app.isAppUrl('file:///opt/WakeDock/resources/app.asar/out/renderer/other.html')).toBe(false);
    expect(app.isAppUrl('file:///tmp/index.html')).toBe(false);
    expect(app.isAppUrl('file:///opt/WakeDock/resources/app.asar/out/renderer/index.html/../../../../../etc/passwd')).toBe(false);
    expect(app.isAppUrl('file://evil-host/opt/WakeDock/resources/app.asar/out/renderer/index.html')).toBe(false);
    expect(app.isAppUrl('http://localhost:5173/')).toBe(false);
    expect(app.isAppUrl('https://example.com/')).toBe(false);
    expect(app.isAppUrl('about:blank')).toBe(false);
    expect(app.isAppUrl('')).toBe(false);
    expect(app.isAppUrl('not a url')).toBe(false);
  });
});

describe('appUrl (development, dev server)', () => {
  const app = appUrl({ indexFile: '/w/out/renderer/index.html', devServerUrl: 'http://localhost:5173/' });

  it('loads the dev server and accepts only its origin', () => {
    expect(app.entry).toBe('http://localhost:5173/');
    expect(app.devOrigin).toBe('http://localhost:5173');
    expect(app.isAppUrl('http://localhost:5173/')).toBe(true);
    expect(app.isAppUrl('http://localhost:5173/index.html#/settings')).toBe(true);
    expect(app.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(app.isAppUrl('http://127.0.0.1:5173/')).toBe(false);
    expect(app.isAppUrl('https://localhost:5173/')).toBe(false);
    expect(app.isAppUrl('file:///w/out/renderer/index.html')).toBe(false);
  });

  it('refuses a dev server URL that is not http(s)', () => {
    expect(() => appUrl({ indexFile: '/x/index.html', devServerUrl: 'file:///etc/' })).toThrow(/http/);
    expect(() => appUrl({ indexFile: '/x/index.html', devServerUrl: 'nope' })).toThrow(/not a URL/);
  });
});

describe('isExternalWebUrl', () => {
  it('lets only http(s) links out to the browser', () => {
    expect(isExternalWebUrl('https://docs.docker.com/')).toBe(true);
    expect(isExternalWebUrl('http://localhost:8080/')).toBe(true);
    for (const u of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'vscode://x', 'data:text/html,hi', '']) expect(isExternalWebUrl(u)).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  const directives = (csp: string): Record<string, string> => Object.fromEntries(csp.split('; ').map((d) => [d.slice(0, d.indexOf(' ')), d.slice(d.indexOf(' ') + 1)]));

  it('is strict in production', () => {
    const d = directives(contentSecurityPolicy());
    expect(d).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data:",
      'connect-src': "'self'",
      'object-src': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|\*/);
  });

  it('in development allows only what the Vite dev server needs', () => {
    const d = directives(contentSecurityPolicy({ devOrigin: 'http://localhost:5173' }));
    expect(d['script-src']).toBe("'self' 'unsafe-inline'");
    expect(d['connect-src']).toBe("'self' http://localhost:5173 ws://localhost:5173");
    expect(d['default-src']).toBe("'self'");
  });
});
