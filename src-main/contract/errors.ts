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
  'INTERNAL', // anything else; the message says what
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface RpcErrorData {
  code: ErrorCode;
  /** Human-readable. For engine errors this is the engine's own message. */
  message: string;
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
  readonly field?: string;
  readonly retryable: boolean;
  readonly hint?: string;

  constructor(data: RpcErrorData) {
    super(data.message);
    this.name = 'RpcError';
    this.code = data.code;
    this.field = data.field;
    this.retryable = data.retryable;
    this.hint = data.hint;
  }

  toData(): RpcErrorData {
    const d: RpcErrorData = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.field !== undefined) d.field = this.field;
    if (this.hint !== undefined) d.hint = this.hint;
    return d;
  }

  static from(code: ErrorCode, message: string, extra: Partial<Omit<RpcErrorData, 'code' | 'message'>> = {}): RpcError {
    return new RpcError({ code, message, retryable: extra.retryable ?? false, ...extra });
  }
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
  return { code: 'VALIDATION', message: `${proc}: ${what}: ${msg}`, field, retryable: false };
}
