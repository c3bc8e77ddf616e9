// Terminals against the real engine, through the core's handlers behind a real RpcServer: what the
// UI sees (output, exit events) checked against what the engine really did (exec inspect, ps).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import type { TerminalEvent, TerminalSession } from '../../../src-main/contract/procedures/terminal';
import type { RpcServer } from '../../../src-main/rpc/dispatcher';
import { cleanupTestContainers, docker, engineApi, ensureTestImage, runContainer, waitFor } from '../../support/docker-fixtures';
import { EventLog, type InMemoryLink } from '../../support/rpc-harness';
import { startCoreRig, type CoreRig } from '../../support/core-rig';

const AREA = 'term';
const PREFIX = `wdtest-${AREA}-`;

let rig: CoreRig;
let server: RpcServer;
let link: InMemoryLink;

const call = <P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> => rig.call(p, input);

const callError = <P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> => rig.callError(p, input);

/** A view of one session: every event, and the text a terminal would have received. */
class View {
  readonly log = new EventLog<TerminalEvent>();
  readonly subId: number;
  constructor(readonly sessionId: string) {
    this.subId = link.client.subscribe('terminal.attach', { sessionId }, this.log.handlers);
  }
  get text(): string {
    return this.log.events.map((e) => (e.type === 'replay' || e.type === 'output' ? e.data : '')).join('');
  }
  /** The ended session, from an exit event or from a replay of a session that had already ended. */
  exit(): TerminalSession | undefined {
    for (const e of this.log.events) {
      if (e.type === 'exit') return e.session;
      if (e.type === 'replay' && e.session.state === 'exited') return e.session;
    }
    return undefined;
  }
  detach(): void {
    link.client.unsubscribe(this.subId);
  }
  async waitText(re: RegExp, timeoutMs = 10_000): Promise<string> {
    return waitFor(`output matching ${re}`, () => (re.test(this.text) ? this.text : null), { timeoutMs });
  }
}

async function execInspect(execId: string): Promise<{ Running: boolean; ExitCode: number | null; Pid: number }> {
  const r = await engineApi('GET', `/exec/${execId}/json`);
  return JSON.parse(r.body) as { Running: boolean; ExitCode: number | null; Pid: number };
}

/** Processes in the container whose environment carries the session tag (what close must end). */
async function taggedPids(container: string, sessionId: string): Promise<string[]> {
  const out = await docker(['exec', container, 'sh', '-c', `for d in /proc/[0-9]*; do grep -qxzF "WAKEDOCK_TERMINAL_SESSION=${sessionId}" "$d/environ" 2>/dev/null && echo "\${d#/proc/}"; done; true`]);
  return out.split('\n').filter(Boolean);
}

