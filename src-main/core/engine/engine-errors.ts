// The only place that turns dockerode / socket / fs errors into contract error codes.
import { RpcError, validationError, type RpcErrorData } from '../../contract';
import { ZodError } from 'zod';

interface DockerodeError {
  statusCode?: number;
  reason?: string;
  json?: { message?: string } | null;
  code?: string;
  message?: string;
  name?: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'ENETUNREACH']);

/** The engine's own message, e.g. "driver failed programming external connectivity ...: port is already allocated". */
export function engineMessage(e: DockerodeError): string {
  const fromJson = e.json && typeof e.json === 'object' ? e.json.message : undefined;
  if (fromJson) return fromJson;
  const m = e.message ?? String(e);
  // dockerode formats as "(HTTP code 409) unexpected - <engine message> "
  const match = /^\(HTTP code \d+\) [^-]*- (.*)$/s.exec(m);
  const text = (match?.[1] ?? m).trim();
  // A 304 has an empty body, so docker-modem's reason ("container already started") is all there is.
  return text || e.reason || (e.statusCode ? `HTTP ${e.statusCode}` : m);
}

export function unreachableHint(code: string | undefined, url: string): string {
  if (code === 'EACCES') return `Permission denied on ${url}: add your user to the "docker" group, or choose another engine in Settings`;
  if (code === 'ENOENT') return `Nothing is listening at ${url}. Is Docker running?`;
  return 'Is Docker running? WakeDock reconnects by itself when it comes back.';
}

export function mapEngineError(e: unknown): RpcErrorData {
  if (e instanceof RpcError) return e.toData();
  if (e instanceof ZodError) return validationError(e, 'input');
  const err = (e ?? {}) as DockerodeError;
  if (err.code && UNREACHABLE_CODES.has(err.code)) {
    return { code: 'ENGINE_UNREACHABLE', message: `The Docker engine is unreachable (${err.code})`, retryable: true, hint: unreachableHint(err.code, 'the engine socket') };
  }
  if (err.name === 'AbortError' || err.code === 'ABORT_ERR') return { code: 'CANCELLED', message: 'Cancelled', retryable: true };
  const status = err.statusCode;
  if (typeof status === 'number') {
    const message = engineMessage(err);
    if (status === 404) return { code: 'NOT_FOUND', message, retryable: false };
    if (status === 409 || status === 304) return { code: 'CONFLICT', message, retryable: false };
    if (status === 400) return { code: 'VALIDATION', message, retryable: false };
    if (/already allocated|already in use|address already in use/i.test(message)) return { code: 'CONFLICT', message, retryable: false };
    return { code: 'INTERNAL', message, retryable: status >= 500 };
  }
  return { code: 'INTERNAL', message: err.message ?? String(e), retryable: false };
}

