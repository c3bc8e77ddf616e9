// images.pull against a real registry of the test's own on loopback (Debian's docker-registry),
// never the internet: an image made here is pushed to it, removed locally, and pulled back.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput } from '../../../src-main/contract';
import type { PullEvent } from '../../../src-main/contract/procedures/run';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, discoveryFor, docker, dockerRaw, freePort, waitFor } from '../../support/docker-fixtures';
import { EventLog, connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const REGISTRY_BIN = process.env.WAKEDOCK_TEST_REGISTRY_BIN ?? '/usr/bin/docker-registry';
const haveRegistry = existsSync(REGISTRY_BIN);

let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dir: string;
let registry: ChildProcess | undefined;
let repo = '';
const tag = randomBytes(4).toString('hex');
const BLOB_BYTES = 3 * 1024 * 1024;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}

async function pull(ref: string): Promise<EventLog<PullEvent>> {
  const log = new EventLog<PullEvent>();
  link.client.subscribe('images.pull', { hostId: 'local', ref }, log.handlers);
  await waitFor(`the pull of ${ref} to finish`, () => log.ended || log.error !== undefined, { timeoutMs: 60_000 });
  return log;
}

describe.skipIf(!haveRegistry)('images.pull from a loopback registry', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wdtest-registry-'));
    const port = await freePort();
    writeFileSync(join(dir, 'config.yml'), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    registry = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    await waitFor('the registry to answer', async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).ok, { timeoutMs: 15_000 });

    // An image whose layer this engine does not have yet, so the pull really downloads it.
    writeFileSync(join(dir, 'blob'), randomBytes(BLOB_BYTES));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY blob /blob\n');
    repo = `127.0.0.1:${port}/wdtest/blob`;
    await docker(['build', '-q', '-t', `${repo}:${tag}`, dir]);
    await docker(['push', `${repo}:${tag}`]);
    await docker(['rmi', `${repo}:${tag}`]);

    core = await createCore({ dataDir: join(dir, 'core'), mode: 'desktop', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
    server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
    link = connectInMemory(server);
    await waitFor('the local host to connect', async () => (await call('hosts.list', {})).find((h) => h.state === 'connected'), { timeoutMs: 15_000 });
  }, 120_000);

  afterAll(async () => {
    link?.close();
    core?.dispose();
    if (repo) await dockerRaw(['rmi', '-f', `${repo}:${tag}`]);
    registry?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('streams per-layer progress at a bounded rate, then done with the digest', async () => {
    const t0 = Date.now();
    const log = await pull(`${repo}:${tag}`);
    const ms = Date.now() - t0;
    expect(log.error).toBeUndefined();
    const done = log.events.at(-1);
    expect(done).toMatchObject({ kind: 'done', status: `Pulled ${repo}:${tag}`, digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/) });
    const progress = log.events.filter((e): e is Extract<PullEvent, { kind: 'progress' }> => e.kind === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    // At most one progress event per 200 ms window (plus the final flush).
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(ms / 200) + 2);
    const last = progress.at(-1)!;
    expect(last.layers).toHaveLength(1);
    expect(last.layers[0]!.status).toBe('Pull complete');
    // The layer's compressed size is close to the random blob's.
    expect(last.total).toBeGreaterThan(BLOB_BYTES * 0.9);
    expect(last.current).toBe(last.total);

    const images = await call('images.list', { hostId: 'local' });
    expect(images.some((i) => i.repoTags.includes(`${repo}:${tag}`))).toBe(true);
  });

  it('fails with NOT_FOUND for a tag the registry does not have', async () => {
    const log = await pull(`${repo}:no-such-tag`);
    expect(log.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
