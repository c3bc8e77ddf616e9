// Real OpenSSH servers on loopback for tests and benches (RECIPES: "A remote host over SSH"):
// startSshd() runs /usr/sbin/sshd -D on a free 127.0.0.1 port with its own host key, authorized_keys
// and pid file (never the machine's sshd config); a second one works as a ProxyJump hop. makeKey()
// writes client keys (ed25519, RSA, ECDSA; encrypted with a passphrase if asked), startAgent() an
// ssh-agent with keys loaded, ensureSshUser() an idempotent local user with a password for password
// logins. dropConnections() kills exactly the per-connection children of one sshd (by its own pid,
// never by name): the connections drop, the listener stays, as when a network path breaks.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from './docker-fixtures';

const SSHD = '/usr/sbin/sshd';

function run(bin: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = execFile(bin, args, { env: { ...process.env, ...opts.env } }, (err, stdout, stderr) =>
      ok({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

async function must(bin: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<string> {
  const r = await run(bin, args, opts);
  if (r.code !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export interface SshKey {
  path: string;
  pub: string;
  /** 'SHA256:…' as ssh-keygen prints it. */
  fingerprint: string;
}

/** A client (or host) key pair; `passphrase` encrypts it. */
export async function makeKey(dir: string, name: string, type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519', passphrase = ''): Promise<SshKey> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  if (!existsSync(path)) await must('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', passphrase, '-C', `wdtest-${name}`, '-f', path]);
  chmodSync(path, 0o600);
  const pub = readFileSync(`${path}.pub`, 'utf8').trim();
  const fingerprint = (await must('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`])).split(/\s+/)[1]!;
  return { path, pub, fingerprint };
}

export interface SshdOptions {
  /** Public keys allowed to log in (any user: AuthorizedKeysFile is the fixture's file). */
  authorizedKeys: string[];
  /** Allow password logins on this instance (for ensureSshUser's user). */
  password?: boolean;
  port?: number;
  /** Extra sshd_config lines. */
  extra?: string[];
}

export interface Sshd {
  port: number;
  dir: string;
  hostKey: SshKey;
  pid: number;
  /** Kill the per-connection children (the connections drop; the listener stays). */
  dropConnections(): Promise<number>;
  stop(): Promise<void>;
}

/** Start sshd on 127.0.0.1 with its own host key; resolves when it accepts connections. */
export async function startSshd(dir: string, o: SshdOptions): Promise<Sshd> {
  mkdirSync(dir, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = await makeKey(dir, 'ssh_host_ed25519_key', 'ed25519');
  const port = o.port ?? (await freePort());
  writeFileSync(join(dir, 'authorized_keys'), o.authorizedKeys.join('\n') + '\n', { mode: 0o644 });
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey.path}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `PasswordAuthentication ${o.password ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    'StrictModes no',
    'AllowStreamLocalForwarding yes',
    'AllowTcpForwarding yes',
    'MaxSessions 100',
    'MaxStartups 100:30:200',
    'LogLevel ERROR',
    ...(o.extra ?? []),
  ];
  writeFileSync(join(dir, 'sshd_config'), config.join('\n') + '\n');
  const check = await run(SSHD, ['-t', '-f', join(dir, 'sshd_config')]);
  if (check.code !== 0) throw new Error(`sshd config: ${check.stderr}`);
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-8192)));
  child.on('error', () => {});
  const pid = child.pid!;
  await waitFor(`sshd on 127.0.0.1:${port}`, async () => {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log}`);
    return (await run('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`])).code === 0;
  }, { timeoutMs: 15_000, intervalMs: 50 });
  return {
    port,
    dir,
    hostKey,
    pid,
    dropConnections: async () => {
      // The per-connection monitor and its unprivileged child both hold the connection's socket.
      const kids = descendantsOf(pid);
      for (const k of kids) {
        try {
          process.kill(k, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      return kids.length;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      for (const k of descendantsOf(pid)) {
        try {
          process.kill(k, 'SIGKILL');
        } catch {
          // gone
        }
      }
      child.kill('SIGTERM');
      await waitFor('sshd to exit', () => child.exitCode !== null || child.signalCode !== null, { timeoutMs: 10_000, intervalMs: 50 });
    },
  };
}

/** Every descendant of a pid, children first. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const kids = childrenOf(queue.shift()!);
    out.push(...kids);
    queue.push(...kids);
  }
  return out;
}

/** Direct children of a pid (from /proc). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

export interface Agent {
  sock: string;
  stop(): void;
}

/** ssh-agent in the foreground on its own socket, with these keys added. */
export async function startAgent(dir: string, keys: SshKey[]): Promise<Agent> {
  mkdirSync(dir, { recursive: true });
  const sock = join(dir, `agent-${process.pid}-${Date.now()}.sock`);
  const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  child.on('error', () => {});
  await waitFor('ssh-agent socket', () => existsSync(sock), { timeoutMs: 10_000, intervalMs: 20 });
  for (const k of keys) await must('ssh-add', ['-q', k.path], { env: { SSH_AUTH_SOCK: sock } });
  return { sock, stop: () => void child.kill('SIGTERM') };
}

/** A local user with a password (idempotent), optionally in extra groups (created if missing). */
export async function ensureSshUser(name: string, password: string, groups: string[] = []): Promise<{ uid: number }> {
  for (const g of groups) await run('groupadd', ['-f', g]);
  if ((await run('id', ['-u', name])).code !== 0) {
    await must('useradd', ['-m', '-s', '/bin/sh', ...(groups.length ? ['-G', groups.join(',')] : []), name]);
  } else if (groups.length) {
    await must('usermod', ['-a', '-G', groups.join(','), name]);
  }
  await must('chpasswd', [], { input: `${name}:${password}\n` });
  return { uid: Number((await must('id', ['-u', name])).trim()) };
}
