// Pure parts of the edge: token strength, the session value, the failed-auth limiter, encodings.
import { describe, expect, it } from 'vitest';
import { generateToken } from '../../../src-main/serve/headless';
import { isLoopbackAddress, sessionCookieName, sessionMatches, sessionValue, tokenStrength } from '../../../src-main/edge/auth';
import { FailedAuthLimiter } from '../../../src-main/edge/rate-limit';
import { cacheControlFor, pickEncoding } from '../../../src-main/edge/static-files';

describe('tokenStrength', () => {
  it.each([
    ['x', 'one character'],
    ['hunter2', 'short password'],
    ['a'.repeat(64), 'one repeated character'],
    ['abcabcabcabcabcabcabcabcabcabc', 'a short pattern repeated'],
    ['passwordpasswordpassword', 'a word repeated'],
    ['0123456789012345678901234', 'digits in sequence'],
  ])('refuses %j (%s)', (token) => {
    const s = tokenStrength(token);
    expect(s.ok).toBe(false);
    expect(s.reason).toBeTruthy();
  });

  it.each([
    ['the generated token', generateToken()],
    ['openssl rand -hex 16', '3f9a2c7e01b84d5f96e0aa1c4b7d2e83'],
    ['openssl rand -hex 32', 'c0b1e6f2a9d84f73b5e10a2d9c6f47e1803b5d2a7c9e14f6b0d3a8e5c2f7b914'],
    ['openssl rand -base64 32', 'q3Xv9+T2mL0aZr8bWc1YkP5sJ7nE4uHd6gFiQyRt0oA='],
  ])('accepts %s', (_label, token) => {
    expect(tokenStrength(token)).toMatchObject({ ok: true });
    expect(tokenStrength(token).bits).toBeGreaterThanOrEqual(96);
  });
});

describe('session cookie', () => {
  it('is not the token, differs per address and per token, and only matches its own', () => {
    const v = sessionValue('tok', '127.0.0.1');
    expect(v).not.toContain('tok');
    expect(v).toMatch(/^v1\.[A-Za-z0-9_-]{43}$/);
    expect(sessionValue('tok', '10.0.0.2')).not.toBe(v);
    expect(sessionValue('tok2', '127.0.0.1')).not.toBe(v);
    expect(sessionMatches(v, 'tok', '127.0.0.1')).toBe(true);
    expect(sessionMatches(v, 'tok', '10.0.0.2')).toBe(false);
    expect(sessionMatches(v, 'tok2', '127.0.0.1')).toBe(false);
    expect(sessionMatches('tok', 'tok', '127.0.0.1')).toBe(false);
    expect(sessionMatches(undefined, 'tok', '127.0.0.1')).toBe(false);
    expect(sessionMatches('x'.repeat(10_000), 'tok', '127.0.0.1')).toBe(false);
  });

  it('is named per port, with __Host- over TLS', () => {
    expect(sessionCookieName(7380, false)).toBe('wakedock_session_7380');
    expect(sessionCookieName(7381, false)).toBe('wakedock_session_7381');
    expect(sessionCookieName(443, true)).toBe('__Host-wakedock_session_443');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.5', false],
    ['wakedock.example', false],
  ])('isLoopbackAddress(%j) = %s', (a, want) => {
    expect(isLoopbackAddress(a)).toBe(want);
  });
});

describe('FailedAuthLimiter', () => {
  it('allows a burst of failures per address, then asks to wait, and refills over time', () => {
    let now = 1_000_000;
    const l = new FailedAuthLimiter({ burst: 3, refillMs: 10_000, now: () => now });
    expect(l.retryAfterMs('a')).toBe(0);
    expect(l.fail('a')).toMatchObject({ failures: 1, limited: false });
    expect(l.fail('a')).toMatchObject({ failures: 2, limited: false });
    expect(l.fail('a')).toMatchObject({ failures: 3, limited: true, firstLimited: true });
    expect(l.retryAfterMs('a')).toBe(10_000);
    expect(l.retryAfterMs('b')).toBe(0); // per address
    now += 4_000;
    expect(l.retryAfterMs('a')).toBe(6_000);
    now += 6_000;
    expect(l.retryAfterMs('a')).toBe(0); // one failure refilled
    expect(l.fail('a')).toMatchObject({ failures: 4, limited: true, firstLimited: true });
    now += 30_000;
    expect(l.retryAfterMs('a')).toBe(0);
    expect(l.fail('a')).toMatchObject({ limited: false });
  });

  it('keeps at most maxAddresses buckets', () => {
    const l = new FailedAuthLimiter({ maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) l.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(l.size).toBe(100);
  });
});

describe('static files: encodings and caching', () => {
  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate, br;q=0', 'gzip'],
    ['gzip', 'gzip'],
    ['identity', null],
    ['', null],
    [undefined, null],
    ['*', 'br'],
    ['br;q=0, gzip;q=0', null],
  ])('Accept-Encoding %j → %s', (h, want) => {
    expect(pickEncoding(h)).toBe(want);
  });

  it.each([
    ['/index.html', 'no-store'],
    ['/assets/index-3fa9c1.js', 'private, max-age=31536000, immutable'],
    ['/favicon.svg', 'private, no-cache'],
  ])('%s → %s', (p, want) => {
    expect(cacheControlFor(p)).toBe(want);
  });
});
