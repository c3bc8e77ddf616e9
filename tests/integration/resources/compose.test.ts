// compose.* against the real engine and the real compose CLI (v1 on this machine: docker-compose),
// through the core's handlers behind a real RpcServer (output validation on): a project made outside
// is listed live from its labels with its services, working dir and compose file; stop/start/restart
// per service and per project change the engine's real state; a broken compose file fails `up` with
// the CLI's own stderr as data and changes nothing; down -v removes the containers, network and volume.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposeProject, ComposeRunEvent } from '../../../src-main/contract/procedures/compose';
import type { RpcErrorData } from '../../../src-main/contract';
import { docker, dockerRaw, ensureTestImage, uniqueName, volumeExists, waitFor } from '../../support/docker-fixtures';
import { cleanupComposeProjects, composeCli, composeDir, composeYaml } from '../../support/compose-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { EventLog } from '../../support/rpc-harness';

const AREA = 'rescmp';
const PREFIX = `wdtest-${AREA}-`;
let rig: CoreRig;
const dirs: { remove(): void }[] = [];

type Ev = { kind: 'snapshot'; items: ComposeProject[] } | { kind: 'patch'; upserts: ComposeProject[]; removed: string[] };
function projects(): { get(name: string): ComposeProject | undefined } {
  const log = new EventLog<Ev>();
  rig.link.client.subscribe('compose.watch', { hostId: 'local' }, log.handlers);
  return {
    get(name) {
      const m = new Map<string, ComposeProject>();
      for (const e of log.events) {
        if (e.kind === 'snapshot') {
          m.clear();
          for (const i of e.items) m.set(i.name, i);
        } else {
          for (const id of e.removed) m.delete(id);
          for (const i of e.upserts) m.set(i.name, i);
        }
      }
      return m.get(name);
    },
  };
}

/** Run an action to its end: the events, or the error it failed with. */
async function runAction(input: { project: string; action: 'up' | 'down' | 'start' | 'stop' | 'restart' | 'pull'; services?: string[]; removeVolumes?: boolean }): Promise<{ events: ComposeRunEvent[]; error?: RpcErrorData }> {
  const log = new EventLog<ComposeRunEvent>();
  rig.link.client.subscribe('compose.run', { hostId: 'local', ...input }, log.handlers);
  await waitFor(`compose ${input.action} to finish`, () => log.ended || log.error !== undefined, { timeoutMs: 120_000 });
  return { events: log.events, error: log.error as RpcErrorData | undefined };
}

