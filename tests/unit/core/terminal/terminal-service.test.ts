// TerminalService logic with fake backends: ids, replay then live output (no gaps, no overlaps),
// batching, detach vs close, exit, bounds and clean-up of ended sessions.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TerminalEvent } from '../../../../src-main/contract/procedures/terminal';
import { RpcError } from '../../../../src-main/contract';
import type { TerminalBackend, TerminalExit } from '../../../../src-main/core/terminal/backend';
import { TerminalService, type SessionMeta } from '../../../../src-main/core/terminal/terminal-service';
import { silentLogger } from '../../../../src-main/rpc/dispatcher';

class FakeBackend implements TerminalBackend {
  written: string[] = [];
  sizes: [number, number][] = [];
  terminated = 0;
  paused = 0;
  resumed = 0;
  private data: ((c: string) => void) | null = null;
  private exit: ((e: TerminalExit) => void) | null = null;
  constructor(private readonly exitOnTerminate = true) {}
  write(d: string): void {
    this.written.push(d);
  }
  async resize(c: number, r: number): Promise<void> {
    this.sizes.push([c, r]);
  }
  async terminate(): Promise<void> {
    this.terminated++;
    if (this.exitOnTerminate) this.exit?.({ code: 129, reason: 'closed' });
  }
  onData(l: (c: string) => void): void {
    this.data = l;
  }
  onExit(l: (e: TerminalExit) => void): void {
    this.exit = l;
  }
  pause(): void {
    this.paused++;
  }
  resume(): void {
    this.resumed++;
  }
  emit(s: string): void {
    this.data?.(s);
  }
  end(code: number, reason = `process exited with code ${code}`): void {
    this.exit?.({ code, reason });
  }
}

const meta: SessionMeta = { target: 'container', hostId: 'local', containerId: 'c'.repeat(64), containerName: 'web', title: 'shell', command: ['sh'], cols: 80, rows: 24 };

function text(evs: TerminalEvent[]): string {
  return evs.map((e) => (e.type === 'output' || e.type === 'replay' ? e.data : '')).join('');
}

let svc: TerminalService;
afterEach(() => {
  svc?.dispose();
  vi.useRealTimers();
});

async function openFake(s: TerminalService, b = new FakeBackend(), m: Partial<SessionMeta> = {}): Promise<{ id: string; b: FakeBackend }> {
  const info = await s.open({ ...meta, ...m }, async () => b);
  return { id: info.id, b };
}

