// StatsHub: one engine stream per container whatever the number of subscribers, destroyed with the
// last one; streams follow containers starting and stopping; one batch per flush per subscriber.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ContainerPatch, ContainerSummary, DerivedSample } from '../../../src-main/contract';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { StatsHub, type StatsHost } from '../../../src-main/core/stats/stats-hub';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

function container(id: string, name: string, state: ContainerSummary['state'] = 'running'): ContainerSummary {
  return { id, name, image: 'x', imageId: 'x', command: '', state, status: '', health: 'none', ports: [], created: 0, labels: {}, composeProject: 'proj' };
}

class FakeHost implements StatsHost {
  readonly id = 'local';
  host = { state: 'connected' };
  containers = new Map<string, ContainerSummary>();
  watchers = new Set<(p: ContainerPatch) => void>();
  get cached(): ContainerSummary[] {
    return [...this.containers.values()];
  }
  watch(l: (p: ContainerPatch) => void): () => void {
    this.watchers.add(l);
    return () => this.watchers.delete(l);
  }
  setState(state: string): void {
    this.host = { state };
    for (const w of this.watchers) w({ kind: 'snapshot', hostId: 'local', containers: this.cached });
  }
  set(c: ContainerSummary): void {
    this.containers.set(c.id, c);
    for (const w of this.watchers) w({ kind: 'patch', hostId: 'local', upserts: [c], removed: [] });
  }
}

function frame(sec: number, totalNs: number, systemNs: number, prevTotal: number, prevSystem: number, rx = 0): string {
  return (
    JSON.stringify({
      read: new Date(Date.UTC(2026, 0, 1, 0, 0, sec)).toISOString(),
      cpu_stats: { cpu_usage: { total_usage: totalNs }, system_cpu_usage: systemNs, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: prevTotal }, system_cpu_usage: prevSystem, online_cpus: 2 },
      memory_stats: { usage: 1000, limit: 10_000, stats: { total_inactive_file: 400 } },
      networks: { eth0: { rx_bytes: rx, tx_bytes: 0 } },
      pids_stats: { current: 3 },
    }) + '\n'
  );
}

function setup() {
  const host = new FakeHost();
  host.set(container(ID_A, 'alpha'));
  host.set(container(ID_B, 'beta'));
  const opened: { id: string; stream: PassThrough }[] = [];
  const hub = new StatsHub({
    getHost: () => host,
    openStats: async (_h, id) => {
      const stream = new PassThrough();
      opened.push({ id, stream });
      return stream;
    },
    logger: silentLogger,
    flushMs: 60_000,
    reopenDelayMs: 10,
  });
  return { host, hub, opened };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('StatsHub', () => {
  it('two subscribers of one container share ONE engine stream; the last unsubscribe destroys it', async () => {
    const { hub, opened } = setup();
    const off1 = hub.subscribe('local', [ID_A], () => {});
    const off2 = hub.subscribe('local', ['alpha'], () => {}); // by name: same container
    await tick();
    expect(opened.map((o) => o.id)).toEqual([ID_A]);
    expect(hub.openStreams).toBe(1);
    off1();
    await tick();
    expect(hub.openStreams).toBe(1);
    expect(opened[0]!.stream.destroyed).toBe(false);
    off2();
    await tick();
    expect(hub.openStreams).toBe(0);
    expect(opened[0]!.stream.destroyed).toBe(true);
  });

  it("'all' opens one stream per running container and follows stop and start", async () => {
    const { host, hub, opened } = setup();
    const off = hub.subscribe('local', 'all', () => {});
    const offA = hub.subscribe('local', [ID_A], () => {});
    await tick();
    expect(opened.map((o) => o.id).sort()).toEqual([ID_A, ID_B]);
    host.set(container(ID_B, 'beta', 'exited'));
    await tick();
    expect(hub.openStreams).toBe(1);
    expect(opened.find((o) => o.id === ID_B)!.stream.destroyed).toBe(true);
    host.set(container(ID_B, 'beta', 'running'));
    await tick();
    expect(hub.openStreams).toBe(2);
    expect(hub.streamsOpened).toBe(3);
    off();
    offA();
    expect(hub.openStreams).toBe(0);
  });

  it('a subscriber gets one batch per flush, only with the ids it asked for, with derived numbers', async () => {
    const { hub, opened } = setup();
    const gotA: DerivedSample[][] = [];
    const gotAll: DerivedSample[][] = [];
    hub.subscribe('local', [ID_A], (b) => gotA.push(b));
    hub.subscribe('local', 'all', (b) => gotAll.push(b));
    await tick();
    const a = opened.find((o) => o.id === ID_A)!.stream;
    const b = opened.find((o) => o.id === ID_B)!.stream;
    // First frame: no previous reading (precpu zero) → not emitted; it seeds the rate counters.
    a.write(frame(0, 1e9, 100e9, 0, 0, 1000));
    // Two frames within one period: the batch carries the latest only. Split across writes.
    const f1 = frame(1, 1.5e9, 102e9, 1e9, 100e9, 3000);
    a.write(f1.slice(0, 20));
    a.write(f1.slice(20));
    a.write(frame(2, 2.5e9, 104e9, 1.5e9, 102e9, 5000));
    b.write(frame(2, 1e9, 104e9, 0.9e9, 102e9));
    await tick();
    hub.flush();
    expect(gotA).toHaveLength(1);
    expect(gotA[0]!.map((s) => s.id)).toEqual([ID_A]);
    const s = gotA[0]![0]!;
    expect(s.cpuPercent).toBeCloseTo(100, 9); // 1e9 / 2e9 × 2 × 100
    expect(s.memUsed).toBe(600);
    expect(s.memPercent).toBeCloseTo(6, 9);
    expect(s.netRxRate).toBe(2000);
    expect(s.name).toBe('alpha');
    expect(s.composeProject).toBe('proj');
    expect(gotAll[0]!.map((x) => x.id).sort()).toEqual([ID_A, ID_B]);
    hub.flush(); // nothing new → no empty batch
    expect(gotA).toHaveLength(1);
    hub.dispose();
  });

  it('reopens a stream that ended while the container still runs', async () => {
    const { hub, opened } = setup();
    hub.subscribe('local', [ID_A], () => {});
    await tick();
    opened[0]!.stream.end();
    opened[0]!.stream.resume();
    await new Promise((r) => setTimeout(r, 50));
    expect(opened.length).toBe(2);
    expect(hub.openStreams).toBe(1);
    hub.dispose();
    expect(opened[1]!.stream.destroyed).toBe(true);
  });

  it('does not open streams for containers that are not running', async () => {
    const { host, hub, opened } = setup();
    host.set(container(ID_A, 'alpha', 'exited'));
    const off = hub.subscribe('local', [ID_A], () => {});
    await tick();
    expect(opened).toHaveLength(0);
    host.set(container(ID_A, 'alpha', 'running'));
    await tick();
    expect(opened).toHaveLength(1);
    off();
  });

  it('opens nothing while the engine is unreachable, and reopens on the snapshot after the reconnect', async () => {
    const { host, hub, opened } = setup();
    hub.subscribe('local', 'all', () => {});
    await tick();
    expect(hub.openStreams).toBe(2);
    host.setState('unreachable');
    await tick();
    expect(hub.openStreams).toBe(0);
    expect(opened.every((o) => o.stream.destroyed)).toBe(true);
    host.setState('connected');
    await tick();
    expect(hub.openStreams).toBe(2);
    expect(opened).toHaveLength(4);
    hub.dispose();
  });
});
