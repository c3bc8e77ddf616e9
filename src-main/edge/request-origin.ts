// What the browser sees of this server: its scheme (TLS here, or TLS terminated by a proxy that
// says so in X-Forwarded-Proto) and its host, for the Origin check, the Secure cookie and the CSP.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** A Host header we are willing to echo into a header (CSP) or compare: host name or [v6], optional port. */
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function requestHost(req: IncomingMessage): string | null {
  const h = req.headers.host;
  return h && HOST_RE.test(h) ? h.toLowerCase() : null;
}

/**
 * The host name the browser used, as a proxy reports it: X-Forwarded-Host (first value) when a
 * proxy rewrote Host (nginx does unless told `proxy_set_header Host $host`), else Host.
 */
export function browserHost(req: IncomingMessage): string | null {
  const xfh = req.headers['x-forwarded-host'];
  const first = (Array.isArray(xfh) ? xfh[0] : xfh)?.split(',')[0]?.trim();
  if (first && HOST_RE.test(first)) return first.toLowerCase();
  return requestHost(req);
}

/**
 * True when the browser reached us over https: our own TLS, or a TLS-terminating proxy (Caddy,
 * nginx) that sets `X-Forwarded-Proto: https`. Trusting the header is safe for what it decides
 * here: a page cannot set it on a browser's WebSocket or navigation, and it only widens the
 * accepted Origin from http://host to https://host of the same Host, and makes the cookie Secure.
 */
export function requestIsSecure(req: IncomingMessage): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  const xfp = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(xfp) ? xfp[0] : xfp)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/** The origin the page was loaded from, as a browser spells it; null when the Host is unusable. */
export function selfOrigin(req: IncomingMessage, host: string | null = requestHost(req)): string | null {
  if (!host) return null;
  const secure = requestIsSecure(req);
  // Browsers drop the default port from Origin.
  const bare = secure ? host.replace(/:443$/, '') : host.replace(/:80$/, '');
  return `${secure ? 'https' : 'http'}://${bare}`;
}

/**
 * Cross-site WebSocket hijacking guard: a browser always sends Origin on a WebSocket handshake, so
 * it must be this server's own origin. No Origin at all is a non-browser client (CLI, tests), which
 * still needs the token.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const given = origin.toLowerCase();
  // Host as received, or the host a proxy says the browser used (a page cannot set either header
  // on its WebSocket, so both name where the page itself came from).
  return [requestHost(req), browserHost(req)].some((h) => h !== null && selfOrigin(req, h) === given);
}
