// RpcServer over an in-memory Connection: input validation, defaults, malformed messages,
// unknown procedures, output validation and the stream registry.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { RpcError, type ServerMessage } from '../../../src-main/contract';
import { RpcServer, validationError, type Connection, type Handlers } from '../../../src-main/rpc/dispatcher';

const SETTINGS = { engineOverride: '', confirmDestructive: true, theme: 'system' as const };
const CID = 'a6c8e8fb0085';

type Calls = Record<string, unknown[]>;

/** Handlers that record their (parsed) input; individual ones are overridden per test. */
function makeHandlers(over: Partial<Record<keyof Handlers, unknown>> = {}): { handlers: Handlers; calls: Calls } {
  const calls: Calls = {};
  const rec =
    <T>(name: string, out: T) =>
    async (input: unknown): Promise<T> => {
      (calls[name] ??= []).push(input);
      return out;
    };
  const base: Record<string, unknown> = {
    'system.info': rec('system.info', { appVersion: '0.0.0', contractVersion: 1, mode: 'serve', dataDir: '/tmp/x', notices: [] }),
    'settings.get': rec('settings.get', SETTINGS),
    'settings.update': rec('settings.update', SETTINGS),
    'hosts.list': rec('hosts.list', []),
    'hosts.watch': () => undefined,
    'hosts.reconnect': rec('hosts.reconnect', null),
    'containers.list': rec('containers.list', []),
    'containers.watch': () => undefined,
    'containers.start': rec('containers.start', null),
    'containers.stop': rec('containers.stop', null),
    'containers.restart': rec('containers.restart', null),
    'containers.pause': rec('containers.pause', null),
    'containers.unpause': rec('containers.unpause', null),
    'containers.kill': rec('containers.kill', null),
    'containers.rename': rec('containers.rename', null),
    'containers.remove': rec('containers.remove', null),
    ...over,
  };
  return { handlers: base as unknown as Handlers, calls };
}

interface FakeConn extends Connection {
  sent: ServerMessage[];
  deliver(raw: unknown): void;
  close(): void;
  /** Resolves with the first message for this id (after any already received). */
  next(id: number, t?: ServerMessage['t']): Promise<ServerMessage>;
}

