// Secrets at rest (webhook URLs, registry passwords, SSH passwords and key passphrases). The core
// never imports electron: the shell injects a SecretBox. The desktop seals with the OS key store
// through Electron's safeStorage (src-main/electron/safe-storage-box.ts). Where there is no key store
// (serve mode, or a desktop without one) `keyFileBox` seals with AES-256-GCM under a random key kept
// in its own owner-only file (secrets.key, 0600, in the 0700 data dir): the store file never holds a
// secret in clear text, so a copy or backup of wakedock.json alone gives nothing away, and removing a
// host or login removes its ciphertext for good. It does not protect against the same user account,
// which can read both files; the UI says so.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A sealed secret as written to the file. */
export interface SealedSecret {
  $sealed: string;
  data: string;
}

export interface SecretBox {
  /** 'os-keystore': encrypted with a key the OS keeps for this user; 'owner-only-file': encrypted
   *  with a key kept in a file only this user can read. */
  readonly kind: 'os-keystore' | 'owner-only-file';
  /** For the UI: where secrets are kept, in words. */
  readonly description: string;
  /** Plain text → what is written (a sealed object). */
  seal(plain: string): string | SealedSecret;
  /** Throws when this box cannot open it (another machine's key, no key store here). */
  open(sealed: SealedSecret): string;
}

export const KEY_FILE = 'secrets.key';
const KEY_FILE_KIND = 'wakedock-keyfile-aes-256-gcm';

/** AES-256-GCM with a random key in `<dataDir>/secrets.key` (created 0600 on the first seal). */
export function keyFileBox(dataDir: string): SecretBox {
  const path = join(dataDir, KEY_FILE);
  let key: Buffer | null = null;
  const readKey = (): Buffer | null => {
    try {
      const k = readFileSync(path);
      if (k.length !== 32) throw new Error(`${path} is not a 32-byte key (${k.length} bytes)`);
      return k;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  };
  const keyFor = (create: boolean): Buffer => {
    if (key) return key;
    key = readKey();
    if (!key && create) {
      try {
        writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another opener made it first
      }
      key = readKey();
    }
    if (!key) throw new Error(`the key file ${path} is missing, so secrets saved with it cannot be read`);
    return key;
  };
  return {
    kind: 'owner-only-file',
    description: `Secrets (webhook URLs, registry and SSH passwords) are encrypted in wakedock.json with a key kept in ${KEY_FILE} next to it; both files are readable only by your user account (mode 0600). There is no OS key store here, so anyone who can read both files as you can read the secrets.`,
    seal: (plain) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', keyFor(true), iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return { $sealed: KEY_FILE_KIND, data: Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64') };
    },
    open: (sealed) => {
      if (sealed.$sealed !== KEY_FILE_KIND) throw new Error(`it was encrypted by the desktop app's key store (${sealed.$sealed}), which is not available here`);
      const raw = Buffer.from(sealed.data, 'base64');
      if (raw.length < 28) throw new Error('the sealed secret is truncated');
      const d = createDecipheriv('aes-256-gcm', keyFor(false), raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      try {
        return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
      } catch {
        throw new Error(`it was sealed with a different ${KEY_FILE} (the key file was replaced)`);
      }
    },
  };
}
