// The ssh connector: one SSH connection per host, multiplexed. Every dockerode request (lists,
// events, logs, exec attach, stats streams) is its own `direct-streamlocal@openssh.com` channel to
// the engine's unix socket on the server, made by an http.Agent whose createConnection returns the
// channel (kept alive and reused like a socket). The connection's loss (keepalives unanswered, sshd
// gone) is reported through onLost, and HostConnection reconnects with backoff.
import Dockerode from 'dockerode';
import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import type { HostSecret, SshHostConfig } from '../../contract';
import { withShortInspect } from '../engine/agent-inspect';
import type { EngineConnection, EngineConnector } from '../engine/connectors';
import type { KnownHosts } from './known-hosts';
import { SshConfigResolver, targetLabel, type ResolvedSsh } from './ssh-config';
import { openSshSession, SshStepError, type SshSession, type SshStepReport } from './ssh-session';

export interface SshDeps {
  knownHosts: KnownHosts;
  /** A fresh resolver per connection attempt (the config file may have changed). */
  resolver?: () => SshConfigResolver;
  /** The host's stored secret, read at each attempt. */
  secret?: () => HostSecret | undefined;
  agentSocket?: string;
  home?: string;
  timeoutMs?: number;
}

/** An engine connection over SSH exposes its session (host shell, socket forward) to other features. */
export interface SshEngineConnection extends EngineConnection {
  ssh: SshSession;
  socketPath: string;
}

/**
 * The http.Agent that makes every engine connection a channel of the SSH connection.
 *
 * When the SSH connection dies, ssh2 pushes EOF into each channel but emits 'close' only after
 * 'end', 'end' only once the channel is read, and its destroy() emits nothing and leaves
 * `destroyed` false. A keep-alive channel resting in the agent's free list is never read, so
 * node:http would hand it to the next request (an ended exec's inspect after the drop), which then
 * waits forever: not even the call guard's deadline frees it. So on the connection's loss every
 * channel of this agent is destroyed as a stream (the agent skips destroyed free sockets) and
 * closed here: requests on them fail at once (ECONNRESET) and new ones find the connection closed.
 */
export class SshStreamAgent extends Agent {
  private readonly channels = new Set<ClientChannel>();

  constructor(
    private readonly session: SshSession,
    private readonly socketPath: string,
    opts: AgentOptions = {},
  ) {
    super({ keepAlive: true, maxFreeSockets: 4, ...opts });
    withShortInspect(this, `SshStreamAgent ${socketPath}`);
    session.onClose(() => {
      const all = [...this.channels];
      this.channels.clear();
      // All are marked destroyed before any 'close' runs a listener: one that sends a request at
      // once (the exec's inspect) must not be handed a channel not yet marked.
      for (const ch of all) {
        ch.on('error', () => {});
        Duplex.prototype.destroy.call(ch);
      }
      for (const ch of all) ch.emit('close');
    });
  }

