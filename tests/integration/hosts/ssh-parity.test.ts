// Every per-host feature on an SSH host, against real parts: OpenSSH on loopback and a PRIVATE
// dockerd as the "remote" engine (its own socket and containers, so nothing can come from the shared
// engine by accident). Compose actions run the real compose CLI against that engine through the
// compose service's own local socket forward, with the project's files read from the server; the
// read procedures of images, volumes, networks, disk, inspect, logs, stats, terminal and run equal
// what the engine's own CLI says; killing the sshd child of the connection loses no log line the
// engine has (each line number exactly once), an open container terminal says its session ended,
// and compose works again through its forward on the new connection. A volume's files, backup and
// restore (helper container on the server) and image save/load run on that engine through the tunnel.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import type { ComposeProject, ComposeRunEvent } from '../../../src-main/contract/procedures/compose';
import type { VolumeRow } from '../../../src-main/contract/procedures/volumes';
import type { Core } from '../../../src-main/core/create-core';
import { forwardSocketPath } from '../../../src-main/core/hosts/socket-forward';
import { HELPER_LABEL } from '../../../src-main/core/resources/volume-helper';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { composeCli, composeDir, composeYaml } from '../../support/compose-fixtures';
import { SHARED_SOCKET, TEST_IMAGE, disposePrivateDaemon, docker, dockerRaw, runContainer, startPrivateEngine, uniqueName, waitFor, type PrivateEngine } from '../../support/docker-fixtures';
import { EventLog, type InMemoryLink } from '../../support/rpc-harness';
import { makeKey, startSshd, type Sshd } from '../../support/sshd';

const AREA = 'sshpar';
const PREFIX = `wdtest-${AREA}-`;

