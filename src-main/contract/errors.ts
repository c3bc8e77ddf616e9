// COMMON: imported by main, preload and renderer. No node:*, electron or DOM imports here.
import type { z } from 'zod';

/** The closed set of error codes that may cross the bridge. The UI switches on these. */
export const ERROR_CODES = [
  'ENGINE_UNREACHABLE', // the Docker engine could not be reached (socket missing, daemon down)
  'NOT_FOUND', // the container/host/procedure target does not exist
  'CONFLICT', // the engine refused because of state (name in use, port allocated, must stop first)
  'VALIDATION', // the input did not match the procedure's schema
  'UNKNOWN_PROCEDURE', // the procedure is not in the contract
  'UNAUTHORIZED', // bad or missing token (serve mode)
  'CANCELLED', // the call or stream was cancelled
  'STORE_ERROR', // the local store could not be read or written
  'TIMEOUT', // the engine did not answer a call in time (reason ENGINE_TIMEOUT: it may still carry it out) or was not asked (ENGINE_UNRESPONSIVE)
  'LIMIT', // a per-connection or server limit was reached (subscriptions, calls in flight, connections)
  'INTERNAL', // anything else; the message says what
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The closed set of reasons: what exactly went wrong, under a code. The UI branches on these (never
 * on `message`, which is for people). Only core/engine/engine-errors.ts reads engine texts to pick
 * an engine reason; everything else sets a reason where it builds the error.
 */
export const ERROR_REASONS = [
  // ENGINE_UNREACHABLE
  'SOCKET_MISSING', // nothing at the socket/pipe path (ENOENT): the engine is not running
  'SOCKET_PERMISSION', // the socket exists but this user may not open it (EACCES)
  'CONNECTION_LOST', // refused or reset (ECONNREFUSED, ECONNRESET, EPIPE): the engine went away
  'TIMEOUT', // the engine did not answer in time (ETIMEDOUT)
  'HOST_UNREACHABLE', // no route/name for a remote engine (EHOSTUNREACH, ENOTFOUND, ENETUNREACH)
  'NOT_CONNECTED', // the host is still connecting or reconnecting
  'HOST_KEY_UNKNOWN', // ssh: the server's key is in no known_hosts; the user decides (hosts.trustHostKey)
  'HOST_KEY_CHANGED', // ssh: the server's key differs from the known one; refused, nothing sent
  'AUTH_FAILED', // ssh: the server refused every offered login (key, agent, password)
  'KEY_PASSPHRASE_NEEDED', // ssh: the private key is encrypted and no (or a wrong) passphrase is stored
  'SSH_UNAVAILABLE', // ssh: this build cannot reach SSH engines yet
  // TIMEOUT
  'ENGINE_TIMEOUT', // the call was sent and got no answer in time: the engine may still carry it out when it answers again
  'ENGINE_UNRESPONSIVE', // not sent: the engine is not answering (the host is unresponsive); nothing was queued
  // NOT_FOUND
  'CONTAINER_NOT_FOUND', // no such container
  'IMAGE_NOT_FOUND', // no such image here, or the registry has no such reference
  'NETWORK_NOT_FOUND', // no such network
  'VOLUME_NOT_FOUND', // no such volume
  'SESSION_NOT_FOUND', // a terminal or stream session that no longer exists
  'HOST_NOT_FOUND', // no host with that id
  'SSH_ALIAS_NOT_FOUND', // no such Host alias in ~/.ssh/config
  'HOST_KEY_NOT_SEEN', // hosts.trustHostKey for a key the core did not see on a recent connection attempt
  'PROJECT_NOT_FOUND', // no compose project of that name on the host
  'COMPOSE_CLI_MISSING', // neither `docker compose` nor `docker-compose` runs here (or cannot reach the host)
  'PATH_NOT_FOUND', // no such file or folder (inside a volume, or on the machine that runs WakeDock)
  'HELPER_IMAGE_MISSING', // no local image can run the volume helper container (or the chosen one has no shell)
  // CONFLICT
  'PORT_IN_USE', // a host port is taken (by a container or another process)
  'NAME_IN_USE', // a container/object name is taken
  'ALREADY_IN_STATE', // already started/stopped/paused… (the engine's 304)
  'CONTAINER_NOT_RUNNING', // needs a running container (exec, terminal, pause…)
  'CONTAINER_PAUSED', // needs an unpaused container
  'CONTAINER_RUNNING', // needs a stopped container (remove without force…)
  'IN_USE', // an image/volume/network still used by a container
  'LIMIT_REACHED', // a WakeDock limit (open terminals, rules, channels)
  'COMPOSE_FAILED', // the compose CLI exited non-zero; detail is its stderr
  'BUILD_FAILED', // an image build failed (a Dockerfile error, a step exiting non-zero); the message is the engine's, detail the last log lines
  'FILE_EXISTS', // a file is already there (a compose file, a backup); overwrite only when confirmed
  // VALIDATION
  'COMPOSE_INVALID', // `compose config` refused the compose file; detail is the CLI's words, line set when it names one
  'ARCHIVE_INVALID', // a .tar.gz that cannot be read through (not gzip, truncated, not a tar)
  'INVALID_INPUT', // the input failed the procedure's schema or a WakeDock check (see field)
  'ENGINE_REFUSED_INPUT', // the engine answered 400 to an input WakeDock let through
  'SSH_CONFIG_INVALID', // ~/.ssh/config cannot be parsed (the message names the line)
  'NOT_SSH_HOST', // an SSH-only action (host shell, socket forward) on a host that is not ssh
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

export interface RpcErrorData {
  code: ErrorCode;
  /** What exactly went wrong under `code`, from a closed set; absent when nothing finer is known. */
  reason?: ErrorReason;
  /** Human-readable. For engine errors this is (or ends with) the engine's own message. */
  message: string;
  /**
   * The raw detail as data: the engine's own text (e.g. "driver failed programming external
   * connectivity …: port is already allocated"), the errno (ECONNREFUSED), or for VALIDATION the
   * schema's message for `field` alone ("Too small: expected number to be >=1"), to show next to it.
   */
  detail?: string;
  /** For VALIDATION: the dotted path of the offending field, e.g. "id" or "options.force". */
  field?: string;
  /** Whether retrying the same call later may succeed (e.g. engine unreachable). */
  retryable: boolean;
  /** A hint for the user, e.g. "Is Docker running?" */
  hint?: string;
}

/** A typed error, rebuilt on the client side from RpcErrorData. */
export class RpcError extends Error {
  readonly code: ErrorCode;
  readonly reason?: ErrorReason;
  readonly detail?: string;
  readonly field?: string;
  readonly retryable: boolean;
  readonly hint?: string;

  constructor(data: RpcErrorData) {
    super(data.message);
    this.name = 'RpcError';
    this.code = data.code;
    this.reason = data.reason;
    this.detail = data.detail;
    this.field = data.field;
    this.retryable = data.retryable;
    this.hint = data.hint;
  }

  toData(): RpcErrorData {
    const d: RpcErrorData = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.reason !== undefined) d.reason = this.reason;
    if (this.detail !== undefined) d.detail = this.detail;
    if (this.field !== undefined) d.field = this.field;
    if (this.hint !== undefined) d.hint = this.hint;
    return d;
  }

  static from(code: ErrorCode, message: string, extra: Partial<Omit<RpcErrorData, 'code' | 'message'>> = {}): RpcError {
    return new RpcError({ code, message, retryable: extra.retryable ?? false, ...extra });
  }
}

/** The text to show next to an error's field: the raw detail when there is one, else the message. */
export function fieldMessage(e: Pick<RpcErrorData, 'message' | 'detail'>): string {
  return e.detail ?? e.message;
}

export function isRpcError(e: unknown): e is RpcError {
  return e instanceof RpcError;
}

/** A zod failure as VALIDATION error data, naming the offending field (dotted path). */
export function validationError(err: z.ZodError, proc: string): RpcErrorData {
  const issue = err.issues[0];
  // Inputs are strict objects: an unknown key is reported at its parent's path with the key in
  // `keys`, so name the key itself (e.g. field "forse" for a typo of "force", not no field at all).
  const path = issue ? [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])] : [];
  const field = path.length > 0 ? path.map(String).join('.') : undefined;
  const what = field ? `"${field}"` : 'the input';
  const msg = issue ? issue.message : 'invalid input';
  return { code: 'VALIDATION', reason: 'INVALID_INPUT', message: `${proc}: ${what}: ${msg}`, detail: msg, field, retryable: false };
}
