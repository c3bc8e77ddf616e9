// images.save / images.load against the real engine through the core behind a real RpcServer: an
// image saved to a tar file (progress in bytes, the file complete only at the end, a docker save
// archive), removed, and loaded back from it; an existing file is refused without overwrite; a
// cancelled save leaves neither the file nor its temporary; a missing image and a file that is no
// archive fail in the engine's words.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcErrorData } from '../../../src-main/contract';
import type { ImageLoadEvent, ImageSaveEvent } from '../../../src-main/contract/procedures/images';
import { docker, dockerRaw, ensureTestImage, TEST_IMAGE, waitFor } from '../../support/docker-fixtures';
import { buildUniqueImage, cleanupTestImages, imageExists } from '../../support/resource-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { EventLog } from '../../support/rpc-harness';

const AREA = 'resarch';
let rig: CoreRig;
let out: string;

async function run<E>(p: 'images.save' | 'images.load', input: object): Promise<{ events: E[]; error?: RpcErrorData }> {
  const log = new EventLog<E>();
  rig.link.client.subscribe(p, { hostId: 'local', ...input }, log.handlers);
  await waitFor(`${p} to end`, () => log.ended || log.error !== undefined, { timeoutMs: 180_000 });
  return { events: log.events, error: log.error as RpcErrorData | undefined };
}

beforeAll(async () => {
  await ensureTestImage();
  out = mkdtempSync(join(tmpdir(), `wdtest-${AREA}-`));
  rig = await startCoreRig({ area: AREA });
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupTestImages(AREA);
  rmSync(out, { recursive: true, force: true });
});

describe('images.save and images.load', () => {
  it('saves to a tar file with progress, then loads it back after the image is removed', { timeout: 240_000 }, async () => {
    const tag = `wdtest-${AREA}-app:${randomBytes(3).toString('hex')}`;
    await buildUniqueImage(AREA, { tag });
    const file = join(out, 'app.tar');
    const saved = await run<ImageSaveEvent>('images.save', { ids: [tag], path: file });
    expect(saved.error).toBeUndefined();
    const done = saved.events.at(-1) as Extract<ImageSaveEvent, { kind: 'done' }>;
    expect(done).toMatchObject({ kind: 'done', path: file });
    expect(statSync(file).size).toBe(done.bytes);
    expect(saved.events.some((e) => e.kind === 'progress' && e.bytes > 0)).toBe(true);
    expect(readdirSync(out)).toEqual(['app.tar']);
    const listing = (await new Promise<string>((resolve, reject) => {
      import('node:child_process').then(({ execFile }) => execFile('tar', ['-tf', file], (e, so) => (e ? reject(e) : resolve(so))), reject);
    })).split('\n');
    expect(listing).toContain('manifest.json');

    const refused = await run<ImageSaveEvent>('images.save', { ids: [tag], path: file });
    expect(refused.error).toMatchObject({ code: 'VALIDATION', field: 'path' });
    expect(refused.error?.message).toMatch(/exists/);
    const over = await run<ImageSaveEvent>('images.save', { ids: [tag], path: file, overwrite: true });
    expect(over.error).toBeUndefined();

    await docker(['rmi', tag]);
    expect(await imageExists(tag)).toBe(false);
    const loaded = await run<ImageLoadEvent>('images.load', { path: file });
    expect(loaded.error).toBeUndefined();
    expect(loaded.events.at(-1)).toEqual({ kind: 'done', loaded: [tag] });
    const last = loaded.events.filter((e): e is Extract<ImageLoadEvent, { kind: 'progress' }> => e.kind === 'progress').at(-1);
    expect(last).toEqual({ kind: 'progress', bytes: statSync(file).size, total: statSync(file).size });
    expect(await imageExists(tag)).toBe(true);
  });

  it('a cancelled save leaves no file and no temporary behind', { timeout: 240_000 }, async () => {
    const ctx = mkdtempSync(join(tmpdir(), `wdtest-${AREA}-ctx-`));
    const tag = `wdtest-${AREA}-big:${randomBytes(3).toString('hex')}`;
    try {
      writeFileSync(join(ctx, 'blob'), randomBytes(96 * 1024 * 1024));
      writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL wdtest.res=${AREA}\nCOPY blob /blob\n`);
      await docker(['build', '-q', '-t', tag, ctx]);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
    const dir = join(out, 'cancel');
    mkdirSync(dir);
    const file = join(dir, 'big.tar');
    const log = new EventLog<ImageSaveEvent>();
    const id = rig.link.client.subscribe('images.save', { hostId: 'local', ids: [tag], path: file }, log.handlers);
    await waitFor('the save to write', () => log.events.some((e) => e.kind === 'progress' && e.bytes > 0) || log.ended, { timeoutMs: 120_000 });
    expect(log.ended).toBe(false);
    rig.link.client.unsubscribe(id);
    await waitFor('the temporary file to go', () => readdirSync(dir).length === 0, { timeoutMs: 30_000 });
    expect(existsSync(file)).toBe(false);
    expect(rig.server.liveStreams).toBe(0);
    await dockerRaw(['rmi', '-f', tag]);
  });

  it("refuses a missing image, a relative path, a missing folder, and a file that is no archive in the engine's words", async () => {
    const missing = await run<ImageSaveEvent>('images.save', { ids: [`wdtest-${AREA}-nope:1`], path: join(out, 'x.tar') });
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(join(out, 'x.tar'))).toBe(false);
    expect((await run<ImageSaveEvent>('images.save', { ids: [TEST_IMAGE], path: 'rel.tar' })).error).toMatchObject({ field: 'path' });
    expect((await run<ImageSaveEvent>('images.save', { ids: [TEST_IMAGE], path: join(out, 'no', 'such', 'x.tar') })).error).toMatchObject({ field: 'path' });
    expect((await run<ImageLoadEvent>('images.load', { path: join(out, 'none.tar') })).error).toMatchObject({ code: 'VALIDATION', field: 'path' });
    const junk = join(out, 'junk.tar');
    writeFileSync(junk, 'this is not a tar archive\n'.repeat(100));
    const bad = await run<ImageLoadEvent>('images.load', { path: junk });
    expect(bad.error?.field).toBe('path');
    expect(bad.error?.message.length).toBeGreaterThan(0);
  });
});
