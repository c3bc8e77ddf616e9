// dockerd emits pause, unpause and die before it saves the container to the view that
// /containers/json reads, so a list made right after the event can still show the old state. The
// live table must re-check until the list agrees with the event (bounded), not keep the stale row.
// Found by `npm run bench -- latency` (pause → row paused timed out on a loaded 2-core machine).
import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContainerPatch, ContainerState } from '../../../../src-main/contract';
import { HostConnection } from '../../../../src-main/core/engine/host-connection';
import { silentLogger } from '../../../../src-main/rpc/dispatcher';

const ID = 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2';

function info(state: ContainerState): Dockerode.ContainerInfo {
  return {
    Id: ID,
    Names: ['/web'],
    Image: 'busybox',
    ImageID: 'sha256:1111',
    Command: 'sleep 3600',
    Created: 1_700_000_000,
    Ports: [],
    Labels: {},
    State: state,
    Status: state === 'paused' ? 'Up 1 minute (Paused)' : 'Up 1 minute',
    HostConfig: { NetworkMode: 'bridge' },
    NetworkSettings: { Networks: {} },
    Mounts: [],
  } as Dockerode.ContainerInfo;
}

/** A fake engine whose list lags behind its events by `staleLists` answers. */
function fakeEngine(initial: ContainerState) {
  const events = new PassThrough();
  const engine = {
    state: initial,
    /** The state the list keeps answering for the next `staleLists` filtered calls. */
    listed: initial,
    staleLists: 0,
    filteredCalls: 0,
    events,
    emit(action: string, next: ContainerState, staleLists: number) {
      engine.state = next;
      engine.staleLists = staleLists;
      events.write(JSON.stringify({ Type: 'container', Action: action, Actor: { ID: ID, Attributes: { name: 'web' } }, timeNano: Date.now() * 1e6 }) + '\n');
    },
  };
  const docker = {
    version: async () => ({ Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' }),
    getEvents: async () => events,
    listContainers: async (opts: { filters?: unknown }) => {
      if (opts.filters) {
        engine.filteredCalls++;
        if (engine.staleLists > 0) {
          engine.staleLists--;
          return [info(engine.listed)];
        }
      }
      engine.listed = engine.state;
      return [info(engine.state)];
    },
  };
  return { engine, factory: () => docker as unknown as Dockerode };
}

let conn: HostConnection | undefined;
afterEach(() => {
  conn?.stop();
  vi.useRealTimers();
});

/** From here on the coalescing and re-check timers run on a fake clock, advanced by the test. */
const fakeClock = (): void => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

async function connected(initial: ContainerState) {
  const fake = fakeEngine(initial);
  conn = new HostConnection({ id: 'local', name: 'Local', kind: 'local', endpoint: { url: 'unix:///fake.sock', source: 'default' } as never, dockerFactory: fake.factory, logger: silentLogger, coalesceMs: 5 });
  const states: ContainerState[] = [];
  conn.watch((p: ContainerPatch) => {
    const list = p.kind === 'snapshot' ? p.containers : p.upserts;
    for (const c of list) states.push(c.state);
  });
  conn.start();
  await until(() => conn!.host.state === 'connected');
  return { ...fake, states };
}

async function until(ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('HostConnection: the engine list lags behind its events', () => {
  it('re-checks after an unpause event until the list says running', async () => {
    const { engine, states } = await connected('paused');
    engine.emit('unpause', 'running', 2);
    await until(() => states.at(-1) === 'running');
    expect(conn!.cached[0]?.state).toBe('running');
    expect(engine.filteredCalls).toBe(3);
  });

  it('re-checks after a pause event and after die', async () => {
    const { engine, states } = await connected('running');
    engine.emit('pause', 'paused', 1);
    await until(() => states.at(-1) === 'paused');
    engine.emit('unpause', 'running', 0);
    await until(() => states.at(-1) === 'running');
    engine.emit('die', 'exited', 3);
    await until(() => states.at(-1) === 'exited');
    expect(conn!.cached[0]?.state).toBe('exited');
  });

  it('gives up after a bounded number of re-checks when the list never agrees', async () => {
    const { engine } = await connected('paused');
    fakeClock();
    engine.emit('unpause', 'running', 1000);
    await vi.advanceTimersByTimeAsync(2500);
    const calls = engine.filteredCalls;
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThanOrEqual(7);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.filteredCalls).toBe(calls);
  });

  it('does not re-check events that promise no state (kill)', async () => {
    const { engine } = await connected('running');
    fakeClock();
    engine.emit('kill', 'running', 0);
    await vi.advanceTimersByTimeAsync(50);
    expect(engine.filteredCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.filteredCalls).toBe(1);
  });
});
