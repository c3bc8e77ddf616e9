// The desktop's SecretBox over Electron safeStorage (mocked: no Electron binary here): seals with the
// OS key store when it is real, falls back to the owner-only file when there is none or when Linux
// offers only its hard-coded 'basic_text' key.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const state = { available: true, backend: 'gnome_libsecret' };
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => state.available,
    getSelectedStorageBackend: () => state.backend,
    encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  },
}));

const { safeStorageBox } = await import('../../../src-main/electron/safe-storage-box');

beforeEach(() => {
  state.available = true;
  state.backend = 'gnome_libsecret';
});

describe('safeStorageBox', () => {
  it('seals a webhook URL so the file never holds it, and opens it again', () => {
    const box = safeStorageBox()!;
    expect(box.kind).toBe('os-keystore');
    const url = 'https://hooks.slack.com/services/T0/B0/SECRET';
    const sealed = box.seal(url);
    expect(typeof sealed).toBe('object');
    expect(JSON.stringify(sealed)).not.toContain('SECRET');
    expect(box.open(sealed as { $sealed: string; data: string })).toBe(url);
    expect(() => box.open({ $sealed: 'other', data: '' })).toThrow(/other/);
  });

  it.each([
    ['no key store', false, 'gnome_libsecret'],
    ["Linux's basic_text fallback", true, 'basic_text'],
  ])('offers no box with %s (the store then uses its key-file box)', (_l, available, backend) => {
    state.available = available;
    state.backend = backend;
    expect(safeStorageBox()).toBeUndefined();
  });
});
