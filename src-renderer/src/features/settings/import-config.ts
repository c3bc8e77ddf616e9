// The host config a Docker context import adds.
import type { DockerContext } from '@contract/procedures/host-tools';
import type { HostConfig } from '@contract/index';

/** The config an import adds: tcp with the context's TLS files; ssh with auth 'auto' (agent, then default keys). */
export function importConfig(c: Pick<DockerContext, 'kind' | 'url' | 'tls' | 'skipTlsVerify'>): HostConfig {
  if (c.kind === 'ssh') return { kind: 'ssh', url: c.url.replace(/\/+$/, ''), auth: { method: 'auto' } };
  return { kind: 'tcp', url: c.url, ...(c.tls ? { tls: { ...c.tls, verify: c.skipTlsVerify !== true } } : {}) };
}
