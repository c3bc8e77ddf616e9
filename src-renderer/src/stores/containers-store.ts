// Containers of the selected host: a live table fed by the containers.watch stream (a snapshot,
// then patches), plus per-row action state (in flight, last error) and the list's view options.
import { create } from 'zustand';
import type { ContainerPatch, ContainerSummary, ErrorReason } from '@contract/index';
import { call, subscribe } from '../transport/client';
import { drain, listView, rowErrorOf, sendContainerAction, without, type ActionExtra, type ListView } from './container-rows';

export type ContainerAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill' | 'remove' | 'rename';

export interface RowError {
  action: ContainerAction;
  message: string;
  code: string;
  /** The contract's reason (PORT_IN_USE, CONTAINER_RUNNING, …) to branch on; never parse `message`. */
  reason?: ErrorReason;
  hint?: string;
}

/**
 * Who runs a confirmed action. Absent: this store, on the host it shows. The All hosts view passes
 * its own, which sends each container's action to that container's host.
 */
export interface ActionRunner {
  runMany(targets: ContainerSummary[], action: ContainerAction, extra?: { force?: boolean; volumes?: boolean }): Promise<void>;
  /** null when renamed, else the error to show in the dialog. */
  rename(target: ContainerSummary, name: string): Promise<string | null>;
}

/** A confirmation or form the user must answer before an action runs. */
export type ActionDialog = (
  | { kind: 'remove'; targets: ContainerSummary[]; force: boolean; volumes: boolean }
  | { kind: 'kill' | 'stop'; targets: ContainerSummary[] }
  | { kind: 'rename'; target: ContainerSummary; name: string; error: string | null }
) & { runner?: ActionRunner };

interface ContainersState extends ListView {
  dialog: ActionDialog | null;
  /** Entry point of every user action: asks first when the action needs it, else runs it. */
  ask(targets: ContainerSummary[], action: ContainerAction, opts: { confirmDestructive: boolean; runner?: ActionRunner }): void;
  setDialog(d: ActionDialog | null): void;
  hostId: string;
  byId: ReadonlyMap<string, ContainerSummary>;
  loaded: boolean;
  streamError: string | null;
  pending: Readonly<Record<string, ContainerAction>>;
  errors: Readonly<Record<string, RowError>>;

  applyPatch(p: ContainerPatch): void;
  watch(hostId: string): () => void;
  run(id: string, action: ContainerAction, extra?: ActionExtra): Promise<boolean>;
  runMany(ids: string[], action: ContainerAction, extra?: { force?: boolean; volumes?: boolean }): Promise<void>;
  dismissError(id: string): void;
}

export const useContainers = create<ContainersState>()((set, get) => ({
  ...listView(set, get),
  dialog: null,
  ask(targets, action, { confirmDestructive, runner }) {
    if (targets.length === 0) return;
    const via = runner ? { runner } : {};
    if (action === 'remove') {
      // Force is never pre-ticked: a running container is stopped cleanly first (see run()).
      set({ dialog: { kind: 'remove', targets, force: false, volumes: false, ...via } });
    } else if (action === 'kill' && confirmDestructive) {
      set({ dialog: { kind: 'kill', targets, ...via } });
    } else if (action === 'stop' && confirmDestructive && targets.length > 1) {
      set({ dialog: { kind: 'stop', targets, ...via } });
    } else if (action === 'rename') {
      const t = targets[0]!;
      set({ dialog: { kind: 'rename', target: t, name: t.name, error: null, ...via } });
    } else if (runner) {
      void runner.runMany(targets, action);
    } else {
      void get().runMany(
        targets.map((t) => t.id),
        action,
      );
    }
  },
  setDialog(dialog) {
    set({ dialog });
  },
  // The host shown: none until the host list arrives (App picks the first, or the one chosen).
  hostId: '',
  byId: new Map(),
  loaded: false,
  streamError: null,
  pending: {},
  errors: {},

  applyPatch(p) {
    if (p.hostId !== get().hostId) return;
    if (p.kind === 'snapshot') {
      const byId = new Map(p.containers.map((c) => [c.id, c]));
      const selected = new Set([...get().selected].filter((id) => byId.has(id)));
      set({ byId, loaded: true, streamError: null, selected });
      return;
    }
    const byId = new Map(get().byId);
    for (const c of p.upserts) byId.set(c.id, c);
    let selected = get().selected;
    let errors = get().errors;
    for (const id of p.removed) {
      byId.delete(id);
      if (selected.has(id)) {
        selected = new Set(selected);
        (selected as Set<string>).delete(id);
      }
      errors = without(errors, id);
    }
    set({ byId, selected, errors });
  },

  watch(hostId) {
    set({ hostId, byId: new Map(), loaded: false, streamError: null, selected: new Set(), errors: {}, pending: {} });
    const unsubscribe = subscribe('containers.watch', { hostId }, (p) => get().applyPatch(p), (e) => set({ streamError: e.message }));
    const stopReconcile = reconcileOnReturn(hostId);
    return () => {
      stopReconcile();
      unsubscribe();
    };
  },

  async run(id, action, extra = {}) {
    const hostId = get().hostId;
    set({ pending: { ...get().pending, [id]: action }, errors: without(get().errors, id) });
    try {
      await sendContainerAction(hostId, id, get().byId.get(id), action, extra, (a) => set({ pending: { ...get().pending, [id]: a } }));
      return true;
    } catch (e) {
      set({ errors: { ...get().errors, [id]: rowErrorOf(e, action, get().byId.get(id)) } });
      return false;
    } finally {
      set({ pending: without(get().pending, id) });
    }
  },

  async runMany(ids, action, extra) {
    // At most 8 in flight: the engine serialises much of this anyway, and 1,000 parallel requests
    // would only queue in the socket.
    await drain([...ids], 8, (id) => get().run(id, action, extra));
  },

  dismissError(id) {
    set({ errors: without(get().errors, id) });
  },
}));

/**
 * When the user comes back (the window regains focus, the page becomes visible), ask the core to
 * re-read the whole list once (one engine request) so nothing that changed without an event stays
 * wrong on screen. At most once per RECONCILE_GAP_MS; nothing happens while nobody looks.
 */
const RECONCILE_GAP_MS = 2000;
function reconcileOnReturn(hostId: string): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  let last = 0;
  const run = (): void => {
    if (document.visibilityState !== 'visible') return;
    const now = Date.now();
    if (now - last < RECONCILE_GAP_MS) return;
    last = now;
    // Unreachable engine, or a reconnect in progress: the next snapshot brings everything anyway.
    call('containers.reconcile', { hostId }).catch(() => {});
  };
  const onVisibility = (): void => run();
  window.addEventListener('focus', run);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('focus', run);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
