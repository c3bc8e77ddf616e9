// known_hosts as OpenSSH reads it (plain, [host]:port, patterns with negation, hashed |1| entries,
// @revoked), the verdicts (known / unknown / changed), and trust: only a key seen recently, never a
// changed one, written to WakeDock's own file with mode 0600.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintOf, hostFieldMatches, keyTypeOf, KnownHosts, knownHostsName } from '../../../../src-main/core/ssh/known-hosts';

/** An ssh-ed25519 public key blob (string type, string key), as a server sends it. */
function blob(): Buffer {
  const spki = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(spki.subarray(spki.length - 32))]);
}

let dir: string;
let now = 1_000_000;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wdtest-knownhosts-'));
  now = 1_000_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const line = (name: string, b: Buffer): string => `${name} ${keyTypeOf(b)} ${b.toString('base64')}`;

describe('known_hosts', () => {
  it('names hosts as OpenSSH does and matches patterns, negations and hashed entries', () => {
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('h', 2222)).toBe('[h]:2222');
    expect(hostFieldMatches('a,b.example.com', 'b.example.com')).toBe(true);
    expect(hostFieldMatches('*.example.com,!bad.example.com', 'bad.example.com')).toBe(false);
    expect(hostFieldMatches('*.example.com', 'ok.example.com')).toBe(true);
    expect(hostFieldMatches('[h]:2222', 'h')).toBe(false);
    const salt = Buffer.from('salt-salt-salt-salt!');
    const hash = createHmac('sha1', salt).update('[h]:2222').digest('base64');
    expect(hostFieldMatches(`|1|${salt.toString('base64')}|${hash}`, '[h]:2222')).toBe(true);
    expect(hostFieldMatches(`|1|${salt.toString('base64')}|${hash}`, 'h')).toBe(false);
  });

  it('known, unknown, changed (with the known fingerprint), revoked', () => {
    const k1 = blob();
    const k2 = blob();
    const user = join(dir, 'known_hosts');
    writeFileSync(user, `# comment\n${line('[srv]:2222', k1)}\n@revoked * ${keyTypeOf(k2)} ${k2.toString('base64')}\n`);
    const kh = new KnownHosts({ userFiles: [user], ownFile: join(dir, 'own') });
    expect(kh.check('srv', 2222, k1).status).toBe('known');
    expect(kh.check('other', 22, k1)).toMatchObject({ status: 'unknown', info: { fingerprint: fingerprintOf(k1), keyType: 'ssh-ed25519' } });
    const changed = kh.check('srv', 2222, blob());
    expect(changed).toMatchObject({ status: 'changed', info: { knownFingerprint: fingerprintOf(k1) } });
    expect(kh.check('any', 22, k2).status).toBe('revoked');
    expect(fingerprintOf(k1)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('trusts only a key it saw recently, writes it 0600 in its own file, and refuses a changed one', () => {
    const k = blob();
    const own = join(dir, 'sub', 'known_hosts');
    const kh = new KnownHosts({ userFiles: [], ownFile: own, now: () => now });
    expect(() => kh.trust('srv', 22, 'ssh-ed25519', fingerprintOf(k))).toThrow(expect.objectContaining({ reason: 'HOST_KEY_NOT_SEEN' }) as Error);
    expect(kh.check('srv', 22, k).status).toBe('unknown');
    now += 31 * 60_000;
    expect(() => kh.trust('srv', 22, 'ssh-ed25519', fingerprintOf(k))).toThrow(expect.objectContaining({ reason: 'HOST_KEY_NOT_SEEN' }) as Error);
    kh.check('srv', 22, k);
    kh.trust('srv', 22, 'ssh-ed25519', fingerprintOf(k));
    expect(readFileSync(own, 'utf8')).toBe(`${line('srv', k)}\n`);
    expect(statSync(own).mode & 0o777).toBe(0o600);
    expect(kh.check('srv', 22, k).status).toBe('known');
    const other = blob();
    expect(kh.check('srv', 22, other).status).toBe('changed');
    expect(() => kh.trust('srv', 22, 'ssh-ed25519', fingerprintOf(other))).toThrow(expect.objectContaining({ reason: 'HOST_KEY_CHANGED' }) as Error);
  });
});