let connCounter = 0;
function fakeConn(opts: { sendThrows?: boolean } = {}): FakeConn {
  const sent: ServerMessage[] = [];
  let onMsg: ((raw: unknown) => void) | undefined;
  const onClose: (() => void)[] = [];
  const waiters: { id: number; t?: string; resolve: (m: ServerMessage) => void; from: number }[] = [];
  const flush = (): void => {
    for (const w of [...waiters]) {
      const m = sent.slice(w.from).find((x) => x.id === w.id && (!w.t || x.t === w.t));
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  return {
    id: `fake-${++connCounter}`,
    sent,
    send(msg) {
      if (opts.sendThrows) throw new Error('socket gone');
      // Round-trip through JSON like a real transport, so nothing non-serialisable slips through.
      sent.push(JSON.parse(JSON.stringify(msg)) as ServerMessage);
      flush();
    },
    onMessage(l) {
      onMsg = l;
    },
    onClose(l) {
      onClose.push(l);
    },
    deliver(raw) {
      onMsg?.(raw);
    },
    close() {
      for (const l of onClose) l();
    },
    next(id, t) {
      return new Promise((resolve) => {
        waiters.push({ id, t, resolve, from: 0 });
        flush();
      });
    },
  };
}

function setup(over: Partial<Record<keyof Handlers, unknown>> = {}, opts: ConstructorParameters<typeof RpcServer>[1] = {}) {
  const { handlers, calls } = makeHandlers(over);
  const server = new RpcServer(handlers, opts);
  const conn = fakeConn();
  server.connect(conn);
  let nextId = 1;
  const call = async (p: string, i?: unknown): Promise<ServerMessage> => {
    const id = nextId++;
    conn.deliver({ t: 'call', id, p, i });
    return conn.next(id);
  };
  return { server, conn, calls, call };
}

function errorOf(m: ServerMessage) {
  if (m.t === 'res' && !m.ok) return m.error;
  if (m.t === 'err') return m.error;
  throw new Error(`not an error: ${JSON.stringify(m)}`);
}

describe('input validation', () => {
  it.each([
    ['an unknown key', 'containers.start', { hostId: 'local', id: CID, bogus: 1 }, 'bogus'],
    ['an unknown key on an empty input', 'system.info', { verbose: true }, 'verbose'],
    ['an unknown key on an extended input', 'containers.remove', { hostId: 'local', id: CID, forse: true }, 'forse'],
    ['a missing field', 'containers.start', { id: CID }, 'hostId'],
    ['a field of the wrong type', 'containers.stop', { hostId: 'local', id: CID, timeout: 'soon' }, 'timeout'],
    ['a number out of range', 'containers.stop', { hostId: 'local', id: CID, timeout: -1 }, 'timeout'],
    ['a non-integer', 'containers.restart', { hostId: 'local', id: CID, timeout: 1.5 }, 'timeout'],
    ['a bad host id', 'containers.list', { hostId: 'My Host' }, 'hostId'],
    ['a bad container id', 'containers.start', { hostId: 'local', id: '../etc' }, 'id'],
    ['a bad name', 'containers.rename', { hostId: 'local', id: CID, name: '-x' }, 'name'],
    ['a bad signal', 'containers.kill', { hostId: 'local', id: CID, signal: 'kill -9' }, 'signal'],
    ['a bad theme', 'settings.update', { theme: 'purple' }, 'theme'],
    ['a bad engine URL', 'settings.update', { engineOverride: '/var/run/docker.sock' }, 'engineOverride'],
    ['a wrong boolean', 'containers.remove', { hostId: 'local', id: CID, force: 'yes' }, 'force'],
  ])('%s → VALIDATION naming the field, and the handler is not called', async (_label, p, i, field) => {
    const { call, calls } = setup();
    const err = errorOf(await call(p, i));
    expect(err.code).toBe('VALIDATION');
    expect(err.field).toBe(field);
    expect(err.message).toContain(p);
    expect(err.message).toContain(`"${field}"`);
    expect(err.retryable).toBe(false);
    expect(calls[p]).toBeUndefined();
  });

  it('a non-object input is refused', async () => {
    const { call } = setup();
    for (const i of ['local', 42, [1], true]) {
      const err = errorOf(await call('containers.list', i));
      expect(err.code).toBe('VALIDATION');
    }
  });

  it('a missing or null input means {} for procedures without input', async () => {
    const { call, calls } = setup();
    expect(await call('settings.get')).toMatchObject({ t: 'res', ok: true, data: SETTINGS });
    expect(await call('settings.get', null)).toMatchObject({ t: 'res', ok: true });
    expect(calls['settings.get']).toEqual([{}, {}]);
  });

  it('applies defaults: containers.remove force/volumes reach the handler as false', async () => {
    const { call, calls } = setup();
    expect(await call('containers.remove', { hostId: 'local', id: CID })).toEqual({ t: 'res', id: 1, ok: true, data: null });
    expect(calls['containers.remove']).toEqual([{ hostId: 'local', id: CID, force: false, volumes: false }]);
    await call('containers.remove', { hostId: 'local', id: CID, force: true });
    expect(calls['containers.remove']?.[1]).toEqual({ hostId: 'local', id: CID, force: true, volumes: false });
  });

  it('passes the trimmed engine URL to the handler', async () => {
    const { call, calls } = setup();
    await call('settings.update', { engineOverride: '  tcp://127.0.0.1:2375  ' });
    expect(calls['settings.update']).toEqual([{ engineOverride: 'tcp://127.0.0.1:2375' }]);
  });

  it('a subscription with bad input is answered with err naming the field, and nothing stays live', async () => {
    const { server, conn } = setup();
    conn.deliver({ t: 'sub', id: 7, p: 'containers.watch', i: { hostId: 'local', extra: 1 } });
    const err = errorOf(await conn.next(7));
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'extra' });
    expect(server.liveStreams).toBe(0);
  });
});

describe('validationError', () => {
  const Nested = z.strictObject({ options: z.strictObject({ force: z.boolean() }), list: z.array(z.strictObject({ n: z.number() })) });

  it.each([
    [{ options: { force: 'y' }, list: [] }, 'options.force'],
    [{ options: { force: true, extra: 1 }, list: [] }, 'options.extra'],
    [{ options: { force: true }, list: [{ n: 1 }, { n: 'x' }] }, 'list.1.n'],
    [{ options: { force: true }, list: [{ n: 1, m: 2 }] }, 'list.0.m'],
    [{ options: { force: true }, list: [], top: 1 }, 'top'],
  ])('%j → field %s', (input, field) => {
    const r = Nested.safeParse(input);
    expect(r.success).toBe(false);
    const data = validationError(r.error!, 'proc.x');
    expect(data.code).toBe('VALIDATION');
    expect(data.field).toBe(field);
    expect(data.message).toContain(`"${field}"`);
  });

  it('an input that is not an object has no field', () => {
    const r = Nested.safeParse('x');
    expect(validationError(r.error!, 'p').field).toBeUndefined();
    expect(validationError(r.error!, 'p').message).toMatch(/^p: the input: /);
  });
});

