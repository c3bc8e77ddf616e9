// SSH hosts against real parts: two OpenSSH servers on loopback (a target and a ProxyJump hop) and a
// PRIVATE dockerd as the "remote" engine (its own socket, so its containers differ from the local
// engine's). hosts.test reports each step; unknown keys are accepted once through trustHostKey,
// changed keys refused; key (ed25519, RSA, ECDSA, encrypted), agent and password logins; ProxyJump
// through the second sshd; a ~/.ssh/config alias; the list through the tunnel equals the engine's
// `docker ps -a`; logs, exec and stats through it; killing the sshd child of the connection marks
// the host unreachable and it comes back by itself, the list right and a log follower without a gap.
import { createHmac } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import util from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallName, HostTestResult, ProcInput, ProcOutput, RpcErrorData, SshHostConfig } from '../../../src-main/contract';
import type { Core } from '../../../src-main/core/create-core';
import { testHostConfig } from '../../../src-main/core/hosts/added-hosts';
import { KnownHosts } from '../../../src-main/core/ssh/known-hosts';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { docker, disposePrivateDaemon, freePort, runContainer, startPrivateEngine, waitFor, type PrivateEngine } from '../../support/docker-fixtures';
import { type InMemoryLink } from '../../support/rpc-harness';
import { ensureSshUser, makeKey, startAgent, startSshd, type Agent, type Sshd, type SshKey } from '../../support/sshd';

const AREA = 'sshhost';
const PW_USER = 'wdtest-ssh';
const PW = `pw-${process.pid}`;
const DOCK_GROUP = 'wdtest-sshdock';

let spec: PrivateEngine;
let work: string;
let home: string;
let dataDir: string;
let keys: { ed: SshKey; rsa: SshKey; ecdsa: SshKey; enc: SshKey; stranger: SshKey };
let target: Sshd;
let jump: Sshd;
let agent: Agent;
let rootOnly: Server;
let rootOnlyPath: string;
let rig: CoreRig;
let core: Core;
let link: InMemoryLink;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callErr<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded`);
  return r.error;
}

/** The key of the target sshd, trusted in a KnownHosts of its own (for testHostConfig calls). */
function trustedKnownHosts(): KnownHosts {
  const file = join(work, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, [target, jump].map((s) => `[127.0.0.1]:${s.port} ${s.hostKey.pub.split(' ').slice(0, 2).join(' ')}`).join('\n') + '\n');
  return new KnownHosts({ userFiles: [file], ownFile: join(work, 'own-unused') });
}

const url = (user = 'root', s: Sshd = target): string => `ssh://${user}@127.0.0.1:${s.port}`;
const sshConfig = (c: Partial<SshHostConfig>): SshHostConfig => ({ kind: 'ssh', auth: { method: 'key', keyPath: keys.ed.path }, socketPath: spec.socket, url: url(), ...c }) as SshHostConfig;
const stepOf = (r: HostTestResult, step: string, hop?: string) => r.steps.find((s) => s.step === step && s.hop === hop);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wdtest-sshhost-'));
  await ensureSshUser(PW_USER, PW, [DOCK_GROUP]);
  spec = await startPrivateEngine(AREA, { extraArgs: ['--group', DOCK_GROUP] });
  const kd = join(work, 'keys');
  keys = {
    ed: await makeKey(kd, 'id_ed25519', 'ed25519'),
    rsa: await makeKey(kd, 'id_rsa', 'rsa'),
    ecdsa: await makeKey(kd, 'id_ecdsa', 'ecdsa'),
    enc: await makeKey(kd, 'id_enc', 'ed25519', 'secret phrase'),
    stranger: await makeKey(kd, 'id_stranger', 'ed25519'),
  };
  const authorized = [keys.ed.pub, keys.rsa.pub, keys.ecdsa.pub, keys.enc.pub];
  target = await startSshd(join(work, 'sshd-target'), { authorizedKeys: authorized, password: true });
  jump = await startSshd(join(work, 'sshd-jump'), { authorizedKeys: [keys.ed.pub] });
  agent = await startAgent(work, [keys.rsa]);
  // A socket only root may open (for "user not in the docker group").
  mkdirSync(join(work, 'rootonly'), { mode: 0o755 });
  rootOnlyPath = join(work, 'rootonly', 'docker.sock');
  rootOnly = createServer((s) => s.destroy());
  await new Promise<void>((ok) => rootOnly.listen(rootOnlyPath, ok));
  chmodSync(rootOnlyPath, 0o600);
  chmodSync(work, 0o755);
  // ~/.ssh/config for alias hosts.
  home = join(work, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  writeFileSync(
    join(home, '.ssh', 'config'),
    [
      'Host wdt-prod',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      '  User root',
      `  IdentityFile ${keys.ed.path}`,
      '  ProxyJump wdt-bastion',
      'Host wdt-bastion',
      '  HostName 127.0.0.1',
      `  Port ${jump.port}`,
      '  User root',
      `  IdentityFile ${keys.ed.path}`,
      '',
    ].join('\n'),
  );
  rig = await startCoreRig({ area: `${AREA}-data`, mode: 'serve', options: { backoffMinMs: 200, backoffMaxMs: 1000, ssh: { home, agentSocket: '' } } });
  ({ core, link, dataDir } = rig);
}, 240_000);