let spec: PrivateEngine;
let work: string;
let dataDir: string;
let sshd: Sshd;
let rig: CoreRig;
let core: Core;
let link: InMemoryLink;
let hostId: string;
let ticker: { id: string; name: string };
const dirs: { remove(): void }[] = [];

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
const connected = (): Promise<unknown> => waitFor('the SSH host to be connected', async () => (await call('hosts.list', {})).find((h) => h.id === hostId && h.state === 'connected'), { timeoutMs: 60_000 });
/** The private ("remote") engine's CLI. */
const remote = (args: string[]): Promise<string> => docker(args, { socket: spec.socket });
const lines = (s: string): string[] => s.split('\n').map((l) => l.trim()).filter(Boolean);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wdtest-sshpar-'));
  spec = await startPrivateEngine(AREA);
  ticker = await runContainer({ area: AREA, socket: spec.socket, cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.1; done'] });
  const key = await makeKey(join(work, 'keys'), 'id_ed25519');
  sshd = await startSshd(join(work, 'sshd'), { authorizedKeys: [key.pub] });
  const home = join(work, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  rig = await startCoreRig({ area: `${AREA}-data`, mode: 'serve', options: { backoffMinMs: 200, backoffMaxMs: 1000, ssh: { home, agentSocket: '' } } });
  ({ core, link, dataDir } = rig);
  const config = { kind: 'ssh' as const, url: `ssh://root@127.0.0.1:${sshd.port}`, auth: { method: 'key' as const, keyPath: key.path }, socketPath: spec.socket };
  const first = await call('hosts.test', { config });
  await call('hosts.trustHostKey', { host: '127.0.0.1', port: sshd.port, keyType: first.hostKey!.keyType, fingerprint: first.hostKey!.fingerprint });
  hostId = (await call('hosts.add', { name: 'Remote box', config })).id;
  await connected();
}, 240_000);

afterAll(async () => {
  await rig?.dispose();
  await sshd?.stop().catch(() => {});
  // Its containers and compose networks go first: a user network's bridge outlives a stopped dockerd.
  if (spec) await disposePrivateDaemon(spec);
  for (const d of dirs) d.remove();
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

/** Run a compose action on the SSH host to its end: the events, or the error it failed with. */
async function runAction(input: { project: string; action: 'up' | 'down' | 'start' | 'stop' | 'restart' | 'pull'; services?: string[]; removeVolumes?: boolean }): Promise<{ events: ComposeRunEvent[]; error?: RpcErrorData }> {
  const log = new EventLog<ComposeRunEvent>();
  link.client.subscribe('compose.run', { hostId, ...input }, log.handlers);
  await waitFor(`compose ${input.action} to finish`, () => log.ended || log.error !== undefined, { timeoutMs: 150_000 });
  return { events: log.events, error: log.error as RpcErrorData | undefined };
}

/** The project's containers on an engine: "service state" lines, sorted. */
async function projectStates(project: string, socket: string): Promise<string[]> {
  const out = await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Label "com.docker.compose.service"}} {{.State}}'], { socket });
  return lines(out).sort();
}

/** The project as the SSH host's Projects list shows it, once `ok` holds. */
async function listed(project: string, ok: (p: ComposeProject) => boolean): Promise<ComposeProject> {
  const log = new EventLog<{ kind: 'snapshot'; items: ComposeProject[] } | { kind: 'patch'; upserts: ComposeProject[]; removed: string[] }>();
  const sub = link.client.subscribe('compose.watch', { hostId }, log.handlers);
  try {
    return await waitFor(`project ${project} in the SSH host’s list`, () => log.events.flatMap((e) => (e.kind === 'snapshot' ? e.items : e.upserts)).findLast((p) => p.name === project && ok(p)), { timeoutMs: 30_000 });
  } finally {
    link.client.unsubscribe(sub);
  }
}

/** Where the compose service's own forward of the SSH host's engine is. */
const composeSocket = (): string => forwardSocketPath(join(dataDir, 'compose'), hostId);

describe('compose on an SSH host', () => {
  it('runs on THAT engine through its own forward, with the files read from the server', { timeout: 300_000 }, async () => {
    const project = uniqueName(AREA).replace(/[^a-z0-9_-]/g, '');
    expect(project.startsWith(PREFIX)).toBe(true);
    const dir = composeDir(composeYaml(['web', 'worker'], { volume: true }));
    dirs.push(dir);
    writeFileSync(join(dir.dir, '.env'), 'UNUSED=1\n');
    await composeCli(['-p', project, 'up', '-d'], dir.dir, { socket: spec.socket });
    expect(await projectStates(project, spec.socket)).toEqual(['web running', 'worker running']);

    const cli = await call('compose.cli', { hostId });
    expect(cli.problem).toBeUndefined();
    expect(cli.kind).not.toBeNull();

    const first = await listed(project, (p) => p.services.length === 2);
    expect(first.workingDir).toBe(dir.dir);
    expect(first.configFiles).toEqual([dir.file]);

    // stop: the private engine's containers stop; the shared engine never had them.
    const stopped = await runAction({ project, action: 'stop' });
    expect(stopped.error).toBeUndefined();
    expect(await projectStates(project, spec.socket)).toEqual(['web exited', 'worker exited']);
    expect(await projectStates(project, SHARED_SOCKET)).toEqual([]);

    // The compose service's forward: owner-only, not one of the user's forwards.
    const sock = composeSocket();
    expect(statSync(sock).isSocket()).toBe(true);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(sock)).mode & 0o777).toBe(0o700);
    expect(await call('hosts.forwards', {})).toEqual([]);

    // up with a service added to the file since: the file is read at the time of the action.
    writeFileSync(dir.file, composeYaml(['web', 'worker', 'extra'], { volume: true }));
    const up = await runAction({ project, action: 'up' });
    expect(up.error).toBeUndefined();
    expect(await projectStates(project, spec.socket)).toEqual(['extra running', 'web running', 'worker running']);
    const start = up.events.find((e) => e.kind === 'start');
    expect(start?.kind === 'start' && start.command).toContain(`--project-directory ${dir.dir}`);
    // The copies of the server's files are used, in a private folder removed after the run.
    expect(start?.kind === 'start' && start.command).toMatch(/--env-file \S+\/wakedock-compose-\w+\/root\S+\/\.env -f docker-compose\.yml up -d/);
    expect(start?.kind === 'start' && start.cwd).not.toBe(dir.dir);
    expect(existsSync(start?.kind === 'start' ? start.cwd : '/')).toBe(false);
    expect(up.events.at(-1)).toEqual({ kind: 'done', exitCode: 0 });
    // The containers' labels still name the server's compose file (not the copy).
    const after = await listed(project, (p) => p.services.length === 3);
    expect(after.configFiles).toEqual([dir.file]);
    expect(after.workingDir).toBe(dir.dir);

    // down with volumes: gone from the private engine, with its named volume.
    const volume = `${project}_data`;
    expect(lines(await remote(['volume', 'ls', '-q']))).toContain(volume);
    const down = await runAction({ project, action: 'down', removeVolumes: true });
    expect(down.error).toBeUndefined();
    expect(await projectStates(project, spec.socket)).toEqual([]);
    expect(lines(await remote(['volume', 'ls', '-q']))).not.toContain(volume);
  });

  it('a project whose compose file is gone from the server says so and runs nothing', { timeout: 120_000 }, async () => {
    const project = uniqueName(AREA).replace(/[^a-z0-9_-]/g, '');
    const dir = composeDir(composeYaml(['solo']));
    dirs.push(dir);
    await composeCli(['-p', project, 'up', '-d'], dir.dir, { socket: spec.socket });
    rmSync(dir.file);
    const r = await runAction({ project, action: 'stop' });
    expect(r.error?.reason).toBe('COMPOSE_FAILED');
    expect(r.error?.message).toContain(`${dir.file} is not on the server any more`);
    expect(r.events).toEqual([]);
    expect(await projectStates(project, spec.socket)).toEqual(['solo running']);
    await dockerRaw(['rm', '-f', ...lines(await remote(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]))], { socket: spec.socket });
  });
});

