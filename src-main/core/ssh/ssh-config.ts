// ~/.ssh/config, resolved as OpenSSH does, for ssh hosts given by alias. The file is parsed by the
// maintained `ssh-config` package (Host/Match sections, quoting, first-obtained-value-wins in
// compute()); this module adds what WakeDock needs on top: the alias list (Host entries without
// wildcards), defaults (port 22, the local user), `~` and the %h %r %u %p %d %% tokens in
// IdentityFile, and ProxyJump hops (each hop resolved through the config again, as ssh does).
// `Match exec` is never run (matchExec: false): reading a config must not start programs.
// Not supported: Include (the included files are not read) — the UI lists what the main file has.
import { parse } from 'ssh-config';
import { homedir, userInfo } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RpcError, type SshAlias } from '../../contract';

export interface SshConfigEnv {
  home: string;
  /** The local user name (OpenSSH's default remote user, %u). */
  localUser: string;
  /** The config text, or undefined when there is no file. */
  readConfig(): string | undefined;
}

export function defaultSshConfigEnv(env: NodeJS.ProcessEnv = process.env): SshConfigEnv {
  const home = env.HOME || homedir();
  let localUser = env.USER || env.LOGNAME || '';
  if (!localUser) {
    try {
      localUser = userInfo().username;
    } catch {
      localUser = 'root';
    }
  }
  return {
    home,
    localUser,
    readConfig: () => {
      try {
        return readFileSync(join(home, '.ssh', 'config'), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw RpcError.from('VALIDATION', `~/.ssh/config cannot be read: ${(e as Error).message}`, { reason: 'SSH_CONFIG_INVALID' });
      }
    },
  };
}

/** One SSH endpoint: where to connect and as whom. */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** Private keys to try, in order (expanded paths). Empty: the default keys. */
  identityFiles: string[];
  /** IdentitiesOnly yes: do not offer the agent's other keys. */
  identitiesOnly: boolean;
  /** Extra known_hosts files named by the config (expanded). */
  knownHostsFiles: string[];
  /** The alias this came from, if any. */
  alias?: string;
}

export interface ResolvedSsh extends SshTarget {
  /** Jump hosts, first hop first (each resolved through the config). */
  jumps: SshTarget[];
}

