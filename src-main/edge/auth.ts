// Credentials at the edge: the access token (root-equivalent on the engine's host), the session
// cookie a browser gets in exchange for it, and the strength check for tokens exposed beyond
// loopback. Pure functions over node:crypto, unit-tested.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Constant-time comparison (hashing first makes lengths equal). */
export function tokenMatches(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The peer's address, IPv4-mapped IPv6 folded to IPv4 ("::ffff:127.0.0.1" → "127.0.0.1"). */
export function peerAddress(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export function isLoopbackAddress(addr: string): boolean {
  return addr === '::1' || addr === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(addr) || addr.startsWith('::ffff:127.');
}

/**
 * The session cookie. Its value is not the token: an HMAC of the token over the browser's address,
 * so a copy that reaches another server (cookies are not bound to a port: a container's web UI on
 * another port of the same host name receives it) neither reveals the token nor works from another
 * address. It is stateless, so it survives a restart of the server that keeps its token, and
 * changing the token revokes every session. Its name carries the server's port, so two WakeDock
 * servers on one host name keep their own cookie instead of overwriting each other's; over TLS it
 * is `__Host-` + Secure, which browsers never send to a plain-HTTP port.
 */
export function sessionCookieName(port: number, secure: boolean): string {
  return `${secure ? '__Host-' : ''}wakedock_session_${port}`;
}

export function sessionValue(token: string, address: string): string {
  return 'v1.' + createHmac('sha256', token).update(`wakedock-session|${address}`).digest('base64url');
}

export function sessionMatches(given: string | undefined, token: string, address: string): boolean {
  if (!given || given.length > 200) return false;
  const want = Buffer.from(sessionValue(token, address));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want);
}

export function setSessionCookie(port: number, secure: boolean, token: string, address: string): string {
  return `${sessionCookieName(port, secure)}=${sessionValue(token, address)}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/** All values of one cookie name in the Cookie header (a browser may send a name twice). */
export function cookieValues(req: IncomingMessage, name: string): string[] {
  const header = req.headers.cookie;
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** `Authorization: Bearer <token>`: for clients that cannot keep a cookie (a Prometheus scrape). */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

export interface TokenStrength {
  ok: boolean;
  /** Estimated entropy in bits (the smaller of a character-class and a frequency estimate). */
  bits: number;
  /** Why it is refused, for the CLI's message. */
  reason?: string;
}

export const MIN_TOKEN_LENGTH = 24;
export const MIN_TOKEN_BITS = 96;

/**
 * Is this token fit to guard a server reachable from other machines? A token is meant to be random
 * (`openssl rand -hex 32`, or the generated one), not a password, so the check is about randomness:
 * at least 24 characters and ~96 bits by the smaller of two estimates: length × log2(size of the
 * character classes used) and length × Shannon entropy of its character frequencies (which sinks
 * repeated or patterned tokens such as "aaaa…" or "abcabcabc…"). Not zxcvbn: its dictionaries judge
 * human passwords, and we want to refuse anything that is not random, not only common words.
 */
export function tokenStrength(token: string): TokenStrength {
  const len = [...token].length;
  let pool = 0;
  if (/[a-z]/.test(token)) pool += 26;
  if (/[A-Z]/.test(token)) pool += 26;
  if (/[0-9]/.test(token)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(token)) pool += 33;
  const classBits = pool > 0 ? len * Math.log2(pool) : 0;
  const freq = new Map<string, number>();
  for (const ch of token) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  let shannon = 0;
  for (const n of freq.values()) shannon -= (n / len) * Math.log2(n / len);
  const bits = Math.floor(Math.min(classBits, shannon * len));
  if (len < MIN_TOKEN_LENGTH) return { ok: false, bits, reason: `it has ${len} characters; use at least ${MIN_TOKEN_LENGTH} random ones` };
  if (bits < MIN_TOKEN_BITS) return { ok: false, bits, reason: `it is not random enough (about ${bits} bits; at least ${MIN_TOKEN_BITS} needed)` };
  return { ok: true, bits };
}
