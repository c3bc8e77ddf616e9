// Engine objects for the resource tests: images of their own (built FROM the test image with a unique
// label, so each has its own id; without a tag they are dangling), volumes and networks by prefix,
// and the clean-up of all of it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE, docker, dockerRaw, type CliOptions } from './docker-fixtures';

/** Build an image with its own id: tagged (`tag`) or dangling (no tag). Returns its sha256 id. */
export async function buildUniqueImage(area: string, opts: { tag?: string; labels?: Record<string, string> } & CliOptions = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wdtest-img-'));
  try {
    const labels = { 'wdtest.res': area, 'wdtest.unique': randomBytes(6).toString('hex'), ...opts.labels };
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\n${Object.entries(labels).map(([k, v]) => `LABEL ${k}="${v}"`).join('\n')}\n`);
    return await docker(['build', '-q', ...(opts.tag ? ['-t', opts.tag] : []), dir], opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function imageExists(ref: string, opts: CliOptions = {}): Promise<boolean> {
  return (await dockerRaw(['image', 'inspect', ref], opts)).code === 0;
}

export async function imageTags(ref: string, opts: CliOptions = {}): Promise<string[]> {
  const out = await docker(['image', 'inspect', '--format', '{{json .RepoTags}}', ref], opts);
  return (JSON.parse(out) as string[] | null) ?? [];
}

/** Remove the images one test area built (label wdtest.res=<area>; never the base test image). */
export async function cleanupTestImages(area: string, opts: CliOptions = {}): Promise<void> {
  const out = await docker(['images', '-a', '-q', '--no-trunc', '--filter', `label=wdtest.res=${area}`], opts).catch(() => '');
  const base = await docker(['image', 'inspect', '--format', '{{.Id}}', TEST_IMAGE], opts).catch(() => '');
  const ids = [...new Set(out.split('\n').map((s) => s.trim()).filter((s) => s && s !== base))];
  if (ids.length > 0) await dockerRaw(['rmi', '-f', ...ids], opts);
}

export async function cleanupVolumes(prefix: string, opts: CliOptions = {}): Promise<void> {
  const out = await docker(['volume', 'ls', '-q', '--filter', `name=${prefix}`], opts).catch(() => '');
  const names = out.split('\n').map((s) => s.trim()).filter((s) => s.startsWith(prefix));
  if (names.length > 0) await dockerRaw(['volume', 'rm', '-f', ...names], opts);
}

export async function cleanupNetworks(prefix: string, opts: CliOptions = {}): Promise<void> {
  const out = await docker(['network', 'ls', '--format', '{{.Name}}', '--filter', `name=${prefix}`], opts).catch(() => '');
  const names = out.split('\n').map((s) => s.trim()).filter((s) => s.startsWith(prefix));
  if (names.length > 0) await dockerRaw(['network', 'rm', ...names], opts);
}
