// Host keys, as OpenSSH checks them: the user's known_hosts files (plain names, [host]:port,
// comma lists, wildcards and negations, hashed |1|salt|hash entries, @revoked) are READ, never
// written; keys the user accepts in WakeDock go to WakeDock's own known_hosts in the data dir
// (OpenSSH format, 0600). An unknown key is never accepted silently: the connection stops at the
// hostKey step with the SHA256 fingerprint, and hosts.trustHostKey can only remember a key the core
// itself saw on a recent attempt (kept in memory here), never an arbitrary string.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { RpcError, type HostKeyInfo } from '../../contract';

/** known_hosts files larger than this are not read (a bound on memory, far above real files). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** How long a seen key can be trusted, and how many are kept. */
const SEEN_TTL_MS = 30 * 60_000;
const SEEN_MAX = 256;

/** 'SHA256:…' as `ssh-keygen -l` prints it (base64 without padding). */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa…). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.toString('latin1', 4, 4 + n) : 'unknown';
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export const knownHostsName = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`);

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

/** Does one host field of a known_hosts line name this host? (hashed, or patterns with negation) */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const want = Buffer.from(hash, 'base64');
    const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }
  let matched = false;
  for (const raw of field.split(',')) {
    const neg = raw.startsWith('!');
    const p = neg ? raw.slice(1) : raw;
    if (!p) continue;
    if (globToRegExp(p).test(name)) {
      if (neg) return false;
      matched = true;
    }
  }
  return matched;
}

export interface KnownEntry {
  file: string;
  line: number;
  keyType: string;
  blob: Buffer;
  revoked: boolean;
}

/** The entries of these files that name `host:port` (unreadable or missing files are skipped). */
export function entriesFor(files: readonly string[], host: string, port: number): KnownEntry[] {
  const name = knownHostsName(host, port);
  const out: KnownEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) continue;
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line || line.startsWith('#')) continue;
      let parts = line.split(/\s+/);
      let revoked = false;
      if (parts[0]!.startsWith('@')) {
        if (parts[0] === '@revoked') revoked = true;
        else continue; // @cert-authority: certificates are not used here
        parts = parts.slice(1);
      }
      const [hosts, keyType, b64] = parts;
      if (!hosts || !keyType || !b64) continue;
      if (!hostFieldMatches(hosts, name)) continue;
      out.push({ file, line: i + 1, keyType, blob: Buffer.from(b64, 'base64'), revoked });
    }
  }
  return out;
}

export type HostKeyVerdict = { status: 'known' } | { status: 'unknown' | 'changed' | 'revoked'; info: HostKeyInfo; knownAt?: string };

const sameFamily = (a: string, b: string): boolean => {
  const fam = (t: string): string => (t.startsWith('ecdsa-') ? 'ecdsa' : t === 'ssh-rsa' || t.startsWith('rsa-sha2') ? 'rsa' : t);
  return fam(a) === fam(b);
};

export interface KnownHostsOptions {
  /** The user's files (read only): ~/.ssh/known_hosts and ~/.ssh/known_hosts2, or the config's UserKnownHostsFile. */
  userFiles: readonly string[];
  /** WakeDock's own file (data dir), written by trust(). */
  ownFile: string;
  now?: () => number;
}

interface Seen {
  host: string;
  port: number;
  keyType: string;
  blob: Buffer;
  status: 'unknown' | 'changed' | 'revoked';
  at: number;
}

export class KnownHosts {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly o: KnownHostsOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Check a server key (extra user files from the host's config replace the defaults, as in OpenSSH). */
  check(host: string, port: number, blob: Buffer, userFiles?: readonly string[], hop?: string): HostKeyVerdict {
    const keyType = keyTypeOf(blob);
    const entries = entriesFor([...(userFiles && userFiles.length > 0 ? userFiles : this.o.userFiles), this.o.ownFile], host, port);
    const fingerprint = fingerprintOf(blob);
    const base: HostKeyInfo = { host, port, keyType, fingerprint, status: 'unknown', ...(hop ? { hop } : {}) };
    const revoked = entries.find((e) => e.revoked && e.blob.equals(blob));
    if (revoked) return this.remember({ status: 'revoked', info: { ...base, status: 'changed', knownFingerprint: fingerprint }, knownAt: `${revoked.file}:${revoked.line}` }, blob);
    if (entries.some((e) => !e.revoked && e.blob.equals(blob))) return { status: 'known' };
    const other = entries.find((e) => !e.revoked && sameFamily(e.keyType, keyType));
    if (other) {
      return this.remember({ status: 'changed', info: { ...base, status: 'changed', knownFingerprint: fingerprintOf(other.blob) }, knownAt: `${other.file}:${other.line}` }, blob);
    }
    return this.remember({ status: 'unknown', info: base }, blob);
  }

  private remember(v: Exclude<HostKeyVerdict, { status: 'known' }>, blob: Buffer): HostKeyVerdict {
    const key = `${v.info.host}|${v.info.port}|${v.info.fingerprint}`;
    this.seen.delete(key);
    this.seen.set(key, { host: v.info.host, port: v.info.port, keyType: v.info.keyType, blob, status: v.status, at: this.now() });
    while (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
    return v;
  }

  /**
   * Remember a key the core saw recently as unknown. A changed key is refused with OpenSSH's advice;
   * a fingerprint never seen (or seen too long ago) is refused: the UI cannot invent a key.
   */
  trust(host: string, port: number, keyType: string, fingerprint: string): void {
    const s = this.seen.get(`${host}|${port}|${fingerprint}`);
    if (!s || this.now() - s.at > SEEN_TTL_MS || s.keyType !== keyType) {
      throw RpcError.from('VALIDATION', `WakeDock has not seen the ${keyType} key ${fingerprint} of ${knownHostsName(host, port)} on a recent connection attempt; test the connection again and accept the key it shows`, {
        reason: 'HOST_KEY_NOT_SEEN',
        field: 'fingerprint',
      });
    }
    if (s.status !== 'unknown') {
      throw RpcError.from('CONFLICT', changedKeyMessage(host, port, fingerprint), { reason: 'HOST_KEY_CHANGED', hint: removeHint(host, port) });
    }
    mkdirSync(dirname(this.o.ownFile), { recursive: true, mode: 0o700 });
    appendFileSync(this.o.ownFile, `${knownHostsName(host, port)} ${keyType} ${s.blob.toString('base64')}\n`, { mode: 0o600 });
    chmodSync(this.o.ownFile, 0o600);
    this.seen.delete(`${host}|${port}|${fingerprint}`);
  }
}

/** OpenSSH's "REMOTE HOST IDENTIFICATION HAS CHANGED" warning, in plain words. */
export function changedKeyMessage(host: string, port: number, fingerprint: string, knownFingerprint?: string, knownAt?: string): string {
  return (
    `The host key of ${knownHostsName(host, port)} has CHANGED: it now sends ${fingerprint}` +
    (knownFingerprint ? `, but ${knownAt ?? 'known_hosts'} holds ${knownFingerprint}` : '') +
    '. Someone could be intercepting the connection (a man-in-the-middle attack), or the server was reinstalled. Nothing was sent to it.'
  );
}

export const removeHint = (host: string, port: number, file?: string): string =>
  `If you know the server's key really changed, remove the old entry with: ssh-keygen${file ? ` -f ${file}` : ''} -R '${knownHostsName(host, port)}', then connect again`;
