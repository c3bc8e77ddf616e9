// A volume's files through the helper container, against the real engine, through the core's
// handlers behind a real RpcServer (output validation on): browse (lazy, bounded, sizes, small text,
// binary refused as text), backup to .tar.gz with progress, wipe, restore — the same files and bytes
// (sha256 listing of every file, the empty folder and the link kept) — clone, a broken archive that
// leaves the volume untouched, a cancel that leaves no file, and no helper container left behind
// after a forced failure.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import type { VolumeBackupEvent, VolumeRestoreEvent } from '../../../src-main/contract/procedures/volumes';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { HELPER_LABEL } from '../../../src-main/core/resources/volume-helper';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, TEST_IMAGE, TEST_LABEL, cleanupTestContainers, discoveryFor, docker, ensureTestImage, waitFor } from '../../support/docker-fixtures';
import { cleanupVolumes } from '../../support/resource-fixtures';
import { EventLog, connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'volfiles';
const PREFIX = `wdtest-${AREA}-`;
let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;
let outDir: string;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callError<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded but was expected to fail: ${JSON.stringify(r.data)}`);
  return r.error;
}

/** Runs a stream to its end; resolves with its events, rejects with its error data. */
function runStream<E>(proc: 'volumes.backup' | 'volumes.restore', input: ProcInput<typeof proc>): { log: EventLog<E>; done: Promise<E[]>; cancel(): void } {
  const log = new EventLog<E>();
  let cancel = (): void => undefined;
  const done = new Promise<E[]>((ok, fail) => {
    const id = link.client.subscribe(proc, input as never, {
      next: log.handlers.next,
      error: (e: unknown) => fail(e),
      end: () => ok(log.events),
    });
    cancel = () => link.client.unsubscribe(id);
  });
  return { log, done, cancel: () => cancel() };
}

/** path, type and sha256 of everything in a volume, as the engine's own busybox sees it. */
async function listing(volume: string): Promise<string> {
  return docker([
    'run', '--rm', '--label', `${TEST_LABEL}=1`, '-v', `${volume}:/v:ro`, TEST_IMAGE, 'sh', '-c',
    'cd /v && find . -mindepth 1 | sort | while IFS= read -r f; do if [ -L "$f" ]; then echo "L $f -> $(readlink "$f")"; elif [ -d "$f" ]; then echo "D $f"; else echo "F $f $(sha256sum < "$f" | cut -d" " -f1)"; fi; done',
  ]);
}

async function helpersLeft(): Promise<string> {
  return docker(['ps', '-aq', '--filter', `label=${HELPER_LABEL}`]);
}

const vol = (s: string): string => `${PREFIX}${s}`;
const NOSH_IMAGE = `${PREFIX}nosh:1`;

beforeAll(async () => {
  await ensureTestImage();
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-volfiles-'));
  outDir = mkdtempSync(join(tmpdir(), 'wdtest-volfiles-out-'));
  core = await createCore({ dataDir, mode: 'desktop', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
  server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
  link = connectInMemory(server);
  await waitFor('the local host to connect', async () => (await call('hosts.list', {})).find((h) => h.state === 'connected'), { timeoutMs: 15_000 });
  await docker(['volume', 'create', '--label', `${TEST_LABEL}=1`, vol('data')]);
  // Text, binary (every byte value, 3 MiB of random), nested folders, an empty folder, a dot file, a symlink, a name with a space.
  await docker([
    'run', '--rm', '--label', `${TEST_LABEL}=1`, '-v', `${vol('data')}:/v`, TEST_IMAGE, 'sh', '-c',
    [
      'mkdir -p /v/etc/conf.d /v/empty /v/deep/a/b/c',
      'printf "hello volume\\nline 2\\n" > /v/etc/hello.txt',
      'echo "x=1" > /v/etc/conf.d/app.conf',
      'head -c 3145728 /dev/urandom > /v/deep/a/b/c/random.bin',
      'i=0; while [ $i -lt 256 ]; do printf "\\\\$(printf %o $i)"; i=$((i+1)); done > /v/bytes.bin',
      'echo secret > /v/.hidden',
      'echo spaced > "/v/with space.txt"',
      'ln -s etc/hello.txt /v/link',
      'head -c 300000 /dev/zero | tr "\\0" a > /v/big.txt',
    ].join(' && '),
  ]);
}, 120_000);

afterAll(async () => {
  link?.close();
  await core?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await docker(['rm', '-f', ...(await helpersLeft()).split('\n').filter(Boolean)]).catch(() => undefined);
  await cleanupVolumes(PREFIX);
  await docker(['rmi', '-f', NOSH_IMAGE]).catch(() => undefined);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('volume files', () => {
  it('offers the local images that can run the helper, the test image first', async () => {
    const r = await call('volumes.helperImages', { hostId: 'local' });
    expect(r.images.map((i) => i.ref)).toContain(TEST_IMAGE);
    expect(r.suggested).not.toBeNull();
    expect(r.images.find((i) => i.ref === TEST_IMAGE)?.likely).toBe(true);
  });

  it('browses one folder at a time with types and sizes, and views small text files only', async () => {
    const root = await call('volumes.list', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: '' });
    const byName = new Map(root.entries.map((e) => [e.name, e]));
    expect(root.truncated).toBe(false);
    expect([...byName.keys()].sort()).toEqual(['.hidden', 'big.txt', 'bytes.bin', 'deep', 'empty', 'etc', 'link', 'with space.txt']);
    expect(byName.get('etc')?.type).toBe('dir');
    expect(byName.get('link')?.type).toBe('link');
    expect(byName.get('bytes.bin')).toMatchObject({ type: 'file', size: 256 });
    expect(root.entries[0]?.type).toBe('dir'); // folders first
    // Lazy: the root does not list what is inside deep/.
    expect(root.entries.some((e) => e.name === 'random.bin')).toBe(false);
    const c = await call('volumes.list', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: 'deep/a/b/c' });
    expect(c.entries).toEqual([expect.objectContaining({ name: 'random.bin', type: 'file', size: 3_145_728 })]);
    expect((await call('volumes.list', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: 'empty' })).entries).toEqual([]);

    expect(await call('volumes.readFile', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: 'etc/hello.txt' })).toEqual({ path: 'etc/hello.txt', size: 20, text: 'hello volume\nline 2\n', notShown: null });
    expect(await call('volumes.readFile', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: 'bytes.bin' })).toMatchObject({ size: 256, text: null, notShown: 'binary' });
    expect(await call('volumes.readFile', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: 'big.txt' })).toMatchObject({ size: 300_000, text: null, notShown: 'too-large' });

    expect(await callError('volumes.list', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: 'nope' })).toMatchObject({ code: 'NOT_FOUND', reason: 'PATH_NOT_FOUND', field: 'path' });
    expect(await callError('volumes.list', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: '../etc' })).toMatchObject({ code: 'VALIDATION', field: 'path' });
    expect(await callError('volumes.readFile', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: 'etc' })).toMatchObject({ code: 'VALIDATION', field: 'path' });
    expect(await callError('volumes.list', { hostId: 'local', name: vol('data'), image: 'wdtest-volfiles-no-such-image:1', path: '' })).toMatchObject({ code: 'NOT_FOUND', reason: 'HELPER_IMAGE_MISSING', field: 'image' });
    expect(await helpersLeft()).toBe('');
  });

  it('lists at most 1000 entries of a folder and says it was cut', async () => {
    await docker(['volume', 'create', '--label', `${TEST_LABEL}=1`, vol('many')]);
    await docker(['run', '--rm', '--label', `${TEST_LABEL}=1`, '-v', `${vol('many')}:/v`, TEST_IMAGE, 'sh', '-c', 'cd /v && i=0; while [ $i -lt 1200 ]; do : > f$i; i=$((i+1)); done']);
    const r = await call('volumes.list', { hostId: 'local', name: vol('many'), image: TEST_IMAGE, path: '' });
    expect(r.entries).toHaveLength(1000);
    expect(r.truncated).toBe(true);
  }, 60_000);

  it('backs up to .tar.gz with progress, and a wiped volume restored from it has the same files and bytes', async () => {
    const before = await listing(vol('data'));
    expect(before).toContain('F ./deep/a/b/c/random.bin');
    expect(before).toContain('D ./empty');
    expect(before).toContain('L ./link -> etc/hello.txt');

    const path = join(outDir, 'data.tar.gz');
    const b = runStream<VolumeBackupEvent>('volumes.backup', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path });
    const events = await b.done;
    expect(events[0]).toMatchObject({ kind: 'start', path });
    const done = events.at(-1);
    expect(done).toMatchObject({ kind: 'done', path });
    if (done?.kind !== 'done') throw new Error('no done event');
    expect(done.read).toBeGreaterThan(3_145_728 + 300_000);
    expect(done.written).toBe(statSync(path).size);
    expect(events.filter((e) => e.kind === 'progress').length).toBeGreaterThan(0);
    // Only the finished file is there (no temporary name left next to it).
    expect(readdirSync(outDir)).toEqual(['data.tar.gz']);
    // A plain tar reads it, with entries relative to the volume's root as `tar -C /v .` writes them.
    const names = execFileSync('tar', ['tzf', path], { encoding: 'utf8' });
    expect(names.split('\n')).toContain('./etc/hello.txt');

    // Wipe, and write something that must not survive the restore.
    await docker(['run', '--rm', '--label', `${TEST_LABEL}=1`, '-v', `${vol('data')}:/v`, TEST_IMAGE, 'sh', '-c', 'rm -rf /v/* /v/.hidden && echo stray > /v/stray.txt']);
    expect(await listing(vol('data'))).toBe('F ./stray.txt ' + (await docker(['run', '--rm', TEST_IMAGE, 'sh', '-c', 'echo stray | sha256sum | cut -d" " -f1'])));

    const r = runStream<VolumeRestoreEvent>('volumes.restore', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path });
    const revents = await r.done;
    expect(revents[0]).toMatchObject({ kind: 'checked' });
    expect(revents.at(-1)).toMatchObject({ kind: 'done' });
    expect(await listing(vol('data'))).toBe(before);
    expect(await helpersLeft()).toBe('');
  }, 120_000);

  it('refuses a broken archive before touching the volume, and a restore under a running container', async () => {
    const before = await listing(vol('data'));
    const good = join(outDir, 'data.tar.gz');
    const cut = join(outDir, 'cut.tar.gz');
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(good);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const notGz = join(outDir, 'plain.tgz');
    writeFileSync(notGz, 'this is not gzip');
    for (const path of [cut, notGz]) {
      const e = (await runStream('volumes.restore', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path }).done.then(() => null, (x: unknown) => x)) as RpcErrorData;
      expect(e).toMatchObject({ code: 'VALIDATION', reason: 'ARCHIVE_INVALID', field: 'path' });
    }
    expect(await listing(vol('data'))).toBe(before);

    await docker(['run', '-d', '--name', `${PREFIX}user`, '--label', `${TEST_LABEL}=1`, '-v', `${vol('data')}:/data`, TEST_IMAGE, 'sleep', '300']);
    const inUse = (await runStream('volumes.restore', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: good }).done.then(() => null, (x: unknown) => x)) as RpcErrorData;
    expect(inUse).toMatchObject({ code: 'CONFLICT', reason: 'IN_USE' });
    expect(inUse.message).toContain(`${PREFIX}user`);
    await docker(['rm', '-f', `${PREFIX}user`]);
    expect(await listing(vol('data'))).toBe(before);

    const exists = (await runStream('volumes.backup', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, path: good }).done.then(() => null, (x: unknown) => x)) as RpcErrorData;
    expect(exists).toMatchObject({ code: 'CONFLICT', reason: 'FILE_EXISTS', field: 'path' });
  }, 120_000);

  it('removes the helper container after a forced failure and after a cancel, and keeps no half file', async () => {
    // Forced failure after the helper was created: an image with no sleep/sh (FROM scratch) cannot start it.
    const ctx = mkdtempSync(join(tmpdir(), 'wdtest-volfiles-ctx-'));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY x /x\n');
    writeFileSync(join(ctx, 'x'), 'x');
    await docker(['build', '-q', '-t', NOSH_IMAGE, ctx]);
    rmSync(ctx, { recursive: true, force: true });
    {
      const failed = (await runStream('volumes.backup', { hostId: 'local', name: vol('data'), image: NOSH_IMAGE, path: join(outDir, 'nosh.tar.gz') }).done.then(() => null, (x: unknown) => x)) as RpcErrorData;
      expect(failed).toMatchObject({ code: 'NOT_FOUND', reason: 'HELPER_IMAGE_MISSING', field: 'image' });
      const failedList = await callError('volumes.list', { hostId: 'local', name: vol('data'), image: NOSH_IMAGE, path: '' });
      expect(failedList.reason).toBe('HELPER_IMAGE_MISSING');
    }
    // The engine really had a helper container for it, and it is gone.
    const createdHelpers = async (): Promise<number> =>
      (await docker(['events', '--since', '5m', '--until', '0s', '--filter', 'type=container', '--filter', 'event=create', '--format', '{{.Actor.Attributes.image}}'])).split('\n').filter((l) => l === NOSH_IMAGE).length;
    await waitFor('the engine to report both helper containers as created', async () => (await createdHelpers()) >= 2, { timeoutMs: 10_000 });
    expect(await helpersLeft()).toBe('');
    expect(readdirSync(outDir).some((n) => n.includes('nosh'))).toBe(false);

    // Cancel mid-way: a 64 MiB volume, unsubscribed at the first progress with bytes.
    await docker(['volume', 'create', '--label', `${TEST_LABEL}=1`, vol('big')]);
    await docker(['run', '--rm', '--label', `${TEST_LABEL}=1`, '-v', `${vol('big')}:/v`, TEST_IMAGE, 'sh', '-c', 'head -c 67108864 /dev/urandom > /v/blob']);
    const path = join(outDir, 'cancelled.tar.gz');
    const s = runStream<VolumeBackupEvent>('volumes.backup', { hostId: 'local', name: vol('big'), image: TEST_IMAGE, path });
    s.done.catch(() => undefined);
    await waitFor('backup bytes to flow', () => s.log.events.some((e) => e.kind === 'start'), { timeoutMs: 30_000 });
    s.cancel();
    await waitFor('the helper container to be removed after the cancel', async () => (await helpersLeft()) === '', { timeoutMs: 30_000 });
    await waitFor('no temporary file left', () => readdirSync(outDir).every((n) => !n.includes('cancelled')), { timeoutMs: 10_000 });
    expect(existsSync(path)).toBe(false);
  }, 120_000);

  it('clones a volume into a new one with the same files, and refuses an existing name', async () => {
    const before = await listing(vol('data'));
    expect(await call('volumes.clone', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, target: vol('copy') })).toMatchObject({ name: vol('copy') });
    expect(await listing(vol('copy'))).toBe(before);
    expect(await callError('volumes.clone', { hostId: 'local', name: vol('data'), image: TEST_IMAGE, target: vol('copy') })).toMatchObject({ code: 'CONFLICT', reason: 'NAME_IN_USE', field: 'target' });
    expect(await helpersLeft()).toBe('');
  }, 120_000);

  it('lists backups written to the default folder in the data dir', async () => {
    const events = await runStream<VolumeBackupEvent>('volumes.backup', { hostId: 'local', name: vol('copy'), image: TEST_IMAGE }).done;
    const done = events.at(-1);
    if (done?.kind !== 'done') throw new Error('no done event');
    expect(done.path.startsWith(join(dataDir, 'volume-backups'))).toBe(true);
    const r = await call('volumes.backups', {});
    expect(r.files.map((f) => f.path)).toEqual([done.path]);
  }, 60_000);
});
