// Pure presenters: domain → what the UI shows (lazydocker style). No React here.
import type { ContainerState, ContainerSummary, Host, Port } from '@contract/index';
import { stateGroup, type StateGroup } from '@contract/container-status';

export interface PortView {
  /** e.g. "127.0.0.1:8080→80/tcp" or "80/tcp" when not published. */
  label: string;
  /** http URL to open, when the port is published. */
  href?: string;
}

/** One entry per published binding; IPv4 and IPv6 duplicates of the same binding are merged. */
export function presentPorts(ports: Port[]): PortView[] {
  const seen = new Set<string>();
  const out: (PortView & { sort: number })[] = [];
  const sorted = [...ports].sort((a, b) => (a.publicPort ?? 0) - (b.publicPort ?? 0) || a.privatePort - b.privatePort);
  for (const p of sorted) {
    const wildcard = !p.ip || p.ip === '0.0.0.0' || p.ip === '::';
    const key = `${p.publicPort ?? ''}/${p.privatePort}/${p.type}/${wildcard ? '*' : p.ip}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (p.publicPort) {
      const host = wildcard ? 'localhost' : p.ip!.includes(':') ? `[${p.ip}]` : p.ip!;
      // Loopback and wildcard bindings are the common case: show just the port (lazydocker drops
      // 0.0.0.0 too); other addresses are worth seeing.
      const loopback = p.ip === '127.0.0.1' || p.ip === '::1';
      const label = `${wildcard || loopback ? '' : `${p.ip}:`}${p.publicPort}→${p.privatePort}/${p.type}`;
      out.push({ label, href: p.type === 'tcp' ? `http://${host}:${p.publicPort}` : undefined, sort: p.publicPort });
    } else {
      out.push({ label: `${p.privatePort}/${p.type}`, sort: 100000 + p.privatePort });
    }
  }
  return out.sort((a, b) => a.sort - b.sort).map(({ label, href }) => (href ? { label, href } : { label }));
}

export const STATE_LABEL: Record<ContainerState, string> = {
  running: 'Running',
  paused: 'Paused',
  restarting: 'Restarting',
  created: 'Created',
  exited: 'Exited',
  dead: 'Dead',
  removing: 'Removing',
};

export type Tone = 'ok' | 'warn' | 'bad' | 'idle' | 'busy';

export function stateTone(s: ContainerState, exitCode?: number): Tone {
  switch (s) {
    case 'running':
      return 'ok';
    case 'paused':
      return 'warn';
    case 'restarting':
    case 'removing':
      return 'busy';
    case 'dead':
      return 'bad';
    case 'exited':
      return exitCode !== undefined && exitCode !== 0 ? 'bad' : 'idle';
    default:
      return 'idle';
  }
}

/** The exit code worth showing: of an exited (or crash-looping) container. */
export function exitCodeOf(c: Pick<ContainerSummary, 'state' | 'exitCode'>): number | undefined {
  return c.state === 'exited' || c.state === 'restarting' || c.state === 'dead' ? c.exitCode : undefined;
}

/** Compact "how long ago" for a narrow column: "just now", "5 min ago", "3 h ago", "2 d ago", "4 wk ago", "1 y ago". */
export function relativeTime(epochSeconds: number, nowMs: number = Date.now()): string {
  const s = Math.max(0, Math.round(nowMs / 1000 - epochSeconds));
  if (s < 45) return 'just now';
  const units: [number, string][] = [
    [60 * 60 * 24 * 365, 'y'],
    [60 * 60 * 24 * 30, 'mo'],
    [60 * 60 * 24 * 7, 'wk'],
    [60 * 60 * 24, 'd'],
    [60 * 60, 'h'],
    [60, 'min'],
  ];
  for (const [size, name] of units) {
    if (s >= size) return `${Math.round(s / size)} ${name} ago`;
  }
  return 'just now';
}

// The status text ("Up 5 minutes", "Exited (0) 2 hours ago") and the state counts come from the
// contract's container-status.ts, shared with the tray: one wording and one definition everywhere.
export { statusText, nextStatusChange, countStates, countsSummary, stateGroup, type StateCounts, type StateGroup } from '@contract/container-status';

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/**
 * Why container actions are off, or null when they are on. While the engine is unreachable (or a
 * reconnect is still listing) the list on screen is the last one seen: stale, and every action
 * would fail or, worse, act on a state that no longer holds.
 */
