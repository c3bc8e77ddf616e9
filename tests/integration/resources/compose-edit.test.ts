// compose.deploy / check / files / save and scale against the real engine and the real compose CLI
// (v1 here), through the core's handlers behind a real RpcServer (output validation on): a project
// deployed from a pasted file into a new folder runs (its .env honoured), is scaled to 3 containers
// (counted in the engine), its file is edited (a YAML error refused with the CLI's words and line,
// the file untouched; a good edit saved atomically and applied with up), an existing compose file is
// not replaced without overwrite, and down -v takes the containers and the volume away.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposeRunEvent } from '../../../src-main/contract/procedures/compose';
import type { ProcInput, RpcErrorData } from '../../../src-main/contract';
import { TEST_IMAGE, TEST_LABEL, docker, ensureTestImage, uniqueName, volumeExists, waitFor } from '../../support/docker-fixtures';
import { cleanupComposeProjects } from '../../support/compose-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { EventLog } from '../../support/rpc-harness';

const AREA = 'cmpedit';
const PREFIX = `wdtest-${AREA}-`;
let rig: CoreRig;
let root: string;

async function stream(proc: 'compose.run' | 'compose.deploy', input: ProcInput<typeof proc>): Promise<{ events: ComposeRunEvent[]; error?: RpcErrorData }> {
  const log = new EventLog<ComposeRunEvent>();
  rig.link.client.subscribe(proc, input as never, log.handlers);
  await waitFor(`${proc} to finish`, () => log.ended || log.error !== undefined, { timeoutMs: 120_000 });
  return { events: log.events, error: log.error as RpcErrorData | undefined };
}

