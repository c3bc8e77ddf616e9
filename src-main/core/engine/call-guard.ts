// Bounded engine calls. Every request a host's dockerode client makes goes through docker-modem's
// dial(); the guard wraps it once per client so that each call gets a deadline by kind (reads,
// lifecycle actions, stop with its grace period, long operations), a stream or a hijacked exec gets
// a deadline for its answer to START (then its own liveness), and a call that misses its deadline is
// aborted through its AbortSignal (the HTTP request and its socket are destroyed, nothing leaks) and
// rejected as TIMEOUT. While the host is unresponsive, the host's gate refuses calls before they are
// sent (not queued behind a frozen engine). The classification is pure (classifyCall) and unit-tested.
import type Dockerode from 'dockerode';
import { request as httpRequest } from 'node:http';
import { RpcError } from '../../contract';

export interface EngineTimeouts {
  /** GET list/inspect/version/top/logs without follow… */
  readMs: number;
  /** POST/DELETE: start, kill, pause, create, remove, exec create… */
  actionMs: number;
  /** Added to a stop's or restart's grace period (t, default 10 s): the engine waits that long before it kills. */
  stopMarginMs: number;
  /** Prunes, disk usage, image removal, commit: long by nature. */
  slowMs: number;
  /** A stream (events, stats, logs follow, attach) or a hijacked exec must start answering within this. */
  streamOpenMs: number;
  /** Pulls, pushes, builds, loads: their first answer may wait on a registry. */
  transferOpenMs: number;
  /** The watchdog pings the engine this often while it answers… */
  pingIntervalMs: number;
  /** …and this often while it is degraded or unresponsive (to see it come back). */
  pingRecoverMs: number;
  /** A ping with no answer after this makes the host unresponsive. */
  pingTimeoutMs: number;
  /** A ping answered after this makes the host degraded. */
  pingLateMs: number;
}

export const DEFAULT_ENGINE_TIMEOUTS: Readonly<EngineTimeouts> = {
  readMs: 10_000,
  actionMs: 30_000,
  stopMarginMs: 30_000,
  slowMs: 300_000,
  streamOpenMs: 10_000,
  transferOpenMs: 120_000,
  pingIntervalMs: 10_000,
  pingRecoverMs: 2_000,
  pingTimeoutMs: 5_000,
  pingLateMs: 2_000,
};

export type CallKind = 'ping' | 'read' | 'action' | 'stop' | 'slow' | 'stream' | 'transfer' | 'unbounded';

export interface CallInfo {
  kind: CallKind;
  /** "POST /containers/{id}/stop": what is shown in a reason (ids shortened). */
  label: string;
  /** A deadline for the whole call (non-streams), or for the answer to start (streams, hijacks); null: none. */
  timeoutMs: number | null;
  /** Whether the call changes something on the engine (the engine may still do it after a timeout). */
  mutating: boolean;
}

/** What docker-modem's dial() receives (the parts the guard reads). */
export interface DialOptions {
  path: string;
  method: string;
  options?: Record<string, unknown> & { _query?: Record<string, unknown> };
  isStream?: boolean;
  hijack?: boolean;
  openStdin?: boolean;
  file?: unknown;
  abortSignal?: AbortSignal;
}

/** "/v1.43/containers/<64 hex>/stop?t=1" → "/containers/<12 hex>/stop" (for messages). */
export const shortPath = (path: string): string =>
  path
    .replace(/\?.*$/, '')
    .replace(/^\/v\d+\.\d+/, '')
    .replace(/\/([0-9a-f]{12})[0-9a-f]{52}(?=\/|$)/g, '/$1');

