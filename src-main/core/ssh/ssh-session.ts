// One SSH connection to a server (through its ProxyJump hops), with ssh2: TCP connect (or a
// forwardOut channel on the previous hop), host key checked against known_hosts, login as OpenSSH
// would try (agent, key files, password), keepalives. Everything else (the engine's socket, a host
// shell, a local socket forward) is a channel on this one connection: SshSession.
import { readFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2, { type AnyAuthMethod, type Client, type ClientChannel, type ConnectConfig, type PseudoTtyOptions } from 'ssh2';

// ssh2 is CommonJS: the built ESM bundle (out/main/serve.js) cannot take its named exports.
const { Client: SshClient, utils } = ssh2;
import type { ErrorReason, HostKeyInfo, HostSecret, HostTestStepName, SshAuth } from '../../contract';
import { changedKeyMessage, fingerprintOf, keyTypeOf, removeHint, type KnownHosts } from './known-hosts';
import { targetLabel, type ResolvedSsh, type SshTarget } from './ssh-config';

/** A failure with the step it happened at (hosts.test shows it; the host shows message + hint). */
export class SshStepError extends Error {
  constructor(
    readonly step: HostTestStepName,
    message: string,
    readonly o: { reason?: ErrorReason; hint?: string; hop?: string; hostKey?: HostKeyInfo; permanent?: boolean; code?: string } = {},
  ) {
    super(message);
  }
  get reason(): ErrorReason | undefined {
    return this.o.reason;
  }
  get hint(): string | undefined {
    return this.o.hint;
  }
  get hop(): string | undefined {
    return this.o.hop;
  }
  get hostKey(): HostKeyInfo | undefined {
    return this.o.hostKey;
  }
  /** Retrying cannot help (a host-key decision, a refused login): HostConnection does not loop. */
  get permanent(): boolean {
    return this.o.permanent === true;
  }
  /** The OS errno behind it, if any (ECONNREFUSED…). */
  get code(): string | undefined {
    return this.o.code;
  }
}

/** What a step of the connection did (hosts.test lists them). */
export interface SshStepReport {
  step: HostTestStepName;
  hop?: string;
  message: string;
}

export interface SshSession {
  readonly target: ResolvedSsh;
  /** The ssh2 client of the target (the last hop). */
  readonly client: Client;
  /** A channel to a unix socket on the server (the engine's), as `ssh -L local:remote.sock`. */
  forwardOutStreamLocal(socketPath: string): Promise<ClientChannel>;
  /** Run a command; resolves with its channel (stdout = the channel, stderr = channel.stderr). */
  exec(command: string, opts?: { pty?: PseudoTtyOptions }): Promise<ClientChannel>;
  /** A login shell with a pty. */
  shell(pty: PseudoTtyOptions): Promise<ClientChannel>;
  /** Run a short command and collect its output (bounded). */
  run(command: string, timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** The connection (any hop) closed or stopped answering keepalives. */
  onClose(listener: (why: Error) => void): () => void;
  readonly closed: boolean;
  close(): void;
}

export interface OpenSshOptions {
  target: ResolvedSsh;
  auth: SshAuth;
  secret?: HostSecret;
  knownHosts: KnownHosts;
  signal?: AbortSignal;
  /** Keepalive interval (s); the connection is lost after 3 unanswered. Default 15. */
  keepaliveSec?: number;
  /** Per-hop timeout for connect + handshake + login (ms). Default 15 s. */
  timeoutMs?: number;
  /** SSH_AUTH_SOCK (default: the environment's; Pageant on Windows). */
  agentSocket?: string;
  home?: string;
  /** Each passed step, as it passes. */
  onStep?: (r: SshStepReport) => void;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function agentOf(o: OpenSshOptions): string | undefined {
  if (o.agentSocket !== undefined) return o.agentSocket || undefined;
  if (process.env.SSH_AUTH_SOCK) return process.env.SSH_AUTH_SOCK;
  return process.platform === 'win32' ? 'pageant' : undefined;
}

/** A key file → a key ssh2 can use, or a coded error (encrypted without/with a wrong passphrase). */
async function loadKey(path: string, passphrase: string | undefined, hop: string | undefined): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    throw new SshStepError('auth', `cannot read the key ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { reason: 'AUTH_FAILED', hop, permanent: true });
  }
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    if (/encrypted|passphrase/i.test(parsed.message)) {
      throw new SshStepError('auth', passphrase ? `the passphrase does not open the key ${path}` : `the key ${path} is encrypted: give its passphrase`, {
        reason: 'KEY_PASSPHRASE_NEEDED',
        hop,
        permanent: true,
        hint: 'Enter the key passphrase in the host settings (it is kept in the secret store)',
      });
    }
    throw new SshStepError('auth', `${path} is not a private key ssh can use (${parsed.message})`, { reason: 'AUTH_FAILED', hop, permanent: true });
  }
  return data;
}

/** The login methods to try for one hop, in OpenSSH's order. */
async function authMethods(hop: SshTarget, o: OpenSshOptions, isTarget: boolean): Promise<{ methods: AnyAuthMethod[]; tried: string[] }> {
  const hopTag = o.target.jumps.length > 0 ? targetLabel(hop) : undefined;
  const username = hop.user;
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const agent = agentOf(o);
  const secret = isTarget ? o.secret : undefined;
  const auth: SshAuth = isTarget ? o.auth : { method: 'auto' };
  const password = (pw: string): void => {
    methods.push({ type: 'password', username, password: pw });
    methods.push({
      type: 'keyboard-interactive',
      username,
      prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => pw)),
    });
    tried.push('password');
  };
  switch (auth.method) {
    case 'agent':
      if (!agent) throw new SshStepError('auth', 'no SSH agent: SSH_AUTH_SOCK is not set for WakeDock', { reason: 'AUTH_FAILED', hop: hopTag, permanent: true, hint: 'Start ssh-agent and add your key (ssh-add), or choose a key file' });
      methods.push({ type: 'agent', username, agent });
      tried.push('agent');
      break;
    case 'key': {
      const key = await loadKey(auth.keyPath, secret?.passphrase, hopTag);
      methods.push({ type: 'publickey', username, key, ...(secret?.passphrase ? { passphrase: secret.passphrase } : {}) });
      tried.push(`key ${auth.keyPath}`);
      break;
    }
    case 'password':
      if (!secret?.password) throw new SshStepError('auth', 'no password stored for this host', { reason: 'AUTH_FAILED', hop: hopTag, permanent: true, hint: 'Enter the password in the host settings' });
      password(secret.password);
      break;
    case 'auto': {
      if (agent && !hop.identitiesOnly) {
        methods.push({ type: 'agent', username, agent });
        tried.push('agent');
      }
      const home = o.home ?? process.env.HOME ?? homedir();
      const files = hop.identityFiles.length > 0 ? [...hop.identityFiles] : DEFAULT_KEYS.map((k) => join(home, '.ssh', k));
      // A jump host is logged into as ssh would (agent, its IdentityFile or the default keys), and
      // with the target's key file too: one key for the bastion and the server is the common case.
      if (!isTarget && o.auth.method === 'key' && !files.includes(o.auth.keyPath)) files.unshift(o.auth.keyPath);
      for (const f of files) {
        let data: Buffer;
        try {
          data = await readFile(f);
        } catch {
          continue; // as ssh: a missing default/IdentityFile is skipped
        }
        const parsed = utils.parseKey(data, secret?.passphrase);
        if (parsed instanceof Error) {
          // An encrypted key with no passphrase: ssh would ask; here it is skipped, and said so if all else fails.
          if (/encrypted|passphrase/i.test(parsed.message)) tried.push(`key ${f} (encrypted, no passphrase)`);
          continue;
        }
        methods.push({ type: 'publickey', username, key: data, ...(secret?.passphrase ? { passphrase: secret.passphrase } : {}) });
        tried.push(`key ${f}`);
      }
      if (secret?.password) password(secret.password);
      break;
    }
  }
  return { methods, tried };
}

function tcpConnect(host: string, port: number, ms: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host, port });
    const done = (e?: Error): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      if (e) {
        s.destroy();
        reject(e);
      } else resolve(s);
    };
    const onAbort = (): void => done(new Error('cancelled'));
    const t = setTimeout(() => done(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    s.once('connect', () => done());
    s.once('error', (e) => done(e));
  });
}

const errnoText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens on that port: is sshd running, is it the SSH port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host name';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    case 'ETIMEDOUT':
      return err.message.startsWith('no answer') ? err.message : 'timed out';
    default:
      return err.message;
  }
};

const reasonOfErrno = (code: string | undefined): ErrorReason =>
  code === 'ECONNREFUSED' || code === 'ECONNRESET' ? 'CONNECTION_LOST' : code === 'ETIMEDOUT' ? 'TIMEOUT' : 'HOST_UNREACHABLE';

/** Connect one hop over `sock` (TCP or a channel of the previous hop). */
function handshake(client: Client, hop: SshTarget, sock: Duplex, o: OpenSshOptions, methods: AnyAuthMethod[], tried: string[]): Promise<void> {
  const label = targetLabel(hop);
  const hopTag = o.target.jumps.length > 0 ? label : undefined;
  return new Promise((resolve, reject) => {
    let verdict: ReturnType<KnownHosts['check']> | null = null;
    let settled = false;
    const timer = setTimeout(() => fail(new SshStepError(verdict ? 'auth' : 'hostKey', `${label}: no SSH handshake within ${(o.timeoutMs ?? 15_000) / 1000} s`, { reason: 'TIMEOUT', hop: hopTag })), o.timeoutMs ?? 15_000);
    const onAbort = (): void => fail(new SshStepError('connect', 'cancelled', { hop: hopTag }));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    function cleanup(): void {
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      client.removeListener('ready', onReady);
      client.removeListener('error', onError);
    }
    function fail(e: Error): void {
      if (settled) return;
      cleanup();
      client.on('error', () => {});
      client.end();
      sock.destroy();
      reject(e);
    }
    const onReady = (): void => {
      if (settled) return;
      cleanup();
      o.onStep?.({ step: 'auth', hop: hopTag, message: `logged in as ${hop.user}` });
      resolve();
    };
    const onError = (e: Error & { level?: string }): void => {
      if (verdict && verdict.status !== 'known') {
        const v = verdict;
        if (v.status === 'unknown') {
          fail(
            new SshStepError('hostKey', `The authenticity of host ${label} can't be established: its ${v.info.keyType} key fingerprint is ${v.info.fingerprint}. Check it and accept it once if it is the server's.`, {
              reason: 'HOST_KEY_UNKNOWN',
              hop: hopTag,
              hostKey: v.info,
              permanent: true,
              hint: 'Compare the fingerprint with the server\'s (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server), then trust it',
            }),
          );
        } else {
          fail(
            new SshStepError('hostKey', changedKeyMessage(hop.host, hop.port, v.info.fingerprint, v.info.knownFingerprint, v.knownAt), {
              reason: 'HOST_KEY_CHANGED',
              hop: hopTag,
              hostKey: v.info,
              permanent: true,
              hint: removeHint(hop.host, hop.port, v.knownAt?.replace(/:\d+$/, '')),
            }),
          );
        }
        return;
      }
      if (e.level === 'client-authentication') {
        const what = tried.length > 0 ? tried.join(', ') : 'nothing to offer (no agent, no key file, no password)';
        fail(new SshStepError('auth', `${label} refused the login as ${hop.user} (tried: ${what})`, { reason: 'AUTH_FAILED', hop: hopTag, permanent: true, hint: 'Check the user name and that the key is in the server\'s authorized_keys (or the password)' }));
        return;
      }
      fail(new SshStepError(verdict ? 'auth' : 'hostKey', `${label}: ${e.message}`, { reason: 'CONNECTION_LOST', hop: hopTag }));
    };
    client.on('ready', onReady);
    client.on('error', onError);
    const cfg: ConnectConfig = {
      sock: sock as ConnectConfig['sock'],
      username: hop.user,
      authHandler: methods,
      readyTimeout: o.timeoutMs ?? 15_000,
      keepaliveInterval: (o.keepaliveSec ?? 15) * 1000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        verdict = o.knownHosts.check(hop.host, hop.port, key, hop.knownHostsFiles, hopTag);
        if (verdict.status === 'known') o.onStep?.({ step: 'hostKey', hop: hopTag, message: `${keyTypeOf(key)} key ${fingerprintOf(key)} is in known_hosts` });
        return verdict.status === 'known';
      },
    };
    client.connect(cfg);
  });
}

function forwardOut(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => (err ? reject(err) : resolve(ch))));
}

/** Open the connection: each hop in turn, then the target. Rejects with an SshStepError. */
export async function openSshSession(o: OpenSshOptions): Promise<SshSession> {
  const hops: SshTarget[] = [...o.target.jumps, o.target];
  const clients: Client[] = [];
  const closeAll = (): void => {
    for (const c of [...clients].reverse()) {
      c.on('error', () => {});
      c.end();
    }
  };
  try {
    for (let i = 0; i < hops.length; i++) {
      o.signal?.throwIfAborted();
      const hop = hops[i]!;
      const isTarget = i === hops.length - 1;
      const hopTag = o.target.jumps.length > 0 ? targetLabel(hop) : undefined;
      let sock: Duplex;
      if (i === 0) {
        try {
          sock = await tcpConnect(hop.host, hop.port, o.timeoutMs ?? 15_000, o.signal);
        } catch (e) {
          const isJump = !isTarget;
          throw new SshStepError('connect', `${isJump ? 'jump host ' : ''}${hop.host}:${hop.port}: ${errnoText(e)}`, { reason: reasonOfErrno((e as NodeJS.ErrnoException).code), hop: hopTag, code: (e as NodeJS.ErrnoException).code });
        }
      } else {
        try {
          sock = await forwardOut(clients[i - 1]!, hop.host, hop.port);
        } catch (e) {
          throw new SshStepError('connect', `${targetLabel(hops[i - 1]!)} could not reach ${hop.host}:${hop.port} (${(e as Error).message})`, { reason: 'HOST_UNREACHABLE', hop: hopTag });
        }
      }
      o.onStep?.({ step: 'connect', hop: hopTag, message: i === 0 ? `${hop.host}:${hop.port} accepts connections` : `reached ${hop.host}:${hop.port} through ${targetLabel(hops[i - 1]!)}` });
      const { methods, tried } = await authMethods(hop, o, isTarget).catch((e: unknown) => {
        sock.destroy();
        throw e;
      });
      const client = new SshClient();
      await handshake(client, hop, sock, o, methods, tried);
      clients.push(client);
    }
  } catch (e) {
    closeAll();
    throw e;
  }
  const client = clients[clients.length - 1]!;
  const listeners = new Set<(why: Error) => void>();
  // Channel requests not answered yet. ssh2 drops its channel table when the connection closes
  // (ending the open channels) before our 'close' listener runs: a request made in between (an
  // ended exec's inspect, say) would never be answered, so losing the connection fails them.
  const pending = new Set<(why: Error) => void>();
  let closed = false;
  const failPending = (why: Error): void => {
    for (const fail of [...pending]) fail(Object.assign(new Error(`the SSH connection was lost (${why.message})`), { code: 'ECONNRESET' }));
  };
  const lost = (why: Error): void => {
    if (closed) return;
    closed = true;
    closeAll();
    failPending(why);
    for (const l of listeners) l(why);
  };
  for (const [i, c] of clients.entries()) {
    const name = targetLabel(hops[i]!);
    c.on('error', (e: Error) => lost(new Error(`SSH connection to ${name} failed: ${e.message}`)));
    c.on('close', () => lost(Object.assign(new Error(`the SSH connection to ${name} closed`), { code: 'ECONNRESET' })));
  }
  const channel = (fn: (cb: (err: Error | undefined, ch: ClientChannel) => void) => void): Promise<ClientChannel> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(Object.assign(new Error('the SSH connection is closed'), { code: 'ECONNRESET' }));
      const fail = (e: Error): void => {
        pending.delete(fail);
        reject(e);
      };
      pending.add(fail);
      fn((err, ch) => {
        if (!pending.delete(fail)) {
          // Failed already (the connection was lost): a late channel is of no use.
          ch?.on('error', () => {});
          ch?.close();
          return;
        }
        if (err) reject(err);
        else resolve(ch);
      });
    });
  const session: SshSession = {
    target: o.target,
    client,
    forwardOutStreamLocal: (socketPath) => channel((cb) => client.openssh_forwardOutStreamLocal(socketPath, cb)),
    exec: (command, opts) => channel((cb) => (opts?.pty ? client.exec(command, { pty: opts.pty }, cb) : client.exec(command, cb))),
    shell: (pty) => channel((cb) => client.shell(pty, cb)),
    run: async (command, timeoutMs = 10_000) => {
      const ch = await session.exec(command);
      return new Promise((resolve, reject) => {
        let stdout = '';
        let stderr = '';
        const t = setTimeout(() => (ch.close(), reject(new Error(`"${command}" did not finish within ${timeoutMs / 1000} s`))), timeoutMs);
        ch.on('data', (d: Buffer) => (stdout = (stdout + d.toString('utf8')).slice(-65536)));
        ch.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-65536)));
        ch.on('close', (code: number | null) => (clearTimeout(t), resolve({ code, stdout, stderr })));
      });
    },
    onClose: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get closed() {
      return closed;
    },
    close: () => {
      if (closed) return;
      closed = true;
      closeAll();
      failPending(new Error('closed'));
    },
  };
  return session;
}