const running = async (project: string, service: string): Promise<number> =>
  (await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`])).split('\n').filter(Boolean).length;

function yaml(opts: { image?: string; extra?: string } = {}): string {
  return `version: "3.7"
services:
  web:
    image: ${opts.image ?? '${WEB_IMAGE}'}
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    labels:
      ${TEST_LABEL}: "1"
    volumes:
      - data:/data
${opts.extra ?? ''}volumes:
  data: {}
`;
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupComposeProjects(PREFIX);
  root = mkdtempSync(join(tmpdir(), 'wdtest-cmpedit-'));
  rig = await startCoreRig({ area: AREA });
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupComposeProjects(PREFIX);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('compose deploy, edit and scale', () => {
  it('deploys a pasted file into a new folder (.env honoured), scales to 3, edits with config checks, and goes down with its volumes', { timeout: 300_000 }, async () => {
    const name = uniqueName(AREA);
    const dir = join(root, 'new', name);
    // .env next to the compose file: written by the user beforehand (the folder exists with only it).
    const envDir = join(root, 'env', name);
    mkdirSync(envDir, { recursive: true });
    writeFileSync(join(envDir, '.env'), `WEB_IMAGE=${TEST_IMAGE}\n`);

    // A YAML error is refused before anything is written or started, in the CLI's words.
    const bad = await stream('compose.deploy', { hostId: 'local', dir, project: name, content: 'services:\n  web:\n    image: [unclosed\n' });
    expect(bad.error).toMatchObject({ code: 'VALIDATION', reason: 'COMPOSE_INVALID', field: 'content' });
    expect(bad.error!.detail).toMatch(/while parsing|expected|yaml/i);
    expect(existsSync(dir)).toBe(false); // the folder it created is gone again

    const up = await stream('compose.deploy', { hostId: 'local', dir: envDir, project: name, content: yaml() });
    expect(up.error).toBeUndefined();
    expect(up.events[0]).toMatchObject({ kind: 'start', cwd: envDir });
    expect(up.events.at(-1)).toEqual({ kind: 'done', exitCode: 0 });
    const file = join(envDir, 'docker-compose.yml');
    expect(readFileSync(file, 'utf8')).toBe(yaml());
    expect(readdirSync(envDir).sort()).toEqual(['.env', 'docker-compose.yml']); // no temporary file left
    expect(await running(name, 'web')).toBe(1);
    expect(await docker(['inspect', '--format', '{{.Config.Image}}', (await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${name}`])).trim()])).toBe(TEST_IMAGE);

    // An existing compose file is not replaced without the user's yes.
    const again = await stream('compose.deploy', { hostId: 'local', dir: envDir, project: name, content: yaml() });
    expect(again.error).toMatchObject({ code: 'CONFLICT', reason: 'FILE_EXISTS', field: 'dir' });

    // Scale to 3: three running containers in the engine; the first one was not recreated.
    const first = (await docker(['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${name}`])).trim();
    await waitFor('the project in the list', async () => (await rig.call('compose.files', { hostId: 'local', project: name })).files.length === 1);
    const scaled = await stream('compose.run', { hostId: 'local', project: name, action: 'scale', services: ['web'], replicas: 3 });
    expect(scaled.error).toBeUndefined();
    expect((scaled.events[0] as { command: string }).command).toContain('--scale web=3');
    expect(await running(name, 'web')).toBe(3);
    expect(await docker(['ps', '-q', '--no-trunc', '--filter', `id=${first}`])).toBe(first);
    expect((await stream('compose.run', { hostId: 'local', project: name, action: 'scale', services: [] })).error).toMatchObject({ code: 'VALIDATION', field: 'replicas' });

    // Edit: the file as it is, a check that names the line, a refused save that leaves the file alone.
    const files = await rig.call('compose.files', { hostId: 'local', project: name });
    expect(files).toEqual({ workingDir: envDir, files: [{ path: file, content: yaml(), size: Buffer.byteLength(yaml()) }] });
    const broken = 'version: "3.7"\nservices:\n  web:\n    image: busybox\n   bad: [\n';
    const check = await rig.call('compose.check', { hostId: 'local', dir: envDir, file, otherFiles: [file], content: broken, project: name });
    expect(check.valid).toBe(false);
    expect(check.line).toBe(5);
    expect(check.error).toContain('docker-compose.yml');
    expect(check.error).not.toContain('wakedock-check');
    const schema = await rig.call('compose.check', { hostId: 'local', dir: envDir, file, otherFiles: [file], content: yaml().replace('command:', 'comand:'), project: name });
    expect(schema).toMatchObject({ valid: false });
    expect(schema.error).toMatch(/comand/);
    const refused = await rig.callError('compose.save', { hostId: 'local', project: name, file, content: broken });
    expect(refused).toMatchObject({ code: 'VALIDATION', reason: 'COMPOSE_INVALID', field: 'content' });
    expect(readFileSync(file, 'utf8')).toBe(yaml());
    expect(await rig.callError('compose.save', { hostId: 'local', project: name, file: join(root, 'elsewhere.yml'), content: yaml() })).toMatchObject({ code: 'VALIDATION', field: 'file' });

    // A good edit (a second service) is saved atomically and applied by up.
    const edited = yaml({ extra: `  worker:\n    image: ${TEST_IMAGE}\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n    labels:\n      ${TEST_LABEL}: "1"\n` });
    expect(await rig.call('compose.check', { hostId: 'local', dir: envDir, file, otherFiles: [file], content: edited, project: name })).toEqual({ valid: true, error: null, line: null });
    expect(await rig.call('compose.save', { hostId: 'local', project: name, file, content: edited })).toEqual({ path: file, bytes: Buffer.byteLength(edited) });
    expect(readFileSync(file, 'utf8')).toBe(edited);
    expect(readdirSync(envDir).sort()).toEqual(['.env', 'docker-compose.yml']);
    const applied = await stream('compose.run', { hostId: 'local', project: name, action: 'up', build: true });
    expect(applied.error).toBeUndefined();
    expect((applied.events[0] as { command: string }).command).toContain('up -d --build');
    expect(await running(name, 'worker')).toBe(1);

    // Down with volumes: no container of the project and no volume left.
    const volume = `${name}_data`;
    expect(await volumeExists(volume)).toBe(true);
    const down = await stream('compose.run', { hostId: 'local', project: name, action: 'down', removeVolumes: true });
    expect(down.error).toBeUndefined();
    expect(await docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`])).toBe('');
    await waitFor('the volume to be removed', async () => !(await volumeExists(volume)));
  });
});
