// Image archives and volume backups between the browser and the engine, in Chromium against the
// built `wakedock serve` and the real engine (serve/archive-routes.ts):
// - an image downloaded from the Save / load dialog is docker save's tar (manifest.json, its tag);
//   removed, it is loaded back by uploading that file from the dialog; a file that is no archive is
//   refused in the engine's words; a file over the server's --upload-limit is refused before sending;
// - a volume's backup downloaded from the Files dialog is a .tar.gz with the volume's files and bytes;
//   uploaded into another volume's Restore tab, it lands in the backup folder and restores the same
//   bytes; a file that is no .tar.gz is refused and not kept;
// - over plain HTTP: an upload over the limit is 413 (declared length and streamed), one from a
//   foreign Origin 403, and a cancelled upload (the client goes away mid-body) leaves no file.
// Screenshots at 1280×800, 1024×700, 390×844.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { HELPER_LABEL } from '../../src-main/core/resources/volume-helper';
import { TEST_IMAGE, TEST_LABEL, docker, ensureTestImage, waitFor } from '../support/docker-fixtures';
import { buildUniqueImage, cleanupTestImages, cleanupVolumes, imageExists } from '../support/resource-fixtures';
import { launchBrowser, openApp, startServe, uncaughtErrors, type ServeProcess } from './support/harness';

const AREA = 'e2earc';
const PREFIX = `wdtest-${AREA}-`;
const LIMIT_MIB = 24;
const SHOTS = '/tmp/wakedock-shots';
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let root: string;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function openPage(name: 'Volumes' | 'Images'): Promise<void> {
  while (await page.getByRole('dialog').count()) await page.keyboard.press('Escape');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
}

async function shots(prefix: string, ready: () => Promise<void>): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await ready();
    await page.screenshot({ path: `${SHOTS}/${prefix}-${w}x${h}.png` });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** A raw HTTP request to serve with the token; `body` chunks are written one by one. */
