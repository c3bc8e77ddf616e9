// The behaviour every transport must share, declared once and run over each of them (Electron IPC
// in ipc.test.ts, WebSocket in ws.test.ts). A transport passes when the RpcClient on one side and
// the RpcServer on the other cannot tell it apart from any other: same answers, same errors, same
// stream lifecycle, and nothing left running after an unsubscribe or a dropped connection.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcError, type ContainerPatch, type RpcErrorData, type RpcClient } from '../../src-main/contract';
import type { Handlers, RpcServer } from '../../src-main/rpc/dispatcher';
import { TEST_HOST, TEST_INFO, TestCore, type StreamProbe } from './test-core';

export interface TransportPair {
  client: RpcClient;
  server: RpcServer;
  /** Orderly shutdown of both ends (idempotent). */
  close(): Promise<void>;
  /** The link dies under the client (window destroyed, socket cut) without any unsubscribe. */
  dropConnection(): Promise<void>;
}

/**
 * Builds a client/server pair over the transport under test. The suite supplies the handlers (a
 * TestCore) so it can watch the streams from the server side.
 */
export type TransportFactory = (handlers: Handlers) => Promise<TransportPair>;

interface Recorder {
  events: unknown[];
  errors: RpcErrorData[];
  ended: number;
  handlers: { next(d: unknown): void; error(e: RpcErrorData): void; end(): void };
}

function recorder(): Recorder {
  const r: Recorder = {
    events: [],
    errors: [],
    ended: 0,
    handlers: {
      next: (d) => r.events.push(d),
      error: (e) => r.errors.push(e),
      end: () => r.ended++,
    },
  };
  return r;
}

const patch = (n: number): ContainerPatch => ({ kind: 'patch', hostId: 'local', upserts: [], removed: [`c${n}`] });

