// The local socket forward with a stand-in for the SSH channel (a connection to a local echo
// server): owner-only socket in an owner-only dir, one channel per accepted connection, teardown.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/contract/handlers';
import { SocketForward, forwardSocketPath } from '../../../../src-main/core/hosts/socket-forward';

let dir: string;
let echo: Server;
let echoPath: string;
const remotes: Socket[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wd-fwd-'));
  echoPath = join(dir, 'engine.sock');
  echo = createServer((s) => (remotes.push(s), s.pipe(s)));
  await new Promise<void>((r) => echo.listen(echoPath, r));
});
afterEach(async () => {
  for (const s of remotes.splice(0)) s.destroy();
  await new Promise((r) => echo.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const roundTrip = (path: string, text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const c = connect(path);
    c.once('error', reject);
    c.once('data', (b) => (resolve(b.toString()), c.destroy()));
    c.write(text);
  });

describe('SocketForward', () => {
  it('listens owner-only, and each local connection gets its own channel', async () => {
    let opened = 0;
    const path = join(dir, 'data', 'sockets', 'ssh-1.sock');
    const fwd = new SocketForward('ssh-1', path, { openEngineStream: async () => (opened++, connect(echoPath)) }, silentLogger);
    await fwd.listen();
    expect(statSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(await roundTrip(path, 'ping-1')).toBe('ping-1');
    expect(await roundTrip(path, 'ping-2')).toBe('ping-2');
    expect(opened).toBe(2);
    await fwd.close();
    expect(existsSync(path)).toBe(false);
  });

  it('close ends open connections and their channels', async () => {
    const path = join(dir, 's', 'h.sock');
    const fwd = new SocketForward('h', path, { openEngineStream: async () => connect(echoPath) }, silentLogger);
    await fwd.listen();
    const c = connect(path);
    const ended = new Promise<void>((r) => c.once('close', () => r()));
    c.on('error', () => {});
    await new Promise<void>((r) => c.once('connect', () => r()));
    await expect.poll(() => remotes.length).toBe(1);
    await fwd.close();
    await ended;
    await expect.poll(() => remotes[0]?.destroyed || remotes[0]?.readableEnded).toBe(true);
  });

  it('a channel that cannot be opened closes the local connection (the tool sees EOF, not a hang)', async () => {
    const path = join(dir, 's', 'x.sock');
    const fwd = new SocketForward('x', path, { openEngineStream: async () => Promise.reject(new Error('channel open failure')) }, silentLogger);
    await fwd.listen();
    const c = connect(path);
    c.on('error', () => {});
    await new Promise<void>((r) => c.once('close', () => r()));
    await fwd.close();
  });

  it('replaces a stale file left at the path by a crashed run', async () => {
    const path = join(dir, 's', 'stale.sock');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '');
    const fwd = new SocketForward('stale', path, { openEngineStream: async () => connect(echoPath) }, silentLogger);
    await fwd.listen();
    expect(await roundTrip(path, 'again')).toBe('again');
    await fwd.close();
  });
});

describe('forwardSocketPath', () => {
  it('is under the data dir, or a short per-user temp dir when that path would not fit sun_path', () => {
    expect(forwardSocketPath('/home/ann/.local/share/wakedock', 'ssh-ab12', 'linux')).toBe('/home/ann/.local/share/wakedock/sockets/ssh-ab12.sock');
    const long = forwardSocketPath(`/home/ann/${'x'.repeat(120)}`, 'ssh-ab12', 'linux');
    expect(long.startsWith(tmpdir())).toBe(true);
    expect(long.endsWith('/ssh-ab12.sock')).toBe(true);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(100);
    expect(forwardSocketPath('C:\\Users\\ann\\AppData', 'ssh-ab12', 'win32')).toMatch(/^\\\\\.\\pipe\\wakedock-[0-9a-f]{12}-ssh-ab12$/);
  });
});
