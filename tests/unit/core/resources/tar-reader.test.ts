// The streaming tar reader: entries and sizes of a tar made by GNU tar (long names, PAX), data of a
// wanted entry across odd chunk sizes, and refusals of truncated and non-tar input.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { TarReader, tarNumber, type TarEntry } from '../../../../src-main/core/resources/tar-reader';
import { parseListing } from '../../../../src-main/core/resources/volume-files';

const dir = mkdtempSync(join(tmpdir(), 'wd-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const made = new Map<string, Buffer>();
function makeTar(format: 'gnu' | 'pax'): Buffer {
  const had = made.get(format);
  if (had) return had;
  const src = join(dir, `src-${format}`);
  mkdirSync(join(src, 'empty'), { recursive: true });
  mkdirSync(join(src, 'a'.repeat(120)), { recursive: true });
  writeFileSync(join(src, 'a'.repeat(120), 'long-named-file.txt'), 'long\n');
  writeFileSync(join(src, 'blob.bin'), Buffer.alloc(1500, 7));
  writeFileSync(join(src, 'héllo.txt'), 'accent');
  symlinkSync('blob.bin', join(src, 'link'));
  const tar = execFileSync('tar', [`--format=${format}`, '-cf', '-', '-C', src, '.']);
  made.set(format, tar);
  return tar;
}

async function read(buf: Buffer, chunk: number, want?: string): Promise<{ entries: TarEntry[]; data: Buffer; reader: TarReader }> {
  const entries: TarEntry[] = [];
  const parts: Buffer[] = [];
  const reader = new TarReader({ onEntry: (e) => (entries.push(e), e.name === want), onData: (b) => parts.push(Buffer.from(b)) });
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) chunks.push(buf.subarray(i, i + chunk));
  await pipeline(Readable.from(chunks), reader);
  return { entries, data: Buffer.concat(parts), reader };
}

describe('TarReader', () => {
  for (const format of ['gnu', 'pax'] as const) {
    it(`reads names, types and sizes of a ${format} tar, in any chunking`, async () => {
      const tar = makeTar(format);
      for (const chunk of [1, 7, 512, 100_000]) {
        const { entries, data, reader } = await read(tar, chunk, './blob.bin');
        const names = entries.map((e) => e.name);
        expect(names).toContain(`./${'a'.repeat(120)}/long-named-file.txt`);
        expect(names).toContain('./héllo.txt');
        expect(entries.find((e) => e.name === './link')).toMatchObject({ type: '2', size: 0 });
        expect(entries.find((e) => e.name === './empty/')).toMatchObject({ type: '5' });
        expect(data.equals(Buffer.alloc(1500, 7))).toBe(true);
        expect(reader.entries).toBe(entries.length);
        expect(reader.bytes).toBe(1500 + 5 + 6);
      }
    });
  }

  it('refuses a truncated tar and input that is not a tar', async () => {
    const tar = makeTar('gnu');
    await expect(read(tar.subarray(0, 1024 + 100), 512)).rejects.toThrow(/truncated|middle/);
    await expect(read(Buffer.alloc(1024, 65), 512)).rejects.toThrow(/not a tar/);
    await expect(read(Buffer.alloc(0), 512)).rejects.toThrow(/empty/);
  });

  it('reads octal and base-256 numbers', () => {
    expect(tarNumber(Buffer.from('00000002734\0'))).toBe(1500);
    const big = Buffer.alloc(12);
    big[0] = 0x80;
    big.writeUIntBE(10 * 1024 ** 3, 6, 6);
    expect(tarNumber(big)).toBe(10 * 1024 ** 3);
  });
});

describe('parseListing', () => {
  it('maps stat types, keeps names with | and spaces, folders first, and notes a cut', () => {
    const out = ['regular file|12|1700000000|b.txt', 'directory|4096|1700000001|a dir', 'symbolic link|3|1700000002|l', 'regular empty file|0|1|x|y', 'fifo|0|1|p', '#MORE', 'garbage'].join('\n');
    const r = parseListing('sub', out);
    expect(r.truncated).toBe(true);
    expect(r.entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['a dir', 'dir', 0],
      ['b.txt', 'file', 12],
      ['l', 'link', 0],
      ['p', 'other', 0],
      ['x|y', 'file', 0],
    ]);
  });
});
