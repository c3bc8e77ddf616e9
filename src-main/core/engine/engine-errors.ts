// The only place that turns dockerode / socket / fs errors into contract error data: a code from
// the closed set, a reason from the closed set (contract/errors.ts) and the engine's raw text as
// `detail`. The engine gives no machine-readable sub-codes, so its texts are read HERE and nowhere
// else (the renderer and the services branch on `reason`).
import { RpcError, validationError, type ErrorCode, type ErrorReason, type RpcErrorData } from '../../contract';
import { ZodError } from 'zod';

interface DockerodeError {
  statusCode?: number;
  reason?: string;
  /** docker-modem: the parsed JSON body, or the raw body (string/Buffer) when it is not JSON. */
  json?: { message?: string } | string | Uint8Array | null;
  code?: string;
  message?: string;
  name?: string;
}

const UNREACHABLE: Record<string, ErrorReason> = {
  ENOENT: 'SOCKET_MISSING',
  EACCES: 'SOCKET_PERMISSION',
  ECONNREFUSED: 'CONNECTION_LOST',
  ECONNRESET: 'CONNECTION_LOST',
  EPIPE: 'CONNECTION_LOST',
  ETIMEDOUT: 'TIMEOUT',
  EHOSTUNREACH: 'HOST_UNREACHABLE',
  ENOTFOUND: 'HOST_UNREACHABLE',
  ENETUNREACH: 'HOST_UNREACHABLE',
};

/** What the user can do about a reason, when the engine's text does not say. */
const REASON_HINTS: Partial<Record<ErrorReason, string>> = {
  PORT_IN_USE: 'Choose another host port, or leave it empty to let the engine pick one',
  NAME_IN_USE: 'Choose another name, or remove or rename the container that has it',
  CONTAINER_RUNNING: 'Stop it first, or remove it with Force',
  CONTAINER_PAUSED: 'Unpause it first',
  CONTAINER_NOT_RUNNING: 'Start the container first',
  IMAGE_NOT_FOUND: 'Pull the image first, or check the name and tag',
};

/** The HTTP status the engine answered with, if the error came from an engine answer. */
export function engineStatus(e: unknown): number | undefined {
  const s = (e as DockerodeError | null | undefined)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** The engine said "no such …" (404), or a WakeDock NOT_FOUND. */
export function isNotFound(e: unknown): boolean {
  return engineStatus(e) === 404 || (e instanceof RpcError && e.code === 'NOT_FOUND');
}

/** The engine answered 304: the object is already in the asked state. */
export function isAlreadyInState(e: unknown): boolean {
  return engineStatus(e) === 304;
}

/** The engine's own message, e.g. "driver failed programming external connectivity ...: port is already allocated". */
export function engineMessage(e: DockerodeError): string {
  const json = e.json as unknown;
  const isBody = typeof json === 'string' || json instanceof Uint8Array;
  const fromJson = json && typeof json === 'object' && !isBody ? (json as { message?: string }).message : undefined;
  if (fromJson) return fromJson;
  // A body that is not the engine's JSON error came from something else listening there (a web
  // server behind an engine override, a proxy): never echo another server's answer to the UI.
  if (isBody && String(json).trim() !== '') {
    const code = e.statusCode ? `HTTP ${e.statusCode}` : 'an answer';
    return `${code} from a server that does not answer like a Docker engine (its answer is not shown)`;
  }
  const m = e.message ?? String(e);
  // dockerode formats as "(HTTP code 409) unexpected - <engine message> "
  const match = /^\(HTTP code \d+\) [^-]*- (.*)$/s.exec(m);
  const text = (match?.[1] ?? m).trim();
  // A 304 has an empty body, so docker-modem's reason ("container already started") is all there is.
  return text || e.reason || (e.statusCode ? `HTTP ${e.statusCode}` : m);
}

/**
 * The reason behind an engine answer, from its status and text (Docker 20.10 … 28 wordings). Text
 * first where the status is too coarse: a taken port is a 500 on 20.10 and a 409 elsewhere.
 */
export function engineReason(status: number | undefined, text: string): ErrorReason | undefined {
  if (status === 304) return 'ALREADY_IN_STATE';
  if (/port is already allocated|address already in use|bind for .* failed/i.test(text)) return 'PORT_IN_USE';
  if (/name .* is already in use|already exists/i.test(text)) return 'NAME_IN_USE';
  if (/no such image|image .*not (found|known)|manifest (unknown|for .* not found)|pull access denied|repository does not exist|reference does not exist/i.test(text)) return 'IMAGE_NOT_FOUND';
  if (/no such network|network .*not found/i.test(text)) return 'NETWORK_NOT_FOUND';
  if (/no such volume|volume .*not found/i.test(text)) return 'VOLUME_NOT_FOUND';
  if (/no such container/i.test(text)) return 'CONTAINER_NOT_FOUND';
  if (/is paused/i.test(text)) return 'CONTAINER_PAUSED';
  if (/is not running|is restarting|not running/i.test(text)) return 'CONTAINER_NOT_RUNNING';
  if (/cannot remove a running container|stop the container before/i.test(text)) return 'CONTAINER_RUNNING';
  if (/is (being )?used by|is in use|in use by|has active endpoints|image is referenced/i.test(text)) return 'IN_USE';
  if (status === 400) return 'ENGINE_REFUSED_INPUT';
  return undefined;
}

/** Reasons that say the object is in the wrong state for the action: a refusal, not a fault. */
const STATE_REASONS: ReadonlySet<ErrorReason> = new Set(['PORT_IN_USE', 'NAME_IN_USE', 'IN_USE', 'CONTAINER_PAUSED', 'CONTAINER_NOT_RUNNING', 'CONTAINER_RUNNING', 'ALREADY_IN_STATE']);
const MISSING_REASONS: ReadonlySet<ErrorReason> = new Set(['IMAGE_NOT_FOUND', 'NETWORK_NOT_FOUND', 'VOLUME_NOT_FOUND', 'CONTAINER_NOT_FOUND']);

function codeFor(status: number, reason: ErrorReason | undefined): ErrorCode {
  // The engine sends some refusals as 500 ("Cannot kill container …: … is not running"): a known
  // reason makes them CONFLICT / NOT_FOUND, so they are shown as refusals and not logged as faults.
  if (reason && STATE_REASONS.has(reason)) return 'CONFLICT';
  if (reason && MISSING_REASONS.has(reason) && status !== 400) return 'NOT_FOUND';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409 || status === 304) return 'CONFLICT';
  if (status === 400) return 'VALIDATION';
  return 'INTERNAL';
}

