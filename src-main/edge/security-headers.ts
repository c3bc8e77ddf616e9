// Headers on EVERY response of the edge (pages, assets, 401/404/405/429/500, /healthz, /metrics,
// /api/logs, WebSocket refusals): no sniffing, no framing, no referrer, and a CSP that lets the page
// connect only to WakeDock's own origin (its WebSocket included).
import type { IncomingMessage } from 'node:http';
import { browserHost, requestIsSecure } from './request-origin';

export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/**
 * `connect-src` names the page's own WebSocket origin explicitly ('self' covers ws/wss only in
 * CSP Level 3 browsers); nothing else, so injected script could not post data anywhere.
 */
export function contentSecurityPolicy(req: IncomingMessage): string {
  const host = browserHost(req);
  const ws = host ? ` ${requestIsSecure(req) ? 'wss' : 'ws'}://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${ws}`,
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function securityHeaders(req: IncomingMessage): Record<string, string> {
  const h: Record<string, string> = { ...BASE_SECURITY_HEADERS, 'content-security-policy': contentSecurityPolicy(req) };
  // Tell browsers to stay on https only when we (not a header) know the connection is TLS.
  if ((req.socket as { encrypted?: boolean }).encrypted) h['strict-transport-security'] = 'max-age=31536000';
  return h;
}
