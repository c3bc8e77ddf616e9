// An added host over TCP with TLS, against a private dockerd started with --tlsverify and
// certificates made here (openssl): hosts.test passes every step with the right CA and client
// certificate, fails at TLS without the client certificate (the daemon demands one) and with a CA
// that did not sign the server; hosts.update with a new config reconnects over TLS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ContainerSummary, ProcInput, ProcOutput } from '../../../src-main/contract';
import { silentLogger } from '../../../src-main/contract/handlers';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, discoveryFor, disposePrivateDaemon, runContainer, startPrivateEngine, waitFor, type PrivateEngine } from '../../support/docker-fixtures';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'tlshost';
let spec: PrivateEngine;
let port: number;
let certs: string;
let dataDir: string;
let core: Core;
let link: InMemoryLink;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}

const ssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: certs, stdio: 'ignore' });

/** A CA, a server certificate for 127.0.0.1 signed by it, a client certificate, and an unrelated CA. */
function makeCerts(): void {
  ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=wakedock-test-ca', '-keyout', 'ca-key.pem', '-out', 'ca.pem']);
  ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=other-ca', '-keyout', 'other-key.pem', '-out', 'other-ca.pem']);
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server-key.pem', '-out', 'server.csr']);
  writeFileSync(join(certs, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server-cert.pem']);
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=client', '-keyout', 'key.pem', '-out', 'client.csr']);
  writeFileSync(join(certs, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  ssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', 'client.ext', '-out', 'cert.pem']);
}

beforeAll(async () => {
  certs = mkdtempSync(join(tmpdir(), 'wdtest-tlscerts-'));
  makeCerts();
  spec = await startPrivateEngine(AREA, { tcp: true, extraArgs: ['--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '--tlscert', join(certs, 'server-cert.pem'), '--tlskey', join(certs, 'server-key.pem')] });
  port = spec.tcpPort!;
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-tlshost-'));
  core = await createCore({ dataDir, mode: 'serve', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET), backoffMinMs: 200, backoffMaxMs: 1000 });
  link = connectInMemory(new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true }));
}, 180_000);

afterAll(async () => {
  link?.close();
  await core?.dispose();
  if (spec) await disposePrivateDaemon(spec);
  for (const d of [dataDir, certs]) if (d) rmSync(d, { recursive: true, force: true });
}, 120_000);

describe('a TCP host with TLS', () => {
  const url = (): string => `tcp://127.0.0.1:${port}`;
  const full = () => ({ ca: join(certs, 'ca.pem'), cert: join(certs, 'cert.pem'), key: join(certs, 'key.pem'), verify: true });

  it('hosts.test: every step passes with the CA and client certificate, the certificate verified', async () => {
    const r = await call('hosts.test', { config: { kind: 'tcp', url: url(), tls: full() } });
    expect(r.steps.map((s) => [s.step, s.outcome])).toEqual([['connect', 'ok'], ['tls', 'ok'], ['engine', 'ok']]);
    expect(r.ok).toBe(true);
    expect(r.steps[1]!.message).toContain('certificate verified');
  });

  it('hosts.test fails at TLS with a CA that did not sign the server, and at the engine step without a client certificate', async () => {
    const wrongCa = await call('hosts.test', { config: { kind: 'tcp', url: url(), tls: { ...full(), ca: join(certs, 'other-ca.pem') } } });
    expect(wrongCa).toMatchObject({ ok: false, failedStep: 'tls' });
    expect(wrongCa.steps[1]!.message).toMatch(/certificate/i);
    // TLS 1.3: the server checks the client certificate after the handshake, so the refusal comes with the first request.
    const noClient = await call('hosts.test', { config: { kind: 'tcp', url: url(), tls: { ca: join(certs, 'ca.pem'), verify: true } } });
    expect(noClient.ok).toBe(false);
    expect(['tls', 'engine']).toContain(noClient.failedStep);
  });

  it('hosts.add with a wrong CA stays unreachable; hosts.update with the right one connects and lists its containers', async () => {
    const box = await runContainer({ area: AREA, socket: spec.socket });
    const added = await call('hosts.add', { name: 'TLS engine', config: { kind: 'tcp', url: url(), tls: { ...full(), ca: join(certs, 'other-ca.pem') } } });
    await waitFor('the host to be unreachable', async () => (await call('hosts.list', {})).find((h) => h.id === added.id && h.state === 'unreachable'), { timeoutMs: 20_000 });
    const updated = await call('hosts.update', { hostId: added.id, config: { kind: 'tcp', url: url(), tls: full() } });
    expect(updated).toMatchObject({ id: added.id, name: 'TLS engine', config: { tls: { ca: join(certs, 'ca.pem') } } });
    await waitFor('the host to connect over TLS', async () => (await call('hosts.list', {})).find((h) => h.id === added.id && h.state === 'connected'), { timeoutMs: 20_000 });
    const list = (await call('containers.list', { hostId: added.id })) as ContainerSummary[];
    expect(list.find((c) => c.id === box.id)).toMatchObject({ state: 'running' });
    await call('hosts.remove', { hostId: added.id });
  });
});
