// The Content-Security-Policy of the app window. Pure, so the exact policy is unit-tested.
// The renderer's index.html carries a <meta> policy too (it is what applies to file:// loads on
// Electron versions whose webRequest skips file:); when both apply, the browser enforces both, so
// the stricter directive wins.

export function contentSecurityPolicy(opts: { devOrigin?: string } = {}): string {
  const dev = opts.devOrigin;
  const directives: [string, string][] = [
    ['default-src', "'self'"],
    // The Vite dev server injects an inline module script (React refresh preamble): dev only.
    ['script-src', dev ? "'self' 'unsafe-inline'" : "'self'"],
    ['style-src', "'self' 'unsafe-inline'"],
    ['img-src', "'self' data:"],
    // The desktop app talks to main over IPC, never over the network. In dev, Vite's HMR socket.
    ['connect-src', dev ? `'self' ${dev} ${dev.replace(/^http/, 'ws')}` : "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map(([k, v]) => `${k} ${v}`).join('; ');
}