describe('malformed messages are answered, never thrown', () => {
  it.each([
    ['null', null, -1],
    ['a string', 'hello', -1],
    ['an array', [1, 2], -1],
    ['an unknown message type', { t: 'bogus', id: 3 }, 3],
    ['a call without a procedure', { t: 'call', id: 5 }, 5],
    ['a call with a string id', { t: 'call', id: '5', p: 'settings.get' }, -1],
    ['a negative id', { t: 'call', id: -4, p: 'settings.get' }, -4],
    ['a fractional id', { t: 'call', id: 1.5, p: 'settings.get' }, 1.5],
    ['an unsub without id', { t: 'unsub' }, -1],
  ])('%s → res VALIDATION "Malformed message"', async (_label, raw, id) => {
    const { conn } = setup();
    expect(() => conn.deliver(raw)).not.toThrow();
    await vi.waitFor(() => expect(conn.sent).toHaveLength(1));
    expect(conn.sent[0]).toEqual({ t: 'res', id, ok: false, error: { code: 'VALIDATION', message: 'Malformed message', retryable: false } });
  });

  it.each(['nope.nothing', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''])('an unknown procedure %j → UNKNOWN_PROCEDURE', async (p) => {
    const { call, conn } = setup();
    expect(errorOf(await call(p, {}))).toMatchObject({ code: 'UNKNOWN_PROCEDURE', retryable: false });
    conn.deliver({ t: 'sub', id: 99, p, i: {} });
    expect(await conn.next(99)).toMatchObject({ t: 'err', error: { code: 'UNKNOWN_PROCEDURE' } });
  });

  it('calling a stream or subscribing to a call is refused with UNKNOWN_PROCEDURE', async () => {
    const { call, conn, server } = setup();
    expect(errorOf(await call('containers.watch', { hostId: 'local' }))).toMatchObject({ code: 'UNKNOWN_PROCEDURE', message: expect.stringMatching(/subscribe/) });
    conn.deliver({ t: 'sub', id: 50, p: 'containers.list', i: { hostId: 'local' } });
    expect(await conn.next(50)).toMatchObject({ t: 'err', error: { code: 'UNKNOWN_PROCEDURE', message: expect.stringMatching(/call/) } });
    expect(server.liveStreams).toBe(0);
  });

  it('an unsub for an unknown id is answered with a coded error (NOT_FOUND), and the connection goes on', async () => {
    const { conn, call } = setup();
    conn.deliver({ t: 'unsub', id: 1234 });
    expect(await conn.next(1234)).toEqual({ t: 'err', id: 1234, error: { code: 'NOT_FOUND', message: 'No open subscription 1234', retryable: false } });
    expect(await call('settings.get')).toMatchObject({ ok: true }); // a later call is still answered
  });

  it('a connection whose send throws does not break the server', async () => {
    const { handlers } = makeHandlers();
    const warn = vi.fn();
    const server = new RpcServer(handlers, { logger: { info() {}, warn, error() {} } });
    const bad = fakeConn({ sendThrows: true });
    server.connect(bad);
    bad.deliver({ t: 'call', id: 1, p: 'settings.get', i: {} });
    bad.deliver(null);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(2));
    // Another connection still works.
    const good = fakeConn();
    server.connect(good);
    good.deliver({ t: 'call', id: 1, p: 'settings.get', i: {} });
    expect(await good.next(1)).toMatchObject({ ok: true });
  });
});