afterAll(async () => {
  await rig?.dispose();
  agent?.stop();
  rootOnly?.close();
  await target?.stop().catch(() => {});
  await jump?.stop().catch(() => {});
  if (spec) await disposePrivateDaemon(spec);
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('host keys', () => {
  it('an unknown key stops at hostKey with its SHA256 fingerprint; trusted once, the test passes every step', async () => {
    const first = await call('hosts.test', { config: sshConfig({}) });
    expect(first.ok).toBe(false);
    expect(first.failedStep).toBe('hostKey');
    expect(first.hostKey).toMatchObject({ host: '127.0.0.1', port: target.port, keyType: 'ssh-ed25519', fingerprint: target.hostKey.fingerprint, status: 'unknown' });
    expect(stepOf(first, 'connect')?.outcome).toBe('ok');
    expect(stepOf(first, 'auth')?.outcome).toBe('skipped');

    // Only a key the core saw can be trusted.
    const other = await callErr('hosts.trustHostKey', { host: '127.0.0.1', port: target.port, keyType: 'ssh-ed25519', fingerprint: keys.ed.fingerprint });
    expect(other.reason).toBe('HOST_KEY_NOT_SEEN');

    await call('hosts.trustHostKey', { host: '127.0.0.1', port: target.port, keyType: 'ssh-ed25519', fingerprint: target.hostKey.fingerprint });
    const own = join(dataDir, 'known_hosts');
    expect(statSync(own).mode & 0o777).toBe(0o600);
    expect(readFileSync(own, 'utf8')).toContain(`[127.0.0.1]:${target.port} ssh-ed25519 ${target.hostKey.pub.split(' ')[1]}`);

    const second = await call('hosts.test', { config: sshConfig({}) });
    expect(second.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['connect', 'ok'],
      ['hostKey', 'ok'],
      ['auth', 'ok'],
      ['socket', 'ok'],
      ['engine', 'ok'],
    ]);
    expect(second.ok).toBe(true);
    expect(second.engineVersion).toMatch(/^\d+\./);
  }, 60_000);

  it('a changed key is refused with OpenSSH\'s warning, nothing is sent, and it cannot be trusted', async () => {
    // known_hosts names "localhost" with another key: the server now shows a different one.
    const kh = join(home, '.ssh', 'known_hosts');
    writeFileSync(kh, `[localhost]:${target.port} ${keys.stranger.pub.split(' ').slice(0, 2).join(' ')}\n`);
    try {
      const r = await call('hosts.test', { config: sshConfig({ url: `ssh://root@localhost:${target.port}` }) });
      expect(r.failedStep).toBe('hostKey');
      expect(r.hostKey).toMatchObject({ status: 'changed', fingerprint: target.hostKey.fingerprint, knownFingerprint: keys.stranger.fingerprint });
      const msg = stepOf(r, 'hostKey')!.message;
      expect(msg).toContain('CHANGED');
      expect(msg).toContain('man-in-the-middle');
      expect(msg).toContain(`ssh-keygen -f ${kh} -R '[localhost]:${target.port}'`);
      expect(stepOf(r, 'auth')?.outcome).toBe('skipped');
      const refused = await callErr('hosts.trustHostKey', { host: 'localhost', port: target.port, keyType: 'ssh-ed25519', fingerprint: target.hostKey.fingerprint });
      expect(refused.reason).toBe('HOST_KEY_CHANGED');
    } finally {
      rmSync(kh, { force: true });
    }
  }, 60_000);

  it('hashed known_hosts entries are honoured', async () => {
    const kh = join(home, '.ssh', 'known_hosts');
    const salt = Buffer.from('0123456789abcdefghij');
    const hash = createHmac('sha1', salt).update(`[localhost]:${target.port}`).digest('base64');
    writeFileSync(kh, `|1|${salt.toString('base64')}|${hash} ${target.hostKey.pub.split(' ').slice(0, 2).join(' ')}\n`);
    try {
      const r = await call('hosts.test', { config: sshConfig({ url: `ssh://root@localhost:${target.port}` }) });
      expect(r.ok).toBe(true);
    } finally {
      rmSync(kh, { force: true });
    }
  }, 60_000);
});

describe('logins and failures, each at its step', () => {
  const test = (config: SshHostConfig, secret?: { password?: string; passphrase?: string }, o: { agentSocket?: string } = {}) =>
    testHostConfig(config, { knownHosts: trustedKnownHosts(), secret, ssh: { home, agentSocket: o.agentSocket ?? '', timeoutMs: 10_000 } });

  it('key files: ed25519, RSA, ECDSA; an encrypted key needs its passphrase', async () => {
    for (const k of [keys.ed, keys.rsa, keys.ecdsa]) expect((await test(sshConfig({ auth: { method: 'key', keyPath: k.path } }))).ok).toBe(true);
    const noPass = await test(sshConfig({ auth: { method: 'key', keyPath: keys.enc.path } }));
    expect(noPass.failedStep).toBe('auth');
    expect(stepOf(noPass, 'auth')!.message).toContain('is encrypted: give its passphrase');
    const wrong = await test(sshConfig({ auth: { method: 'key', keyPath: keys.enc.path } }), { passphrase: 'nope' });
    expect(stepOf(wrong, 'auth')!.message).toContain('passphrase does not open the key');
    expect((await test(sshConfig({ auth: { method: 'key', keyPath: keys.enc.path } }), { passphrase: 'secret phrase' })).ok).toBe(true);
  }, 90_000);

  it('the SSH agent (its key only), and auto trying the agent first', async () => {
    expect((await test(sshConfig({ auth: { method: 'agent' } }), undefined, { agentSocket: agent.sock })).ok).toBe(true);
    expect((await test(sshConfig({ auth: { method: 'auto' } }), undefined, { agentSocket: agent.sock })).ok).toBe(true);
    const none = await test(sshConfig({ auth: { method: 'agent' } }));
    expect(none.failedStep).toBe('auth');
  }, 60_000);

  it('a password login; the user is not in the socket\'s group → socket step says so', async () => {
    const ok = await test(sshConfig({ url: url(PW_USER), auth: { method: 'password' } }), { password: PW });
    expect(ok.ok).toBe(true);
    const denied = await test(sshConfig({ url: url(PW_USER), auth: { method: 'password' }, socketPath: rootOnlyPath }), { password: PW });
    expect(denied.failedStep).toBe('socket');
    expect(stepOf(denied, 'socket')!.message).toContain('not in the docker group');
    expect(stepOf(denied, 'auth')!.outcome).toBe('ok');
    const badPw = await test(sshConfig({ url: url(PW_USER), auth: { method: 'password' } }), { password: 'wrong' });
    expect(badPw.failedStep).toBe('auth');
    expect(stepOf(badPw, 'auth')!.message).toContain(`refused the login as ${PW_USER}`);
  }, 90_000);

  it('wrong port, refused key, no Docker on the server, unknown alias', async () => {
    const closed = await freePort();
    const wrongPort = await test(sshConfig({ url: `ssh://root@127.0.0.1:${closed}` }));
    expect(wrongPort.failedStep).toBe('connect');
    expect(stepOf(wrongPort, 'connect')!.message).toContain('connection refused');
    const refused = await test(sshConfig({ auth: { method: 'key', keyPath: keys.stranger.path } }));
    expect(refused.failedStep).toBe('auth');
    expect(stepOf(refused, 'auth')!.message).toMatch(/refused the login as root \(tried: key .*id_stranger\)/);
    const noDocker = await test(sshConfig({ socketPath: '/nonexistent/docker.sock' }));
    expect(noDocker.failedStep).toBe('socket');
    expect(stepOf(noDocker, 'socket')!.message).toContain('No Docker engine socket on the server (/nonexistent/docker.sock)');
    const alias = await test({ kind: 'ssh', alias: 'no-such-alias', auth: { method: 'auto' } });
    expect(alias.failedStep).toBe('connect');
    expect(stepOf(alias, 'connect')!.message).toContain('Unknown SSH alias "no-such-alias"');
  }, 90_000);

  it('ProxyJump through a second sshd (explicit hops and an alias), each hop\'s steps named; a jump host that is down', async () => {
    const hop = `root@127.0.0.1:${jump.port}`;
    const r = await test(sshConfig({ jump: [url('root', jump)] }));
    expect(r.ok).toBe(true);
    expect(stepOf(r, 'connect', hop)?.outcome).toBe('ok');
    expect(stepOf(r, 'hostKey', hop)?.outcome).toBe('ok');
    expect(stepOf(r, 'auth', hop)?.outcome).toBe('ok');
    expect(stepOf(r, 'auth', `root@127.0.0.1:${target.port}`)?.outcome).toBe('ok');
    const viaAlias = await test({ kind: 'ssh', alias: 'wdt-prod', auth: { method: 'auto' }, socketPath: spec.socket });
    expect(viaAlias.ok).toBe(true);
    expect(viaAlias.steps.filter((s) => s.step === 'auth').map((s) => s.hop)).toEqual([hop, `root@127.0.0.1:${target.port}`]);
    const dead = await freePort();
    const down = await test(sshConfig({ jump: [`ssh://root@127.0.0.1:${dead}`] }));
    expect(down.failedStep).toBe('connect');
    expect(stepOf(down, 'connect', `root@127.0.0.1:${dead}`)!.message).toContain('jump host 127.0.0.1');
  }, 90_000);
});

describe('an added ssh host', () => {
  let hostId: string;

  it('connects; its list through the tunnel equals the engine\'s docker ps -a; secrets are not returned', async () => {
    await runContainer({ area: AREA, socket: spec.socket, cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done'] });
    const h = await call('hosts.add', { name: 'remote', config: sshConfig({ url: url(PW_USER), auth: { method: 'password' } }), secret: { password: PW } });
    hostId = h.id;
    expect(JSON.stringify(h)).not.toContain(PW);
    expect(h.secretStorage).toBe('owner-only-file');
    await waitFor('the ssh host to connect', async () => (await call('hosts.list', {})).find((x) => x.id === hostId && x.state === 'connected'), { timeoutMs: 30_000 });
    const list = await call('containers.list', { hostId });
    const ids = (await docker(['ps', '-a', '--format', '{{.ID}}', '--no-trunc'], { socket: spec.socket })).split('\n').filter(Boolean).sort();
    expect(list.map((c) => c.id).sort()).toEqual(ids);
    expect(JSON.stringify(await call('hosts.list', {}))).not.toContain(PW);
    const file = readFileSync(join(dataDir, 'wakedock.json'), 'utf8');
    // Serve has no OS key store: the password is sealed under the owner-only key file, never in clear.
    expect(file).not.toContain(PW);
    expect(JSON.parse(file).hosts.find((x: { id: string }) => x.id === hostId).secret.password).toMatchObject({ $sealed: 'wakedock-keyfile-aes-256-gcm' });
    expect(statSync(join(dataDir, 'secrets.key')).mode & 0o077).toBe(0);
    expect(statSync(join(dataDir, 'wakedock.json')).mode & 0o077).toBe(0);
  }, 90_000);

  it('logs, exec and stats through the tunnel', async () => {
    const c = (await call('containers.list', { hostId })).find((x) => x.state === 'running')!;
    const events: ProcOutput<'logs.follow'>[] = [];
    const sub = link.client.subscribe('logs.follow', { hostId, id: c.id, tail: 5 }, { next: (e) => void events.push(e as ProcOutput<'logs.follow'>), error: () => {}, end: () => {} });
    const texts = (): string[] => events.flatMap((e) => (e.kind === 'lines' ? e.lines.map((l) => l.text) : []));
    await waitFor('live log lines through ssh', () => texts().filter((t) => t.startsWith('tick-')).length >= 8, { timeoutMs: 20_000 });
    link.client.unsubscribe(sub);
    const dockerode = core.hosts.get(hostId).client();
    const exec = await dockerode.getContainer(c.id).exec({ Cmd: ['echo', 'through-ssh'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = await new Promise<string>((ok) => {
      let b = '';
      stream.on('data', (d: Buffer) => (b += d.toString('latin1')));
      stream.on('end', () => ok(b));
      stream.on('close', () => ok(b));
    });
    expect(out).toContain('through-ssh');
    const stats = (await dockerode.getContainer(c.id).stats({ stream: false })) as { memory_stats?: { usage?: number } };
    expect(stats.memory_stats?.usage).toBeGreaterThan(0);
    // The same SSH connection carries other channels (the host shell, the socket forward).
    const session = core.hosts.get(hostId).sshSession()!;
    expect((await session.run('id -un')).stdout.trim()).toBe(PW_USER);
  }, 60_000);

  it('a request through the tunnel does not walk the SSH connection: docker-modem inspects each request\'s options (with the agent) for its debug line', async () => {
    // Before the fix, the agent's full walk (showHidden, depth null) went through the ssh2 client
    // and Node's timer lists: ~300 KB of text and ~100 ms of CPU per request on one host.
    const spy = vi.spyOn(util, 'inspect');
    try {
      for (let i = 0; i < 3; i++) await call('containers.list', { hostId });
      const texts = spy.mock.results.filter((r) => r.type === 'return').map((r) => String(r.value));
      const lines = texts.filter((t) => t.includes('SshStreamAgent'));
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const t of lines) expect(t.length).toBeLessThan(4096);
    } finally {
      spy.mockRestore();
    }
  }, 60_000);

  it('killing the sshd child of the connection: unreachable, then back by itself with the list right; a log follower loses no line', async () => {
    const c = (await call('containers.list', { hostId })).find((x) => x.state === 'running')!;
    const events: ProcOutput<'logs.follow'>[] = [];
    const sub = link.client.subscribe('logs.follow', { hostId, id: c.id, tail: 0 }, { next: (e) => void events.push(e as ProcOutput<'logs.follow'>), error: () => {}, end: () => {} });
    const ticks = (): number[] => events.flatMap((e) => (e.kind === 'lines' ? e.lines.map((l) => Number(/^tick-(\d+)$/.exec(l.text)?.[1] ?? NaN)) : [])).filter((n) => !Number.isNaN(n));
    await waitFor('some lines before the drop', () => ticks().length >= 3, { timeoutMs: 20_000 });
    const states: string[] = [];
    const off = core.hosts.get(hostId).onState((h) => states.push(h.state));
    expect(await target.dropConnections()).toBeGreaterThan(0);
    await waitFor('the host to go unreachable', () => states.includes('unreachable'), { timeoutMs: 30_000 });
    // While it is down, the engine changes: the list after the reconnect must show it.
    const made = await runContainer({ area: AREA, socket: spec.socket });
    await waitFor('the host to come back', async () => (await call('hosts.list', {})).find((x) => x.id === hostId && x.state === 'connected'), { timeoutMs: 30_000 });
    off();
    await waitFor('the new container in the list', async () => (await call('containers.list', { hostId })).some((x) => x.id.startsWith(made.id.slice(0, 12))), { timeoutMs: 10_000 });
    const ids = (await docker(['ps', '-a', '--format', '{{.ID}}', '--no-trunc'], { socket: spec.socket })).split('\n').filter(Boolean).sort();
    expect((await call('containers.list', { hostId })).map((x) => x.id).sort()).toEqual(ids);
    const before = Math.max(...ticks());
    await waitFor('lines after the reconnect', () => Math.max(...ticks()) >= before + 5, { timeoutMs: 30_000 });
    link.client.unsubscribe(sub);
    const t = ticks();
    // Contiguous: no number skipped, none doubled.
    for (let i = 1; i < t.length; i++) expect(t[i]).toBe(t[i - 1]! + 1);
  }, 120_000);

  it('hosts.update secret: null forgets the password (the host then fails at login); remove drops the entry', async () => {
    await call('hosts.update', { hostId, secret: null });
    await waitFor('the host without a password to fail', async () => (await call('hosts.list', {})).find((x) => x.id === hostId && x.state === 'unreachable'), { timeoutMs: 30_000 });
    const h = (await call('hosts.list', {})).find((x) => x.id === hostId)!;
    expect(h.reason).toContain('no password stored');
    expect(h.secretStorage).toBe('none');
    expect(h.retryAt).toBeUndefined();
    await call('hosts.remove', { hostId });
    const file = readFileSync(join(dataDir, 'wakedock.json'), 'utf8');
    expect(file).not.toContain(PW);
    expect(JSON.parse(file).hosts.find((x: { id: string }) => x.id === hostId)).toBeUndefined();
  }, 60_000);

  it('an added host with an unknown key waits for the decision (no retry loop) and connects once trusted', async () => {
    // Its own known_hosts does not know the jump sshd yet.
    const h = await call('hosts.add', { name: 'via-jump-port', config: sshConfig({ url: url('root', jump) }) });
    await waitFor('the host key decision', async () => (await call('hosts.list', {})).find((x) => x.id === h.id && x.hostKey), { timeoutMs: 20_000 });
    const waiting = (await call('hosts.list', {})).find((x) => x.id === h.id)!;
    expect(waiting.state).toBe('unreachable');
    expect(waiting.retryAt).toBeUndefined();
    expect(waiting.hostKey).toMatchObject({ status: 'unknown', fingerprint: jump.hostKey.fingerprint });
    await call('hosts.trustHostKey', { host: '127.0.0.1', port: jump.port, keyType: 'ssh-ed25519', fingerprint: jump.hostKey.fingerprint });
    // The jump sshd lets only the ed25519 key in, and reaches the same private engine.
    await waitFor('the host to connect after trusting', async () => (await call('hosts.list', {})).find((x) => x.id === h.id && x.state === 'connected'), { timeoutMs: 30_000 });
    expect((await call('hosts.list', {})).find((x) => x.id === h.id)!.hostKey).toBeUndefined();
    await call('hosts.remove', { hostId: h.id });
  }, 60_000);
});
