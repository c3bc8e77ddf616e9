// images.build against the real engine, through the core behind a real RpcServer (output validation
// on): a folder with a Dockerfile FROM the test image, build args and a .dockerignore that excludes a
// big file and a folder (with one exception) is built into a tagged image whose files are checked by
// running it; the context sent is smaller than the big file; the log streams the engine's steps. A
// Dockerfile error and a failing RUN fail in the engine's words (CONFLICT / BUILD_FAILED); a target
// stage builds only that stage; a cancelled build leaves no intermediate container and no tag; paths
// are checked on their fields.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcErrorData } from '../../../src-main/contract';
import type { BuildEvent, BuildInput } from '../../../src-main/contract/procedures/images';
import { docker, dockerRaw, ensureTestImage, TEST_IMAGE, waitFor } from '../../support/docker-fixtures';
import { cleanupTestImages, imageExists } from '../../support/resource-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { EventLog } from '../../support/rpc-harness';

const AREA = 'resbuild';
const BIG = 24 * 1024 * 1024;
let rig: CoreRig;
const dirs: string[] = [];

function folder(files: Record<string, string | Buffer>): string {
  const d = mkdtempSync(join(tmpdir(), `wdtest-${AREA}-ctx-`));
  dirs.push(d);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), body);
  }
  return d;
}

const tagOf = (name: string): string => `wdtest-${AREA}-${name}:${randomBytes(3).toString('hex')}`;

function start(input: Omit<BuildInput, 'hostId'>): { log: EventLog<BuildEvent>; id: number } {
  const log = new EventLog<BuildEvent>();
  const id = rig.link.client.subscribe('images.build', { hostId: 'local', ...input }, log.handlers);
  return { log, id };
}

async function build(input: Omit<BuildInput, 'hostId'>): Promise<{ events: BuildEvent[]; lines: string[]; error?: RpcErrorData }> {
  const { log } = start(input);
  await waitFor('the build to end', () => log.ended || log.error !== undefined, { timeoutMs: 180_000 });
  const lines = log.events.flatMap((e) => (e.kind === 'log' ? e.lines : []));
  return { events: log.events, lines, error: log.error as RpcErrorData | undefined };
}