/** 'user@host:port' as the UI and hosts.test show a hop. */
export const targetLabel = (t: Pick<SshTarget, 'user' | 'host' | 'port'>): string => `${t.user}@${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;

type Computed = Record<string, string | string[]>;

const MAX_LINES = 20_000;

/** Parse the config text; a syntax error names its line. */
function parseConfig(text: string): ReturnType<typeof parse> {
  try {
    return parse(text);
  } catch (e) {
    const lines = text.split('\n').slice(0, MAX_LINES);
    let line = 0;
    for (let n = 1; n <= lines.length; n++) {
      try {
        parse(lines.slice(0, n).join('\n') + '\n');
      } catch {
        line = n;
        break;
      }
    }
    const where = line > 0 ? `line ${line} (${lines[line - 1]!.trim().slice(0, 80)})` : 'a line';
    throw RpcError.from('VALIDATION', `~/.ssh/config: ${where} cannot be read: ${(e as Error).message}`, { reason: 'SSH_CONFIG_INVALID', detail: (e as Error).message });
  }
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const isPattern = (s: string): boolean => /[*?!]/.test(s);

/** ~ and OpenSSH's %-tokens in a path (ssh_config(5) TOKENS, the ones that make sense here). */
export function expandPath(p: string, t: { host: string; port: number; user: string; localUser: string; home: string; alias?: string }): string {
  let out = p.replace(/%(.)/g, (m, c: string) => {
    switch (c) {
      case 'h':
        return t.host;
      case 'p':
        return String(t.port);
      case 'r':
        return t.user;
      case 'u':
        return t.localUser;
      case 'd':
        return t.home;
      case 'n':
        return t.alias ?? t.host;
      case '%':
        return '%';
      default:
        return m;
    }
  });
  if (out === '~') out = t.home;
  else if (out.startsWith('~/')) out = join(t.home, out.slice(2));
  return out;
}

/** [user@]host[:port] or ssh://[user@]host[:port] → its parts (a bare host may be an alias). */
export function parseHopSpec(spec: string): { user?: string; host: string; port?: number } {
  const s = spec.trim().replace(/^ssh:\/\//i, '').replace(/\/$/, '');
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) throw RpcError.from('VALIDATION', `"${spec}" is not a jump host (use [user@]host[:port])`, { reason: 'INVALID_INPUT' });
  return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
}

export class SshConfigResolver {
  private parsed: ReturnType<typeof parse> | null | undefined;

  constructor(private readonly env: SshConfigEnv = defaultSshConfigEnv()) {}

  private config(): ReturnType<typeof parse> | null {
    if (this.parsed === undefined) {
      const text = this.env.readConfig();
      this.parsed = text === undefined ? null : parseConfig(text);
    }
    return this.parsed;
  }

  private compute(host: string, user?: string): Computed {
    const c = this.config();
    if (!c) return {};
    return user ? c.compute({ Host: host, User: user }, { ignoreCase: true, matchExec: false }) : c.compute(host, { ignoreCase: true, matchExec: false });
  }

  /** Host entries without wildcards, in file order (an entry naming several aliases gives each). */
  aliases(): string[] {
    const c = this.config();
    if (!c) return [];
    const out: string[] = [];
    for (const line of c) {
      if (line.type !== 1 || line.param.toLowerCase() !== 'host') continue;
      const vals = typeof line.value === 'string' ? line.value.split(/\s+/) : line.value.map((v) => v.val);
      for (const v of vals) if (v && !isPattern(v) && !out.includes(v)) out.push(v);
    }
    return out;
  }

  /** Is this name a Host alias of the file? */
  hasAlias(alias: string): boolean {
    return this.aliases().includes(alias);
  }

  /**
   * One endpoint as ssh would reach it: the config's values for `host` (first match wins), then the
   * explicit user/port (from an ssh:// URL, which beat the file as on ssh's command line).
   */
  target(host: string, explicit: { user?: string; port?: number } = {}): SshTarget & { proxyJump?: string } {
    const v = this.compute(host, explicit.user);
    const hostName = expandHostName(first(v.hostname) ?? host, host);
    const user = explicit.user ?? first(v.user) ?? this.env.localUser;
    const port = explicit.port ?? (Number(first(v.port)) || 22);
    const tokens = { host: hostName, port, user, localUser: this.env.localUser, home: this.env.home, alias: host };
    const identityFiles = all(v.identityfile).filter((f) => f.toLowerCase() !== 'none').map((f) => expandPath(f, tokens));
    const knownHostsFiles = all(v.userknownhostsfile)
      .flatMap((f) => f.split(/\s+/))
      .filter((f) => f && f.toLowerCase() !== 'none')
      .map((f) => expandPath(f, tokens));
    const pj = first(v.proxyjump);
    return {
      host: hostName,
      port,
      user,
      identityFiles,
      identitiesOnly: (first(v.identitiesonly) ?? '').toLowerCase() === 'yes',
      knownHostsFiles,
      ...(this.hasAlias(host) ? { alias: host } : {}),
      ...(pj && pj.toLowerCase() !== 'none' ? { proxyJump: pj } : {}),
    };
  }

  /** Jump hops of a ProxyJump value, each resolved through the config (its own ProxyJump first, as ssh chains them). */
  jumps(proxyJump: string | undefined, depth = 0): SshTarget[] {
    if (!proxyJump) return [];
    if (depth > 8) throw RpcError.from('VALIDATION', 'ProxyJump chains more than 8 hosts deep (a loop in ~/.ssh/config?)', { reason: 'SSH_CONFIG_INVALID' });
    const out: SshTarget[] = [];
    for (const spec of proxyJump.split(',').map((s) => s.trim()).filter(Boolean)) {
      const p = parseHopSpec(spec);
      const { proxyJump: inner, ...t } = this.target(p.host, { user: p.user, port: p.port });
      // Only the first hop's own ProxyJump applies (later hops are reached through the previous one).
      if (out.length === 0 && inner) out.push(...this.jumps(inner, depth + 1));
      out.push(t);
    }
    return out;
  }

  /** An alias of the file, resolved (unknown → SSH_ALIAS_NOT_FOUND). */
  resolveAlias(alias: string): ResolvedSsh {
    if (!this.hasAlias(alias)) {
      const file = this.config() ? `~/.ssh/config has no "Host ${alias}" entry` : 'there is no ~/.ssh/config';
      throw RpcError.from('NOT_FOUND', `Unknown SSH alias "${alias}": ${file}`, { reason: 'SSH_ALIAS_NOT_FOUND', field: 'config.alias', hint: 'Pick an alias from the list, or give an ssh:// URL' });
    }
    const { proxyJump, ...t } = this.target(alias);
    return { ...t, alias, jumps: this.jumps(proxyJump) };
  }

  /** An ssh:// URL (the config still applies to its host, as `ssh user@host` does) with explicit hops. */
  resolveUrl(url: string, jump?: readonly string[]): ResolvedSsh {
    const p = parseHopSpec(url);
    const { proxyJump, ...t } = this.target(p.host, { user: p.user, port: p.port });
    const jumps = jump && jump.length > 0 ? this.jumps(jump.join(',')) : this.jumps(proxyJump);
    return { ...t, jumps };
  }

  list(): SshAlias[] {
    return this.aliases().map((alias) => {
      const { proxyJump, ...t } = this.target(alias);
      return {
        alias,
        hostName: t.host,
        ...(t.user ? { user: t.user } : {}),
        port: t.port,
        ...(proxyJump ? { proxyJump } : {}),
        ...(t.identityFiles[0] ? { identityFile: t.identityFiles[0] } : {}),
      };
    });
  }
}

/** HostName may hold %h (the name given). */
function expandHostName(hostName: string, given: string): string {
  return hostName.replace(/%h/g, given).replace(/%%/g, '%');
}

/** The aliases of ~/.ssh/config (HOME from the environment), resolved. For hosts.sshAliases. */
export function listSshAliases(env?: SshConfigEnv): SshAlias[] {
  return new SshConfigResolver(env).list();
}

/** One alias of ~/.ssh/config, resolved (HostName, User, Port, IdentityFile, ProxyJump hops). */
export function resolveSshAlias(alias: string, env?: SshConfigEnv): ResolvedSsh {
  return new SshConfigResolver(env).resolveAlias(alias);
}
