// Docker contexts the user already has (`docker context create …`), offered in Settings → Hosts as
// one-click imports: ssh:// endpoints become SSH hosts, tcp:// endpoints TCP hosts with the context's
// TLS files. Read from $DOCKER_CONFIG (or ~/.docker)/contexts/meta/<sha256(name)>/meta.json; the TLS
// material of a context is in contexts/tls/<same id>/docker/{ca,cert,key}.pem, as the Docker CLI
// stores it. DOCKER_HOST=ssh://… is offered the same way (the local engine cannot use it: SSH engines
// are hosts). Pure apart from the injected file access, so unit tests run on a temp HOME.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerContext } from '../../contract/procedures/host-tools';
import { currentContextName, type DiscoveryEnv } from '../engine/discovery';

export interface ContextsEnv extends Pick<DiscoveryEnv, 'env' | 'home' | 'readFile'> {
  /** Names in a directory ([] when it cannot be read). */
  listDir?(path: string): string[];
  /** Does a regular file exist? (default: readFile succeeds) */
  fileExists?(path: string): boolean;
}

const defaultListDir = (p: string): string[] => {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
};

interface ContextMeta {
  Name?: unknown;
  Metadata?: { Description?: unknown };
  Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
}

/** The part of a URL that identifies an engine (scheme, user, host, port; no trailing slash). */
export function sameEngineUrl(a: string, b: string): boolean {
  const norm = (u: string): string => u.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/** The URL a saved host config points at (ssh aliases have none). */
function urlOf(c: { kind: string; url?: string }): string | undefined {
  return typeof c.url === 'string' ? c.url : undefined;
}

/**
 * Every Docker context with an ssh:// or tcp:// endpoint (sorted by name), then DOCKER_HOST when it is
 * ssh:// and not already one of them. `added` are the URLs of the hosts already added.
 */
export function listDockerContexts(d: ContextsEnv, added: readonly { kind: string; url?: string }[]): DockerContext[] {
  const configDir = d.env.DOCKER_CONFIG || join(d.home, '.docker');
  const listDir = d.listDir ?? defaultListDir;
  const exists = d.fileExists ?? ((p: string) => d.readFile(p) !== undefined);
  const current = currentContextName({ ...d, platform: process.platform, exists: () => false })?.name;
  const addedUrls = added.map(urlOf).filter((u): u is string => !!u);
  const isAdded = (url: string): boolean => addedUrls.some((u) => sameEngineUrl(u, url));

  const out: DockerContext[] = [];
  const metaRoot = join(configDir, 'contexts', 'meta');
  for (const id of listDir(metaRoot)) {
    if (!/^[0-9a-f]{64}$/.test(id)) continue;
    const raw = d.readFile(join(metaRoot, id, 'meta.json'));
    if (!raw) continue;
    let meta: ContextMeta;
    try {
      meta = JSON.parse(raw) as ContextMeta;
    } catch {
      continue; // an unreadable context is not offered (the Docker CLI refuses it too)
    }
    const name = typeof meta.Name === 'string' ? meta.Name : undefined;
    const host = meta.Endpoints?.docker?.Host;
    if (!name || typeof host !== 'string') continue;
    const kind = host.startsWith('ssh://') ? 'ssh' : host.startsWith('tcp://') ? 'tcp' : undefined;
    if (!kind) continue;
    const entry: DockerContext = { name, url: host, kind, source: 'context', current: name === current, alreadyAdded: isAdded(host), hostName: name.slice(0, 64) };
    const description = meta.Metadata?.Description;
    if (typeof description === 'string' && description) entry.description = description;
    if (kind === 'tcp') {
      const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
      const tls: NonNullable<DockerContext['tls']> = {};
      for (const f of ['ca', 'cert', 'key'] as const) {
        const p = join(tlsDir, `${f}.pem`);
        if (exists(p)) tls[f] = p;
      }
      if (tls.ca || tls.cert || tls.key) entry.tls = tls;
      if (meta.Endpoints?.docker?.SkipTLSVerify === true) entry.skipTlsVerify = true;
    }
    out.push(entry);
  }
  out.sort((a, b) => a.name.localeCompare(b.name));

  const dockerHost = d.env.DOCKER_HOST?.trim();
  // DOCKER_HOST=tcp:// is the local engine's address already; ssh:// cannot be (SSH engines are hosts).
  if (dockerHost?.startsWith('ssh://') && !out.some((c) => sameEngineUrl(c.url, dockerHost))) {
    out.push({
      name: 'DOCKER_HOST',
      url: dockerHost,
      kind: 'ssh',
      source: 'DOCKER_HOST',
      current: true,
      alreadyAdded: isAdded(dockerHost),
      hostName: hostPart(dockerHost),
    });
  }
  return out;
}

/** DOCKER_HOST's host part, as the suggested host name. */
function hostPart(url: string): string {
  const m = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/i.exec(url);
  return (m?.[1] ?? url).slice(0, 64);
}
