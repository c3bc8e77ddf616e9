// The real `wakedock serve` CLI, as a user runs it: the built out/main/serve.js under plain Node,
// talking to the real engine. Checks what a user (or a browser) sees: the printed URL, /healthz,
// the token gate, the contract over WebSocket, CLI errors and recovery from a corrupt store.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient, type ContainerSummary, type Host, type SystemInfo } from '../../../src-main/contract';
import { SERVE_JS, ensureAppBuilt } from '../../support/build-app';
import { REPO_ROOT, SHARED_SOCKET, cleanupTestContainers, ensureTestImage, runContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';
import { openWsPort } from '../../support/rpc-harness';

const AREA = 'serve';
const PREFIX = `wdtest-${AREA}-`;
const APP_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Served {
  child: ChildProcess;
  url: URL;
  token: string;
  stdout: () => string;
  stderr: () => string;
}

const children = new Set<ChildProcess>();
const tmpDirs: string[] = [];

function tmpDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wdtest-serve-'));
  tmpDirs.push(d);
  return d;
}

function spawnServe(args: string[], env: Record<string, string> = {}): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [SERVE_JS, 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DOCKER_HOST: `unix://${SHARED_SOCKET}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => {
    children.delete(child);
    ok(code);
  }));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Start the server on a free port and wait for the URL it prints. */
async function startServe(dataDir: string): Promise<Served> {
  const token = randomBytes(16).toString('hex');
  const s = spawnServe(['--port', '0', '--data-dir', dataDir], { WAKEDOCK_TOKEN: token });
  let exitCode: number | null | undefined;
  void s.exited.then((c) => (exitCode = c));
  const printed = await waitFor(
    'wakedock serve to print its URL',
    () => {
      if (exitCode !== undefined) throw new Error(`wakedock serve exited with ${exitCode}: ${s.stderr()}`);
      return /WakeDock is running at (\S+)/.exec(s.stdout())?.[1];
    },
    { timeoutMs: 20_000 },
  ).catch((e: Error) => {
    throw new Error(`${e.message}\nstdout: ${s.stdout()}\nstderr: ${s.stderr()}`);
  });
  return { child: s.child, url: new URL(printed), token, stdout: s.stdout, stderr: s.stderr };
}

/** SIGTERM (to the pid we started) and wait; returns the exit code. */
async function stopServe(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

async function rpcOver(served: Served): Promise<{ client: RpcClient; ws: WebSocket }> {
  const { port, ws } = await openWsPort(`ws://${served.url.host}/rpc?token=${encodeURIComponent(served.token)}`);
  return { client: new RpcClient(port), ws };
}

let main: Served;
let mainDataDir: string;
let container: TestContainer;

beforeAll(async () => {
  ensureAppBuilt();
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  container = await runContainer({ area: AREA });
  mainDataDir = tmpDir();
  main = await startServe(mainDataDir);
}, 300_000);