const stateOf = async (name: string): Promise<string> => (await docker(['inspect', '--format', '{{.State.Status}}', name])).trim();
const containerOf = async (project: string, service: string): Promise<string> => (await docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`])).trim();

beforeAll(async () => {
  await ensureTestImage();
  await cleanupComposeProjects(PREFIX);
  rig = await startCoreRig({ area: AREA });
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupComposeProjects(PREFIX);
  for (const d of dirs) d.remove();
});

describe('compose projects', () => {
  it('names the compose CLI it will run', async () => {
    const cli = await rig.call('compose.cli', { hostId: 'local' });
    expect(cli.kind === 'v1' || cli.kind === 'v2').toBe(true);
    expect(cli.version).toMatch(/^\d+\.\d+/);
    expect(cli.problem).toBeUndefined();
  });

  it('lists a project made outside live, acts per service and per project, shows a broken file\'s stderr, and takes it down with its volumes', { timeout: 240_000 }, async () => {
    const name = uniqueName(AREA);
    const d = composeDir(composeYaml(['web', 'worker'], { volume: true }));
    dirs.push(d);
    const list = projects();
    await composeCli(['-p', name, 'up', '-d'], d.dir);

    const p = await waitFor('the project, both services running', () => {
      const x = list.get(name);
      return x?.state === 'running' && x.total === 2 ? x : undefined;
    });
    expect(p.workingDir).toBe(d.dir);
    expect(p.configFiles).toEqual([d.file]);
    expect(p.services.map((s) => s.name)).toEqual(['web', 'worker']);
    expect(p.services[0]!.containers[0]!.state).toBe('running');
    const worker = await containerOf(name, 'worker');
    const web = await containerOf(name, 'web');

    // One service: only it stops, and the list says the project is partly running.
    const stopped = await runAction({ project: name, action: 'stop', services: ['worker'] });
    expect(stopped.error).toBeUndefined();
    expect(stopped.events[0]).toMatchObject({ kind: 'start' });
    expect((stopped.events[0] as { command: string }).command).toContain(' stop worker');
    expect(stopped.events.at(-1)).toEqual({ kind: 'done', exitCode: 0 });
    expect(await stateOf(worker)).toBe('exited');
    expect(await stateOf(web)).toBe('running');
    await waitFor('the project partly running', () => list.get(name)?.state === 'partial');

    // The whole project.
    expect((await runAction({ project: name, action: 'stop' })).error).toBeUndefined();
    expect(await stateOf(web)).toBe('exited');
    await waitFor('the project stopped', () => list.get(name)?.state === 'stopped');
    expect((await runAction({ project: name, action: 'start' })).error).toBeUndefined();
    expect(await stateOf(web)).toBe('running');
    expect(await stateOf(worker)).toBe('running');
    await waitFor('the project running again', () => list.get(name)?.state === 'running');

    // A YAML error: `up` fails with the CLI's own words, as data; nothing changes.
    writeFileSync(d.file, 'services:\n  web:\n    image: [unclosed\n');
    const broken = await runAction({ project: name, action: 'up' });
    expect(broken.error).toMatchObject({ code: 'CONFLICT', reason: 'COMPOSE_FAILED' });
    expect(broken.error!.detail).toMatch(/yaml|while parsing|expected/i);
    expect(broken.events.some((e) => e.kind === 'output' && e.stream === 'stderr')).toBe(true);
    expect(await stateOf(web)).toBe('running');
    expect(await stateOf(worker)).toBe('running');

    // Down with volumes: containers, the network and the named volume go; the project leaves the list.
    writeFileSync(d.file, composeYaml(['web', 'worker'], { volume: true }));
    const volume = `${name}_data`;
    expect(await volumeExists(volume)).toBe(true);
    const down = await runAction({ project: name, action: 'down', removeVolumes: true });
    expect(down.error).toBeUndefined();
    expect((await dockerRaw(['inspect', web])).code).not.toBe(0);
    expect(await volumeExists(volume)).toBe(false);
    expect((await dockerRaw(['network', 'inspect', `${name}_default`])).code).not.toBe(0);
    await waitFor('the project to leave the list', () => list.get(name) === undefined);
  });

  it('refuses what it cannot do, naming the field or the project', async () => {
    const name = `${PREFIX}none`;
    const err = await new Promise<RpcErrorData>((resolve) => rig.link.client.subscribe('compose.run', { hostId: 'local', project: name, action: 'stop' }, { next: () => {}, end: () => {}, error: (e) => resolve(e as RpcErrorData) }));
    expect(err).toMatchObject({ code: 'NOT_FOUND', reason: 'PROJECT_NOT_FOUND' });
    const bad = await new Promise<RpcErrorData>((resolve) => rig.link.client.subscribe('compose.run', { hostId: 'local', project: name, action: 'down', services: ['web'] }, { next: () => {}, end: () => {}, error: (e) => resolve(e as RpcErrorData) }));
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'services' });
    const upper = await new Promise<RpcErrorData>((resolve) => rig.link.client.subscribe('compose.run', { hostId: 'local', project: 'Bad Name', action: 'stop' }, { next: () => {}, end: () => {}, error: (e) => resolve(e as RpcErrorData) }));
    expect(upper).toMatchObject({ code: 'VALIDATION', field: 'project' });
  });
});
