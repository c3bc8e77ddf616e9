// The Docker CLI's credentials as WakeDock reads them: credHelpers for the registry first, then the
// credsStore, then config.json's auths (base64 user:password or an identity token), Docker Hub's
// keys and aliases as one registry, and WakeDock's own login before any of them. Helpers are faked
// here (runHelper); the real executable on PATH is in tests/integration/resources/registry.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerCredentials, registryKey } from '../../../../src-main/core/registry/docker-config';
import { resolveAuth } from '../../../../src-main/core/registry/registry-auth';
import type { JsonStore } from '../../../../src-main/core/store/json-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configDir(cfg: unknown): string {
  const d = mkdtempSync(join(tmpdir(), 'wdunit-dockercfg-'));
  dirs.push(d);
  writeFileSync(join(d, 'config.json'), typeof cfg === 'string' ? cfg : JSON.stringify(cfg));
  return d;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A fake helper table: name → server → answer (absent: "credentials not found", exit 1). */
function helpers(table: Record<string, Record<string, { Username: string; Secret: string }>>) {
  const calls: Array<[string, string]> = [];
  const runHelper = async (name: string, server: string): Promise<string> => {
    calls.push([name, server]);
    const a = table[name]?.[server];
    if (!a) throw new Error('credentials not found in native keychain');
    return JSON.stringify({ ServerURL: server, ...a });
  };
  return { calls, runHelper };
}

function storeWith(logins: Array<{ server: string; username: string; password: string }>): JsonStore {
  return { get: (k: string) => (k === 'registries' ? logins : []) } as unknown as JsonStore;
}

describe('registryKey', () => {
  it('drops scheme and path, lowercases, and folds Docker Hub aliases', () => {
    expect(registryKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(registryKey('Registry-1.Docker.IO')).toBe('docker.io');
    expect(registryKey('http://127.0.0.1:5000/v2/')).toBe('127.0.0.1:5000');
    expect(registryKey('ghcr.io')).toBe('ghcr.io');
  });
});

describe('dockerCredentials', () => {
  it('reads auths: base64 user:password (a colon in the password kept) and identity tokens', async () => {
    const dir = configDir({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:pa:ss') },
        'ghcr.io': { identitytoken: 'tok-123' },
      },
    });
    expect(await dockerCredentials('docker.io', { dir })).toEqual({
      auth: { username: 'hubuser', password: 'pa:ss', serveraddress: 'https://index.docker.io/v1/' },
      source: 'auths',
    });
    expect(await dockerCredentials('ghcr.io', { dir })).toEqual({ auth: { identitytoken: 'tok-123', serveraddress: 'ghcr.io' }, source: 'auths' });
    expect(await dockerCredentials('quay.io', { dir })).toBeNull();
  });

  it("uses the registry's credHelper only, before credsStore and auths", async () => {
    const dir = configDir({
      credsStore: 'store',
      credHelpers: { 'reg.example:5000': 'pass' },
      auths: { 'reg.example:5000': { auth: b64('fileuser:filepw') } },
    });
    const h = helpers({ pass: { 'reg.example:5000': { Username: 'helperuser', Secret: 'helperpw' } }, store: { 'reg.example:5000': { Username: 'x', Secret: 'y' } } });
    expect(await dockerCredentials('reg.example:5000', { dir, runHelper: h.runHelper })).toEqual({
      auth: { username: 'helperuser', password: 'helperpw', serveraddress: 'reg.example:5000' },
      source: 'credHelpers: pass',
    });
    expect(h.calls).toEqual([['pass', 'reg.example:5000']]);

    // The registry's helper has nothing: the CLI does not fall back, neither do we.
    const none = helpers({});
    expect(await dockerCredentials('reg.example:5000', { dir, runHelper: none.runHelper })).toBeNull();
  });

  it('asks the credsStore with the Hub v1 address, maps "<token>" to an identity token, and falls back to auths', async () => {
    const dir = configDir({ credsStore: 'desktop', auths: { 'quay.io': { auth: b64('q:w') } } });
    const h = helpers({ desktop: { 'https://index.docker.io/v1/': { Username: '<token>', Secret: 'idtok' } } });
    expect(await dockerCredentials('docker.io', { dir, runHelper: h.runHelper })).toEqual({
      auth: { identitytoken: 'idtok', serveraddress: 'https://index.docker.io/v1/' },
      source: 'credsStore: desktop',
    });
    expect(await dockerCredentials('quay.io', { dir, runHelper: h.runHelper })).toEqual({ auth: { username: 'q', password: 'w', serveraddress: 'quay.io' }, source: 'auths' });
  });

  it('ignores a missing or broken config, a helper name that is a path, and a helper answering garbage', async () => {
    expect(await dockerCredentials('docker.io', { dir: join(tmpdir(), 'wdunit-no-such-dir') })).toBeNull();
    expect(await dockerCredentials('docker.io', { dir: configDir('{not json') })).toBeNull();
    const calls: string[] = [];
    const runHelper = async (name: string): Promise<string> => {
      calls.push(name);
      return name === 'garbage' ? 'not json' : '{"Username":"u","Secret":""}';
    };
    expect(await dockerCredentials('docker.io', { dir: configDir({ credsStore: '../../bin/sh' }), runHelper })).toBeNull();
    expect(calls).toEqual([]);
    expect(await dockerCredentials('docker.io', { dir: configDir({ credsStore: 'garbage' }), runHelper })).toBeNull();
    expect(await dockerCredentials('docker.io', { dir: configDir({ credsStore: 'empty' }), runHelper })).toBeNull();
  });
});

describe('resolveAuth', () => {
  it("prefers WakeDock's own login, then the Docker CLI's credentials", async () => {
    const dir = configDir({ auths: { '127.0.0.1:5000': { auth: b64('cli:clipw') } } });
    const own = await resolveAuth(storeWith([{ server: '127.0.0.1:5000', username: 'wd', password: 'wdpw' }]), '127.0.0.1:5000/a/b:1', { dir });
    expect(own).toEqual({ auth: { username: 'wd', password: 'wdpw', serveraddress: '127.0.0.1:5000' }, source: 'wakedock' });
    const cli = await resolveAuth(storeWith([]), '127.0.0.1:5000/a/b:1', { dir });
    expect(cli).toEqual({ auth: { username: 'cli', password: 'clipw', serveraddress: '127.0.0.1:5000' }, source: 'auths' });
    expect(await resolveAuth(storeWith([]), 'nginx:1', { dir })).toBeUndefined();
  });
});
