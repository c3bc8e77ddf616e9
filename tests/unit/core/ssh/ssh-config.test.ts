// ~/.ssh/config resolution as OpenSSH does it: aliases without wildcards, first obtained value wins,
// defaults, ~ and %-tokens, ProxyJump hops resolved through the file, a parse error naming its line.
import { describe, expect, it } from 'vitest';
import { RpcError } from '../../../../src-main/contract';
import { expandPath, listSshAliases, parseHopSpec, resolveSshAlias, SshConfigResolver, type SshConfigEnv } from '../../../../src-main/core/ssh/ssh-config';

const env = (text: string | undefined): SshConfigEnv => ({ home: '/home/me', localUser: 'me', readConfig: () => text });

const CONFIG = `
# servers
Host prod web-1
  HostName 10.0.0.5
  User deploy
  IdentityFile ~/.ssh/prod_ed25519
  ProxyJump bastion

Host bastion
  HostName bastion.example.com
  Port 2200
  User jump

Host db
  HostName %h.internal
  ProxyJump bastion,ops@10.9.9.9:2022

Host *.lan plain
  IdentityFile ~/.ssh/%r@%h-%p

Host prod
  User ignored

Host *
  User fallback
  IdentityFile ~/.ssh/id_%u
`;

describe('ssh config resolution', () => {
  it('lists Host entries without wildcards, in file order', () => {
    expect(new SshConfigResolver(env(CONFIG)).aliases()).toEqual(['prod', 'web-1', 'bastion', 'db', 'plain']);
    expect(listSshAliases(env(CONFIG)).find((a) => a.alias === 'prod')).toEqual({ alias: 'prod', hostName: '10.0.0.5', user: 'deploy', port: 22, proxyJump: 'bastion', identityFile: '/home/me/.ssh/prod_ed25519' });
  });

  it('first obtained value wins (a later Host prod User does not override); IdentityFile accumulates', () => {
    const r = resolveSshAlias('prod', env(CONFIG));
    expect(r).toMatchObject({ host: '10.0.0.5', user: 'deploy', port: 22, alias: 'prod' });
    expect(r.identityFiles).toEqual(['/home/me/.ssh/prod_ed25519', '/home/me/.ssh/id_me']);
  });

  it('resolves ProxyJump hops through the file (alias hop, then user@host:port)', () => {
    expect(resolveSshAlias('prod', env(CONFIG)).jumps.map((j) => [j.user, j.host, j.port])).toEqual([['jump', 'bastion.example.com', 2200]]);
    const db = resolveSshAlias('db', env(CONFIG));
    expect(db.host).toBe('db.internal');
    expect(db.user).toBe('fallback');
    expect(db.jumps.map((j) => [j.user, j.host, j.port])).toEqual([
      ['jump', 'bastion.example.com', 2200],
      ['ops', '10.9.9.9', 2022],
    ]);
  });

  it('expands %r %h %p %u %d %% and ~ in paths', () => {
    const plain = resolveSshAlias('plain', env(CONFIG));
    expect(plain.identityFiles[0]).toBe('/home/me/.ssh/fallback@plain-22');
    expect(expandPath('%d/x/%%/%u', { host: 'h', port: 1, user: 'r', localUser: 'me', home: '/home/me' })).toBe('/home/me/x/%/me');
  });

  it('an ssh:// URL still gets the file (its user/port win) and explicit jumps replace the file\'s', () => {
    const r = new SshConfigResolver(env(CONFIG));
    expect(r.resolveUrl('ssh://root@prod:2022')).toMatchObject({ host: '10.0.0.5', user: 'root', port: 2022 });
    expect(r.resolveUrl('ssh://prod', ['ssh://a@j1:1', 'j2']).jumps.map((j) => `${j.user}@${j.host}:${j.port}`)).toEqual(['a@j1:1', 'fallback@j2:22']);
    expect(r.resolveUrl('ssh://x.lan').identityFiles[0]).toBe('/home/me/.ssh/fallback@x.lan-22');
  });

  it('an unknown alias is a coded error; no file means no aliases', () => {
    expect(() => resolveSshAlias('nope', env(CONFIG))).toThrow(expect.objectContaining({ code: 'NOT_FOUND', reason: 'SSH_ALIAS_NOT_FOUND' }) as Error);
    expect(listSshAliases(env(undefined))).toEqual([]);
  });

  it('a parse error names its line', () => {
    let err: unknown;
    try {
      listSshAliases(env('Host ok\n  User a\nHost "broken\n  User b\n'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ reason: 'SSH_CONFIG_INVALID' });
    expect((err as Error).message).toContain('line 3');
  });

  it('parses hop specs', () => {
    expect(parseHopSpec('ssh://u@[::1]:22')).toEqual({ user: 'u', host: '::1', port: 22 });
    expect(parseHopSpec('bastion')).toEqual({ host: 'bastion' });
  });
});
