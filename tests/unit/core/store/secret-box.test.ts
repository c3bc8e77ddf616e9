import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY_FILE, keyFileBox } from '../../../../src-main/core/store/secret-box';

const dirs: string[] = [];
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wdtest-secretbox-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('keyFileBox (serve mode, no OS key store)', () => {
  it('never writes the secret in clear, opens it again with the same key file, and makes the key owner-only', () => {
    const d = dir();
    const box = keyFileBox(d);
    const sealed = box.seal('hunter2-ssh-password');
    expect(typeof sealed).toBe('object');
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect(statSync(join(d, KEY_FILE)).mode & 0o777).toBe(0o600);
    // Another process on the same data dir (a restart) reads it with the key on disk.
    expect(keyFileBox(d).open(sealed as { $sealed: string; data: string })).toBe('hunter2-ssh-password');
    // Two seals of one secret differ (random IV).
    expect(JSON.stringify(box.seal('same'))).not.toBe(JSON.stringify(box.seal('same')));
  });

  it('says why it cannot open: a desktop key store, a missing or replaced key file, a tampered secret', () => {
    const d = dir();
    const sealed = keyFileBox(d).seal('s3cret') as { $sealed: string; data: string };
    expect(() => keyFileBox(d).open({ $sealed: 'electron-safeStorage', data: 'x' })).toThrow(/desktop app's key store/);
    const tampered = Buffer.from(sealed.data, 'base64');
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
    expect(() => keyFileBox(d).open({ ...sealed, data: tampered.toString('base64') })).toThrow(/different secrets.key/);
    writeFileSync(join(d, KEY_FILE), Buffer.alloc(32, 7));
    expect(() => keyFileBox(d).open(sealed)).toThrow(/different secrets.key/);
    rmSync(join(d, KEY_FILE));
    expect(() => keyFileBox(d).open(sealed)).toThrow(/is missing/);
  });
});
