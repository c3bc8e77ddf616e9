// The host shell and the local socket forward of an SSH host, against real parts: OpenSSH on
// loopback and a PRIVATE dockerd as the "remote" engine (its own socket, its own containers). The
// real docker CLI, pointed at the forwarded socket, lists the remote engine's containers; the
// socket is owner-only, goes away when turned off, and while the connection is down (made again at
// the same path when the host has reconnected). A login shell
// on the server runs commands, follows resizes, and says the session ended when the SSH
// connection is lost.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import type { Core } from '../../../src-main/core/create-core';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { DOCKER_BIN, disposePrivateDaemon, runContainer, startPrivateEngine, waitFor, type PrivateEngine } from '../../support/docker-fixtures';
import { EventLog, type InMemoryLink } from '../../support/rpc-harness';
import { makeKey, startSshd, type Sshd, type SshKey } from '../../support/sshd';

const AREA = 'sshtools';
const run = promisify(execFile);

let spec: PrivateEngine;
let work: string;
let dataDir: string;
let key: SshKey;
let sshd: Sshd;
let rig: CoreRig;
let core: Core;
let link: InMemoryLink;
let hostId: string;
let remoteBox: { id: string; name: string };
let localBox: { id: string; name: string };

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callErr<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded`);
  return r.error;
}
const connected = (): Promise<unknown> => waitFor('the SSH host to be connected', async () => (await call('hosts.list', {})).find((h) => h.id === hostId && h.state === 'connected'), { timeoutMs: 30_000 });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wdtest-sshtools-'));
  spec = await startPrivateEngine(AREA);
  remoteBox = await runContainer({ area: AREA, socket: spec.socket });
  localBox = await runContainer({ area: AREA });
  key = await makeKey(join(work, 'keys'), 'id_ed25519');
  sshd = await startSshd(join(work, 'sshd'), { authorizedKeys: [key.pub] });
  const home = join(work, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  rig = await startCoreRig({ area: `${AREA}-data`, mode: 'serve', options: { backoffMinMs: 200, backoffMaxMs: 1000, ssh: { home, agentSocket: '' } } });
  ({ core, link, dataDir } = rig);
  const config = { kind: 'ssh' as const, url: `ssh://root@127.0.0.1:${sshd.port}`, auth: { method: 'key' as const, keyPath: key.path }, socketPath: spec.socket };
  // The user's decision on the unknown key, as the fingerprint dialog makes it.
  const first = await call('hosts.test', { config });
  expect(first.hostKey?.fingerprint).toBe(sshd.hostKey.fingerprint);
  await call('hosts.trustHostKey', { host: '127.0.0.1', port: sshd.port, keyType: first.hostKey!.keyType, fingerprint: first.hostKey!.fingerprint });
  hostId = (await call('hosts.add', { name: 'Remote box', config })).id;
  await connected();
}, 240_000);