describe('TerminalService', () => {
  it('replays the scrollback, then sends a lone echo at once and batches a burst (several chunks, one event)', async () => {
    vi.useFakeTimers();
    let t = 1000;
    svc = new TerminalService({ logger: silentLogger, batchMs: 16, now: () => t });
    const { id, b } = await openFake(svc);
    b.emit('$ ');
    const evs: TerminalEvent[] = [];
    svc.attach(id, (e) => evs.push(e));
    expect(evs).toEqual([{ type: 'replay', data: '$ ', session: expect.objectContaining({ id, state: 'running' }) }]);
    b.emit('e'); // after a quiet spell: no added latency
    expect(evs.slice(1)).toEqual([{ type: 'output', data: 'e' }]);
    t += 2;
    b.emit('c');
    b.emit('ho');
    expect(evs).toHaveLength(2); // within the window: batched
    t += 14;
    vi.advanceTimersByTime(14);
    expect(evs.slice(2)).toEqual([{ type: 'output', data: 'cho' }]);
    t += 100;
    b.emit('!');
    expect(evs.slice(3)).toEqual([{ type: 'output', data: '!' }]);
  });

  it('a flood is flow-controlled: a full batch pauses reading until it is sent, then reading resumes', async () => {
    vi.useFakeTimers();
    let t = 1000;
    svc = new TerminalService({ logger: silentLogger, batchMs: 16, batchMaxChars: 10, now: () => t });
    const { id, b } = await openFake(svc);
    const evs: TerminalEvent[] = [];
    svc.attach(id, (e) => evs.push(e));
    b.emit('first'); // leading edge
    t += 1;
    b.emit('0123456789abc'); // a full batch inside the window
    expect(b.paused).toBe(1);
    expect(evs.slice(1)).toEqual([{ type: 'output', data: 'first' }]);
    t += 15;
    vi.advanceTimersByTime(15);
    expect(evs.slice(2)).toEqual([{ type: 'output', data: '0123456789abc' }]);
    expect(b.resumed).toBe(1);
  });

  it('a second view attaching mid-batch sees every byte exactly once, as does the first', async () => {
    vi.useFakeTimers();
    svc = new TerminalService({ logger: silentLogger });
    const { id, b } = await openFake(svc);
    const a: TerminalEvent[] = [];
    const c: TerminalEvent[] = [];
    svc.attach(id, (e) => a.push(e));
    b.emit('one ');
    svc.attach(id, (e) => c.push(e)); // 'one ' is pending for a
    b.emit('two');
    vi.advanceTimersByTime(50);
    expect(text(a)).toBe('one two');
    expect(text(c)).toBe('one two');
  });

  it('detaching keeps the process running and buffering; re-attaching replays what was missed', async () => {
    svc = new TerminalService({ logger: silentLogger });
    const { id, b } = await openFake(svc);
    const off = svc.attach(id, () => {});
    off();
    b.emit('while away');
    expect(b.terminated).toBe(0);
    expect(svc.list()[0]).toMatchObject({ id, state: 'running' });
    const evs: TerminalEvent[] = [];
    svc.attach(id, (e) => evs.push(e));
    expect(text(evs)).toBe('while away');
  });

  it('write, resize and their errors', async () => {
    svc = new TerminalService({ logger: silentLogger });
    const { id, b } = await openFake(svc);
    svc.write(id, 'ls\r');
    await svc.resize(id, 120, 40);
    expect(b.written).toEqual(['ls\r']);
    expect(b.sizes).toEqual([[120, 40]]);
    expect(svc.get(id)).toMatchObject({ cols: 120, rows: 40 });
    expect(() => svc.write('t-nothere00', 'x')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    b.end(0);
    expect(() => svc.write(id, 'x')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('the process ending emits exit with code and reason; the session stays listed as ended', async () => {
    svc = new TerminalService({ logger: silentLogger });
    const { id, b } = await openFake(svc);
    const evs: TerminalEvent[] = [];
    svc.attach(id, (e) => evs.push(e));
    b.emit('bye');
    b.end(0);
    expect(evs.map((e) => e.type)).toEqual(['replay', 'output', 'exit']); // pending output first
    expect(evs[2]).toMatchObject({ type: 'exit', session: { state: 'exited', exitCode: 0, endReason: 'process exited with code 0' } });
    expect(svc.list()).toHaveLength(1);
  });

  it('close terminates the process, sends closed to every view and forgets the session', async () => {
    svc = new TerminalService({ logger: silentLogger });
    const { id, b } = await openFake(svc);
    const evs: TerminalEvent[] = [];
    svc.attach(id, (e) => evs.push(e));
    await svc.close(id);
    expect(b.terminated).toBe(1);
    expect(evs.at(-1)).toEqual({ type: 'closed' });
    expect(svc.list()).toEqual([]);
    expect(() => svc.get(id)).toThrow(RpcError);
  });

  it('a failed start keeps no session', async () => {
    svc = new TerminalService({ logger: silentLogger });
    await expect(svc.open(meta, async () => { throw RpcError.from('CONFLICT', 'web is not running'); })).rejects.toThrow('web is not running');
    expect(svc.size).toBe(0);
  });

  it('is bounded: evicts the oldest ended session, refuses when all slots run', async () => {
    svc = new TerminalService({ logger: silentLogger, maxSessions: 2 });
    const first = await openFake(svc);
    const second = await openFake(svc);
    await expect(openFake(svc)).rejects.toMatchObject({ code: 'CONFLICT' });
    first.b.end(0);
    const third = await openFake(svc);
    expect(svc.list().map((s) => s.id)).toEqual([second.id, third.id]);
  });

  it('forgets an ended session nobody watches after the idle time, not one that is watched', async () => {
    vi.useFakeTimers();
    svc = new TerminalService({ logger: silentLogger, endedTtlMs: 1000 });
    const a = await openFake(svc);
    const w = await openFake(svc);
    const off = svc.attach(w.id, () => {});
    a.b.end(0);
    w.b.end(1);
    vi.advanceTimersByTime(1500);
    expect(svc.list().map((s) => s.id)).toEqual([w.id]);
    off();
    vi.advanceTimersByTime(1500);
    expect(svc.list()).toEqual([]);
  });

  it('filters the list by container id, short id or name', async () => {
    svc = new TerminalService({ logger: silentLogger });
    await openFake(svc);
    await openFake(svc, new FakeBackend(), { containerId: 'd'.repeat(64), containerName: 'db' });
    expect(svc.list({ containerId: 'cccccccccccc' })).toHaveLength(1);
    expect(svc.list({ containerId: 'db' })).toHaveLength(1);
    expect(svc.list({ containerId: 'nope' })).toHaveLength(0);
  });

  it('keeps scrollback bounded per session', async () => {
    svc = new TerminalService({ logger: silentLogger, scrollback: 1000 });
    const { id, b } = await openFake(svc);
    for (let i = 0; i < 1000; i++) b.emit('0123456789\n');
    let replay = '';
    svc.attach(id, (e) => {
      if (e.type === 'replay') replay = e.data;
    });
    expect(replay.length).toBeLessThanOrEqual(1000);
    expect(replay.length).toBeGreaterThan(900);
  });

  it('dispose terminates every running process and ends every view', async () => {
    svc = new TerminalService({ logger: silentLogger });
    const { id, b } = await openFake(svc);
    const evs: TerminalEvent[] = [];
    svc.attach(id, (e) => evs.push(e));
    svc.dispose();
    expect(b.terminated).toBe(1);
    expect(evs.at(-1)).toEqual({ type: 'closed' });
    await expect(openFake(svc)).rejects.toThrow();
  });
});
