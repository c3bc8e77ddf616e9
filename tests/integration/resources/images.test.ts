// images.* against the real engine, through the core's handlers behind a real RpcServer (output
// validation on): the live list follows the engine (a `docker tag` from outside shows up, with several
// tags on one row), tag/untag, remove refused while a container uses the image (the container named,
// nothing changed), inspect/history, and prune removes exactly what its preview listed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import type { ImageListEvent, ImageRow } from '../../../src-main/contract/procedures/images';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, cleanupTestContainers, discoveryFor, docker, ensureTestImage, uniqueName, waitFor } from '../../support/docker-fixtures';
import { buildUniqueImage, cleanupTestImages, imageExists, imageTags } from '../../support/resource-fixtures';
import { EventLog, connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'resimg';
const PREFIX = `wdtest-${AREA}-`;
let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callError<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded but was expected to fail: ${JSON.stringify(r.data)}`);
  return r.error;
}

/** The list as a subscriber holds it after applying every event. */
class ListMirror {
  readonly log = new EventLog<ImageListEvent>();
  get items(): Map<string, ImageRow> {
    const m = new Map<string, ImageRow>();
    for (const e of this.log.events) {
      if (e.kind === 'snapshot') {
        m.clear();
        for (const i of e.items) m.set(i.id, i);
      } else {
        for (const id of e.removed) m.delete(id);
        for (const i of e.upserts) m.set(i.id, i);
      }
    }
    return m;
  }
}

beforeAll(async () => {
  await ensureTestImage();
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-resimg-'));
  core = await createCore({ dataDir, mode: 'desktop', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
  server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
  link = connectInMemory(server);
  await waitFor('the local host to connect', async () => (await call('hosts.list', {})).find((h) => h.state === 'connected'), { timeoutMs: 15_000 });
});

afterAll(async () => {
  link?.close();
  core?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await cleanupTestImages(AREA);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('images', () => {
  it('the live list follows tags made outside WakeDock, several tags on one row, and images.tag / untag', async () => {
    const repo = `${PREFIX}live`.toLowerCase();
    const id = await buildUniqueImage(AREA, { tag: `${repo}:one` });
    const list = new ListMirror();
    link.client.subscribe('images.watch', { hostId: 'local' }, list.log.handlers);
    await waitFor('the snapshot with the image', () => list.items.get(id)?.repoTags.includes(`${repo}:one`));

    await docker(['tag', `${repo}:one`, `${repo}:two`]);
    await waitFor('the second tag on the same row (engine event)', () => list.items.get(id)?.repoTags.includes(`${repo}:two`));
    expect(list.items.get(id)!.repoTags.sort()).toEqual([`${repo}:one`, `${repo}:two`]);

    expect(await call('images.tag', { hostId: 'local', id, repo, tag: 'three' })).toEqual({ ref: `${repo}:three` });
    await waitFor('the third tag', () => list.items.get(id)?.repoTags.includes(`${repo}:three`));
    expect((await imageTags(id)).sort()).toEqual([`${repo}:one`, `${repo}:three`, `${repo}:two`]);

    const untagged = await call('images.untag', { hostId: 'local', ref: `${repo}:two` });
    expect(untagged.untagged).toEqual([`${repo}:two`]);
    expect(untagged.deleted).toEqual([]);
    await waitFor('the tag to leave the row', () => list.items.get(id) && !list.items.get(id)!.repoTags.includes(`${repo}:two`));
    expect(await imageExists(id)).toBe(true);

    // A bad tag is refused at the boundary, naming the field.
    expect(await callError('images.tag', { hostId: 'local', id, repo, tag: '-bad' })).toMatchObject({ code: 'VALIDATION', field: 'tag' });
    expect(await callError('images.tag', { hostId: 'local', id, repo: 'UPPER/case', tag: 'x' })).toMatchObject({ code: 'VALIDATION', field: 'repo' });

    // Removed from outside: the row goes.
    await docker(['rmi', '-f', id]);
    await waitFor('the row to go', () => !list.items.has(id));
    expect(server.liveStreams).toBe(1);
  });

  it('remove is refused while a container uses the image, naming the container, and nothing changes', async () => {
    const tag = `${PREFIX}used:1`;
    const id = await buildUniqueImage(AREA, { tag });
    const name = uniqueName(AREA);
    await docker(['create', '--name', name, '--label', 'wakedock.test=1', tag, 'sleep', '1']);
    const err = await callError('images.remove', { hostId: 'local', id });
    expect(err.code).toBe('CONFLICT');
    expect(err.reason).toBe('IN_USE');
    expect(err.message).toMatch(/conflict|being used|must force/i);
    expect(err.hint).toContain(name);
    expect(await imageTags(id)).toEqual([tag]);

    const rows = new ListMirror();
    link.client.subscribe('images.watch', { hostId: 'local' }, rows.log.handlers);
    await waitFor('the row with its user', () => rows.items.get(id)?.containers.includes(name));
    expect(rows.items.get(id)!.containerCount).toBe(1);

    const detail = await call('images.inspect', { hostId: 'local', id });
    expect(detail).toMatchObject({ id, repoTags: [tag], os: 'linux' });
    expect(detail.labels['wdtest.res']).toBe(AREA);
    const history = await call('images.history', { hostId: 'local', id });
    expect(history.length).toBeGreaterThanOrEqual(2);
    expect(history[0]!.createdBy).toMatch(/LABEL/);

    await docker(['rm', name]);
    await waitFor('the usage to drop (container destroyed)', () => rows.items.get(id)?.containerCount === 0);
    expect(await call('images.remove', { hostId: 'local', id })).toMatchObject({ untagged: [tag], deleted: expect.arrayContaining([id]) });
    expect(await imageExists(id)).toBe(false);
    expect(await callError('images.remove', { hostId: 'local', id })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('prune removes exactly what the preview listed and reports the space freed', async () => {
    const a = await buildUniqueImage(AREA);
    const b = await buildUniqueImage(AREA);
    const preview = await call('images.prunePreview', { hostId: 'local', scope: 'dangling' });
    expect(preview.items.map((i) => i.id)).toEqual(expect.arrayContaining([a, b]));
    // Only ours: other dangling images on a shared engine are not this test's to remove.
    const ours = preview.items.filter((i) => i.id === a || i.id === b);
    // Made after the preview: must survive the prune.
    const later = await buildUniqueImage(AREA);
    const used = await buildUniqueImage(AREA, { tag: `${PREFIX}keep:1` });
    const unused = await call('images.prunePreview', { hostId: 'local', scope: 'unused' });
    expect(unused.items.map((i) => i.id)).toContain(used);

    const result = await call('images.prune', { hostId: 'local', ids: ours.map((i) => i.id) });
    expect(result.removed.sort()).toEqual([a, b].sort());
    expect(result.failed).toEqual([]);
    expect(result.spaceFreed).toBeGreaterThanOrEqual(0);
    expect(await imageExists(a)).toBe(false);
    expect(await imageExists(b)).toBe(false);
    expect(await imageExists(later)).toBe(true);
    expect(await imageExists(used)).toBe(true);
  });
});
