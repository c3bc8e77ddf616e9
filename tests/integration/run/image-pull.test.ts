// images.pull against a real registry of the test's own on loopback (tests/support/registry.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput } from '../../../src-main/contract';
import type { PullEvent } from '../../../src-main/contract/procedures/run';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, discoveryFor, waitFor } from '../../support/docker-fixtures';
import { haveRegistry, startRegistryWithImage, type TestRegistry } from '../../support/registry';
import { EventLog, connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;
let reg: TestRegistry | undefined;

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
    reg = await startRegistryWithImage();
    dataDir = mkdtempSync(join(tmpdir(), 'wdtest-pull-'));
    core = await createCore({ dataDir, mode: 'desktop', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
    server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
    link = connectInMemory(server);
    await waitFor('the local host to connect', async () => (await call('hosts.list', {})).find((h) => h.state === 'connected'), { timeoutMs: 15_000 });
  }, 120_000);

  afterAll(async () => {
    link?.close();
    core?.dispose();
    await reg?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('streams per-layer progress at a bounded rate, then done with the digest', async () => {
    const { ref, blobBytes } = reg!;
    const t0 = Date.now();
    const log = await pull(ref);
    const ms = Date.now() - t0;
    expect(log.error).toBeUndefined();
    expect(log.events.at(-1)).toMatchObject({ kind: 'done', status: `Pulled ${ref}`, digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/) });
    const progress = log.events.filter((e): e is Extract<PullEvent, { kind: 'progress' }> => e.kind === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    // At most one progress event per 200 ms window (plus the final flush).
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(ms / 200) + 2);
    const last = progress.at(-1)!;
    expect(last.layers).toHaveLength(1);
    expect(last.layers[0]!.status).toBe('Pull complete');
    // Random bytes do not compress: the layer is about the blob's size.
    expect(last.total).toBeGreaterThan(blobBytes * 0.9);
    expect(last.current).toBe(last.total);

    const images = await call('images.list', { hostId: 'local' });
    expect(images.some((i) => i.repoTags.includes(ref))).toBe(true);
  });

  it('fails with NOT_FOUND for a tag the registry does not have', async () => {
    const log = await pull(`${reg!.repo}:no-such-tag`);
    expect(log.error).toMatchObject({ code: 'NOT_FOUND', reason: 'IMAGE_NOT_FOUND' });
  });
});