  override createConnection(_options: ClientRequestArgs, cb?: (err: Error | null, socket: Duplex) => void): Duplex | null | undefined {
    this.session.forwardOutStreamLocal(this.socketPath).then(
      (ch) => {
        closesOnce(ch);
        this.channels.add(ch);
        ch.once('close', () => this.channels.delete(ch));
        cb?.(null, asSocket(ch));
      },
      (e: Error) => cb?.(Object.assign(channelRefusal(e, this.socketPath), { code: (e as { code?: string }).code ?? 'ECONNRESET' }), undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/**
 * ssh2's "(SSH) Channel open failure: …" in words that say who refused and why (RFC 4254 reason
 * codes): a request then fails with the server's reason instead of a bare channel error.
 */
export function channelRefusal(e: Error, socketPath: string): Error {
  if (!/Channel open failure/i.test(e.message)) return e;
  const reason = (e as { reason?: number | string }).reason;
  const detail = e.message.replace(/^\(SSH\) Channel open failure:\s*/i, '');
  const why =
    reason === 1
      ? 'administratively prohibited: the server does not allow forwarding to unix sockets (AllowStreamLocalForwarding), or one of its limits was reached'
      : reason === 2
        ? 'connect failed: nothing accepts connections on that socket on the server (is Docker running there?)'
        : reason === 4
          ? 'resource shortage: the server has no room for another channel'
          : detail || 'the server closed the channel';
  const err = new Error(`the SSH server refused a channel to ${socketPath}: ${why}${detail && !why.includes(detail) ? ` (${detail})` : ''}`);
  return Object.assign(err, { sshReason: reason, cause: e });
}

/** 'close' reaches the listeners once, whether ssh2 or the agent above emits it first. */
function closesOnce(ch: ClientChannel): void {
  const emit = ch.emit.bind(ch);
  let closed = false;
  ch.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'close') {
      if (closed) return false;
      closed = true;
    }
    return emit(event, ...args);
  }) as ClientChannel['emit'];
}

/** node:http treats its connection as a net.Socket: give the channel the few socket methods it calls. */
function asSocket(ch: ClientChannel): Duplex {
  const s = ch as unknown as Record<string, unknown>;
  const self = (): ClientChannel => ch;
  for (const m of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) if (typeof s[m] !== 'function') s[m] = self;
  if (s.remoteAddress === undefined) s.remoteAddress = '127.0.0.1';
  return ch;
}

export function resolveSshConfig(config: SshHostConfig, resolver = new SshConfigResolver()): ResolvedSsh {
  return config.alias ? resolver.resolveAlias(config.alias) : resolver.resolveUrl(config.url!, config.jump);
}

/** Candidate engine sockets: the config's, else /var/run/docker.sock then the rootless one. */
async function findSocket(session: SshSession, config: SshHostConfig, onStep?: (r: SshStepReport) => void): Promise<string> {
  const probe = async (path: string): Promise<boolean> => {
    try {
      const ch = await session.forwardOutStreamLocal(path);
      ch.on('error', () => {});
      ch.close();
      return true;
    } catch {
      return false;
    }
  };
  const user = session.target.user;
  const found = (path: string, how: string): string => (onStep?.({ step: 'socket', message: `${path} (${how})` }), path);
  if (config.socketPath) {
    if (await probe(config.socketPath)) return found(config.socketPath, 'as configured');
    throw await socketError(session, [config.socketPath], user);
  }
  const candidates = ['/var/run/docker.sock'];
  if (await probe(candidates[0]!)) return found(candidates[0]!, 'the default socket');
  const uid = await session
    .run('id -u', 5000)
    .then((r) => (/^\d+$/.test(r.stdout.trim()) ? r.stdout.trim() : undefined))
    .catch(() => undefined);
  if (uid) {
    const rootless = `/run/user/${uid}/docker.sock`;
    candidates.push(rootless);
    if (await probe(rootless)) return found(rootless, 'rootless Docker');
  }
  throw await socketError(session, candidates, user);
}

/** Why no socket could be opened: missing (no Docker) or not permitted (not in the docker group). */
async function socketError(session: SshSession, paths: string[], user: string): Promise<SshStepError> {
  const q = (p: string): string => `'${p.replace(/'/g, `'\\''`)}'`;
  const script = paths.map((p) => `if [ -S ${q(p)} ]; then if [ -r ${q(p)} ] && [ -w ${q(p)} ]; then echo "ok ${p}"; else echo "denied ${p}"; fi; else echo "missing ${p}"; fi`).join('; ');
  const r = await session.run(script, 5000).catch(() => null);
  const denied = r?.stdout.split('\n').find((l) => l.startsWith('denied '))?.slice(7);
  if (denied) {
    return new SshStepError('socket', `The server's user "${user}" may not open ${denied} (permission denied): it is not in the docker group`, {
      reason: 'SOCKET_PERMISSION',
      permanent: true,
      hint: `On the server: sudo usermod -aG docker ${user}, then reconnect (or give the socket path of a rootless engine)`,
    });
  }
  const listed = paths.join(', ');
  if (r && r.stdout.includes('ok ')) {
    return new SshStepError('socket', `The server's sshd refused to forward to the engine socket (${listed}): AllowStreamLocalForwarding is off on the server`, {
      reason: 'SOCKET_PERMISSION',
      permanent: true,
      hint: 'Set AllowStreamLocalForwarding yes (or all) in the server\'s sshd_config',
    });
  }
  return new SshStepError('socket', `No Docker engine socket on the server (${listed}): is Docker installed and running there?`, {
    reason: 'SOCKET_MISSING',
    hint: 'Start Docker on the server, or give the socket path in the host settings',
  });
}

/** Open the session and find the engine socket (hosts.test reports each step through onStep). */
export async function openSshEngine(config: SshHostConfig, deps: SshDeps, signal: AbortSignal, onStep?: (r: SshStepReport) => void): Promise<SshEngineConnection> {
  let target: ResolvedSsh;
  try {
    target = resolveSshConfig(config, deps.resolver?.() ?? new SshConfigResolver());
  } catch (e) {
    const err = e as Error & { reason?: string; hint?: string };
    throw new SshStepError('connect', err.message, { reason: err.reason === 'SSH_ALIAS_NOT_FOUND' ? 'SSH_ALIAS_NOT_FOUND' : 'SSH_CONFIG_INVALID', permanent: true, hint: err.hint });
  }
  const session = await openSshSession({
    target,
    auth: config.auth,
    secret: deps.secret?.(),
    knownHosts: deps.knownHosts,
    signal,
    keepaliveSec: config.keepaliveSec,
    agentSocket: deps.agentSocket,
    home: deps.home,
    timeoutMs: deps.timeoutMs,
    onStep,
  });
  let socketPath: string;
  try {
    socketPath = await findSocket(session, config, onStep);
  } catch (e) {
    session.close();
    throw e;
  }
  const agent = new SshStreamAgent(session, socketPath);
  // host without a port: the engine-logs fast path (raw TCP) must not take it for a TCP engine.
  const docker = new Dockerode({ protocol: 'http', host: 'docker', agent } as Dockerode.DockerOptions);
  return {
    docker,
    ssh: session,
    socketPath,
    close: () => {
      agent.destroy();
      session.close();
    },
    onLost: (l) => session.onClose(l),
  };
}

export function sshConnector(config: SshHostConfig, deps: SshDeps): EngineConnector {
  return { kind: 'ssh', open: (signal) => openSshEngine(config, deps, signal) };
}

/** 'user@host:port' of the config's target (logs, the UI). */
export function sshTargetLabel(config: SshHostConfig, resolver?: SshConfigResolver): string {
  try {
    return targetLabel(resolveSshConfig(config, resolver));
  } catch {
    return config.url ?? config.alias ?? 'ssh';
  }
}