describe('handler errors', () => {
  it('an RpcError from a handler reaches the client intact', async () => {
    const { call } = setup({
      'containers.start': async () => {
        throw RpcError.from('NOT_FOUND', 'No such container: x', { hint: 'refresh' });
      },
    });
    expect(errorOf(await call('containers.start', { hostId: 'local', id: 'x' }))).toEqual({ code: 'NOT_FOUND', message: 'No such container: x', retryable: false, hint: 'refresh' });
  });

  it('an unexpected error becomes INTERNAL and is logged; a custom mapError is used', async () => {
    const error = vi.fn();
    const boom = async (): Promise<never> => {
      throw new Error('kaput');
    };
    const a = setup({ 'hosts.list': boom }, { logger: { info() {}, warn() {}, error } });
    expect(errorOf(await a.call('hosts.list'))).toEqual({ code: 'INTERNAL', message: 'kaput', retryable: false });
    expect(error).toHaveBeenCalled();

    const b = setup({ 'hosts.list': boom }, { mapError: () => ({ code: 'ENGINE_UNREACHABLE', message: 'down', retryable: true }) });
    expect(errorOf(await b.call('hosts.list'))).toMatchObject({ code: 'ENGINE_UNREACHABLE', retryable: true });
  });
});

describe('output validation', () => {
  it('with validateOutput, a handler returning the wrong shape is an error, not data', async () => {
    const { call } = setup({ 'settings.get': async () => ({ ...SETTINGS, theme: 'purple' }) }, { validateOutput: true });
    const res = await call('settings.get');
    expect(res).toMatchObject({ t: 'res', ok: false });
    const err = errorOf(res);
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/settings\.get.*breaks the contract/);
  });

  it('with validateOutput, a void command returning data is an error', async () => {
    const { call } = setup({ 'containers.start': async () => ({ started: true }) }, { validateOutput: true });
    expect(errorOf(await call('containers.start', { hostId: 'local', id: CID })).code).toBe('INTERNAL');
  });

  it('with validateOutput, a correct shape passes', async () => {
    const { call } = setup({}, { validateOutput: true });
    expect(await call('settings.get')).toMatchObject({ ok: true, data: SETTINGS });
    expect(await call('containers.start', { hostId: 'local', id: CID })).toMatchObject({ ok: true, data: null });
  });

  it('with validateOutput, a stream event of the wrong shape ends the stream with an error and tears it down', async () => {
    let cleaned = 0;
    const { conn, server } = setup(
      {
        'containers.watch': (_i: unknown, sink: { next(v: unknown): void }) => {
          sink.next({ kind: 'snapshot', hostId: 'local', containers: [] });
          sink.next({ kind: 'nonsense' });
          return () => {
            cleaned++;
          };
        },
      },
      { validateOutput: true },
    );
    conn.deliver({ t: 'sub', id: 3, p: 'containers.watch', i: { hostId: 'local' } });
    const err = await conn.next(3, 'err');
    expect(err).toMatchObject({ t: 'err', error: { code: 'INTERNAL' } });
    expect(conn.sent.filter((m) => m.id === 3).map((m) => m.t)).toEqual(['ev', 'err']);
    expect(server.liveStreams).toBe(0);
    expect(cleaned).toBe(1);
  });
});

describe('per-connection limits', () => {
  it('subscriptions beyond maxSubscriptions are refused with LIMIT; closing one makes room; other connections are not affected', async () => {
    const { conn, server } = setup({ 'hosts.watch': () => undefined }, { limits: { maxSubscriptions: 3 } });
    for (const id of [1, 2, 3]) conn.deliver({ t: 'sub', id, p: 'hosts.watch', i: {} });
    await vi.waitFor(() => expect(server.liveStreams).toBe(3));
    conn.deliver({ t: 'sub', id: 4, p: 'hosts.watch', i: {} });
    expect(await conn.next(4)).toMatchObject({ t: 'err', error: { code: 'LIMIT', retryable: true } });
    expect(server.liveStreams).toBe(3);
    conn.deliver({ t: 'unsub', id: 1 });
    conn.deliver({ t: 'sub', id: 5, p: 'hosts.watch', i: {} });
    await vi.waitFor(() => expect(server.liveStreams).toBe(3));
    expect(conn.sent.some((m) => m.id === 5 && m.t === 'err')).toBe(false);
    const other = fakeConn();
    server.connect(other);
    other.deliver({ t: 'sub', id: 1, p: 'hosts.watch', i: {} });
    await vi.waitFor(() => expect(server.liveStreams).toBe(4));
  });

  it('calls beyond maxInFlight are refused with LIMIT (retryable) while the others run; finished calls free their place', async () => {
    const gates: (() => void)[] = [];
    const { conn } = setup({ 'containers.start': () => new Promise<null>((ok) => gates.push(() => ok(null))) }, { limits: { maxInFlight: 2 } });
    const start = (id: number) => conn.deliver({ t: 'call', id, p: 'containers.start', i: { hostId: 'local', id: CID } });
    start(1);
    start(2);
    start(3);
    expect(await conn.next(3)).toMatchObject({ t: 'res', ok: false, error: { code: 'LIMIT', retryable: true } });
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    gates[0]!();
    expect(await conn.next(1)).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 0)); // the answer is sent just before the place is freed
    start(4);
    await vi.waitFor(() => expect(gates).toHaveLength(3));
    gates[1]!();
    gates[2]!();
    expect(await conn.next(2)).toMatchObject({ ok: true });
    expect(await conn.next(4)).toMatchObject({ ok: true });
  });
});

