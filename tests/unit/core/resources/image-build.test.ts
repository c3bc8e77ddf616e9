// The build's pure parts: which context paths .dockerignore leaves out (the Dockerfile and
// .dockerignore always sent, folders walked when an exception may bring a file back), and the
// engine's build lines turned into bounded text lines with the image id and the error.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildOutput, MAX_LINE, MAX_PENDING_LINES, TAIL_LINES, contextIgnore } from '../../../../src-main/core/resources/image-build';

const ctx = mkdtempSync(join(tmpdir(), 'wdunit-build-'));
mkdirSync(join(ctx, 'logs'));
mkdirSync(join(ctx, 'node_modules'));
writeFileSync(join(ctx, 'logs', 'keep.txt'), '');
afterAll(() => rmSync(ctx, { recursive: true, force: true }));

describe('contextIgnore', () => {
  it("follows Docker's rules and always sends the Dockerfile and .dockerignore", () => {
    const ig = contextIgnore(ctx, 'build/Dockerfile', ['*.bin', 'logs', '!logs/keep.txt', 'build', '.dockerignore', '**/*.tmp']);
    const at = (p: string): boolean => ig(join(ctx, p));
    expect(at('big.bin')).toBe(true);
    expect(at('sub/big.bin')).toBe(false); // `*` stays in its folder, as in .dockerignore
    expect(at('a/b/c.tmp')).toBe(true);
    expect(at('app.txt')).toBe(false);
    expect(at('logs/debug.log')).toBe(true);
    expect(at('logs/keep.txt')).toBe(false);
    expect(at('logs')).toBe(false); // walked: an exception lives inside
    expect(at('build/Dockerfile')).toBe(false);
    expect(at('build')).toBe(false);
    expect(at('build/other')).toBe(true);
    expect(at('.dockerignore')).toBe(false);
  });

  it('skips an ignored folder whole when no exception exists, and ignores nothing without patterns', () => {
    expect(contextIgnore(ctx, 'Dockerfile', ['node_modules'])(join(ctx, 'node_modules'))).toBe(true);
    expect(contextIgnore(ctx, 'Dockerfile', [])(join(ctx, 'node_modules'))).toBe(false);
  });
});

describe('BuildOutput', () => {
  it('splits stream text into lines across chunks, takes the aux id and the error', () => {
    const o = new BuildOutput();
    o.push({ stream: 'Step 1/2 : FROM x\n ---> abc' });
    o.push({ stream: 'def\nStep 2/2 : RUN y\n' });
    o.push({ aux: { ID: 'sha256:' + 'a'.repeat(64) } });
    expect(o.take()).toEqual(['Step 1/2 : FROM x', ' ---> abcdef', 'Step 2/2 : RUN y']);
    expect(o.imageId).toBe('sha256:' + 'a'.repeat(64));
    o.push({ error: 'x', errorDetail: { message: "The command '/bin/sh -c y' returned a non-zero code: 3" } });
    expect(o.error).toMatch(/non-zero code: 3/);
    expect(o.take()).toEqual(["The command '/bin/sh -c y' returned a non-zero code: 3"]);
  });

  it('cuts long lines, bounds what it holds and keeps a tail for the error detail', () => {
    const o = new BuildOutput();
    o.push({ stream: `${'x'.repeat(MAX_LINE + 100)}\n` });
    expect(o.take()[0]).toHaveLength(MAX_LINE + 1);
    for (let i = 0; i < MAX_PENDING_LINES + 10; i++) o.push({ stream: `line ${i}\n` });
    const lines = o.take();
    expect(lines).toHaveLength(MAX_PENDING_LINES + 1);
    expect(lines[0]).toMatch(/10 lines skipped/);
    expect(lines.at(-1)).toBe(`line ${MAX_PENDING_LINES + 9}`);
    expect(o.tail).toHaveLength(TAIL_LINES);
  });

  it('reads the id from "Successfully built" when the engine sends no aux', () => {
    const o = new BuildOutput();
    o.push({ stream: 'Successfully built 0123456789ab\n' });
    expect(o.imageId).toBe('0123456789ab');
  });
});
