// images.pull against a real registry of the test's own on loopback (tests/support/registry.ts).



import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput } from '../../../src-main/contract';
import type { PullEvent } from '../../../src-main/contract/procedures/run';
import { waitFor } from '../../support/docker-fixtures';
import { haveRegistry, startRegistryWithImage, type TestRegistry } from '../../support/registry';
import { EventLog, type InMemoryLink } from '../../support/rpc-harness';
import { startCoreRig, type CoreRig } from '../../support/core-rig';

let rig: CoreRig;
let link: InMemoryLink;
let reg: TestRegistry | undefined;

const call = <P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> => rig.call(p, input);

async function pull(ref: string): Promise<EventLog<PullEvent>> {
  const log = new EventLog<PullEvent>();
  link.client.subscribe('images.pull', { hostId: 'local', ref }, log.handlers);
  await waitFor(`the pull of ${ref} to finish`, () => log.ended || log.error !== undefined, { timeoutMs: 60_000 });
  return log;
}

describe.skipIf(!haveRegistry)('images.pull from a loopback registry', () => {
  beforeAll(async () => {
    reg = await startRegistryWithImage();
    rig = await startCoreRig({ area: 'pull', mode: 'desktop' });
    ({ link } = rig);
  }, 120_000);

  afterAll(async () => {
    await rig?.dispose();
    await reg?.stop();
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
