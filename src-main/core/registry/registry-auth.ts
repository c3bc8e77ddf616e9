// Registry logins kept in the store (the password sealed by its SecretBox) and the engine auth for
// an image reference: its registry is the first path component when it has a dot or a port or is
// localhost (as docker reads references), otherwise Docker Hub. Without a WakeDock login the Docker
// CLI's credentials are used (docker-config.ts).
import type Dockerode from 'dockerode';
import type { JsonStore } from '../store/json-store';
import { dockerCredentials, type DockerConfigEnv } from './docker-config';

const HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function normalServer(server: string): string {
  const s = server.trim().toLowerCase();
  return HUB_ALIASES.has(s) ? HUB : s;
}

/** The registry of an image reference. */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  if (ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return normalServer(first);
  return HUB;
}

/** What the engine takes as X-Registry-Auth. */
export function authConfig(login: { server: string; username: string; password: string }): { username: string; password: string; serveraddress: string } {
  return { username: login.username, password: login.password, serveraddress: login.server === HUB ? 'https://index.docker.io/v1/' : login.server };
}

export function authFor(store: JsonStore, ref: string): Dockerode.AuthConfig | undefined {
  const server = registryOf(ref);
  const login = store.get('registries').find((l) => normalServer(l.server) === server);
  return login ? authConfig(login) : undefined;
}

/**
 * The auth for a pull or push of `ref`: WakeDock's own login for its registry first, else the Docker
 * CLI's (`~/.docker/config.json`: credHelpers, credsStore, auths), else none.
 */
export async function resolveAuth(store: JsonStore, ref: string, env?: DockerConfigEnv): Promise<{ auth: Dockerode.AuthConfig; source: string } | undefined> {
  const own = authFor(store, ref);
  if (own) return { auth: own, source: 'wakedock' };
  const docker = await dockerCredentials(registryOf(ref), env);
  return docker ? { auth: docker.auth as Dockerode.AuthConfig, source: docker.source } : undefined;
}
