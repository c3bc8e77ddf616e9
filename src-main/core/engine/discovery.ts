// Finds the local Docker engine, in the documented order. Pure: every effect (env, files, platform)
// is injected, so the order is unit-tested without touching the machine.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Endpoint, EndpointSource } from '../../contract';

/** The id of the auto-detected engine's host (the one place this id is spelled out). */
export const DISCOVERED_HOST_ID = 'local';

export interface DiscoveryEnv {
  env: Record<string, string | undefined>;
  home: string;
  platform: NodeJS.Platform;
  /** Does this path exist (and is it a socket or named pipe)? */
  exists(path: string): boolean;
  /** Read a text file, or return undefined if it cannot be read. */
  readFile(path: string): string | undefined;
}

export interface Candidate {
  url: string;
  source: EndpointSource;
  detail?: string;
}

/** Every candidate, in priority order, whether or not it exists (for the settings screen). */
export function candidates(d: DiscoveryEnv): Candidate[] {
  const out: Candidate[] = [];
  const dockerHost = d.env.DOCKER_HOST?.trim();
  if (dockerHost) out.push({ url: dockerHost, source: 'DOCKER_HOST', detail: 'from the DOCKER_HOST environment variable' });

  const ctx = currentContextEndpoint(d);
  if (ctx) out.push(ctx);

  if (d.platform === 'win32') {
    out.push({ url: 'npipe:////./pipe/docker_engine', source: 'npipe', detail: '//./pipe/docker_engine' });
    return out;
  }
  const sock = (source: EndpointSource, path: string): void => {
    out.push({ url: `unix://${path}`, source, detail: path });
  };
  sock('default-socket', '/var/run/docker.sock');
  const xdg = d.env.XDG_RUNTIME_DIR;
  if (xdg) sock('rootless', join(xdg, 'docker.sock'));
  sock('docker-desktop', join(d.home, '.docker/run/docker.sock'));
  sock('colima', join(d.home, '.colima/default/docker.sock'));
  sock('colima', join(d.home, '.colima/docker.sock'));
  sock('orbstack', join(d.home, '.orbstack/run/docker.sock'));
  if (xdg) sock('podman', join(xdg, 'podman/podman.sock'));
  sock('podman', '/run/podman/podman.sock');
  sock('podman', join(d.home, '.local/share/containers/podman/machine/podman.sock'));
  return out;
}

/** The endpoint of the current Docker context, unless it is "default" (which means the socket). */
export function currentContextEndpoint(d: DiscoveryEnv): Candidate | undefined {
  const configDir = d.env.DOCKER_CONFIG || join(d.home, '.docker');
  const name = d.env.DOCKER_CONTEXT?.trim() || readCurrentContext(d, configDir);
  if (!name || name === 'default') return undefined;
  const metaPath = join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'), 'meta.json');
  const raw = d.readFile(metaPath);
  if (!raw) return undefined;
  try {
    const meta = JSON.parse(raw) as { Endpoints?: { docker?: { Host?: string } } };
    const host = meta.Endpoints?.docker?.Host;
    if (typeof host === 'string' && host) return { url: host, source: 'context', detail: `Docker context "${name}"` };
  } catch {
    // An unreadable context is skipped; the next candidate is tried.
  }
  return undefined;
}

/** The current Docker context (not "default"), with the hash its meta and TLS dirs are named by. */
export function currentContextName(d: DiscoveryEnv): { name: string; hash: string } | undefined {
  const configDir = d.env.DOCKER_CONFIG || join(d.home, '.docker');
  const name = d.env.DOCKER_CONTEXT?.trim() || readCurrentContext(d, configDir);
  if (!name || name === 'default') return undefined;
  return { name, hash: createHash('sha256').update(name).digest('hex') };
}

function readCurrentContext(d: DiscoveryEnv, configDir: string): string | undefined {
  const raw = d.readFile(join(configDir, 'config.json'));
  if (!raw) return undefined;
  try {
    const cfg = JSON.parse(raw) as { currentContext?: unknown };
    return typeof cfg.currentContext === 'string' ? cfg.currentContext : undefined;
  } catch {
    return undefined;
  }
}

/** Local path of a unix:// or npipe:// URL, or undefined for tcp:// and ssh://. */
export function socketPathOf(url: string): string | undefined {
  if (url.startsWith('unix://')) return url.slice('unix://'.length) || undefined;
  if (url.startsWith('npipe://')) return url.slice('npipe://'.length).replace(/\//g, '\\');
  return undefined;
}

/**
 * Choose the endpoint: the settings override wins; then DOCKER_HOST and the context are taken as
 * given (the user asked for them); sockets are taken only if they exist. If nothing exists, the
 * default socket is returned with source 'none' so the UI can say what was looked for.
 */
export function discoverEndpoint(d: DiscoveryEnv, override?: string): Endpoint {
  if (override && override.trim()) return { url: override.trim(), source: 'settings', detail: 'set in Settings' };
  const all = candidates(d);
  for (const c of all) {
    if (c.source === 'DOCKER_HOST' || c.source === 'context') return c;
    const path = socketPathOf(c.url);
    if (path && d.exists(path)) return c;
  }
  const looked = all.map((c) => c.detail ?? c.url).join(', ');
  return { url: d.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock', source: 'none', detail: `no engine found; looked at ${looked}` };
}
