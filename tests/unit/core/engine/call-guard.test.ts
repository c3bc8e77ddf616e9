// The call guard's deadlines by kind of call, and what it does with a call that misses one (the
// request is aborted and the caller gets TIMEOUT), is refused before sending, or is cancelled.
import { describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { RpcError } from '../../../../src-main/contract';
import { DEFAULT_ENGINE_TIMEOUTS as T, classifyCall, guardClient, type CallGuardHooks, type CallInfo, type DialOptions } from '../../../../src-main/core/engine/call-guard';

describe('classifyCall', () => {
  const k = (o: DialOptions): [string, number | null, boolean] => {
    const c = classifyCall(o, T);
    return [c.kind, c.timeoutMs, c.mutating];
  };
  it('gives reads, actions, stops, long operations and streams their deadlines', () => {
    expect(k({ method: 'GET', path: '/containers/json?', options: { all: true } })).toEqual(['read', 10_000, false]);
    expect(k({ method: 'GET', path: '/v1.43/containers/abc/json' })).toEqual(['read', 10_000, false]);
    expect(k({ method: 'POST', path: '/containers/abc/start?' })).toEqual(['action', 30_000, true]);
    expect(k({ method: 'POST', path: '/containers/create?' })).toEqual(['action', 30_000, true]);
    expect(k({ method: 'POST', path: '/containers/abc/exec' })).toEqual(['action', 30_000, true]);
    // stop and restart wait their grace period (default 10 s), then the margin
    expect(k({ method: 'POST', path: '/containers/abc/stop?', options: { t: 3 } })).toEqual(['stop', 33_000, true]);
    expect(k({ method: 'POST', path: '/containers/abc/stop?', options: {} })).toEqual(['stop', 40_000, true]);
    expect(k({ method: 'POST', path: '/containers/abc/restart?', options: { _query: { t: 0 } } })).toEqual(['stop', 30_000, true]);
    expect(k({ method: 'POST', path: '/containers/abc/stop?', options: { t: -1 } })[1]).toBeNull();
    expect(k({ method: 'POST', path: '/containers/abc/wait?' })[1]).toBeNull();
    expect(k({ method: 'POST', path: '/volumes/prune?' })).toEqual(['slow', 300_000, true]);
    expect(k({ method: 'GET', path: '/system/df' })).toEqual(['slow', 300_000, false]);
    expect(k({ method: 'DELETE', path: '/images/busybox:1?' })).toEqual(['slow', 300_000, true]);
    // streams: a deadline for the answer to start, then their own liveness
    expect(k({ method: 'GET', path: '/events?', isStream: true })).toEqual(['stream', 10_000, false]);
    expect(k({ method: 'POST', path: '/exec/abc/start', isStream: true, hijack: true, openStdin: true })).toEqual(['stream', 10_000, true]);
    expect(k({ method: 'POST', path: '/images/create?', isStream: true })).toEqual(['transfer', 120_000, true]);
    expect(k({ method: 'POST', path: '/build?', isStream: true, file: {} })).toEqual(['transfer', null, true]);
    expect(k({ method: 'GET', path: '/_ping' })).toEqual(['ping', 5_000, false]);
  });
  it('labels calls with short ids and no query', () => {
    const id = 'a'.repeat(64);
    expect(classifyCall({ method: 'POST', path: `/v1.44/containers/${id}/stop?`, options: { t: 1 } }, T).label).toBe('POST /containers/aaaaaaaaaaaa/stop');
  });
});

/** A modem whose engine never answers: dial() only ends when its abort signal fires. */
function frozenEngine(): { docker: Dockerode; dialed: DialOptions[]; aborted: () => number } {
  const dialed: DialOptions[] = [];
  let aborted = 0;
  const modem = {
    dial(o: DialOptions, cb: (err: unknown, data?: unknown) => void) {
      dialed.push(o);
      o.abortSignal?.addEventListener('abort', () => {
        aborted++;
        cb(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
      });
    },
  };
  return { docker: { modem } as unknown as Dockerode, dialed, aborted: () => aborted };
}

const dial = (docker: Dockerode, o: DialOptions): Promise<unknown> =>
  new Promise((resolve, reject) => (docker.modem as unknown as { dial: (o: DialOptions, cb: (e: unknown, d?: unknown) => void) => void }).dial(o, (e, d) => (e ? reject(e) : resolve(d))));

function hooks(over: Partial<CallGuardHooks> = {}): CallGuardHooks & { timedOut: CallInfo[] } {
  const timedOut: CallInfo[] = [];
  return { timeouts: { ...T, readMs: 30, actionMs: 40 }, gate: () => undefined, onTimeout: (c) => timedOut.push(c), onSocketError: () => {}, hostName: () => 'Local engine', timedOut, ...over };
}

describe('guardClient', () => {
  it('aborts a call that misses its deadline and answers TIMEOUT, saying an action may still happen', async () => {
    const e = frozenEngine();
    const h = hooks();
    guardClient(e.docker, h);
    const err = (await dial(e.docker, { method: 'POST', path: '/containers/abc/kill?' }).catch((x: unknown) => x)) as RpcError;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe('TIMEOUT');
    expect(err.reason).toBe('ENGINE_TIMEOUT');
    expect(err.message).toMatch(/^Local engine: the Docker engine did not answer POST \/containers\/abc\/kill within 40 ms\. It may still carry it out/);
    expect(e.aborted()).toBe(1);
    expect(h.timedOut.map((c) => c.label)).toEqual(['POST /containers/abc/kill']);
  });
  it('refuses a call the gate refuses without sending it', async () => {
    const e = frozenEngine();
    guardClient(e.docker, hooks({ gate: () => RpcError.from('TIMEOUT', 'not sent', { reason: 'ENGINE_UNRESPONSIVE' }) }));
    await expect(dial(e.docker, { method: 'POST', path: '/containers/abc/stop?' })).rejects.toMatchObject({ reason: 'ENGINE_UNRESPONSIVE' });
    expect(e.dialed).toHaveLength(0);
  });
  it('leaves a caller’s cancel a cancel, and wraps a client only once', async () => {
    const e = frozenEngine();
    const h = hooks();
    guardClient(e.docker, h);
    guardClient(e.docker, h);
    const ac = new AbortController();
    const p = dial(e.docker, { method: 'GET', path: '/containers/json?', abortSignal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(e.dialed).toHaveLength(1);
    expect(h.timedOut).toHaveLength(0);
  });
});