/** Exec ids of the container, from the engine. */
async function execIds(container: string): Promise<string[]> {
  const r = await engineApi('GET', `/containers/${container}/json`);
  return (JSON.parse(r.body) as { ExecIDs: string[] | null }).ExecIDs ?? [];
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  rig = await startCoreRig({ area: 'term', mode: 'serve' });
  ({ server, link } = rig);
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

describe('container terminals on the real engine', () => {
  it('runs a shell: typed input is evaluated and its output streams back', async () => {
    const c = await runContainer({ area: AREA });
    const { sessionId, session } = await call('terminal.open', { target: 'container', hostId: 'local', id: c.name, cols: 100, rows: 30 });
    expect(session).toMatchObject({ target: 'container', containerId: c.id, containerName: c.name, state: 'running' });
    const view = new View(sessionId);
    await call('terminal.write', { sessionId, data: 'echo wd-$((40+2))\n' });
    await view.waitText(/wd-42/);
    // The echoed command line is there too (a real tty echoes), and the result only once evaluated.
    expect(view.text).toContain('echo wd-$((40+2))');
    expect(view.text.match(/wd-42/g)!.length).toBe(1);
    // TERM is set for full-screen programs.
    await call('terminal.write', { sessionId, data: 'echo term=$TERM\n' });
    await view.waitText(/term=xterm-256color/);
    await call('terminal.close', { sessionId });
  });

  it('resizes the exec tty: stty size shows the new size', async () => {
    const c = await runContainer({ area: AREA });
    const { sessionId } = await call('terminal.open', { target: 'container', hostId: 'local', id: c.id, cols: 91, rows: 27 });
    const view = new View(sessionId);
    await call('terminal.write', { sessionId, data: 'stty size\n' });
    await view.waitText(/^27 91\r?$/m);
    await call('terminal.resize', { sessionId, cols: 133, rows: 41 });
    await call('terminal.write', { sessionId, data: 'stty size\n' });
    await view.waitText(/^41 133\r?$/m);
    expect((await call('terminal.list', { containerId: c.id }))[0]).toMatchObject({ cols: 133, rows: 41 });
    await call('terminal.close', { sessionId });
  });

  it('keeps running when the view detaches, and replays the scrollback to the next view', async () => {
    const c = await runContainer({ area: AREA });
    const { sessionId } = await call('terminal.open', { target: 'container', hostId: 'local', id: c.id });
    const first = new View(sessionId);
    await call('terminal.write', { sessionId, data: 'echo before-$((1+1))\n' });
    await first.waitText(/before-2/);
    const streams = server.liveStreams;
    first.detach();
    await waitFor('the stream to be torn down', () => server.liveStreams === streams - 1 || null);
    // Output produced while nobody watches is kept too.
    await call('terminal.write', { sessionId, data: 'echo while-away-$((2+3))\n' });
    await waitFor('the shell to run it', async () => ((await taggedPids(c.name, sessionId)).length > 0 ? true : null));
    await new Promise((r) => setTimeout(r, 300));
    const second = new View(sessionId);
    await second.waitText(/while-away-5/);
    expect(second.log.events[0]).toMatchObject({ type: 'replay' });
    expect(second.text).toContain('before-2');
    expect((await call('terminal.list', { containerId: c.id })).map((s) => s.state)).toEqual(['running']);
    await call('terminal.close', { sessionId });
  });

  it('close ends the exec process in the container (exec inspect Running=false), ends the stream and forgets the session', async () => {
    const c = await runContainer({ area: AREA });
    const before = new Set(await execIds(c.id));
    const { sessionId } = await call('terminal.open', { target: 'container', hostId: 'local', id: c.id });
    const view = new View(sessionId);
    // A foreground child too: closing hangs up everything the session started.
    await call('terminal.write', { sessionId, data: 'sleep 1234\n' });
    await waitFor('the session processes', async () => ((await taggedPids(c.name, sessionId)).length >= 2 ? true : null));
    const execId = (await execIds(c.id)).find((id) => !before.has(id))!;
    expect((await execInspect(execId)).Running).toBe(true);

    await call('terminal.close', { sessionId });
    expect((await execInspect(execId)).Running).toBe(false);
    expect(await taggedPids(c.name, sessionId)).toEqual([]);
    await waitFor('the view to end', () => view.log.ended || null);
    expect(view.log.events.at(-1)).toEqual({ type: 'closed' });
    expect(await call('terminal.list', { containerId: c.id })).toEqual([]);
    expect((await callError('terminal.write', { sessionId, data: 'x' })).code).toBe('NOT_FOUND');
  });

  it('the shell exiting ends the session with its code, and the session stays listed as ended', async () => {
    const c = await runContainer({ area: AREA });
    const { sessionId } = await call('terminal.open', { target: 'container', hostId: 'local', id: c.id });
    const view = new View(sessionId);
    await call('terminal.write', { sessionId, data: 'exit 3\n' });
    const exit = await waitFor('the exit event', () => view.exit());
    expect(exit).toMatchObject({ state: 'exited', exitCode: 3, endReason: 'process exited with code 3' });
    expect(view.log.ended).toBe(false); // still watchable until closed
    expect((await call('terminal.list', { containerId: c.id }))[0]).toMatchObject({ state: 'exited', exitCode: 3 });
    expect((await callError('terminal.write', { sessionId, data: 'x' })).code).toBe('CONFLICT');
    // A later view gets the scrollback and the ended state.
    const later = new View(sessionId);
    await waitFor('the replay', () => later.log.events[0]);
    expect(later.log.events[0]).toMatchObject({ type: 'replay', session: { state: 'exited', exitCode: 3 } });
    await call('terminal.close', { sessionId });
    await waitFor('both views to end', () => (view.log.ended && later.log.ended) || null);
  });

  it('the container stopping ends the session with "container stopped" instead of hanging', async () => {
    const c = await runContainer({ area: AREA });
    const { sessionId } = await call('terminal.open', { target: 'container', hostId: 'local', id: c.id });
    const view = new View(sessionId);
    await call('terminal.write', { sessionId, data: 'echo ready\n' });
    await view.waitText(/ready/);
    await docker(['stop', '-t', '1', c.name]);
    const exit = await waitFor('the exit event', () => view.exit(), { timeoutMs: 15_000 });
    expect(exit).toMatchObject({ state: 'exited', endReason: 'container stopped' });
    await call('terminal.close', { sessionId });
  });

  it('a flood of output reaches the view in bounded batches and the shell stays responsive', async () => {
    const c = await runContainer({ area: AREA });
    const { sessionId } = await call('terminal.open', { target: 'container', hostId: 'local', id: c.id });
    const view = new View(sessionId);
    await call('terminal.write', { sessionId, data: 'yes wd-flood | head -c 4000000; echo flood-$((3+4))\n' });
    await view.waitText(/flood-7\r?$/m, 30_000); // head -c may cut the last line short
    const outputs = view.log.events.filter((e) => e.type === 'output') as { data: string }[];
    const total = outputs.reduce((n, e) => n + e.data.length, 0);
    expect(total).toBeGreaterThan(4_000_000); // nothing lost on the way to a live view
    // Batched: far fewer messages than the engine's reads, none above the batch cap plus one read.
    expect(outputs.length).toBeLessThan(2000);
    expect(Math.max(...outputs.map((e) => e.data.length))).toBeLessThan(256 * 1024 + 65_536);
    // The scrollback kept for the next view is bounded.
    const later = new View(sessionId);
    await waitFor('the replay', () => later.log.events[0]);
    expect((later.log.events[0] as { data: string }).data.length).toBeLessThanOrEqual(256 * 1024);
    await call('terminal.close', { sessionId });
  });

  it('runs a custom command as another user in another working directory', async () => {
    const c = await runContainer({ area: AREA });
    const { sessionId, session } = await call('terminal.open', { target: 'container', hostId: 'local', id: c.id, command: 'sh -c "id -u; pwd; exit 0"', user: '1234', workdir: '/www' });
    expect(session.title).toBe('sh');
    const view = new View(sessionId);
    const exit = await waitFor('the exit', () => view.exit());
    expect(exit.exitCode).toBe(0);
    expect(view.text).toMatch(/1234\r?\n\/www/);
    await call('terminal.close', { sessionId });
  });

  it('answers clear errors: stopped container, missing container, host terminal disabled in serve mode', async () => {
    const c = await runContainer({ area: AREA });
    await docker(['stop', '-t', '0', c.name]);
    const stopped = await callError('terminal.open', { target: 'container', hostId: 'local', id: c.id });
    expect(stopped).toMatchObject({ code: 'CONFLICT', reason: 'CONTAINER_NOT_RUNNING', message: `${c.name} is not running` });
    expect((await callError('terminal.open', { target: 'container', hostId: 'local', id: `${PREFIX}missing` })).code).toBe('NOT_FOUND');
    const host = await callError('terminal.open', { target: 'host' });
    expect(host.code).toBe('UNAUTHORIZED');
    expect(host.hint).toContain('--enable-host-terminal');
    expect((await call('system.info', {})).hostTerminal).toBe(false);
  });
});

describe('host terminal (node-pty) when enabled', () => {
  let hostRig: CoreRig;
  let hostLink: InMemoryLink;
  beforeAll(async () => {
    hostRig = await startCoreRig({ area: 'term-host', mode: 'desktop', options: { hostTerminal: true } });
    hostLink = hostRig.link;
  });
  afterAll(async () => {
    await hostRig?.dispose();
  });

  it('opens a shell on this machine, runs input, resizes, and close kills it', async () => {
    expect(await hostLink.client.call('system.info', {})).toMatchObject({ hostTerminal: true });
    const { sessionId, session } = (await hostLink.client.call('terminal.open', { target: 'host', command: '/bin/sh', workdir: '/tmp', cols: 77, rows: 22 })) as ProcOutput<'terminal.open'>;
    expect(session).toMatchObject({ target: 'host', title: 'sh', state: 'running' });
    const log = new EventLog<TerminalEvent>();
    hostLink.client.subscribe('terminal.attach', { sessionId }, log.handlers);
    const text = (): string => log.events.map((e) => (e.type === 'replay' || e.type === 'output' ? e.data : '')).join('');
    await hostLink.client.call('terminal.write', { sessionId, data: 'echo wd-$((40+2)) $(pwd) $(stty size)\n' });
    await waitFor('output', () => (/wd-42 \/tmp 22 77/.test(text()) ? true : null));
    await hostLink.client.call('terminal.resize', { sessionId, cols: 120, rows: 40 });
    await hostLink.client.call('terminal.write', { sessionId, data: 'stty size\n' });
    await waitFor('new size', () => (/^40 120\r?$/m.test(text()) ? true : null));
    await hostLink.client.call('terminal.close', { sessionId });
    await waitFor('the stream to end', () => log.ended || null);
    expect(await hostLink.client.call('terminal.list', {})).toEqual([]);
  });
});
