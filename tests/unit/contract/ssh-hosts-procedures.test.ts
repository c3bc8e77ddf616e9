// The ssh host config and secrets in hosts.add / update / test / trustHostKey: what is accepted, and
// the field and message for what is not.
import { describe, expect, it } from 'vitest';
import { procedures } from '../../../src-main/contract';

const add = procedures['hosts.add'].input;
const update = procedures['hosts.update'].input;
const trust = procedures['hosts.trustHostKey'].input;

describe('ssh host config', () => {
  it('accepts ssh:// URLs (user, port, IPv6 in brackets) and aliases; auth defaults to auto', () => {
    expect(add.parse({ name: 'web', config: { kind: 'ssh', url: 'ssh://deploy@web.lan' } }).config).toEqual({ kind: 'ssh', url: 'ssh://deploy@web.lan', auth: { method: 'auto' } });
    expect(add.parse({ name: 'v6', config: { kind: 'ssh', url: 'ssh://me@[::1]:2222', auth: { method: 'key', keyPath: '/k/id_ed25519' } } }).config).toMatchObject({ url: 'ssh://me@[::1]:2222' });
    expect(add.parse({ name: 'a', config: { kind: 'ssh', alias: 'prod', auth: { method: 'agent' }, socketPath: '/run/user/1000/docker.sock', keepaliveSec: 15 } }).config).toMatchObject({ alias: 'prod' });
    expect(add.parse({ name: 'j', config: { kind: 'ssh', url: 'ssh://10.0.0.5', jump: ['ssh://bastion.example.com:2200'] }, secret: { password: 'pw' } }).secret).toEqual({ password: 'pw' });
  });

  it.each([
    [{ kind: 'ssh' }, 'config.url', 'give either an ssh:// URL or a ~/.ssh/config alias (exactly one)'],
    [{ kind: 'ssh', url: 'ssh://a', alias: 'b' }, 'config.url', 'give either an ssh:// URL or a ~/.ssh/config alias (exactly one)'],
    [{ kind: 'ssh', url: 'tcp://a:22' }, 'config.url', 'use ssh://[user@]host[:port] (e.g. ssh://deploy@192.168.1.20 or ssh://me@[::1]:2222)'],
    [{ kind: 'ssh', url: 'ssh://a:0' }, 'config.url', 'the port must be between 1 and 65535'],
    [{ kind: 'ssh', url: 'ssh://a:70000' }, 'config.url', 'the port must be between 1 and 65535'],
    [{ kind: 'ssh', url: 'ssh://::1:22' }, 'config.url', 'use ssh://[user@]host[:port] (e.g. ssh://deploy@192.168.1.20 or ssh://me@[::1]:2222)'],
    [{ kind: 'ssh', alias: 'web*' }, 'config.alias', 'an alias has no spaces or wildcards'],
    [{ kind: 'ssh', url: 'ssh://a', socketPath: 'docker.sock' }, 'config.socketPath', 'an absolute path on the server, e.g. /var/run/docker.sock'],
    [{ kind: 'ssh', url: 'ssh://a', auth: { method: 'key', keyPath: ' ' } }, 'config.auth.keyPath', 'give the path of the private key'],
    [{ kind: 'ssh', url: 'ssh://a', jump: Array(9).fill('ssh://j') }, 'config.jump', 'at most 8 jump hosts'],
  ])('refuses %j at %s', (config, field, message) => {
    const r = add.safeParse({ name: 'x', config });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe(field);
    expect(r.error?.issues[0]?.message).toBe(message);
  });

  it('keeps secrets out of the config (strict) and bounds them', () => {
    expect(add.safeParse({ name: 'x', config: { kind: 'ssh', url: 'ssh://a', password: 'pw' } }).success).toBe(false);
    expect(add.safeParse({ name: 'x', config: { kind: 'ssh', url: 'ssh://a', auth: { method: 'password', password: 'pw' } } }).success).toBe(false);
    expect(add.safeParse({ name: 'x', config: { kind: 'ssh', url: 'ssh://a' }, secret: { password: 'x'.repeat(4097) } }).success).toBe(false);
    expect(add.safeParse({ name: 'x', config: { kind: 'ssh', url: 'ssh://a' }, secret: { token: 'x' } }).success).toBe(false);
  });

  it('hosts.update: secret null forgets the stored one', () => {
    expect(update.parse({ hostId: 'ssh-1a2b3c4d', secret: null }).secret).toBeNull();
  });

  it('hosts.trustHostKey takes a SHA256 fingerprint as OpenSSH prints it, nothing else', () => {
    const fp = 'SHA256:' + 'A'.repeat(43);
    expect(trust.parse({ host: '127.0.0.1', port: 2222, keyType: 'ssh-ed25519', fingerprint: fp }).fingerprint).toBe(fp);
    expect(trust.safeParse({ host: '127.0.0.1', port: 2222, keyType: 'ssh-ed25519', fingerprint: 'MD5:aa:bb' }).success).toBe(false);
    expect(trust.safeParse({ host: '127.0.0.1', port: 0, keyType: 'ssh-ed25519', fingerprint: fp }).success).toBe(false);
  });
});