describe('streams', () => {
  it('sub → events → unsub → end; the signal aborts, cleanup runs once and nothing stays live', async () => {
    let signal: AbortSignal | undefined;
    let push: ((v: unknown) => void) | undefined;
    let cleaned = 0;
    const { conn, server } = setup({
      'hosts.watch': (_i: unknown, sink: { next(v: unknown): void }, s: AbortSignal) => {
        signal = s;
        push = (v) => sink.next(v);
        return () => {
          cleaned++;
        };
      },
    });
    conn.deliver({ t: 'sub', id: 1, p: 'hosts.watch', i: {} });
    await vi.waitFor(() => expect(push).toBeDefined());
    expect(server.liveStreams).toBe(1);
    push!([]);
    expect(await conn.next(1, 'ev')).toEqual({ t: 'ev', id: 1, data: [] });
    conn.deliver({ t: 'unsub', id: 1 });
    expect(await conn.next(1, 'end')).toEqual({ t: 'end', id: 1 });
    expect(signal!.aborted).toBe(true);
    expect(cleaned).toBe(1);
    expect(server.liveStreams).toBe(0);
    push!([]); // late events after teardown are dropped
    conn.deliver({ t: 'unsub', id: 1 }); // a second unsub tears nothing down; it is told so
    await new Promise((r) => setTimeout(r, 5));
    expect(conn.sent.filter((m) => m.id === 1).map((m) => m.t)).toEqual(['ev', 'end', 'err']);
    expect(cleaned).toBe(1);
  });

  it('closing the connection tears down all of its streams', async () => {
    const cleanups = vi.fn();
    const { conn, server } = setup({ 'containers.watch': () => cleanups, 'hosts.watch': () => cleanups });
    conn.deliver({ t: 'sub', id: 1, p: 'containers.watch', i: { hostId: 'local' } });
    conn.deliver({ t: 'sub', id: 2, p: 'hosts.watch', i: {} });
    await vi.waitFor(() => expect(server.liveStreams).toBe(2));
    conn.close();
    expect(server.liveStreams).toBe(0);
    expect(server.connections).toBe(0);
    expect(cleanups).toHaveBeenCalledTimes(2);
  });

  it('a second sub with a live id is a CONFLICT and the first stream keeps running', async () => {
    const { conn, server } = setup();
    conn.deliver({ t: 'sub', id: 4, p: 'hosts.watch', i: {} });
    await vi.waitFor(() => expect(server.liveStreams).toBe(1));
    conn.deliver({ t: 'sub', id: 4, p: 'hosts.watch', i: {} });
    expect(await conn.next(4, 'err')).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(server.liveStreams).toBe(1);
  });

  it('a stream handler that throws ends with err and is not left live', async () => {
    const { conn, server } = setup({
      'hosts.watch': () => {
        throw RpcError.from('ENGINE_UNREACHABLE', 'down', { retryable: true });
      },
    });
    conn.deliver({ t: 'sub', id: 8, p: 'hosts.watch', i: {} });
    expect(await conn.next(8)).toMatchObject({ t: 'err', error: { code: 'ENGINE_UNREACHABLE' } });
    expect(server.liveStreams).toBe(0);
  });

  it('a handler that ends synchronously still gets its cleanup called', async () => {
    const cleanup = vi.fn();
    const { conn, server } = setup({
      'hosts.watch': (_i: unknown, sink: { end(): void }) => {
        sink.end();
        return cleanup;
      },
    });
    conn.deliver({ t: 'sub', id: 9, p: 'hosts.watch', i: {} });
    expect(await conn.next(9)).toEqual({ t: 'end', id: 9 });
    await vi.waitFor(() => expect(cleanup).toHaveBeenCalledTimes(1));
    expect(server.liveStreams).toBe(0);
  });
});
