// Containers of every host at once, for the All hosts view (and the total dashboard): one
// containers.watch subscription per host, each independent — a slow or failing host delays or
// fails only its own slice. Row state (selection, actions in flight, errors) is keyed by rowKey
// (host + container id). Actions go to the row's own host; bulk actions run per host in parallel.
import { create } from 'zustand';
import type { ContainerPatch, ContainerSummary } from '@contract/index';
import { subscribe } from '../transport/client';
import { isHosted, rowKey, splitKey, type HostSlice, type HostedContainer } from '../presenters/all-hosts-presenter';
import { drain, listView, rowErrorOf, sendContainerAction, without, type ActionExtra, type ListView } from './container-rows';
import type { ActionRunner, ContainerAction, RowError } from './containers-store';

/** The view's groups (collapsed) are hosts. */
interface AllHostsState extends ListView {
  slices: Readonly<Record<string, HostSlice>>;
  pending: Readonly<Record<string, ContainerAction>>;
  errors: Readonly<Record<string, RowError>>;
  /** '' = every host. */
  hostFilter: string;

  /** Follow exactly these hosts: subscribe the new ones, drop the others (and their rows). */
  follow(hostIds: readonly string[]): void;
  /** End every subscription (the view unmounted). */
  stopAll(): void;
  applyPatch(p: ContainerPatch): void;
  run(key: string, action: ContainerAction, extra?: ActionExtra): Promise<boolean>;
  runMany(keys: readonly string[], action: ContainerAction, extra?: { force?: boolean; volumes?: boolean }): Promise<void>;
  dismissError(key: string): void;
  setHostFilter(h: string): void;
}

/** Live subscriptions by host id (outside the state: not something to render). */
const subs = new Map<string, () => void>();

const hosted = (hostId: string, cs: readonly ContainerSummary[]): [string, HostedContainer][] => cs.map((c) => [c.id, { ...c, hostId }]);

/** At most this many actions in flight per host: hosts are independent, one engine's queue is not. */
const PER_HOST = 4;

export const useAllHosts = create<AllHostsState>()((set, get) => ({
  ...listView(set, get),
  slices: {},
  pending: {},
  errors: {},
  hostFilter: '',

  follow(hostIds) {
    const wanted = new Set(hostIds);
    let slices = get().slices;
    for (const [id, off] of subs) {
      if (wanted.has(id)) continue;
      off();
      subs.delete(id);
      slices = without(slices, id);
    }
    for (const id of wanted) {
      if (subs.has(id)) continue;
      slices = { ...slices, [id]: { byId: new Map(), loaded: false, error: null } };
      subs.set(
        id,
        subscribe(
          'containers.watch',
          { hostId: id },
          (p) => get().applyPatch(p),
          (e) => {
            const cur = get().slices[id];
            if (cur) set({ slices: { ...get().slices, [id]: { ...cur, error: e.message } } });
          },
        ),
      );
    }
    if (slices !== get().slices) {
      const known = (k: string): boolean => splitKey(k).hostId in slices;
      set({ slices, selected: new Set([...get().selected].filter(known)) });
    }
  },

  stopAll() {
    for (const off of subs.values()) off();
    subs.clear();
    set({ slices: {}, selected: new Set(), pending: {}, errors: {} });
  },

  applyPatch(p) {
    const cur = get().slices[p.hostId];
    if (!cur) return; // a host no longer followed
    if (p.kind === 'snapshot') {
      const byId = new Map(hosted(p.hostId, p.containers));
      const selected = new Set([...get().selected].filter((k) => {
        const { hostId, id } = splitKey(k);
        return hostId !== p.hostId || byId.has(id);
      }));
      set({ slices: { ...get().slices, [p.hostId]: { byId, loaded: true, error: null } }, selected });
      return;
    }
    const byId = new Map(cur.byId);
    for (const [id, c] of hosted(p.hostId, p.upserts)) byId.set(id, c);
    let selected = get().selected;
    let errors = get().errors;
    for (const id of p.removed) {
      byId.delete(id);
      const k = rowKey(p.hostId, id);
      if (selected.has(k)) {
        selected = new Set(selected);
        (selected as Set<string>).delete(k);
      }
      errors = without(errors, k);
    }
    set({ slices: { ...get().slices, [p.hostId]: { ...cur, byId } }, selected, errors });
  },

  async run(key, action, extra = {}) {
    const { hostId, id } = splitKey(key);
    const c = get().slices[hostId]?.byId.get(id);
    set({ pending: { ...get().pending, [key]: action }, errors: without(get().errors, key) });
    try {
      await sendContainerAction(hostId, id, c, action, extra, (a) => set({ pending: { ...get().pending, [key]: a } }));
      return true;
    } catch (e) {
      set({ errors: { ...get().errors, [key]: rowErrorOf(e, action, c) } });
      return false;
    } finally {
      set({ pending: without(get().pending, key) });
    }
  },

  async runMany(keys, action, extra) {
    const byHost = new Map<string, string[]>();
    for (const k of keys) {
      const h = splitKey(k).hostId;
      byHost.set(h, [...(byHost.get(h) ?? []), k]);
    }
    await Promise.all([...byHost.values()].map((queue) => drain(queue, PER_HOST, (k) => get().run(k, action, extra))));
  },

  dismissError(key) {
    set({ errors: without(get().errors, key) });
  },
  setHostFilter(hostFilter) {
    set({ hostFilter });
  },
}));

/** How the shared confirmations (ActionDialogs) run an action on containers of any host. */
export const allHostsRunner: ActionRunner = {
  async runMany(targets, action, extra) {
    if (action === 'remove') useAllHosts.getState().clearSelection();
    await useAllHosts.getState().runMany(targets.filter(isHosted).map((t) => rowKey(t.hostId, t.id)), action, extra);
  },
  async rename(target, name) {
    if (!isHosted(target)) return 'unknown host';
    const key = rowKey(target.hostId, target.id);
    const ok = await useAllHosts.getState().run(key, 'rename', { name });
    return ok ? null : (useAllHosts.getState().errors[key]?.message ?? 'rename failed');
  },
};
