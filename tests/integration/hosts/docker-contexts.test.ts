// Docker contexts written by the real docker CLI (`docker context create` in a temp DOCKER_CONFIG)
// are offered by hosts.importContexts with their TLS files; importing a tcp:// one adds a host that
// connects and lists the engine's containers; an ssh:// current context is what the local engine
// cannot use (SSH engines are hosts), and it is offered for import instead.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ContainerSummary, ProcInput, ProcOutput } from '../../../src-main/contract';
import { silentLogger } from '../../../src-main/contract/handlers';
import { createCore, type Core } from '../../../src-main/core/create-core';
import type { DiscoveryEnv } from '../../../src-main/core/engine/discovery';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer } from '../../../src-main/rpc/dispatcher';
import { DOCKER_BIN, SHARED_SOCKET, cleanupTestContainers, ensureTestImage, runContainer, waitFor } from '../../support/docker-fixtures';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'ctximport';
const run = promisify(execFile);

let home: string;
let cfg: string;
let proxy: Server;
let port: number;
let core: Core;
let link: InMemoryLink;
let dataDir: string;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}

const cli = (...args: string[]): Promise<unknown> => run(DOCKER_BIN, args, { env: { ...process.env, DOCKER_CONFIG: cfg, DOCKER_HOST: '' } });

function fsDiscovery(env: Record<string, string>): DiscoveryEnv {
  return {
    env,
    home,
    platform: 'linux',
    exists: () => false,
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

beforeAll(async () => {
  await ensureTestImage();
  home = mkdtempSync(join(tmpdir(), 'wdtest-ctx-home-'));
  cfg = join(home, '.docker');
  // A tcp:// engine on loopback: a plain TCP → unix-socket relay in front of the shared engine.
  proxy = createServer((c) => {
    const u = connect(SHARED_SOCKET);
    c.pipe(u).pipe(c);
    const end = (): void => (c.destroy(), u.destroy(), undefined);
    c.on('error', end);
    u.on('error', end);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  port = (proxy.address() as { port: number }).port;

  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(home, 'key.pem'), '-out', join(home, 'cert.pem'), '-days', '1', '-subj', '/CN=wdtest']);
  await cli('context', 'create', 'plain', '--docker', `host=tcp://127.0.0.1:${port}`);
  await cli('context', 'create', 'secure', '--docker', `host=tcp://127.0.0.1:2376,ca=${join(home, 'cert.pem')},cert=${join(home, 'cert.pem')},key=${join(home, 'key.pem')}`);
  await cli('context', 'create', 'remote', '--description', 'build box', '--docker', 'host=ssh://deploy@127.0.0.1:2222');
  await cli('context', 'use', 'remote');

  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-ctx-data-'));
  core = await createCore({ dataDir, mode: 'serve', appVersion: '0.0.0-test', logger: silentLogger, discovery: fsDiscovery({ DOCKER_CONFIG: cfg }) });
  link = connectInMemory(new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true }));
}, 120_000);

afterAll(async () => {
  link?.close();
  await core?.dispose();
  proxy?.close();
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}-` });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (home) rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('hosts.importContexts with contexts the docker CLI wrote', () => {
  it('lists the ssh:// and tcp:// contexts, the current one marked, TLS files as the CLI stored them', async () => {
    const list = await call('hosts.importContexts', {});
    expect(list.map((c) => [c.name, c.kind, c.current, c.alreadyAdded])).toEqual([
      ['plain', 'tcp', false, false],
      ['remote', 'ssh', true, false],
      ['secure', 'tcp', false, false],
    ]);
    expect(list[1]).toMatchObject({ url: 'ssh://deploy@127.0.0.1:2222', description: 'build box', hostName: 'remote' });
    const secure = list[2]!;
    expect(secure.tls?.ca && secure.tls.cert && secure.tls.key).toBeTruthy();
    expect(readFileSync(secure.tls!.cert!, 'utf8')).toBe(readFileSync(join(home, 'cert.pem'), 'utf8'));
    expect(readFileSync(secure.tls!.key!, 'utf8')).toBe(readFileSync(join(home, 'key.pem'), 'utf8'));
    expect(list[0]?.tls).toBeUndefined();
  });

  it('the local engine, pointed at the ssh:// current context, says SSH engines are added as hosts', async () => {
    const local = await waitFor('the local engine to give up on the ssh context', async () => (await call('hosts.list', {})).find((h) => h.discovered && h.state === 'unreachable'), { timeoutMs: 10_000 });
    expect(local.endpoint).toMatchObject({ url: 'ssh://deploy@127.0.0.1:2222', source: 'context' });
    expect(local.reason).toMatch(/SSH engines are added as hosts/);
  });

  it('importing the tcp:// context adds a host that connects and lists that engine’s containers; the entry is then marked added', async () => {
    const box = await runContainer({ area: AREA });
    const plain = (await call('hosts.importContexts', {})).find((c) => c.name === 'plain')!;
    const host = await call('hosts.add', { name: plain.hostName, config: { kind: 'tcp', url: plain.url } });
    await waitFor('the imported host to connect', async () => (await call('hosts.list', {})).find((h) => h.id === host.id && h.state === 'connected'), { timeoutMs: 20_000 });
    const list = (await call('containers.list', { hostId: host.id })) as ContainerSummary[];
    expect(list.find((c) => c.id === box.id)).toMatchObject({ name: box.name, state: 'running' });
    const again = await call('hosts.importContexts', {});
    expect(again.find((c) => c.name === 'plain')?.alreadyAdded).toBe(true);
    expect(again.find((c) => c.name === 'secure')?.alreadyAdded).toBe(false);
  });
});
