// One events stream per host carries every object type; listeners get only the types they asked
// for, and only container events reach the live container table (its coalescing is unchanged).
import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContainerPatch } from '../../../../src-main/contract';
import { HostConnection, type EngineEvent } from '../../../../src-main/core/engine/host-connection';
import { silentLogger } from '../../../../src-main/rpc/dispatcher';

const CID = 'c'.repeat(64);

function fakeEngine() {
  const events = new PassThrough();
  const calls = { getEvents: [] as unknown[], filteredLists: 0 };
  const docker = {
    version: async () => ({ Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' }),
    getEvents: async (opts: unknown) => {
      calls.getEvents.push(opts);
      return events;
    },
    listContainers: async (opts: { filters?: unknown }) => {
      if (opts.filters) calls.filteredLists++;
      return [
        { Id: CID, Names: ['/web'], Image: 'busybox', ImageID: 'sha256:1', Command: 'sh', Created: 1, Ports: [], Labels: {}, State: 'running', Status: 'Up', HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: {} }, Mounts: [] },
      ];
    },
  };
  const send = (Type: string | undefined, Action: string, ID: string, Attributes: Record<string, string> = {}) =>
    events.write(JSON.stringify({ ...(Type ? { Type } : {}), Action, Actor: { ID, Attributes }, timeNano: 1_700_000_000_123 * 1e6 }) + '\n');
  return { docker: docker as unknown as Dockerode, calls, send };
}

let conn: HostConnection | undefined;
afterEach(() => {
  conn?.stop();
  vi.useRealTimers();
});

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function connected() {
  const fake = fakeEngine();
  conn = new HostConnection({ id: 'h1', name: 'H1', kind: 'local', endpoint: { url: 'unix:///fake.sock', source: 'default' } as never, dockerFactory: () => fake.docker, logger: silentLogger, coalesceMs: 5 });
  const patches: ContainerPatch[] = [];
  conn.watch((p) => patches.push(p));
  conn.start();
  await until(() => conn!.host.state === 'connected');
  return { ...fake, patches };
}

describe('per-host engine event bus', () => {
  it('subscribes to the engine once, without a type filter', async () => {
    const { calls } = await connected();
    expect(calls.getEvents).toEqual([{}]);
  });

  it('hands each listener only the types it asked for, with type, name and time', async () => {
    const { send } = await connected();
    const volumes: EngineEvent<'volume'>[] = [];
    const imagesAndNetworks: EngineEvent<'image' | 'network'>[] = [];
    const containers: EngineEvent<'container'>[] = [];
    const all: EngineEvent[] = [];
    conn!.onEngineEvent('volume', (e) => volumes.push(e));
    conn!.onEngineEvent(['image', 'network'], (e) => imagesAndNetworks.push(e));
    conn!.onEngineEvent('container', (e) => containers.push(e));
    const off = conn!.onEngineEvent('*', (e) => all.push(e));

    send('volume', 'create', 'data1', { driver: 'local' });
    send('image', 'tag', 'sha256:abc', { name: 'busybox:2' });
    send('network', 'connect', 'n'.repeat(64), { name: 'bridge', container: CID, type: 'bridge' });
    send('container', 'start', CID, { name: 'web' });
    send('daemon', 'reload', 'D:AEMON', { name: 'box' });
    send('mystery', 'boom', 'x'); // unknown types are dropped
    await until(() => all.length === 5);

    expect(volumes).toEqual([{ type: 'volume', action: 'create', id: 'data1', name: 'data1', attributes: { driver: 'local' }, time: 1_700_000_000_123 }]);
    expect(imagesAndNetworks.map((e) => [e.type, e.action, e.name])).toEqual([
      ['image', 'tag', 'busybox:2'],
      ['network', 'connect', 'bridge'],
    ]);
    expect(containers.map((e) => [e.type, e.action, e.name])).toEqual([['container', 'start', 'web']]);
    expect(all.map((e) => e.type)).toEqual(['volume', 'image', 'network', 'container', 'daemon']);

    off();
    send('volume', 'remove', 'data1');
    await until(() => volumes.length === 2);
    expect(all).toHaveLength(5);
  });

  it('refreshes the container table for container events only, coalesced', async () => {
    const { send, calls, patches } = await connected();
    const before = patches.length;
    // The coalescing window runs on a fake clock from here: no real sleeps.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    send('volume', 'create', 'v1');
    send('network', 'create', 'n1', { name: 'net1' });
    send('image', 'pull', 'busybox:1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.filteredLists).toBe(0);
    expect(patches).toHaveLength(before);

    // A burst of container events is one refresh and one patch (the coalescing window).
    send('container', 'start', CID, { name: 'web' });
    send('container', 'restart', CID, { name: 'web' });
    send(undefined, 'start', CID, { name: 'web' }); // pre-1.22 engines: no Type means container
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.filteredLists).toBe(1);
    expect(patches).toHaveLength(before + 1);
    expect(patches.at(-1)).toMatchObject({ kind: 'patch', hostId: 'h1', upserts: [{ id: CID }] });
  });
});