beforeAll(async () => {
  await ensureTestImage();
  rig = await startCoreRig({ area: AREA });
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupTestImages(AREA);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('images.build', () => {
  it('builds a folder into a tagged image with build args, leaving out what .dockerignore excludes', { timeout: 240_000 }, async () => {
    const ctx = folder({
      'docker/app.Dockerfile': `FROM ${TEST_IMAGE}\nLABEL wdtest.res=${AREA}\nARG GREETING=none\nCOPY . /ctx/\nRUN echo "$GREETING" > /greeting\n`,
      '.dockerignore': '# big things stay home\nbig.bin\nlogs\n!logs/keep.txt\ndocker/app.Dockerfile\n',
      'app.txt': 'hello from the context\n',
      'big.bin': randomBytes(BIG),
      'logs/debug.log': 'noise\n',
      'logs/keep.txt': 'kept\n',
    });
    const tag = tagOf('app');
    const r = await build({ context: ctx, dockerfile: 'docker/app.Dockerfile', tags: [tag], buildArgs: [{ name: 'GREETING', value: 'hi there' }] });
    expect(r.error).toBeUndefined();
    const done = r.events.at(-1);
    expect(done).toMatchObject({ kind: 'done', tags: [tag] });
    const imageId = (done as { imageId: string }).imageId;
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await docker(['image', 'inspect', '--format', '{{.Id}}', tag])).toBe(imageId);

    // The context that went to the engine left the big file at home.
    const sent = r.events.filter((e): e is Extract<BuildEvent, { kind: 'context' }> => e.kind === 'context').at(-1);
    expect(sent).toMatchObject({ sent: true });
    expect(sent!.bytes).toBeLessThan(BIG / 4);
    expect(sent!.files).toBeGreaterThanOrEqual(4);
    // The engine's own steps, streamed.
    expect(r.lines.some((l) => /^Step 1\/\d+ : FROM/.test(l))).toBe(true);
    expect(r.lines.some((l) => /Successfully tagged/.test(l))).toBe(true);

    const files = await docker(['run', '--rm', tag, 'sh', '-c', 'cd /ctx && find . -type f | sort && cat /greeting']);
    const list = files.split('\n');
    expect(list).toContain('./app.txt');
    expect(list).toContain('./logs/keep.txt');
    // The Dockerfile is sent even when ignored (the engine reads it), but not copied: as with docker build.
    expect(list).not.toContain('./docker/app.Dockerfile');
    expect(list).not.toContain('./big.bin');
    expect(list).not.toContain('./logs/debug.log');
    expect(list.at(-1)).toBe('hi there');
  });

  it('builds only the target stage and honours no-cache', { timeout: 180_000 }, async () => {
    const ctx = folder({ Dockerfile: `FROM ${TEST_IMAGE} AS base\nLABEL wdtest.res=${AREA}\nRUN echo base > /stage\nFROM base AS final\nRUN echo final > /stage\n` });
    const tag = tagOf('stage');
    const first = await build({ context: ctx, tags: [tag], target: 'base' });
    expect(first.error).toBeUndefined();
    expect(await docker(['run', '--rm', tag, 'cat', '/stage'])).toBe('base');
    const again = await build({ context: ctx, tags: [tag], target: 'base', noCache: true });
    expect(again.error).toBeUndefined();
    expect(again.lines.some((l) => /Using cache/.test(l))).toBe(false);
  });

  it("fails with the engine's words on a Dockerfile error and on a failing RUN, and tags nothing", { timeout: 180_000 }, async () => {
    const bad = await build({ context: folder({ Dockerfile: `FROM ${TEST_IMAGE}\nRUNN echo x\n` }), tags: [tagOf('bad')] });
    expect(bad.error).toMatchObject({ code: 'CONFLICT', reason: 'BUILD_FAILED' });
    expect(bad.error?.message).toMatch(/unknown instruction: RUNN/i);

    const tag = tagOf('exit');
    const exit = await build({ context: folder({ Dockerfile: `FROM ${TEST_IMAGE}\nLABEL wdtest.res=${AREA}\nRUN echo about to fail && exit 3\n` }), tags: [tag] });
    expect(exit.error).toMatchObject({ code: 'CONFLICT', reason: 'BUILD_FAILED' });
    expect(exit.error?.message).toMatch(/returned a non-zero code: 3/);
    expect(exit.error?.detail).toContain('about to fail');
    expect(await imageExists(tag)).toBe(false);
  });

  it('cancels: the engine stops the build and removes its intermediate container', { timeout: 180_000 }, async () => {
    const marker = `wdtest-${AREA}-${randomBytes(4).toString('hex')}`;
    const tag = tagOf('cancel');
    const { log, id } = start({ context: folder({ Dockerfile: `FROM ${TEST_IMAGE}\nLABEL wdtest.res=${AREA}\nRUN sleep 120 && echo ${marker}\n` }), tags: [tag] });
    const running = async (): Promise<boolean> => (await docker(['ps', '-a', '--no-trunc', '--format', '{{.Command}}'])).includes(marker);
    await waitFor('the RUN step to start', running, { timeoutMs: 60_000 });
    await waitFor('the log to say so', () => log.events.some((e) => e.kind === 'log' && e.lines.some((l) => /Running in/.test(l))));
    rig.link.client.unsubscribe(id);
    await waitFor('the intermediate container to go', async () => !(await running()), { timeoutMs: 60_000 });
    expect(rig.server.liveStreams).toBe(0);
    expect(await imageExists(tag)).toBe(false);
    expect(log.ended).toBe(false);
  });

  it('checks the folder and the Dockerfile on their fields', async () => {
    const r1 = await build({ context: 'relative/dir' });
    expect(r1.error).toMatchObject({ code: 'VALIDATION', field: 'context' });
    const r2 = await build({ context: join(tmpdir(), `wdtest-${AREA}-missing-${randomBytes(3).toString('hex')}`) });
    expect(r2.error).toMatchObject({ code: 'VALIDATION', field: 'context' });
    const r3 = await build({ context: folder({ 'README.md': 'x' }) });
    expect(r3.error).toMatchObject({ code: 'VALIDATION', field: 'dockerfile' });
    expect(r3.error?.message).toMatch(/no Dockerfile/);
    const r4 = await build({ context: folder({ Dockerfile: 'FROM x' }), dockerfile: '../Dockerfile' });
    expect(r4.error).toMatchObject({ code: 'VALIDATION', field: 'dockerfile' });
    const r5 = await build({ context: '/tmp', buildArgs: [{ name: '1bad', value: 'x' }] });
    expect(r5.error).toMatchObject({ code: 'VALIDATION' });
    expect(r5.error?.field).toMatch(/^buildArgs/);
    await dockerRaw(['image', 'prune', '-f', '--filter', `label=wdtest.res=${AREA}`]);
  });
});