afterAll(async () => {
  await Promise.all([...children].map((c) => stopServe(c)));
  await cleanupTestContainers({ namePrefix: PREFIX });
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe('wakedock serve (built CLI, real engine)', () => {
  it('prints a loopback URL that carries the token from WAKEDOCK_TOKEN', () => {
    expect(main.url.hostname).toBe('127.0.0.1');
    expect(Number(main.url.port)).toBeGreaterThan(0);
    expect(main.url.searchParams.get('token')).toBe(main.token);
  });

  it('answers /healthz without a token', async () => {
    const r = await fetch(`http://${main.url.host}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', version: APP_VERSION });
  });

  it('refuses a missing or wrong token with 401, over HTTP and WebSocket; serves the UI with the right one', async () => {
    for (const q of ['', '?token=wrong', `?token=${main.token}x`]) {
      const r = await fetch(`http://${main.url.host}/${q}`);
      expect(r.status, q || 'no token').toBe(401);
      expect(await r.text()).toContain('Access refused');
    }
    await expect(openWsPort(`ws://${main.url.host}/rpc?token=wrong`)).rejects.toMatchObject({ statusCode: 401 });
    await expect(openWsPort(`ws://${main.url.host}/rpc`)).rejects.toMatchObject({ statusCode: 401 });

    const ok = await fetch(main.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/html');
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^wakedock_session_${main.url.port}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).not.toContain(main.token);
  });

  it('over WebSocket: containers.list returns the test container; bad input is VALIDATION naming the field', async () => {
    const { client, ws } = await rpcOver(main);
    try {
      await waitFor('the local host to connect', async () => ((await client.call('hosts.list', {})) as Host[]).find((h) => h.id === 'local' && h.state === 'connected'), { timeoutMs: 15_000 });
      const list = (await client.call('containers.list', { hostId: 'local' })) as ContainerSummary[];
      expect(list.find((c) => c.id === container.id)).toMatchObject({ name: container.name, state: 'running' });

      const bad = await client.callRaw('containers.start', { hostId: 'local', id: '' });
      expect(bad.ok).toBe(false);
      if (!bad.ok) {
        expect(bad.error.code).toBe('VALIDATION');
        expect(bad.error.field).toBe('id');
      }
      const info = (await client.call('system.info', {})) as SystemInfo;
      expect(info).toMatchObject({ mode: 'serve', appVersion: APP_VERSION, dataDir: mainDataDir, notices: [] });
    } finally {
      ws.close();
    }
  });

  it('--port abc exits with code 2 and says what is wrong', async () => {
    const s = spawnServe(['--port', 'abc', '--data-dir', tmpDir()]);
    expect(await s.exited).toBe(2);
    expect(s.stderr()).toMatch(/--port must be a number from 0 to 65535, not "abc"/);
    expect(s.stdout()).not.toContain('WakeDock is running');
  });

  it('beyond loopback, a weak WAKEDOCK_TOKEN is refused: exit 2, says why, nothing listens', async () => {
    for (const weak of ['x', 'hunter2hunter2hunter2hunter2', 'a'.repeat(40)]) {
      const s = spawnServe(['--host', '0.0.0.0', '--port', '0', '--data-dir', tmpDir()], { WAKEDOCK_TOKEN: weak });
      expect(await s.exited, weak).toBe(2);
      expect(s.stderr()).toMatch(/WAKEDOCK_TOKEN is too weak to listen on 0\.0\.0\.0/);
      expect(s.stdout()).not.toContain('WakeDock is running');
    }
  });

  it('beyond loopback with a strong token: starts, warns that the token is root on the engine host and that HTTP is plain', async () => {
    const token = randomBytes(32).toString('base64url');
    const s = spawnServe(['--host', '0.0.0.0', '--port', '0', '--data-dir', tmpDir()], { WAKEDOCK_TOKEN: token });
    const printed = await waitFor('the URL', () => /WakeDock is running at (\S+)/.exec(s.stdout())?.[1], { timeoutMs: 20_000 });
    expect(s.stderr()).toMatch(/root on its host/);
    expect(s.stderr()).toMatch(/plain HTTP beyond loopback/);
    const r = await fetch(`http://127.0.0.1:${new URL(printed).port}/healthz`); // dial loopback only
    expect(r.status).toBe(200);
    expect(await stopServe(s.child)).toBe(0);
  });

  it('--tls-cert/--tls-key: serves https, prints an https URL, the session cookie is Secure', async () => {
    const dir = tmpDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const token = randomBytes(16).toString('hex');
    const s = spawnServe(['--port', '0', '--data-dir', tmpDir(), '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], { WAKEDOCK_TOKEN: token });
    const printed = new URL(await waitFor('the URL', () => /WakeDock is running at (\S+)/.exec(s.stdout())?.[1], { timeoutMs: 20_000 }));
    expect(printed.protocol).toBe('https:');
    const res = await new Promise<{ status: number; cookie: string }>((ok, fail) => {
      httpsGet(printed, { rejectUnauthorized: false }, (r) => {
        r.resume();
        ok({ status: r.statusCode ?? 0, cookie: String(r.headers['set-cookie']) });
      }).on('error', fail);
    });
    expect(res.status).toBe(200);
    expect(res.cookie).toMatch(/^__Host-wakedock_session_\d+=.*;\s*Secure/);
    const half = spawnServe(['--port', '0', '--data-dir', tmpDir(), '--tls-cert', join(dir, 'cert.pem')]);
    expect(await half.exited).toBe(2);
    expect(half.stderr()).toMatch(/--tls-cert and --tls-key go together/);
    expect(await stopServe(s.child)).toBe(0);
  });

  it('moves a corrupt wakedock.json aside, starts anyway, and tells the user', async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'wakedock.json'), '{"schemaVersion": 1, "settings": {"theme": "da'); // truncated write
    const served = await startServe(dir);
    const aside = readdirSync(dir).filter((f) => f.startsWith('wakedock.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toContain('"theme": "da'); // kept, not deleted
    expect(() => JSON.parse(readFileSync(join(dir, 'wakedock.json'), 'utf8'))).not.toThrow();
    expect(served.stderr()).toContain(aside[0]);

    const { client, ws } = await rpcOver(served);
    try {
      const info = (await client.call('system.info', {})) as SystemInfo;
      expect(info.notices).toHaveLength(1);
      expect(info.notices[0]!.level).toBe('warning');
      expect(info.notices[0]!.message).toContain(aside[0]);
      expect(info.notices[0]!.message).toMatch(/could not be read/);
    } finally {
      ws.close();
    }
    expect(await stopServe(served.child)).toBe(0); // SIGTERM is a clean shutdown
  });
});