/** Why a connection attempt failed, in words safe to show (no foreign server's answer). */
export function connectFailure(e: unknown): string {
  const err = (e ?? {}) as DockerodeError;
  if (typeof err.statusCode === 'number') return engineMessage(err);
  return err.code ? `${err.code}: ${err.message ?? ''}`.trim() : (err.message ?? String(e));
}

export function unreachableHint(code: string | undefined, url: string): string {
  if (code === 'EACCES') return `Permission denied on ${url}: add your user to the "docker" group, or choose another engine in Settings`;
  if (code === 'ENOENT') return `Nothing is listening at ${url}. Is Docker running?`;
  return 'Is Docker running? WakeDock reconnects by itself when it comes back.';
}

/** The reason for a socket errno (ENOENT, EACCES, ECONNREFUSED…), if it means "cannot reach the engine". */
export function unreachableReason(code: string | undefined): ErrorReason | undefined {
  return code ? UNREACHABLE[code] : undefined;
}

export function mapEngineError(e: unknown): RpcErrorData {
  if (e instanceof RpcError) return e.toData();
  if (e instanceof ZodError) return validationError(e, 'input');
  const err = (e ?? {}) as DockerodeError;
  const unreachable = unreachableReason(err.code);
  if (err.code && unreachable) {
    return {
      code: 'ENGINE_UNREACHABLE',
      reason: unreachable,
      message: `The Docker engine is unreachable (${err.code})`,
      detail: err.message ?? err.code,
      retryable: true,
      hint: unreachableHint(err.code, 'the engine socket'),
    };
  }
  if (err.name === 'AbortError' || err.code === 'ABORT_ERR') return { code: 'CANCELLED', message: 'Cancelled', retryable: true };
  const status = err.statusCode;
  if (typeof status === 'number') {
    const message = engineMessage(err);
    const reason = engineReason(status, message);
    const d: RpcErrorData = { code: codeFor(status, reason), message, detail: message, retryable: status >= 500 && !reason };
    if (reason) d.reason = reason;
    const hint = reason && REASON_HINTS[reason];
    if (hint) d.hint = hint;
    return d;
  }
  return { code: 'INTERNAL', message: err.message ?? String(e), retryable: false };
}

export interface EngineErrorContext {
  /** What WakeDock was doing, put before the engine's message: "Could not create the new container". */
  context?: string;
  /** Text put after the engine's message (e.g. what was rolled back). */
  after?: string;
  field?: string;
  hint?: string;
  /** Use this code when the mapping has nothing finer than INTERNAL (e.g. a failed start after create). */
  fallbackCode?: ErrorCode;
}

/**
 * An engine failure as an RpcError to throw, with WakeDock's context in the message and the
 * engine's classification (code, reason, raw detail) kept as data.
 */
export function engineError(e: unknown, c: EngineErrorContext = {}): RpcError {
  const d = mapEngineError(e);
  if (c.context) d.message = `${c.context}: ${d.message}`;
  if (c.after) d.message = `${d.message}${/[.!?]$/.test(d.message) ? '' : '.'} ${c.after}`;
  if (c.fallbackCode && d.code === 'INTERNAL' && !d.reason) d.code = c.fallbackCode;
  if (c.field) d.field = c.field;
  if (c.hint) d.hint = c.hint;
  return new RpcError(d);
}

/**
 * A failure the engine reported inside a stream (a pull's `error` line, an exec's output) rather
 * than as an HTTP status: classified from its text like any engine answer.
 */
export function engineStreamError(text: string, fallback: ErrorCode = 'INTERNAL'): RpcError {
  const reason = engineReason(undefined, text);
  const code: ErrorCode = reason === 'IMAGE_NOT_FOUND' || reason === 'NETWORK_NOT_FOUND' || reason === 'VOLUME_NOT_FOUND' || reason === 'CONTAINER_NOT_FOUND' ? 'NOT_FOUND' : reason ? 'CONFLICT' : fallback;
  const d: RpcErrorData = { code, message: text, detail: text, retryable: false };
  if (reason) d.reason = reason;
  return new RpcError(d);
}