describe('every per-host feature through the tunnel equals the engine’s CLI', () => {
  it('images, volumes, networks, disk, inspect', { timeout: 120_000 }, async () => {
    const vol = `${PREFIX}vol-${Date.now()}`;
    const net = `${PREFIX}net-${Date.now()}`;
    await remote(['volume', 'create', vol]);
    await remote(['network', 'create', net]);

    const tags = lines(await remote(['images', '--format', '{{.Repository}}:{{.Tag}}'])).filter((t) => !t.includes('<none>')).sort();
    expect((await call('images.list', { hostId })).flatMap((i) => i.repoTags).sort()).toEqual(tags);
    expect(tags).toContain(TEST_IMAGE);

    const vlog = new EventLog<{ kind: 'snapshot'; items: VolumeRow[] } | { kind: 'patch'; upserts: VolumeRow[]; removed: string[] }>();
    const vsub = link.client.subscribe('volumes.watch', { hostId }, vlog.handlers);
    const snap = await waitFor('the volume snapshot', () => vlog.events.find((e) => e.kind === 'snapshot'));
    link.client.unsubscribe(vsub);
    expect(snap.kind === 'snapshot' && snap.items.map((v) => v.name).sort()).toEqual(lines(await remote(['volume', 'ls', '-q'])).sort());

    expect((await call('networks.list', { hostId })).map((n) => n.name).sort()).toEqual(lines(await remote(['network', 'ls', '--format', '{{.Name}}'])).sort());

    const df = Object.fromEntries(lines(await remote(['system', 'df', '--format', '{{.Type}}={{.TotalCount}}'])).map((l) => l.split('=') as [string, string]));
    const usage = await call('disk.usage', { hostId });
    const count = (kind: string): number | undefined => usage.categories.find((c) => c.kind === kind)?.count;
    expect(count('image')).toBe(Number(df.Images));
    expect(count('container')).toBe(Number(df.Containers));
    expect(count('volume')).toBe(Number(df['Local Volumes']));

    const view = await call('containers.inspect', { hostId, id: ticker.id });
    expect(JSON.stringify(view)).toContain(ticker.name);
  });

  it('volume files, backup and restore, image save and load: through the tunnel, on THAT engine', { timeout: 180_000 }, async () => {
    const vol = uniqueName(AREA);
    await remote(['volume', 'create', vol]);
    const fill = 'mkdir -p /v/etc /v/deep && printf "hello ssh volume\\n" > /v/etc/hello.txt && head -c 300000 /dev/urandom > /v/deep/random.bin';
    await remote(['run', '--rm', '-v', `${vol}:/v`, TEST_IMAGE, 'sh', '-c', fill]);
    const sums = (): Promise<string> => remote(['run', '--rm', '-v', `${vol}:/v:ro`, TEST_IMAGE, 'sh', '-c', 'cd /v && find . -type f | sort | xargs sha256sum']);
    const before = await sums();
    expect(before).toContain('./deep/random.bin');
    // The shared engine has no such volume: what follows can only come from the SSH host's engine.
    expect((await dockerRaw(['volume', 'inspect', vol])).code).not.toBe(0);

    const root = await call('volumes.list', { hostId, name: vol, image: TEST_IMAGE, path: '' });
    expect(root.entries.map((e) => e.name).sort()).toEqual(['deep', 'etc']);
    expect(await call('volumes.readFile', { hostId, name: vol, image: TEST_IMAGE, path: 'etc/hello.txt' })).toMatchObject({ text: 'hello ssh volume\n' });

    const out = mkdtempSync(join(tmpdir(), 'wdtest-sshpar-files-'));
    dirs.push({ remove: () => rmSync(out, { recursive: true, force: true }) });
    const stream = async (proc: 'volumes.backup' | 'volumes.restore' | 'images.save' | 'images.load', input: object): Promise<{ kind: string }[]> => {
      const log = new EventLog<{ kind: string }>();
      link.client.subscribe(proc, { hostId, ...input } as never, log.handlers);
      await waitFor(`${proc} to finish`, () => log.ended || log.error !== undefined, { timeoutMs: 120_000 });
      if (log.error !== undefined) throw new Error(`${proc} failed: ${JSON.stringify(log.error)}`);
      return log.events;
    };
    const backup = join(out, 'vol.tar.gz');
    expect((await stream('volumes.backup', { name: vol, image: TEST_IMAGE, path: backup })).at(-1)).toMatchObject({ kind: 'done', path: backup });
    expect(statSync(backup).size).toBeGreaterThan(300_000);
    await remote(['run', '--rm', '-v', `${vol}:/v`, TEST_IMAGE, 'sh', '-c', 'rm -rf /v/* && echo stray > /v/stray.txt']);
    expect(await sums()).not.toBe(before);
    expect((await stream('volumes.restore', { name: vol, image: TEST_IMAGE, path: backup })).at(-1)).toMatchObject({ kind: 'done' });
    expect(await sums()).toBe(before);
    // No helper container is left on the server.
    expect(lines(await remote(['ps', '-aq', '--filter', `label=${HELPER_LABEL}`]))).toEqual([]);

    const tag = `wdtest-${AREA}-saved:${Date.now().toString(36)}`;
    await remote(['tag', TEST_IMAGE, tag]);
    const tar = join(out, 'image.tar');
    expect((await stream('images.save', { ids: [tag], path: tar })).at(-1)).toMatchObject({ kind: 'done', path: tar });
    await remote(['rmi', tag]);
    expect(lines(await remote(['images', '-q', tag]))).toEqual([]);
    expect((await stream('images.load', { path: tar })).at(-1)).toEqual({ kind: 'done', loaded: [tag] });
    expect(lines(await remote(['images', '-q', tag]))).toHaveLength(1);
    expect(lines(await docker(['images', '-q', tag]))).toEqual([]);
    await remote(['rmi', tag]);
    await remote(['volume', 'rm', vol]);
  });

  it('logs, stats, a container terminal and run', { timeout: 120_000 }, async () => {
    const done = await runContainer({ area: AREA, socket: spec.socket, cmd: ['sh', '-c', 'for i in $(seq 1 300); do echo line-$i; done'] });
    await waitFor('the printer to exit', async () => (await remote(['inspect', '--format', '{{.State.Status}}', done.name])).trim() === 'exited');
    const engineLines = lines(await remote(['logs', done.name]));
    expect(engineLines).toHaveLength(300);
    const log = new EventLog<ProcOutput<'logs.follow'>>();
    const sub = link.client.subscribe('logs.follow', { hostId, id: done.id, tail: 'all' }, log.handlers);
    const texts = (): string[] => log.events.flatMap((e) => (e.kind === 'lines' ? e.lines.map((l) => l.text) : []));
    await waitFor('all 300 lines through ssh', () => texts().length >= 300, { timeoutMs: 30_000 });
    link.client.unsubscribe(sub);
    expect(texts()).toEqual(engineLines);

    const slog = new EventLog<ProcOutput<'stats.watch'>>();
    const ssub = link.client.subscribe('stats.watch', { hostId, ids: [ticker.id] }, slog.handlers);
    const sample = await waitFor('a stats sample through ssh', () => slog.events.flat().find((s) => s.id === ticker.id), { timeoutMs: 30_000 });
    link.client.unsubscribe(ssub);
    expect(sample).toMatchObject({ hostId, name: ticker.name });
    expect(sample.memUsed).toBeGreaterThan(0);

    const { sessionId } = await call('terminal.open', { target: 'container', hostId, id: ticker.id, command: 'sh', cols: 80, rows: 24 });
    const tlog = new EventLog<ProcOutput<'terminal.attach'>>();
    const tsub = link.client.subscribe('terminal.attach', { sessionId }, tlog.handlers);
    const out = (): string => tlog.events.map((e) => (e.type === 'replay' || e.type === 'output' ? e.data : '')).join('');
    await call('terminal.write', { sessionId, data: 'echo in-$((6*7))-$(hostname)\r' });
    await waitFor('the exec output', () => out().includes(`in-42-${ticker.id.slice(0, 12)}`), { timeoutMs: 20_000 });
    link.client.unsubscribe(tsub);
    await call('terminal.close', { sessionId });

    const name = uniqueName(AREA);
    const made = await call('containers.create', { hostId, image: TEST_IMAGE, name, command: ['sleep', '600'], labels: ['wakedock.test=1'] });
    expect(made.id).toMatch(/^[0-9a-f]{64}$/);
    expect((await remote(['inspect', '--format', '{{.Id}} {{.State.Status}}', name])).trim()).toBe(`${made.id} running`);
    expect((await dockerRaw(['inspect', name])).code).not.toBe(0);
  });
});

