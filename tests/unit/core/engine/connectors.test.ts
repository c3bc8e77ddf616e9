// Engine connectors: the scheme picks the connector; tcp:// takes the Docker CLI's TLS material;
// an ssh:// engine given as the local one says plainly that SSH engines are added as hosts and does
// not loop on reconnects.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../../src-main/contract';
import { defaultConnectors, tlsMaterialFor } from '../../../../src-main/core/engine/connectors';
import type { DiscoveryEnv } from '../../../../src-main/core/engine/discovery';
import { HostConnection } from '../../../../src-main/core/engine/host-connection';
import { silentLogger } from '../../../../src-main/contract/handlers';

function env(files: Record<string, string>, vars: Record<string, string> = {}): DiscoveryEnv {
  return { env: vars, home: '/home/u', platform: 'linux', exists: () => false, readFile: (p) => files[p] };
}
const pems = (dir: string) => ({ [`${dir}/ca.pem`]: 'CA', [`${dir}/cert.pem`]: 'CERT', [`${dir}/key.pem`]: 'KEY' });

let conn: HostConnection | undefined;
afterEach(() => conn?.stop());

describe('TLS material for tcp:// engines', () => {
  it('a Docker context uses its own TLS dir (contexts/tls/<sha256(name)>/docker)', () => {
    const hash = createHash('sha256').update('remote').digest('hex');
    const dir = `/home/u/.docker/contexts/tls/${hash}/docker`;
    const d = env({ ...pems(dir), '/home/u/.docker/config.json': JSON.stringify({ currentContext: 'remote' }) });
    const ep: Endpoint = { url: 'tcp://10.0.0.5:2376', source: 'context', detail: 'Docker context "remote"' };
    expect(tlsMaterialFor(ep, d)).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY', from: dir });
  });

  it('DOCKER_HOST with DOCKER_TLS_VERIFY reads DOCKER_CERT_PATH; without them, plain tcp', () => {
    const d = env(pems('/certs'), { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' });
    const ep: Endpoint = { url: 'tcp://127.0.0.1:2376', source: 'DOCKER_HOST' };
    expect(tlsMaterialFor(ep, d)?.from).toBe('/certs');
    expect(tlsMaterialFor(ep, env(pems('/certs')))).toBeUndefined();
  });

  it('the tcp connector builds an https client with that material', async () => {
    const made: { url: string; tls?: { from: string } }[] = [];
    const reg = defaultConnectors({ discovery: env(pems('/certs'), { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }), makeClient: (url, tls) => (made.push({ url, tls }), {} as never) });
    const c = await reg.forEndpoint({ url: 'tcp://127.0.0.1:2376', source: 'DOCKER_HOST' }).open(new AbortController().signal);
    c.close();
    expect(made).toEqual([{ url: 'tcp://127.0.0.1:2376', tls: expect.objectContaining({ from: '/certs' }) }]);
  });
});

describe('ssh:// as the local engine', () => {
  it('says SSH engines are added as hosts, once: unreachable without a retry time, no reconnect loop', async () => {
    const reg = defaultConnectors({ discovery: env({}) });
    expect(reg.forEndpoint({ url: 'ssh://me@box', source: 'DOCKER_HOST' }).kind).toBe('ssh');
    let opens = 0;
    conn = new HostConnection({
      id: 'h',
      name: 'Local engine',
      kind: 'local',
      endpoint: { url: 'ssh://me@box', source: 'DOCKER_HOST' },
      connector: (ep) => {
        const c = reg.forEndpoint(ep);
        return { kind: c.kind, open: (s) => (opens++, c.open(s)) };
      },
      logger: silentLogger,
      backoffMinMs: 5,
      backoffMaxMs: 5,
    });
    conn.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(conn.host.state).toBe('unreachable');
    expect(conn.host.reason).toMatch(/SSH engines are added as hosts/);
    expect(conn.host.hint).toMatch(/Add it as a host/);
    expect(conn.host.retryAt).toBeUndefined();
    expect(opens).toBe(1);
  });

  it('an unknown scheme fails with a clear reason', async () => {
    const reg = defaultConnectors({ discovery: env({}) });
    await expect(reg.forEndpoint({ url: 'fd://3', source: 'settings' }).open(new AbortController().signal)).rejects.toMatchObject({ permanent: true });
  });
});
