// Backpressure plumbing without an engine: the RpcServer exposes a connection's congestion to
// stream sinks (whenDrained settles on drain and on teardown), SourceThrottle pauses and resumes a
// source, and TerminalService holds a process while a view's connection is congested.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../../src-main/contract';
import type { TerminalEvent } from '../../../../src-main/contract/procedures/terminal';
import { SourceThrottle, type FlowSignal } from '../../../../src-main/core/backpressure';
import type { TerminalBackend, TerminalExit } from '../../../../src-main/core/terminal/backend';
import { TerminalService } from '../../../../src-main/core/terminal/terminal-service';
import { RpcServer, silentLogger, type Connection, type Handlers, type StreamSink } from '../../../../src-main/rpc/dispatcher';

/** A connection whose congestion the test switches by hand. */
function congestibleConn(): Connection & { sent: ServerMessage[]; deliver(raw: unknown): void; setCongested(v: boolean): void; close(): void } {
  let onMsg: ((raw: unknown) => void) | undefined;
  const onClose: (() => void)[] = [];
  const drains = new Set<() => void>();
  let congested = false;
  const sent: ServerMessage[] = [];
  return {
    id: `flow-${Math.random()}`,
    sent,
    send: (m) => void sent.push(m),
    onMessage: (l) => void (onMsg = l),
    onClose: (l) => void onClose.push(l),
    congested: () => congested,
    onDrain(l) {
      drains.add(l);
      return () => drains.delete(l);
    },
    deliver: (raw) => onMsg?.(raw),
    setCongested(v) {
      congested = v;
      if (!v) for (const l of drains) l();
    },
    close: () => onClose.forEach((l) => l()),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function serverWithSinkProbe(): { server: RpcServer; sinks: StreamSink<unknown>[] } {
  const sinks: StreamSink<unknown>[] = [];
  const handlers = {
    'hosts.watch': (_i: unknown, sink: StreamSink<unknown>) => {
      sinks.push(sink);
    },
  } as unknown as Handlers;
  return { server: new RpcServer(handlers, { logger: silentLogger }), sinks };
}

describe('RpcServer flow control', () => {
  it('reports the connection congestion to the sink and settles whenDrained on drain', async () => {
    const { server, sinks } = serverWithSinkProbe();
    const conn = congestibleConn();
    server.connect(conn);
    conn.deliver({ t: 'sub', id: 1, p: 'hosts.watch', i: {} });
    await tick();
    const sink = sinks[0]!;
    expect(sink.congested()).toBe(false);
    await sink.whenDrained(); // not congested: at once
    conn.setCongested(true);
    expect(sink.congested()).toBe(true);
    let drained = false;
    void sink.whenDrained().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    conn.setCongested(false);
    await tick();
    expect(drained).toBe(true);
  });

  it('settles a pending whenDrained when the stream is torn down (no promise left hanging)', async () => {
    const { server, sinks } = serverWithSinkProbe();
    const conn = congestibleConn();
    server.connect(conn);
    conn.deliver({ t: 'sub', id: 1, p: 'hosts.watch', i: {} });
    await tick();
    conn.setCongested(true);
    let settled = false;
    void sinks[0]!.whenDrained().then(() => (settled = true));
    conn.close();
    await tick();
    expect(settled).toBe(true);
    expect(sinks[0]!.congested()).toBe(false);
    expect(server.liveStreams).toBe(0);
  });

  it('a connection without a signal is never congested', async () => {
    const { server, sinks } = serverWithSinkProbe();
    const conn = congestibleConn();
    delete (conn as Partial<Connection>).congested;
    delete (conn as Partial<Connection>).onDrain;
    server.connect(conn);
    conn.deliver({ t: 'sub', id: 1, p: 'hosts.watch', i: {} });
    await tick();
    expect(sinks[0]!.congested()).toBe(false);
    await sinks[0]!.whenDrained();
  });
});

/** A flow signal switched by hand. */
function manualFlow(): FlowSignal & { set(v: boolean): void } {
  let c = false;
  let waiters: (() => void)[] = [];
  return {
    congested: () => c,
    whenDrained: () => new Promise<void>((r) => (c ? waiters.push(r) : r())),
    set(v) {
      c = v;
      if (!v) {
        for (const w of waiters) w();
        waiters = [];
      }
    },
  };
}

describe('SourceThrottle', () => {
  it('pauses once while congested and resumes on drain, not after stop()', async () => {
    const flow = manualFlow();
    const log: string[] = [];
    const t = new SourceThrottle(flow, () => log.push('pause'), () => log.push('resume'));
    t.check();
    expect(log).toEqual([]);
    flow.set(true);
    t.check();
    t.check();
    expect(log).toEqual(['pause']);
    expect(t.holding).toBe(true);
    flow.set(false);
    await tick();
    expect(log).toEqual(['pause', 'resume']);
    flow.set(true);
    t.check();
    t.stop();
    flow.set(false);
    await tick();
    expect(log).toEqual(['pause', 'resume', 'pause']);
  });
});

class FloodBackend implements TerminalBackend {
  paused = false;
  private data: ((c: string) => void) | null = null;
  write(): void {}
  async resize(): Promise<void> {}
  async terminate(): Promise<void> {}
  onData(l: (c: string) => void): void {
    this.data = l;
  }
  onExit(_l: (e: TerminalExit) => void): void {}
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  emit(s: string): void {
    this.data?.(s);
  }
}

describe('TerminalService backpressure', () => {
  it('holds the process while a view is congested and resumes on drain; output order kept', async () => {
    const svc = new TerminalService({ logger: silentLogger, batchMs: 0 });
    const backend = new FloodBackend();
    const s = await svc.open({ target: 'host', title: 'sh', command: ['sh'], cols: 80, rows: 24 }, async () => backend);
    const flow = manualFlow();
    const got: TerminalEvent[] = [];
    const off = svc.attach(s.id, (e) => got.push(e), flow);
    backend.emit('a');
    expect(backend.paused).toBe(false);
    flow.set(true);
    backend.emit('b'); // goes out (already read), then the process is held
    expect(backend.paused).toBe(true);
    flow.set(false);
    await tick();
    expect(backend.paused).toBe(false);
    backend.emit('c');
    expect(got.map((e) => (e.type === 'output' || e.type === 'replay' ? e.data : '')).join('')).toBe('abc');
    // A congested view that detaches releases the process.
    flow.set(true);
    backend.emit('d');
    expect(backend.paused).toBe(true);
    off();
    expect(backend.paused).toBe(false);
    svc.dispose();
  });
});