/** Lets in-flight messages land (both directions), for assertions that something did NOT happen. */
const settle = (ms = 60): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function transportSuite(name: string, factory: TransportFactory): void {
  describe(`${name} transport (shared contract suite)`, () => {
    let core: TestCore;
    let t: TransportPair;

    beforeEach(async () => {
      core = new TestCore();
      t = await factory(core.handlers);
    });

    afterEach(async () => {
      await t.close();
    });

    /** Waits until the handler of the n-th stream (0-based) has started. */
    async function probe(n: number): Promise<StreamProbe> {
      await vi.waitFor(() => expect(core.streams.length).toBeGreaterThan(n));
      return core.streams[n] as StreamProbe;
    }

    it('answers a query with the handler’s data', async () => {
      const r = await t.client.callRaw('system.info', {});
      expect(r).toEqual({ ok: true, data: TEST_INFO });
      await expect(t.client.call('system.info', {})).resolves.toEqual(TEST_INFO);
    });

    it('matches concurrent answers to their calls', async () => {
      const ids = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'missing', 'f'];
      const results = await Promise.all(ids.map((id) => t.client.callRaw('containers.start', { hostId: 'local', id })));
      results.forEach((r, i) => {
        if (ids[i] === 'missing') expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
        else expect(r).toEqual({ ok: true, data: null });
      });
      expect([...core.started].sort()).toEqual(ids.filter((id) => id !== 'missing').sort());
    });

    it('answers VALIDATION naming the field for a command with invalid input, without running it', async () => {
      const emptyId = await t.client.callRaw('containers.start', { hostId: 'local', id: '' });
      expect(emptyId).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'id', retryable: false } });
      const badHost = await t.client.callRaw('containers.start', { hostId: 'BAD!', id: 'abc' });
      expect(badHost).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'hostId' } });
      if (!badHost.ok) expect(badHost.error.message).toContain('hostId');
      const notAnObject = await t.client.callRaw('containers.start', 'abc');
      expect(notAnObject).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      const err = await t.client.call('containers.start', { hostId: 'local', id: '' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcError);
      expect(err).toMatchObject({ code: 'VALIDATION', field: 'id' });
      expect(core.started).toEqual([]);
    });

    it('refuses an unknown procedure, as a call and as a stream', async () => {
      const r = await t.client.callRaw('containers.explode', { hostId: 'local' });
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
      if (!r.ok) expect(r.error.message).toContain('containers.explode');
      const rec = recorder();
      t.client.subscribe('containers.explode', {}, rec.handlers);
      await vi.waitFor(() => expect(rec.errors).toHaveLength(1));
      expect(rec.errors[0]?.code).toBe('UNKNOWN_PROCEDURE');
      expect(t.server.liveStreams).toBe(0);
    });

    it('refuses a stream used as a call and a call used as a stream', async () => {
      const r = await t.client.callRaw('containers.watch', { hostId: 'local' });
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
      if (!r.ok) expect(r.error.message).toMatch(/subscribe/);
      const rec = recorder();
      t.client.subscribe('system.info', {}, rec.handlers);
      await vi.waitFor(() => expect(rec.errors).toHaveLength(1));
      expect(rec.errors[0]?.code).toBe('UNKNOWN_PROCEDURE');
      expect(rec.events).toEqual([]);
      await settle();
      expect(core.streams).toHaveLength(0);
      expect(t.server.liveStreams).toBe(0);
    });

    it('delivers a handler’s RpcError with its code and message, and other failures as INTERNAL', async () => {
      const r = await t.client.callRaw('containers.start', { hostId: 'local', id: 'missing' });
      expect(r).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such container: missing', retryable: false } });
      const thrown = await t.client.call('containers.start', { hostId: 'local', id: 'missing' }).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(RpcError);
      expect(thrown).toMatchObject({ code: 'NOT_FOUND', message: 'No such container: missing' });
      const internal = await t.client.callRaw('containers.pause', { hostId: 'local', id: 'abc' });
      expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'containers.pause is not implemented by the test core' } });
    });

    it('delivers stream events in order', async () => {
      const rec = recorder();
      t.client.subscribe('containers.watch', { hostId: 'local' }, rec.handlers);
      const p = await probe(0);
      expect(p.input).toEqual({ hostId: 'local' });
      for (let i = 0; i < 300; i++) p.sink.next(patch(i));
      await vi.waitFor(() => expect(rec.events).toHaveLength(300));
      expect(rec.events).toEqual(Array.from({ length: 300 }, (_, i) => patch(i)));
      // A stream that sends its first value from inside the handler (hosts.watch) works too.
      const hosts = recorder();
      t.client.subscribe('hosts.watch', {}, hosts.handlers);
      await vi.waitFor(() => expect(hosts.events).toEqual([[TEST_HOST]]));
    });

    it('tells the client when the server ends a stream or fails it', async () => {
      const a = recorder();
      const b = recorder();
      t.client.subscribe('containers.watch', { hostId: 'local' }, a.handlers);
      t.client.subscribe('containers.watch', { hostId: 'other' }, b.handlers);
      const pa = await probe(0);
      const pb = await probe(1);
      pa.sink.next(patch(1));
      pa.sink.end();
      pb.sink.fail(RpcError.from('ENGINE_UNREACHABLE', 'engine went away', { retryable: true }));
      await vi.waitFor(() => {
        expect(a.ended).toBe(1);
        expect(b.errors).toHaveLength(1);
      });
      expect(a.events).toEqual([patch(1)]);
      expect(b.errors[0]).toMatchObject({ code: 'ENGINE_UNREACHABLE', message: 'engine went away', retryable: true });
      expect(t.server.liveStreams).toBe(0);
      expect(pa.cleanedUp && pb.cleanedUp).toBe(true);
      expect(t.client.activeSubscriptions).toBe(0);
    });

    it('unsubscribe tears the stream down on the server: liveStreams back to 0, signal aborted, cleanup run', async () => {
      const rec = recorder();
      const id = t.client.subscribe('containers.watch', { hostId: 'local' }, rec.handlers);
      const p = await probe(0);
      expect(t.server.liveStreams).toBe(1);
      p.sink.next(patch(1));
      await vi.waitFor(() => expect(rec.events).toHaveLength(1));
      t.client.unsubscribe(id);
      await vi.waitFor(() => expect(t.server.liveStreams).toBe(0));
      expect(p.signal.aborted).toBe(true);
      expect(p.cleanedUp).toBe(true);
      p.sink.next(patch(2)); // a late value from the handler goes nowhere
      await settle();
      expect(rec.events).toEqual([patch(1)]);
      expect(rec.errors).toEqual([]);
      // The connection itself stays usable.
      await expect(t.client.call('system.info', {})).resolves.toEqual(TEST_INFO);
    });

    it('dropping the connection tears down all of its streams', async () => {
      t.client.subscribe('containers.watch', { hostId: 'local' }, recorder().handlers);
      t.client.subscribe('containers.watch', { hostId: 'remote-1' }, recorder().handlers);
      t.client.subscribe('hosts.watch', {}, recorder().handlers);
      await probe(2);
      await vi.waitFor(() => expect(t.server.liveStreams).toBe(3));
      expect(t.server.connections).toBe(1);
      await t.dropConnection();
      await vi.waitFor(() => expect(t.server.liveStreams).toBe(0));
      expect(core.streams.every((s) => s.signal.aborted && s.cleanedUp)).toBe(true);
      await vi.waitFor(() => expect(t.server.connections).toBe(0));
    });

    it('many subscriptions, some unsubscribed, then close: nothing leaks', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 200; i++) ids.push(t.client.subscribe(i % 2 ? 'hosts.watch' : 'containers.watch', i % 2 ? {} : { hostId: 'local' }, recorder().handlers));
      await probe(199);
      await vi.waitFor(() => expect(t.server.liveStreams).toBe(200));
      for (const id of ids.slice(0, 50)) t.client.unsubscribe(id);
      await vi.waitFor(() => expect(t.server.liveStreams).toBe(150));
      await t.close();
      await vi.waitFor(() => expect(t.server.liveStreams).toBe(0));
      expect(core.openStreams).toEqual([]);
      expect(core.streams.every((s) => s.cleanedUp)).toBe(true);
      await vi.waitFor(() => expect(t.server.connections).toBe(0));
    });
  });
}
