// Live stats in the renderer: subscribe to stats.watch only for what is on screen, and not at all
// while the window is hidden (document.visibilitychange): the core then sends nothing, and if no
// other subscriber needs a container its engine stream is closed.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { DerivedSample } from '@contract/index';
import { subscribe } from '../../transport/client';

function subscribeVisibility(cb: () => void): () => void {
  document.addEventListener('visibilitychange', cb);
  return () => document.removeEventListener('visibilitychange', cb);
}

/** True while the page is visible. */
export function useDocumentVisible(): boolean {
  return useSyncExternalStore(subscribeVisibility, () => document.visibilityState !== 'hidden', () => true);
}

/** A sample older than this (ms) belongs to a container that stopped: drop it. */
const STALE_MS = 10_000;

/**
 * The latest sample per container id for `ids` ('all' = every running container, null = none).
 * The subscription changes only when the SET of ids changes (order does not matter).
 * `onBatch` sees every batch (charts append them).
 */
export function useLiveStats(
  hostId: string,
  ids: readonly string[] | 'all' | null,
  onBatch?: (batch: DerivedSample[]) => void,
): ReadonlyMap<string, DerivedSample> {
  const visible = useDocumentVisible();
  const [latest, setLatest] = useState<ReadonlyMap<string, DerivedSample>>(new Map());
  const onBatchRef = useRef(onBatch);
  useEffect(() => {
    onBatchRef.current = onBatch;
  });
  const wantedKey = ids === null ? '' : ids === 'all' ? '*' : [...ids].sort().join(',');
  // While the user scrolls, the rows on screen change every frame: resubscribe once it settles.
  const [key, setKey] = useState(wantedKey);
  useEffect(() => {
    if (wantedKey === key) return;
    const t = setTimeout(() => setKey(wantedKey), key === '' ? 0 : 250);
    return () => clearTimeout(t);
  }, [wantedKey, key]);
  useEffect(() => {
    if (!visible || key === '') return;
    const wanted = key === '*' ? null : new Set(key.split(','));
    const off = subscribe(
      'stats.watch',
      wanted ? { hostId, ids: [...wanted] } : { hostId },
      (batch) => {
        setLatest((prev) => {
          const next = new Map(prev);
          let newest = 0;
          for (const s of batch) {
            next.set(s.id, s);
            newest = Math.max(newest, s.t);
          }
          for (const [id, s] of next) if ((wanted && !wanted.has(id)) || s.t < newest - STALE_MS) next.delete(id);
          return next;
        });
        onBatchRef.current?.(batch);
      },
      () => {},
    );
    return off;
  }, [hostId, key, visible]);
  return latest;
}
