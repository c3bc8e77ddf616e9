// Registry logins kept in the store (the password sealed by its SecretBox) and the engine auth for
// an image reference: its registry is the first path component when it has a dot or a port or is
// localhost (as docker reads references), otherwise Docker Hub.
import type Dockerode from 'dockerode';
import type { JsonStore } from '../store/json-store';

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