/** The kind and deadline of one engine call. */
export function classifyCall(o: DialOptions, t: EngineTimeouts): CallInfo {
  const method = (o.method || 'GET').toUpperCase();
  const path = shortPath(o.path);
  const label = `${method} ${path}`;
  const mutating = method !== 'GET' && method !== 'HEAD';
  const info = (kind: CallKind, timeoutMs: number | null): CallInfo => ({ kind, label, timeoutMs, mutating });
  if (/^\/_ping$/.test(path)) return info('ping', t.pingTimeoutMs);
  // Waits for the container to exit: as long as it runs.
  if (/^\/containers\/[^/]+\/wait$/.test(path)) return info('unbounded', null);
  // A save (images/get) may prepare the archive for a while before its first byte.
  if (/^\/(images\/create|images\/load|images\/get|build|images\/.+\/(push|get))$/.test(path)) return info('transfer', o.file ? null : t.transferOpenMs);
  if (o.hijack || o.isStream || o.openStdin) return info('stream', o.file ? null : t.streamOpenMs);
  if (/^\/containers\/[^/]+\/(stop|restart)$/.test(path)) {
    const q = o.options?._query ?? o.options;
    const grace = Number(q?.t ?? q?.timeout);
    // -1 waits forever for the container to stop by itself.
    if (grace < 0) return info('unbounded', null);
    return info('stop', (Number.isFinite(grace) ? grace * 1000 : 10_000) + t.stopMarginMs);
  }
  if (/^\/((containers|images|volumes|networks|build)\/prune|system\/df|commit)$/.test(path) || (method === 'DELETE' && /^\/images\//.test(path))) return info('slow', t.slowMs);
  return mutating ? info('action', t.actionMs) : info('read', t.readMs);
}

/** 40 → "40 ms", 1500 → "1.5 s", 30000 → "30 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** A call that got no answer in time. The message says the engine may still carry out an action. */
export function timeoutError(call: CallInfo, hostName?: string): RpcError {
  const within = formatMs(call.timeoutMs ?? 0);
  const who = hostName ? `${hostName}: the` : 'The';
  const message = call.mutating
    ? `${who} Docker engine did not answer ${call.label} within ${within}. It may still carry it out when it answers again; the list will then show what it did.`
    : `${who} Docker engine did not answer ${call.label} within ${within}.`;
  return RpcError.from('TIMEOUT', message, { reason: 'ENGINE_TIMEOUT', retryable: true, detail: call.label, hint: 'The engine may be overloaded or frozen. WakeDock keeps checking and updates the list when it answers.' });
}

export interface CallGuardHooks {
  timeouts: EngineTimeouts;
  /** An error to refuse the call with before it is sent (the host is unresponsive), or undefined to send it. */
  gate(call: CallInfo): RpcError | undefined;
  /** A call missed its deadline (its request is already destroyed). */
  onTimeout(call: CallInfo): void;
  /** A call failed at the socket (ENOENT, ECONNREFUSED…): the host may have lost its engine. */
  onSocketError(call: CallInfo, error: Error & { code?: string }): void;
  /** For the TIMEOUT message. */
  hostName(): string;
}

const GUARD = Symbol.for('wakedock.callGuard');
const SOCKET_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EACCES', 'EHOSTUNREACH', 'ENETUNREACH']);

type DialFn = (options: DialOptions, callback: (err: unknown, data?: unknown) => void) => void;
interface Guarded {
  [GUARD]?: { hooks: CallGuardHooks };
  dial: DialFn;
}

/**
 * Put the guard on a client's modem (once; a second call only swaps the hooks). Clients without a
 * modem (tests' fake engines) are left alone.
 */
export function guardClient(docker: Dockerode, hooks: CallGuardHooks): void {
  const modem = (docker as unknown as { modem?: Guarded }).modem;
  if (!modem || typeof modem.dial !== 'function') return;
  const existing = modem[GUARD];
  if (existing) {
    existing.hooks = hooks;
    return;
  }
  const state = { hooks };
  modem[GUARD] = state;
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const h = state.hooks;
    const call = classifyCall(options, h.timeouts);
    const refused = h.gate(call);
    if (refused) {
      queueMicrotask(() => callback(refused));
      return;
    }
    if (call.timeoutMs === null) {
      dial(options, (err, data) => {
        if (err) noteSocket(h, call, err);
        callback(err, data);
      });
      return;
    }
    const deadline = new AbortController();
    const caller = options.abortSignal;
    const signal = caller ? AbortSignal.any([caller, deadline.signal]) : deadline.signal;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort(new Error(`deadline of ${call.label}`));
    }, call.timeoutMs);
    timer.unref?.();
    dial({ ...options, abortSignal: signal }, (err, data) => {
      clearTimeout(timer);
      if (err && timedOut && !caller?.aborted) {
        h.onTimeout(call);
        callback(timeoutError(call, h.hostName()));
        return;
      }
      if (err) noteSocket(h, call, err);
      callback(err, data);
    });
  };
}

function noteSocket(h: CallGuardHooks, call: CallInfo, err: unknown): void {
  const e = err as Error & { code?: string };
  if (e && typeof e.code === 'string' && SOCKET_CODES.has(e.code)) h.onSocketError(call, e);
}

/**
 * GET /_ping over a NEW connection to a unix socket (no keep-alive agent): a pooled connection keeps
 * working after the socket's path is removed, so only a fresh connect tells that new calls would fail
 * (ENOENT). Rejects with the socket error, the engine's status, or TIMEOUT after timeoutMs.
 */
export function pingSocket(socketPath: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const call: CallInfo = { kind: 'ping', label: 'GET /_ping', timeoutMs, mutating: false };
    let timedOut = false;
    const req = httpRequest({ socketPath, path: '/_ping', method: 'GET', agent: false, headers: { Connection: 'close' } });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, timeoutMs);
    timer.unref?.();
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        clearTimeout(timer);
        if (res.statusCode === 200) resolve();
        else reject(Object.assign(new Error(`the engine answered a ping with HTTP ${res.statusCode}`), { statusCode: res.statusCode }));
      });
      res.on('error', () => undefined);
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(timedOut ? timeoutError(call) : e);
    });
    req.end();
  });
}
