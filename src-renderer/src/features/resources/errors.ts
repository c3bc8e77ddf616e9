import { RpcError } from '@contract/index';

export interface ShownError {
  message: string;
  hint?: string;
  field?: string;
}

/** What an action's failure shows at its place: the engine's own message, and our hint if any. */
export function shownError(e: unknown): ShownError {
  if (e instanceof RpcError) return { message: e.message, hint: e.hint, field: e.field };
  return { message: e instanceof Error ? e.message : String(e) };
}
