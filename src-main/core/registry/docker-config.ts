// The Docker CLI's own credentials, used when WakeDock has no login of its own for a registry:
// `~/.docker/config.json` (or $DOCKER_CONFIG/config.json) with `credHelpers` (a helper per registry),
// `credsStore` (one helper for all) and `auths` (base64 user:password, or an identity token), read in
// the CLI's order: the registry's credHelper, else the credsStore, else the auths entry. A helper is
// the executable `docker-credential-<name>` on PATH, run as `<helper> get` with the server on stdin
// and answering {ServerURL, Username, Secret} (Username "<token>": Secret is an identity token).
// Nothing here throws: a missing or broken config, a helper that is absent, fails or says "not found"
// mean "no credentials from Docker" (logged by the caller when it wants to).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** The key Docker uses for Docker Hub in config.json and with helpers. */
export const HUB_SERVER_URL = 'https://index.docker.io/v1/';
/** A config.json bigger than this is not a credentials file we read. */
const MAX_CONFIG_BYTES = 1024 * 1024;
const HELPER_TIMEOUT_MS = 10_000;
/** Helper names come from a file: only a plain name, never a path. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface DockerConfigEnv {
  /** The folder of config.json (default: $DOCKER_CONFIG, else ~/.docker). */
  dir?: string;
  /** PATH used to find docker-credential-* helpers (default: this process's PATH). */
  path?: string;
  /** Runs a helper; tests replace it. Resolves with stdout, rejects when it exits non-zero. */
  runHelper?: (name: string, server: string) => Promise<string>;
}

/** What the engine takes as X-Registry-Auth. */
export interface EngineAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

export interface DockerCredentials {
  auth: EngineAuth;
  /** Where it came from, for logs and the UI: "credHelpers: pass", "credsStore: desktop", "auths". */
  source: string;
}

/** A server as a registry key: no scheme, no path, lower case, Docker Hub's aliases as docker.io. */
export function registryKey(server: string): string {
  const host = server.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '';
  return HUB_ALIASES.has(host) ? HUB : host;
}

/** The address the CLI gives helpers and the engine for a registry. */
export function serverAddress(registry: string): string {
  return registry === HUB ? HUB_SERVER_URL : registry;
}

export function dockerConfigDir(env: DockerConfigEnv = {}): string {
  return env.dir ?? process.env.DOCKER_CONFIG ?? join(homedir(), '.docker');
}

interface RawConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string } | undefined>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

async function readConfig(dir: string): Promise<RawConfig | null> {
  try {
    const text = await readFile(join(dir, 'config.json'), 'utf8');
    if (text.length > MAX_CONFIG_BYTES) return null;
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as RawConfig) : null;
  } catch {
    return null;
  }
}

function defaultRunHelper(path: string | undefined): (name: string, server: string) => Promise<string> {
  return (name, server) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        `docker-credential-${name}`,
        ['get'],
        { env: { ...process.env, ...(path !== undefined ? { PATH: path } : {}) }, timeout: HELPER_TIMEOUT_MS, maxBuffer: 64 * 1024, windowsHide: true },
        (err, stdout, stderr) => (err ? reject(new Error(String(stderr).trim() || err.message)) : resolve(String(stdout))),
      );
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(server);
    });
}

async function fromHelper(env: DockerConfigEnv, name: string, registry: string): Promise<EngineAuth | null> {
  if (!HELPER_NAME.test(name)) return null;
  const run = env.runHelper ?? defaultRunHelper(env.path);
  const server = serverAddress(registry);
  let out: string;
  try {
    out = await run(name, server);
  } catch {
    // "credentials not found in native keychain", a missing helper, a timeout: nothing from it.
    return null;
  }
  try {
    const c = JSON.parse(out) as { Username?: unknown; Secret?: unknown };
    if (typeof c.Secret !== 'string' || c.Secret === '') return null;
    const user = typeof c.Username === 'string' ? c.Username : '';
    return user === '<token>' ? { identitytoken: c.Secret, serveraddress: server } : { username: user, password: c.Secret, serveraddress: server };
  } catch {
    return null;
  }
}

function fromAuths(cfg: RawConfig, registry: string): EngineAuth | null {
  for (const [key, entry] of Object.entries(cfg.auths ?? {})) {
    if (!entry || registryKey(key) !== registry) continue;
    const server = serverAddress(registry);
    if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: server };
    if (entry.auth) {
      const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
      const i = plain.indexOf(':');
      if (i > 0) return { username: plain.slice(0, i), password: plain.slice(i + 1), serveraddress: server };
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password, serveraddress: server };
  }
  return null;
}

/** The Docker CLI's credentials for a registry (a registryKey), or null. */
export async function dockerCredentials(registry: string, env: DockerConfigEnv = {}): Promise<DockerCredentials | null> {
  const cfg = await readConfig(dockerConfigDir(env));
  if (!cfg) return null;
  const helper = Object.entries(cfg.credHelpers ?? {}).find(([k]) => registryKey(k) === registry)?.[1];
  if (typeof helper === 'string') {
    // A registry with its own helper uses only that helper, as the CLI does.
    const a = await fromHelper(env, helper, registry);
    return a ? { auth: a, source: `credHelpers: ${helper}` } : null;
  }
  if (typeof cfg.credsStore === 'string' && cfg.credsStore !== '') {
    const a = await fromHelper(env, cfg.credsStore, registry);
    if (a) return { auth: a, source: `credsStore: ${cfg.credsStore}` };
  }
  const a = fromAuths(cfg, registry);
  return a ? { auth: a, source: 'auths' } : null;
}
