// Secrets at rest on the desktop: sealed with Electron's safeStorage (macOS Keychain, Windows DPAPI,
// Linux libsecret/kwallet). Where the OS offers no key store (safeStorage unavailable, or Linux's
// 'basic_text' fallback whose key is hard-coded) the store's key-file box is used instead, and the UI
// says so (system.info.secretStorage).
import { safeStorage } from 'electron';
import type { SecretBox } from '../core/store/secret-box';

const SEALED_KIND = 'electron-safeStorage';

/** The OS key store's box, or undefined where there is none (the store then uses its key-file box). */
export function safeStorageBox(): SecretBox | undefined {
  let available = false;
  try {
    available = safeStorage.isEncryptionAvailable();
    if (available && process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') available = false;
  } catch {
    available = false;
  }
  if (!available) return undefined;
  return {
    kind: 'os-keystore',
    description: 'Secrets (webhook URLs, registry passwords) are encrypted with your operating system\'s key store before they are saved.',
    seal: (plain) => ({ $sealed: SEALED_KIND, data: safeStorage.encryptString(plain).toString('base64') }),
    open: (sealed) => {
      if (sealed.$sealed !== SEALED_KIND) throw new Error(`sealed with ${sealed.$sealed}, not ${SEALED_KIND}`);
      return safeStorage.decryptString(Buffer.from(sealed.data, 'base64'));
    },
  };
}
