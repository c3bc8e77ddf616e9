// A Docker registry of the test's own on a free loopback port (Debian's docker-registry), and an
// image made here whose layer the engine does not have, pushed to it and removed locally, so a
// pull really downloads. Never the internet.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, dockerRaw, freePort, waitFor } from './docker-fixtures';

export const REGISTRY_BIN = process.env.WAKEDOCK_TEST_REGISTRY_BIN ?? '/usr/bin/docker-registry';
export const haveRegistry = existsSync(REGISTRY_BIN);

export interface TestRegistry {
  /** e.g. 127.0.0.1:41234/wdtest/blob:1a2b3c4d — pushed, and absent from the engine. */
  ref: string;
  repo: string;
  blobBytes: number;
  dir: string;
  stop(): Promise<void>;
}

export async function startRegistryWithImage(blobBytes = 3 * 1024 * 1024): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'wdtest-registry-'));
  const port = await freePort();
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const proc: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const repo = `127.0.0.1:${port}/wdtest/blob`;
  const ref = `${repo}:${randomBytes(4).toString('hex')}`;
  const stop = async (): Promise<void> => {
    await dockerRaw(['rmi', '-f', ref]);
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('the registry to answer', async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).ok, { timeoutMs: 15_000 });
    // The build context is a folder of its own (not the registry's storage).
    const ctx = join(dir, 'context');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'blob'), randomBytes(blobBytes));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY blob /blob\n');
    await docker(['build', '-q', '-t', ref, ctx]);
    await docker(['push', ref]);
    await docker(['rmi', ref]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { ref, repo, blobBytes, dir, stop };
}

export interface AuthRegistry {
  /** host:port on loopback, e.g. 127.0.0.1:41234 */
  server: string;
  user: string;
  password: string;
  /** The registry's own API with the login (tags of a repository). */
  tags(repo: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** A registry that asks for a login (htpasswd, bcrypt as the registry requires: made by Python's crypt). */
export async function startAuthRegistry(user = 'wduser', password = `pw-${randomBytes(6).toString('hex')}`): Promise<AuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'wdtest-authreg-'));
  const port = await freePort();
  const hash = await new Promise<string>((resolve, reject) => {
    const py = spawn('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', password], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    py.stdout!.on('data', (d) => (out += String(d)));
    py.on('exit', (code) => (code === 0 && out.startsWith('$2') ? resolve(out.trim()) : reject(new Error(`python3 crypt failed (${code})`))));
  });
  writeFileSync(join(dir, 'htpasswd'), `${user}:${hash}\n`);
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\nauth:\n  htpasswd:\n    realm: wdtest\n    path: ${join(dir, 'htpasswd')}\n`,
  );
  const proc: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('the registry to ask for a login', async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).status === 401, { timeoutMs: 15_000 });
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    server: `127.0.0.1:${port}`,
    user,
    password,
    async tags(repo) {
      const r = await fetch(`http://127.0.0.1:${port}/v2/${repo}/tags/list`, { headers: { authorization: basic } });
      if (!r.ok) return [];
      return ((await r.json()) as { tags?: string[] | null }).tags ?? [];
    },
    stop,
  };
}
