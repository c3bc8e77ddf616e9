// What the single-host list (containers-store) and All hosts (all-hosts-store) share: one container
// action sent to its host, the row error it leaves, a bounded pool for bulk actions, and the list's
// view state (selection, search, filters, sort, grouping) with its setters. Rows are keyed by a
// string: the container id on one host, rowKey(host, id) across hosts.
import { RpcError, type ContainerSummary } from '@contract/index';
import { withName } from '../presenters/bulk-actions';
import type { SortKey, StateFilter } from '../presenters/container-presenter';
import { call, errorText } from '../transport/client';
import type { ContainerAction, RowError } from './containers-store';

export type ActionExtra = { force?: boolean; volumes?: boolean; name?: string };

/** `rec` without `key` (the same object when it has none). */
export const without = <T,>(rec: Readonly<Record<string, T>>, key: string): Record<string, T> => {
  if (!(key in rec)) return rec as Record<string, T>;
  const next = { ...rec };
  delete next[key];
  return next;
};

/**
 * Send one action on container `id` to host `hostId`. Without force, a live container `c` is
 * stopped cleanly first (SIGTERM, then SIGKILL after its stop timeout), as `docker stop && docker rm`
 * would; force kills it at once. `step` is told which call is in flight (stop, then remove).
 */
export async function sendContainerAction(hostId: string, id: string, c: ContainerSummary | undefined, action: ContainerAction, extra: ActionExtra, step: (a: ContainerAction) => void): Promise<void> {
  switch (action) {
    case 'remove':
      if (!extra.force && (c?.state === 'running' || c?.state === 'paused' || c?.state === 'restarting')) {
        step('stop');
        await call('containers.stop', { hostId, id });
        step('remove');
      }
      await call('containers.remove', { hostId, id, force: extra.force ?? false, volumes: extra.volumes ?? false });
      break;
    case 'rename':
      await call('containers.rename', { hostId, id, name: extra.name ?? '' });
      break;
    default:
      await call(`containers.${action}`, { hostId, id });
  }
}

/** The error a failed action leaves on its row: the contract's code, reason and hint, the container named. */
export function rowErrorOf(e: unknown, action: ContainerAction, c: ContainerSummary | undefined): RowError {
  const rpc = e instanceof RpcError ? e : null;
  const err: RowError = { action, message: withName(errorText(e), c), code: rpc?.code ?? (e as { code?: string }).code ?? 'INTERNAL' };
  if (rpc?.reason) err.reason = rpc.reason;
  if (rpc?.hint) err.hint = rpc.hint;
  return err;
}

/** Run `work` on every item of `queue` (consumed), at most `limit` at once. */
export async function drain<T>(queue: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

/** The list's view state and its setters. */
export interface ListView {
  selected: ReadonlySet<string>;
  query: string;
  stateFilter: StateFilter;
  sort: SortKey;
  desc: boolean;
  group: boolean;
  /** The collapsed groups (compose projects, or hosts). */
  collapsed: ReadonlySet<string>;
  toggleSelected(key: string, on?: boolean): void;
  setSelected(keys: Iterable<string>): void;
  clearSelection(): void;
  setQuery(q: string): void;
  setStateFilter(f: StateFilter): void;
  setSort(k: SortKey): void;
  setGroup(g: boolean): void;
  toggleCollapsed(group: string): void;
}

/** The ListView part of a zustand store: sorted by name, grouped, nothing selected or filtered. */
export function listView(set: (p: Partial<ListView>) => void, get: () => ListView): ListView {
  return {
    selected: new Set(),
    query: '',
    stateFilter: 'all',
    sort: 'name',
    desc: false,
    group: true,
    collapsed: new Set(),
    toggleSelected(key, on) {
      const next = new Set(get().selected);
      if (on ?? !next.has(key)) next.add(key);
      else next.delete(key);
      set({ selected: next });
    },
    setSelected(keys) {
      set({ selected: new Set(keys) });
    },
    clearSelection() {
      set({ selected: new Set() });
    },
    setQuery(query) {
      set({ query });
    },
    setStateFilter(stateFilter) {
      set({ stateFilter });
    },
    setSort(k) {
      const { sort, desc } = get();
      set(k === sort ? { desc: !desc } : { sort: k, desc: k === 'created' });
    },
    setGroup(group) {
      set({ group });
    },
    toggleCollapsed(group) {
      const next = new Set(get().collapsed);
      if (next.has(group)) next.delete(group);
      else next.add(group);
      set({ collapsed: next });
    },
  };
}
