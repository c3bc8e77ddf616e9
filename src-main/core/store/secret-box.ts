// Secrets at rest (webhook URLs today; SSH and registry credentials later). The core never imports
// electron: the shell injects a SecretBox. The desktop seals with the OS key store through Electron's
// safeStorage (src-main/electron/safe-storage-box.ts); serve keeps secrets in clear text inside the
// owner-only store file (0600 in a 0700 data dir), which is what `ownerOnlyFileBox` says.

/** A sealed secret as written to the file. */
export interface SealedSecret {
  $sealed: string;
  data: string;
}

export interface SecretBox {
  /** 'os-keystore': encrypted with a key the OS keeps for this user; 'owner-only-file': clear text
   *  in a file only this user can read. */
  readonly kind: 'os-keystore' | 'owner-only-file';
  /** For the UI: where secrets are kept, in words. */
  readonly description: string;
  /** Plain text → what is written (a sealed object, or the text itself for the file box). */
  seal(plain: string): string | SealedSecret;
  /** Throws when this box cannot open it (another machine's key, no key store here). */
  open(sealed: SealedSecret): string;
}

export const ownerOnlyFileBox: SecretBox = {
  kind: 'owner-only-file',
  description: 'Secrets (webhook URLs, registry passwords) are stored unencrypted in wakedock.json, readable only by your user account (file mode 0600).',
  seal: (plain) => plain,
  open: (sealed) => {
    throw new Error(`it was encrypted by the desktop app's key store (${sealed.$sealed}), which is not available here`);
  },
};