export function actionsBlockedReason(host: Pick<Host, 'state' | 'reason'> | undefined): string | null {
  // Degraded: the engine answers, slowly; actions go (each with its deadline).
  if (!host || host.state === 'connected' || host.state === 'degraded') return null;
  // Unresponsive: connected but silent. An action would not be sent (it fails fast), so it is off.
  if (host.state === 'unresponsive') return 'Actions are off: the engine is not answering, so nothing would be sent and this list may be out of date. WakeDock turns them back on when it answers.';
  // A retry after a failure keeps the failure's reason: it is still the same outage.
  if (host.state === 'connecting' && !host.reason) return 'Actions are off while WakeDock connects to the engine: the list may be out of date.';
  return `Actions are off: the engine is unreachable${host.reason ? ` (${host.reason})` : ''}, so this list is as it was before and may be out of date.`;
}

/** Which lifecycle actions make sense in a state. */
export function availableActions(s: ContainerState): { start: boolean; stop: boolean; restart: boolean; pause: boolean; unpause: boolean; kill: boolean } {
  const running = s === 'running' || s === 'restarting';
  return {
    start: s === 'exited' || s === 'created' || s === 'dead',
    stop: running || s === 'paused',
    restart: running || s === 'exited' || s === 'created',
    pause: s === 'running',
    unpause: s === 'paused',
    kill: running || s === 'paused',
  };
}

export type SortKey = 'name' | 'image' | 'state' | 'created' | 'cpu' | 'mem';

/** Live readings the CPU and memory sorts use (containers without one sort as 0, after any reading). */
export type SortStats = ReadonlyMap<string, { cpuPercent: number; memUsed: number }>;

const STATE_ORDER: Record<ContainerState, number> = { running: 0, restarting: 1, paused: 2, created: 3, removing: 4, exited: 5, dead: 6 };

export function compareContainers(a: ContainerSummary, b: ContainerSummary, key: SortKey, stats?: SortStats): number {
  switch (key) {
    case 'cpu':
    case 'mem': {
      const v = (c: ContainerSummary): number => {
        const s = stats?.get(c.id);
        return s ? (key === 'cpu' ? s.cpuPercent : s.memUsed) : -1;
      };
      return v(a) - v(b) || a.name.localeCompare(b.name, undefined, { numeric: true });
    }
    case 'name':
      return a.name.localeCompare(b.name, undefined, { numeric: true });
    case 'image':
      return a.image.localeCompare(b.image) || a.name.localeCompare(b.name, undefined, { numeric: true });
    case 'state':
      return STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.name.localeCompare(b.name, undefined, { numeric: true });
    case 'created':
      return a.created - b.created || a.name.localeCompare(b.name);
  }
}

/** 'all' or one of the groups the counts use (container-status.ts stateGroup). */
export type StateFilter = 'all' | StateGroup;

export function matchesState(c: ContainerSummary, f: StateFilter): boolean {
  return f === 'all' || stateGroup(c.state) === f;
}

export function matchesText(c: ContainerSummary, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return (
    c.name.toLowerCase().includes(needle) ||
    c.image.toLowerCase().includes(needle) ||
    c.id.startsWith(needle) ||
    (c.composeProject?.toLowerCase().includes(needle) ?? false) ||
    (c.composeService?.toLowerCase().includes(needle) ?? false)
  );
}

export type ListRow =
  | { kind: 'group'; project: string; count: number; running: number; collapsed: boolean; ids: string[] }
  | { kind: 'container'; container: ContainerSummary; grouped: boolean };

/**
 * Flatten the visible list for the virtualizer: compose projects first (each a header followed by
 * its containers unless collapsed), then standalone containers.
 */
export function buildRows(
  all: Iterable<ContainerSummary>,
  opts: { query: string; state: StateFilter; sort: SortKey; desc: boolean; group: boolean; collapsed: ReadonlySet<string>; stats?: SortStats },
): ListRow[] {
  const visible: ContainerSummary[] = [];
  for (const c of all) if (matchesState(c, opts.state) && matchesText(c, opts.query)) visible.push(c);
  const dir = opts.desc ? -1 : 1;
  visible.sort((a, b) => dir * compareContainers(a, b, opts.sort, opts.stats));
  if (!opts.group) return visible.map((c) => ({ kind: 'container', container: c, grouped: false }));
  const groups = new Map<string, ContainerSummary[]>();
  const loose: ContainerSummary[] = [];
  for (const c of visible) {
    if (c.composeProject) {
      let g = groups.get(c.composeProject);
      if (!g) groups.set(c.composeProject, (g = []));
      g.push(c);
    } else loose.push(c);
  }
  const rows: ListRow[] = [];
  for (const project of [...groups.keys()].sort((a, b) => a.localeCompare(b))) {
    const members = groups.get(project)!;
    const collapsed = opts.collapsed.has(project);
    rows.push({ kind: 'group', project, count: members.length, running: members.filter((m) => m.state === 'running').length, collapsed, ids: members.map((m) => m.id) });
    if (!collapsed) for (const c of members) rows.push({ kind: 'container', container: c, grouped: true });
  }
  for (const c of loose) rows.push({ kind: 'container', container: c, grouped: false });
  return rows;
}