afterAll(async () => {
  await rig?.dispose();
  await sshd?.stop().catch(() => {});
  await run(DOCKER_BIN, ['rm', '-f', localBox?.name ?? 'none']).catch(() => {});
  if (spec) await disposePrivateDaemon(spec);
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

const cliPs = async (sock: string): Promise<string[]> => (await run(DOCKER_BIN, ['-H', `unix://${sock}`, 'ps', '-a', '--format', '{{.Names}}'], { timeout: 30_000 })).stdout.split('\n').filter(Boolean);

describe('local socket forward', () => {
  it('the real docker CLI on the forwarded socket sees the remote engine’s containers; owner-only; gone when turned off', async () => {
    const on = await call('hosts.forwardSocket', { hostId, enabled: true });
    expect(on.enabled).toBe(true);
    const path = on.path!;
    expect(path.startsWith(dataDir) || path.startsWith(tmpdir())).toBe(true);
    expect(statSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(await call('hosts.forwards', {})).toEqual([{ hostId, path, enabled: true, listening: true }]);

    const names = await cliPs(path);
    expect(names).toContain(remoteBox.name);
    expect(names).not.toContain(localBox.name);
    // Twice more at once: each connection its own channel on the one SSH connection.
    const [a, b] = await Promise.all([cliPs(path), cliPs(path)]);
    expect(a).toEqual(names);
    expect(b).toEqual(names);

    expect(await call('hosts.forwardSocket', { hostId, enabled: false })).toEqual({ hostId, enabled: false });
    expect(existsSync(path)).toBe(false);
    expect(await call('hosts.forwards', {})).toEqual([]);
  }, 90_000);

  it('is removed while the SSH connection is down and made again at the same path when the host has reconnected', async () => {
    const { path } = await call('hosts.forwardSocket', { hostId, enabled: true });
    expect(existsSync(path!)).toBe(true);
    expect(await cliPs(path!)).toContain(remoteBox.name);
    // Watch the socket file and the host state: it must go while the connection is down.
    let sawGone = false;
    const off = core.hosts.get(hostId).onState(() => {
      if (!existsSync(path!)) sawGone = true;
    });
    const watch = setInterval(() => {
      if (!existsSync(path!)) sawGone = true;
    }, 10);
    try {
      const states: string[] = [];
      const offStates = core.hosts.get(hostId).onState((h) => states.push(h.state));
      await sshd.dropConnections();
      await waitFor('the host to lose its connection', () => states.some((s) => s === 'unreachable' || s === 'connecting'), { timeoutMs: 30_000 });
      offStates();
      await connected();
      await waitFor('the forward socket to be back', () => existsSync(path!), { timeoutMs: 30_000 });
    } finally {
      clearInterval(watch);
      off();
    }
    expect(sawGone).toBe(true);
    expect(statSync(path!).isSocket()).toBe(true);
    expect(statSync(path!).mode & 0o777).toBe(0o600);
    expect(await call('hosts.forwards', {})).toEqual([{ hostId, path, enabled: true, listening: true }]);
    // The real docker CLI works again through the new connection, without touching the switch.
    const names = await cliPs(path!);
    expect(names).toContain(remoteBox.name);
    expect(names).not.toContain(localBox.name);

    // A longer outage (sshd gone): the forward stays on, waiting, with no socket file.
    const port = sshd.port;
    await sshd.stop();
    await waitFor('the host to be unreachable', async () => (await call('hosts.list', {})).find((h) => h.id === hostId && h.state === 'unreachable'), { timeoutMs: 30_000 });
    await waitFor('the socket to be gone', () => !existsSync(path!), { timeoutMs: 10_000 });
    expect(await call('hosts.forwards', {})).toEqual([{ hostId, path, enabled: true, listening: false }]);
    sshd = await startSshd(join(work, 'sshd'), { authorizedKeys: [key.pub], port });
    await connected();
    await waitFor('the forward socket to be back after the outage', () => existsSync(path!), { timeoutMs: 30_000 });
    expect(await cliPs(path!)).toContain(remoteBox.name);

    // Turned off, it stays off across the next reconnect.
    expect(await call('hosts.forwardSocket', { hostId, enabled: false })).toEqual({ hostId, enabled: false });
    expect(existsSync(path!)).toBe(false);
    expect(await call('hosts.forwards', {})).toEqual([]);
    const states: string[] = [];
    const offStates = core.hosts.get(hostId).onState((h) => states.push(h.state));
    await sshd.dropConnections();
    await waitFor('the host to lose its connection again', () => states.some((x) => x !== 'connected'), { timeoutMs: 30_000 });
    offStates();
    await connected();
    expect(await call('hosts.forwards', {})).toEqual([]);
    expect(existsSync(path!)).toBe(false);
  }, 150_000);

  it('only SSH hosts have one', async () => {
    const e = await callErr('hosts.forwardSocket', { hostId: 'local', enabled: true });
    expect(e.reason).toBe('NOT_SSH_HOST');
  });
});

describe('a container terminal through the SSH host', () => {
  /** A shell in `id` on `host`: type one key and wait for its echo; read everything it printed. */
  async function shell(host: string, id: string) {
    const { sessionId } = await call('terminal.open', { target: 'container', hostId: host, id, command: 'sh', cols: 80, rows: 24 });
    let out = '';
    const sub = link.client.subscribe('terminal.attach', { sessionId }, {
      next: (e) => {
        const ev = e as ProcOutput<'terminal.attach'>;
        if (ev.type === 'replay' || ev.type === 'output') out += ev.data;
      },
      error: () => {},
      end: () => {},
    });
    await call('terminal.write', { sessionId, data: '\r' });
    await waitFor('a prompt', () => /[#$] /.test(out), { timeoutMs: 15_000 });
    return {
      get out() {
        return out;
      },
      async type(ch: string): Promise<void> {
        const from = out.length;
        await call('terminal.write', { sessionId, data: ch });
        await waitFor(`the echo of ${JSON.stringify(ch)}`, () => out.indexOf(ch, from) >= 0, { timeoutMs: 15_000, intervalMs: 2 });
      },
      async run(cmd: string, done: RegExp): Promise<void> {
        const from = out.length;
        await call('terminal.write', { sessionId, data: `\x15${cmd}\r` });
        await waitFor(`the end of ${cmd}`, () => done.test(out.slice(from)), { timeoutMs: 60_000, intervalMs: 10 });
      },
      async close(): Promise<void> {
        link.client.unsubscribe(sub);
        await call('terminal.close', { sessionId }).catch(() => {});
      },
    };
  }

  /** 60 keystrokes with the host's list read every second one (as the views do) and a 1 MB burst; the core's CPU for it. */
  async function workout(host: string, id: string): Promise<number> {
    const sh = await shell(host, id);
    try {
      const c0 = process.cpuUsage();
      for (let i = 0; i < 60; i++) {
        await sh.type('abcdefghijklmnopqrstuvwxyz'[i % 26]!);
        if (i % 2 === 0) expect((await call('containers.list', { hostId: host })).length).toBeGreaterThan(0);
      }
      await sh.run("head -c 1000000 /dev/zero | tr '\\0' a; echo; echo burst-$((40+2))", /burst-42/);
      expect(sh.out).toContain('a'.repeat(100_000));
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    } finally {
      await sh.close();
    }
  }

  it('echoes every keystroke, passes a burst, and costs the core about what the same work through the local socket costs', async () => {
    await connected();
    const viaSsh = await workout(hostId, remoteBox.id);
    const viaLocal = await workout('local', localBox.id);
    // Before the agent-inspect fix each request through the tunnel cost ~100 ms of CPU (30 lists here
    // → seconds); an encrypted hop costs some CPU, not multiples.
    expect(viaSsh).toBeLessThan(2 * viaLocal + 150);
  }, 180_000);
});

describe('a shell on the SSH host', () => {
  const text = (log: EventLog<ProcOutput<'terminal.attach'>>): string => log.events.map((e) => (e.type === 'replay' || e.type === 'output' ? e.data : '')).join('');

  it('runs commands on the server and follows resizes', async () => {
    await connected();
    const { sessionId, session } = await call('terminal.open', { target: 'host', hostId, cols: 90, rows: 20 });
    expect(session).toMatchObject({ target: 'host', hostId, state: 'running', title: 'Remote box' });
    const log = new EventLog<ProcOutput<'terminal.attach'>>();
    const sub = link.client.subscribe('terminal.attach', { sessionId }, log.handlers);
    try {
      await call('terminal.write', { sessionId, data: 'echo remote-$((6*7)) $(id -un); stty size\r' });
      await waitFor('the shell output', () => /remote-42 root/.test(text(log)) && /20 90/.test(text(log)), { timeoutMs: 15_000 });
      await call('terminal.resize', { sessionId, cols: 120, rows: 33 });
      await call('terminal.write', { sessionId, data: 'stty size\r' });
      await waitFor('the new size', () => /33 120/.test(text(log)), { timeoutMs: 15_000 });
      await call('terminal.write', { sessionId, data: 'exit 7\r' });
      await waitFor('the exit', () => log.events.some((e) => e.type === 'exit'), { timeoutMs: 15_000 });
      const exit = log.events.find((e) => e.type === 'exit');
      expect(exit?.type === 'exit' && exit.session).toMatchObject({ state: 'exited', exitCode: 7, endReason: 'process exited with code 7' });
    } finally {
      link.client.unsubscribe(sub);
      await call('terminal.close', { sessionId });
    }
  }, 60_000);

  it('says the session ended when the SSH connection is lost', async () => {
    await connected();
    const { sessionId } = await call('terminal.open', { target: 'host', hostId, cols: 80, rows: 24 });
    const log = new EventLog<ProcOutput<'terminal.attach'>>();
    const sub = link.client.subscribe('terminal.attach', { sessionId }, log.handlers);
    try {
      await call('terminal.write', { sessionId, data: 'echo ready-$((1+1))\r' });
      await waitFor('the prompt', () => text(log).includes('ready-2'), { timeoutMs: 15_000 });
      await sshd.dropConnections();
      await waitFor('the session to end', () => log.events.some((e) => e.type === 'exit'), { timeoutMs: 30_000 });
      const exit = log.events.find((e) => e.type === 'exit');
      expect(exit?.type === 'exit' && exit.session.endReason).toMatch(/^session ended: the SSH connection to Remote box was lost/);
    } finally {
      link.client.unsubscribe(sub);
      await call('terminal.close', { sessionId }).catch(() => {});
    }
    await connected();
  }, 90_000);

  it('is refused for a host that is not SSH', async () => {
    const e = await callErr('terminal.open', { target: 'host', hostId: 'local', cols: 80, rows: 24 });
    expect(e.reason).toBe('NOT_SSH_HOST');
  });
});
