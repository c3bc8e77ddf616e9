// An action started from a button or a dialog: busy while it runs (to disable the button), the
// error it failed with shown at its place, cleared when it runs again. The same try/catch/finally
// every dialog wrote by hand.
import { useCallback, useState } from 'react';
import { shownError, type ShownError } from '../features/resources/errors';

export interface Action<E> {
  busy: boolean;
  error: E | null;
  setError(e: E | null): void;
  /** Run `work`: busy meanwhile, the previous error cleared, a failure kept as `error`. */
  run(work: () => Promise<void>): Promise<void>;
}

export function useAction(): Action<ShownError>;
export function useAction<E>(toError: (e: unknown) => E): Action<E>;
export function useAction<E>(toError: (e: unknown) => E = shownError as unknown as (e: unknown) => E): Action<E> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<E | null>(null);
  const run = useCallback(
    async (work: () => Promise<void>): Promise<void> => {
      setBusy(true);
      setError(null);
      try {
        await work();
      } catch (e) {
        setError(toError(e));
      } finally {
        setBusy(false);
      }
    },
    [toError],
  );
  return { busy, error, setError, run };
}
