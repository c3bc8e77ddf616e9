// Which terminal tabs exist where. The sessions themselves live in main; this store only remembers
// their ids (per container, and for the host terminal), which tab is in front, and how each was
// opened. Leaving the page keeps all of it, and sync() rediscovers sessions after a reload.
import { create } from 'zustand';
import type { ProcInput } from '@contract/index';
import type { TerminalSession } from '@contract/procedures/terminal';
import { call } from '../../transport/client';

export type TerminalScope =
  | { kind: 'container'; hostId: string; containerId: string; containerName: string }
  | { kind: 'host' }
  /** A login shell on an SSH host (over its SSH connection). */
  | { kind: 'ssh'; hostId: string };

export interface OpenOptions {
  command?: string;
  user?: string;
  workdir?: string;
}

export function scopeKey(s: TerminalScope): string {
  return s.kind === 'host' ? 'host' : s.kind === 'ssh' ? `ssh:${s.hostId}` : `${s.hostId}/${s.containerId}`;
}

interface TerminalStore {
  /** scope key → session ids, in tab order. */
  tabs: Record<string, string[]>;
  active: Record<string, string | undefined>;
  sessions: Record<string, TerminalSession>;
  /** How each session was opened, for "Start again". */
  options: Record<string, OpenOptions>;
  /** Size of the last terminal shown, so new sessions start at about the right size. */
  lastSize: { cols: number; rows: number };
  copyOnSelect: boolean;
  /** Scopes with an open() in flight (StrictMode double effects must not open twice). */
  opening: Record<string, boolean>;
  /** Scopes whose sessions were fetched from main at least once. */
  synced: Record<string, boolean>;

  sync(scope: TerminalScope): Promise<void>;
  open(scope: TerminalScope, opts?: OpenOptions): Promise<string>;
  close(sessionId: string): Promise<void>;
  setActive(scope: TerminalScope, sessionId: string): void;
  /** A newer view of a session (from attach events). */
  update(session: TerminalSession): void;
  /** The session is gone from main (closed elsewhere, or forgotten): drop its tab. */
  forget(sessionId: string): void;
  setLastSize(cols: number, rows: number): void;
  setCopyOnSelect(on: boolean): void;
}

const COPY_KEY = 'wakedock.terminal.copyOnSelect';

function readCopyOnSelect(): boolean {
  try {
    return localStorage.getItem(COPY_KEY) === '1';
  } catch {
    return false;
  }
}

function withoutId(list: string[] | undefined, id: string): string[] {
  return (list ?? []).filter((x) => x !== id);
}

export const useTerminals = create<TerminalStore>()((set, get) => ({
  tabs: {},
  active: {},
  sessions: {},
  options: {},
  lastSize: { cols: 100, rows: 30 },
  copyOnSelect: readCopyOnSelect(),
  opening: {},
  synced: {},

  async sync(scope) {
    const key = scopeKey(scope);
    const list = await call('terminal.list', scope.kind === 'host' ? {} : scope.kind === 'ssh' ? { hostId: scope.hostId } : { hostId: scope.hostId, containerId: scope.containerId });
    const mine = list.filter((s) => (scope.kind === 'host' ? s.target === 'host' && !s.hostId : scope.kind === 'ssh' ? s.target === 'host' && s.hostId === scope.hostId : s.target === 'container'));
    set((st) => {
      const known = st.tabs[key] ?? [];
      const ids = new Set(mine.map((s) => s.id));
      // Keep the user's tab order; add sessions opened elsewhere (another window, before a reload).
      const order = [...known.filter((id) => ids.has(id)), ...mine.map((s) => s.id).filter((id) => !known.includes(id))];
      const sessions = { ...st.sessions };
      for (const s of mine) sessions[s.id] = s;
      for (const id of known) if (!ids.has(id)) delete sessions[id];
      const active = st.active[key] && ids.has(st.active[key]) ? st.active[key] : order.at(-1);
      return { tabs: { ...st.tabs, [key]: order }, sessions, active: { ...st.active, [key]: active }, synced: { ...st.synced, [key]: true } };
    });
  },

  async open(scope, opts = {}) {
    const key = scopeKey(scope);
    set((st) => ({ opening: { ...st.opening, [key]: true } }));
    try {
      const { cols, rows } = get().lastSize;
      const clean = (v?: string): string | undefined => (v && v.trim() ? v.trim() : undefined);
      const base = { command: clean(opts.command), workdir: clean(opts.workdir), cols, rows };
      const input: ProcInput<'terminal.open'> =
        scope.kind === 'host'
          ? { target: 'host', ...base }
          : scope.kind === 'ssh'
            ? { target: 'host', hostId: scope.hostId, cols, rows }
            : { target: 'container', hostId: scope.hostId, id: scope.containerId, user: clean(opts.user), ...base };
      const { sessionId, session } = await call('terminal.open', input);
      set((st) => ({
        tabs: { ...st.tabs, [key]: [...withoutId(st.tabs[key], sessionId), sessionId] },
        active: { ...st.active, [key]: sessionId },
        sessions: { ...st.sessions, [sessionId]: session },
        options: { ...st.options, [sessionId]: opts },
      }));
      return sessionId;
    } finally {
      set((st) => ({ opening: { ...st.opening, [key]: false } }));
    }
  },

  async close(sessionId) {
    try {
      await call('terminal.close', { sessionId });
    } catch (e) {
      // Already gone in main: dropping the tab is all that is left to do.
      if ((e as { code?: string }).code !== 'NOT_FOUND') throw e;
    }
    get().forget(sessionId);
  },

  setActive(scope, sessionId) {
    set((st) => ({ active: { ...st.active, [scopeKey(scope)]: sessionId } }));
  },

  update(session) {
    set((st) => (st.sessions[session.id] ? { sessions: { ...st.sessions, [session.id]: session } } : {}));
  },

  forget(sessionId) {
    set((st) => {
      const tabs: Record<string, string[]> = {};
      const active = { ...st.active };
      for (const [key, ids] of Object.entries(st.tabs)) {
        const i = ids.indexOf(sessionId);
        tabs[key] = i === -1 ? ids : withoutId(ids, sessionId);
        // The neighbour comes to the front, as in any tabbed app.
        if (i !== -1 && active[key] === sessionId) active[key] = tabs[key][Math.min(i, tabs[key].length - 1)];
      }
      const sessions = { ...st.sessions };
      delete sessions[sessionId];
      return { tabs, active, sessions };
    });
  },

  setLastSize(cols, rows) {
    const cur = get().lastSize;
    if (cur.cols !== cols || cur.rows !== rows) set({ lastSize: { cols, rows } });
  },

  setCopyOnSelect(on) {
    try {
      localStorage.setItem(COPY_KEY, on ? '1' : '0');
    } catch {
      // private mode: the choice lasts for this page only
    }
    set({ copyOnSelect: on });
  },
}));