function raw(method: string, path: string, opts: { headers?: Record<string, string>; chunks?: Buffer[]; abortAfter?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, serve.origin);
    const req = request(url, { method, headers: { authorization: `Bearer ${serve.token}`, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    // A connection the server closed (or we destroyed) before an answer: status 0, the error's words.
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    void (async () => {
      for (const [i, c] of (opts.chunks ?? []).entries()) {
        if (opts.abortAfter !== undefined && i === opts.abortAfter) {
          req.destroy();
          return;
        }
        if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })();
  });
}

const backupDir = (): string => join(serve.dataDir, 'volume-backups');
const backupFiles = (): string[] => {
  try {
    return readdirSync(backupDir());
  } catch {
    return [];
  }
};

beforeAll(async () => {
  await ensureTestImage();
  await cleanupVolumes(PREFIX);
  await cleanupTestImages(AREA);
  root = mkdtempSync(join(tmpdir(), `wdtest-${AREA}-`));
  serve = await startServe({ args: ['--upload-limit', String(LIMIT_MIB)] });
  browser = await launchBrowser();
  page = await openApp(browser, serve);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await cleanupVolumes(PREFIX);
  await cleanupTestImages(AREA);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('image archives from and to the browser (e2e)', () => {
  it('downloads docker save of an image, loads it back by uploading the file, and refuses a file that is no archive or too large', { timeout: 240_000 }, async () => {
    const tag = `${PREFIX}img:${randomBytes(3).toString('hex')}`;
    const id = await buildUniqueImage(AREA, { tag });
    await openPage('Images');
    await page.getByRole('button', { name: 'Save / load…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Save or load images' });
    await dlg.getByRole('radio', { name: 'Save to a file' }).click();
    await dlg.getByLabel(/^Images/).fill(tag);
    await shots('image-archive-download', () => dlg.getByRole('link', { name: 'Download .tar' }).waitFor());

    const download = page.waitForEvent('download', { timeout: 120_000 });
    await dlg.getByRole('link', { name: 'Download .tar' }).click();
    const dl = await download;
    expect(dl.suggestedFilename()).toMatch(/\.tar$/);
    const file = join(root, 'image.tar');
    await dl.saveAs(file);
    const listing = execFileSync('tar', ['-tf', file], { encoding: 'utf8' });
    expect(listing).toContain('manifest.json');
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })) as { RepoTags: string[] }[];
    expect(manifest[0]?.RepoTags).toContain(tag);

    // Gone from the engine, then loaded back from the uploaded file.
    await docker(['rmi', tag]);
    expect(await imageExists(id)).toBe(false);
    await dlg.getByRole('radio', { name: 'Load from a file' }).click();
    await dlg.getByLabel(/^Or upload an archive/).setInputFiles(file);
    await dlg.getByRole('button', { name: 'Upload and load' }).click();
    await dlg.getByRole('status', { name: 'Archive result' }).getByText(`Loaded ${tag}`).waitFor({ timeout: 120_000 });
    expect(await imageExists(tag)).toBe(true);
    expect((await docker(['image', 'inspect', '--format', '{{.Id}}', tag])).trim()).toBe(id);
    await shots('image-archive-upload', () => dlg.getByRole('status', { name: 'Archive result' }).waitFor());

    // Not an archive: the engine's words under the upload.
    const junk = join(root, 'junk.tar');
    writeFileSync(junk, 'this is not a tar file\n'.repeat(100));
    await dlg.getByLabel(/^Or upload an archive/).setInputFiles(junk);
    await dlg.getByRole('button', { name: 'Upload and load' }).click();
    const refusal = dlg.locator('.run-error').first();
    await refusal.waitFor({ timeout: 60_000 });
    // The engine's words ("Error processing tar file(exit status 1): archive/tar: invalid tar header").
    expect(await refusal.textContent()).toMatch(/tar/i);

    // Over the server's limit: refused before a byte is sent.
    const big = join(root, 'big.tar');
    writeFileSync(big, Buffer.alloc((LIMIT_MIB + 1) * 1024 * 1024));
    await dlg.getByLabel(/^Or upload an archive/).setInputFiles(big);
    await dlg.getByRole('button', { name: 'Upload and load' }).click();
    await dlg.getByText(`this server accepts uploads of at most ${LIMIT_MIB}.0 MiB`).waitFor({ timeout: 30_000 });
    await dlg.getByRole('button', { name: 'Close' }).click();
    expect(uncaughtErrors(page)).toEqual([]);
  });
});

describe('volume backups from and to the browser (e2e)', () => {
  it('downloads a backup made on the fly and restores another volume from the uploaded file', { timeout: 240_000 }, async () => {
    const src = `${PREFIX}src`;
    const dst = `${PREFIX}dst`;
    for (const v of [src, dst]) await docker(['volume', 'create', '--label', `${TEST_LABEL}=1`, v]);
    await docker(['run', '--rm', '--label', `${TEST_LABEL}=1`, '-v', `${src}:/v`, TEST_IMAGE, 'sh', '-c', 'mkdir -p /v/conf && printf "port=8080\\n" > /v/conf/app.conf && head -c 3145728 /dev/urandom > /v/blob.bin']);
    await docker(['run', '--rm', '--label', `${TEST_LABEL}=1`, '-v', `${dst}:/v`, TEST_IMAGE, 'sh', '-c', 'echo old > /v/old.txt']);
    const want = await docker(['run', '--rm', '-v', `${src}:/v:ro`, TEST_IMAGE, 'sh', '-c', 'cd /v && sha256sum blob.bin conf/app.conf']);

    await openPage('Volumes');
    await page.getByLabel('Filter volumes').fill(src);
    await page.getByRole('row', { name: src }).getByRole('button', { name: 'Files' }).click();
    let dlg = page.getByRole('dialog', { name: `Files of ${src}` });
    await waitFor('the helper image chosen', async () => (await dlg.getByLabel('Helper image').inputValue()) === TEST_IMAGE, { timeoutMs: 30_000 });
    await dlg.getByRole('tab', { name: 'Back up' }).click();
    await shots('volume-backup-download', () => dlg.getByRole('link', { name: 'Download a backup' }).waitFor());
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await dlg.getByRole('link', { name: 'Download a backup' }).click();
    const dl = await download;
    expect(dl.suggestedFilename()).toMatch(new RegExp(`^${src}-\\d{8}-\\d{6}\\.tar\\.gz$`));
    const got = join(root, 'dl.tar.gz');
    await dl.saveAs(got);
    const entries = execFileSync('tar', ['-tzf', got], { encoding: 'utf8' }).split('\n');
    expect(entries).toEqual(expect.arrayContaining(['./conf/app.conf', './blob.bin']));
    expect(sha(execFileSync('tar', ['-xzOf', got, './blob.bin'], { maxBuffer: 16 * 1024 * 1024 }))).toBe(/^(\w+)\s+blob\.bin/m.exec(want)?.[1]);
    await waitFor('no helper container left', async () => (await docker(['ps', '-aq', '--filter', `label=${HELPER_LABEL}`])) === '', { timeoutMs: 30_000 });
    await dlg.getByRole('button', { name: 'Close' }).last().click();

    // Restore the other volume from the uploaded file.
    const upName = `${PREFIX}${randomBytes(3).toString('hex')}.tar.gz`;
    const upload = join(root, upName);
    renameSync(got, upload);
    await page.getByLabel('Filter volumes').fill(dst);
    await page.getByRole('row', { name: dst }).getByRole('button', { name: 'Files' }).click();
    dlg = page.getByRole('dialog', { name: `Files of ${dst}` });
    await waitFor('the helper image chosen', async () => (await dlg.getByLabel('Helper image').inputValue()) === TEST_IMAGE, { timeoutMs: 30_000 });
    await dlg.getByRole('tab', { name: 'Restore' }).click();

    // A file that is no .tar.gz is refused and not kept.
    const bad = join(root, `${PREFIX}bad.tar.gz`);
    writeFileSync(bad, 'not gzip at all\n');
    await dlg.getByLabel(/^Or upload a \.tar\.gz/).setInputFiles(bad);
    await dlg.getByRole('button', { name: 'Upload', exact: true }).click();
    await dlg.getByRole('alert').getByText(/is not a readable \.tar\.gz/).waitFor({ timeout: 30_000 });
    expect(backupFiles()).toEqual([]);

    await dlg.getByLabel(/^Or upload a \.tar\.gz/).setInputFiles(upload);
    await dlg.getByRole('button', { name: 'Upload', exact: true }).click();
    const pathField = dlg.getByLabel(/^Archive/);
    await waitFor('the uploaded file chosen', async () => (await pathField.inputValue()) === join(backupDir(), upName), { timeoutMs: 60_000 });
    expect(backupFiles()).toEqual([upName]);
    await dlg.getByRole('button', { name: 'Restore…' }).click();
    await shots('volume-restore-upload', () => dlg.getByRole('button', { name: 'Replace the contents' }).waitFor());
    await dlg.getByRole('button', { name: 'Replace the contents' }).click();
    await dlg.getByRole('status', { name: 'Restore done' }).waitFor({ timeout: 120_000 });
    const after = await docker(['run', '--rm', '-v', `${dst}:/v:ro`, TEST_IMAGE, 'sh', '-c', 'cd /v && sha256sum blob.bin conf/app.conf && ls']);
    expect(after).toContain(want);
    expect(after).not.toContain('old.txt');
    await dlg.getByRole('button', { name: 'Close' }).last().click();
    expect(uncaughtErrors(page)).toEqual([]);
  });
});

describe('upload limits and cancels over HTTP (e2e)', () => {
  it('refuses an upload over the limit (declared and streamed) and one from another origin, and a cancelled upload leaves no file', { timeout: 120_000 }, async () => {
    const mib = Buffer.alloc(1024 * 1024, 7);
    const before = backupFiles();

    const declared = await raw('PUT', `/api/volume-backups/${PREFIX}declared.tar.gz`, { headers: { 'content-length': String((LIMIT_MIB + 1) * 1024 * 1024) } });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ code: 'LIMIT', reason: 'LIMIT_REACHED', field: 'file' });
    expect(JSON.parse(declared.body).message).toContain(`${LIMIT_MIB} MiB`);

    // Chunked (no length): counted as it comes, 413 once past the limit, nothing kept.
    const streamed = await raw('PUT', `/api/volume-backups/${PREFIX}streamed.tar.gz`, { headers: { 'transfer-encoding': 'chunked' }, chunks: Array.from({ length: LIMIT_MIB + 4 }, () => mib) });
    // 413, or (when the server closed while we were still writing) a reset: never a 2xx.
    expect([413, 0], streamed.body).toContain(streamed.status);
    if (streamed.status === 413) expect(JSON.parse(streamed.body)).toMatchObject({ code: 'LIMIT' });
    await waitFor('no temporary file left after the refused upload', () => backupFiles().join(',') === before.join(','), { timeoutMs: 30_000 });

    const loadTooBig = await raw('POST', '/api/image-load/local', { headers: { 'content-length': String((LIMIT_MIB + 1) * 1024 * 1024) } });
    expect(loadTooBig.status).toBe(413);

    const foreign = await raw('PUT', `/api/volume-backups/${PREFIX}foreign.tar.gz`, { headers: { origin: 'http://evil.example', 'content-length': '4' }, chunks: [Buffer.from('abcd')] });
    expect(foreign.status).toBe(403);

    // The client goes away mid-body: the temporary file goes too.
    const cancelled = raw('PUT', `/api/volume-backups/${PREFIX}cancelled.tar.gz`, { headers: { 'content-length': String(8 * 1024 * 1024) }, chunks: Array.from({ length: 8 }, () => mib), abortAfter: 4 });
    expect((await cancelled).status).toBe(0);
    await waitFor(`no file of the cancelled upload left (folder: ${backupFiles().join(', ')})`, () => !backupFiles().some((f) => f.includes('cancelled')), { timeoutMs: 30_000 });
    expect(backupFiles()).toEqual(before);
  });
});
