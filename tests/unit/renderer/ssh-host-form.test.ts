// The SSH host dialog's logic (draft ⇄ config and secret, field errors from the contract's schema),
// the host-key texts in OpenSSH's words, the context import config and the forward's copy lines.
import { describe, expect, it } from 'vitest';
import type { Host, HostKeyInfo } from '../../../src-main/contract';
import { changedKeyText, keyTypeLabel, knownHostsName, removeKeyCommand, unknownKeyText } from '../../../src-renderer/src/features/settings/host-key-text';
import { contextName, dockerLines } from '../../../src-renderer/src/features/settings/host-tools-text';
import { importConfig } from '../../../src-renderer/src/features/settings/import-config';
import { EMPTY_SSH, checkSsh, draftOf, secretOf, sshConfigOf } from '../../../src-renderer/src/features/settings/ssh-form';

const FP = 'SHA256:' + 'A'.repeat(43);

describe('ssh form', () => {
  it('an address with a key file, jump hosts and a socket path becomes the config; the passphrase is the secret', () => {
    const d = { ...EMPTY_SSH, name: 'Build', url: 'ssh://deploy@10.0.0.5:2222', auth: 'key' as const, keyPath: '~/.ssh/id_ed25519', passphrase: 'pw', jump: 'ssh://me@bastion:22, ssh://me@inner', socketPath: '/run/user/1000/docker.sock' };
    const c = checkSsh(d, true);
    expect(c.fields).toEqual({});
    expect(c.name).toBe('Build');
    expect(c.config).toEqual({ kind: 'ssh', url: 'ssh://deploy@10.0.0.5:2222', auth: { method: 'key', keyPath: '~/.ssh/id_ed25519' }, jump: ['ssh://me@bastion:22', 'ssh://me@inner'], socketPath: '/run/user/1000/docker.sock' });
    expect(secretOf(d)).toEqual({ passphrase: 'pw' });
  });

  it('an alias takes no URL or jump hosts (the alias brings its own); the password goes only with password auth', () => {
    const d = { ...EMPTY_SSH, name: 'x', target: 'alias' as const, alias: 'prod', url: 'ssh://ignored', jump: 'ssh://j', auth: 'password' as const, password: 'secret', passphrase: 'stale' };
    expect(sshConfigOf(d)).toEqual({ kind: 'ssh', alias: 'prod', auth: { method: 'password' } });
    expect(secretOf(d)).toEqual({ password: 'secret' });
    expect(secretOf({ ...d, auth: 'agent' })).toBeUndefined();
    expect(secretOf({ ...d, auth: 'password', password: '' })).toBeUndefined();
  });

  it('names the field that is wrong, as the form shows it', () => {
    expect(checkSsh({ ...EMPTY_SSH, url: 'http://x' }, true).fields).toMatchObject({ url: expect.stringContaining('ssh://'), name: 'give the host a name' });
    expect(checkSsh({ ...EMPTY_SSH, url: 'ssh://h:70000' }, false).fields.url).toBe('the port must be between 1 and 65535');
    expect(checkSsh({ ...EMPTY_SSH, target: 'alias', alias: '' }, false).fields.alias).toBeDefined();
    expect(checkSsh({ ...EMPTY_SSH, url: 'ssh://h', auth: 'key', keyPath: ' ' }, false).fields.keyPath).toBe('give the path of the private key');
    expect(checkSsh({ ...EMPTY_SSH, url: 'ssh://h', jump: 'bastion' }, false).fields.jump).toBeDefined();
    expect(checkSsh({ ...EMPTY_SSH, url: 'ssh://h', socketPath: 'docker.sock' }, false).fields.socketPath).toMatch(/absolute path/);
  });

  it('editing starts from the saved config, secrets empty', () => {
    const host = { id: 'ssh-1', name: 'Prod', config: { kind: 'ssh', alias: 'prod', auth: { method: 'key', keyPath: '/k' }, socketPath: '/s.sock' } } as unknown as Host;
    expect(draftOf(host)).toEqual({ ...EMPTY_SSH, name: 'Prod', target: 'alias', alias: 'prod', auth: 'key', keyPath: '/k', socketPath: '/s.sock' });
  });
});

describe('host key texts', () => {
  const k: HostKeyInfo = { host: '127.0.0.1', port: 2222, keyType: 'ssh-ed25519', fingerprint: FP, status: 'unknown' };
  it('say what ssh says, with [host]:port off port 22', () => {
    expect(knownHostsName(k)).toBe('[127.0.0.1]:2222');
    expect(knownHostsName({ host: 'h', port: 22 })).toBe('h');
    expect(keyTypeLabel('ecdsa-sha2-nistp256')).toBe('ECDSA');
    expect(keyTypeLabel('rsa-sha2-512')).toBe('RSA');
    expect(unknownKeyText(k)).toBe(`The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.\nED25519 key fingerprint is ${FP}.\nThis key is not known by any other names.`);
    const changed = changedKeyText({ ...k, status: 'changed', knownFingerprint: 'SHA256:old' });
    expect(changed).toContain('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');
    expect(changed).toContain(`The fingerprint for the ED25519 key sent by the remote host is\n${FP}.`);
    expect(changed).toContain('Host key verification failed.');
    expect(removeKeyCommand(k)).toBe('ssh-keygen -R "[127.0.0.1]:2222"');
  });
});

describe('imports and the socket forward lines', () => {
  it('a tcp context keeps its TLS files (skip-tls-verify turns verification off); ssh logs in automatically', () => {
    expect(importConfig({ kind: 'tcp', url: 'tcp://h:2376', tls: { ca: '/c/ca.pem' }, skipTlsVerify: true })).toEqual({ kind: 'tcp', url: 'tcp://h:2376', tls: { ca: '/c/ca.pem', verify: false } });
    expect(importConfig({ kind: 'tcp', url: 'tcp://h:2375' })).toEqual({ kind: 'tcp', url: 'tcp://h:2375' });
    expect(importConfig({ kind: 'ssh', url: 'ssh://me@h/' })).toEqual({ kind: 'ssh', url: 'ssh://me@h', auth: { method: 'auto' } });
  });

  it('docker context create and DOCKER_HOST lines for the socket', () => {
    expect(contextName('Build box #1')).toBe('wakedock-build-box-1');
    expect(dockerLines('Build box', '/home/ann/.local/share/wakedock/sockets/ssh-1.sock')).toEqual({
      context: 'docker context create wakedock-build-box --docker host=unix:///home/ann/.local/share/wakedock/sockets/ssh-1.sock',
      env: 'export DOCKER_HOST=unix:///home/ann/.local/share/wakedock/sockets/ssh-1.sock',
    });
  });
});
