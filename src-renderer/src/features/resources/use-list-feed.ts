// Subscribe to a live list (images.watch, volumes.watch, networks.watch): a snapshot, then patches.
// The subscription lives while the page is mounted; a dropped WebSocket resubscribes by itself and
// the next snapshot replaces everything.
import { useEffect, useState } from 'react';
import type { ProcInput, ProcOutput, StreamName } from '@contract/index';
import { subscribe } from '../../transport/client';

type ListStream = Extract<StreamName, 'images.watch' | 'volumes.watch' | 'networks.watch' | 'compose.watch'>;
type ItemOf<P extends ListStream> = ProcOutput<P> extends infer E ? (E extends { kind: 'snapshot'; items: (infer T)[] } ? T : never) : never;

export interface ListFeedState<T> {
  items: ReadonlyMap<string, T>;
  loaded: boolean;
  error: string | null;
}

export function applyListEvent<T>(prev: ReadonlyMap<string, T>, e: { kind: 'snapshot'; items: T[] } | { kind: 'patch'; upserts: T[]; removed: string[] }, key: (t: T) => string): Map<string, T> {
  if (e.kind === 'snapshot') return new Map(e.items.map((i) => [key(i), i]));
  const next = new Map(prev);
  for (const k of e.removed) next.delete(k);
  for (const i of e.upserts) next.set(key(i), i);
  return next;
}

export function useListFeed<P extends ListStream>(proc: P, hostId: string, key: (t: ItemOf<P>) => string): ListFeedState<ItemOf<P>> {
  const [state, setState] = useState<ListFeedState<ItemOf<P>> & { hostId: string }>({ hostId, items: new Map(), loaded: false, error: null });
  useEffect(
    () =>
      subscribe(
        proc,
        { hostId } as ProcInput<P>,
        (e) => setState((s) => ({ hostId, items: applyListEvent(s.hostId === hostId ? s.items : new Map(), e as never, key as never), loaded: true, error: null })),
        (err) => setState((s) => ({ ...s, hostId, error: err.message })),
      ),
    // key is a pure function of the item; it never changes what the subscription is.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [proc, hostId],
  );
  // Another host's list (before its first event) is never shown.
  return state.hostId === hostId ? state : { items: new Map(), loaded: false, error: null };
}