describe('faults: the sshd child of the connection is killed', () => {
  it('the log follower loses no line (each exactly once), an open terminal says the session ended, compose works again on the new connection', { timeout: 180_000 }, async () => {
    await connected();
    const log = new EventLog<ProcOutput<'logs.follow'>>();
    const sub = link.client.subscribe('logs.follow', { hostId, id: ticker.id, tail: 0 }, log.handlers);
    const ticks = (): number[] => log.events.flatMap((e) => (e.kind === 'lines' ? e.lines.map((l) => Number(/^tick-(\d+)$/.exec(l.text)?.[1] ?? NaN)) : [])).filter((n) => !Number.isNaN(n));
    await waitFor('lines before the drop', () => ticks().length >= 5, { timeoutMs: 20_000 });

    const { sessionId } = await call('terminal.open', { target: 'container', hostId, id: ticker.id, command: 'sh', cols: 80, rows: 24 });
    const tlog = new EventLog<ProcOutput<'terminal.attach'>>();
    const tsub = link.client.subscribe('terminal.attach', { sessionId }, tlog.handlers);
    await call('terminal.write', { sessionId, data: 'echo ready-$((2+3))\r' });
    await waitFor('the terminal to answer', () => tlog.events.some((e) => (e.type === 'output' || e.type === 'replay') && e.data.includes('ready-5')), { timeoutMs: 20_000 });

    // A compose action leaves the compose service's forward open (it lives as long as the connection).
    const project = uniqueName(AREA).replace(/[^a-z0-9_-]/g, '');
    const dir = composeDir(composeYaml(['solo']));
    dirs.push(dir);
    await composeCli(['-p', project, 'up', '-d'], dir.dir, { socket: spec.socket });
    expect((await runAction({ project, action: 'stop' })).error).toBeUndefined();
    const sock = composeSocket();
    expect(existsSync(sock)).toBe(true);

    const states: string[] = [];
    const off = core.hosts.get(hostId).onState((h) => states.push(h.state));
    expect(await sshd.dropConnections()).toBeGreaterThan(0);
    await waitFor('the host to go unreachable', () => states.includes('unreachable'), { timeoutMs: 30_000 });

    await waitFor('the terminal to end', () => tlog.events.some((e) => e.type === 'exit'), { timeoutMs: 30_000 });
    const exit = tlog.events.find((e) => e.type === 'exit');
    expect(exit?.type === 'exit' && exit.session.state).toBe('exited');
    expect(exit?.type === 'exit' && exit.session.endReason).toMatch(/^session ended: /);
    link.client.unsubscribe(tsub);

    await connected();
    off();
    // The compose forward works on the new connection (not a socket left on the dead one).
    expect((await runAction({ project, action: 'start' })).error).toBeUndefined();
    expect(await projectStates(project, spec.socket)).toEqual(['solo running']);
    expect(existsSync(sock)).toBe(true);
    expect(await call('hosts.forwards', {})).toEqual([]);
    const before = Math.max(...ticks());
    await waitFor('lines after the reconnect', () => Math.max(...ticks()) >= before + 20, { timeoutMs: 60_000 });
    link.client.unsubscribe(sub);

    // Every line the engine has between the first and the last one received, exactly once, in order.
    const got = ticks();
    const first = got[0]!;
    const last = got.at(-1)!;
    const engine = lines(await remote(['logs', ticker.name])).map((l) => Number(/^tick-(\d+)$/.exec(l)?.[1] ?? NaN)).filter((n) => n >= first && n <= last);
    expect(engine.length).toBe(last - first + 1);
    expect(got).toEqual(engine);
    expect(new Set(got).size).toBe(got.length);
    await call('terminal.close', { sessionId }).catch(() => {});
  });
});
