// The All hosts view (pure): containers of every host merged into one list with their host, filter
// by host, grouping by host, and a host that is unreachable (or whose stream failed) shown as its own
// group with its error instead of its rows. Host switcher entries. No React, no transport.
import type { ConnectionState, ContainerSummary, Host } from '@contract/index';
import { compareContainers, countStates, matchesState, matchesText, type SortKey, type SortStats, type StateCounts, type StateFilter } from './container-presenter';

/** A container with the host it lives on (the same id can exist on two hosts that are one engine). */
export type HostedContainer = ContainerSummary & { hostId: string };

export const isHosted = (c: ContainerSummary): c is HostedContainer => typeof (c as Partial<HostedContainer>).hostId === 'string';

/** A row's identity across hosts. Host ids never end in '/'... container ids never contain one. */
export const rowKey = (hostId: string, id: string): string => `${hostId}/${id}`;
export function splitKey(key: string): { hostId: string; id: string } {
  const i = key.lastIndexOf('/');
  return { hostId: key.slice(0, i), id: key.slice(i + 1) };
}

/** What the renderer knows of one host's containers.watch stream. */
export interface HostSlice {
  byId: ReadonlyMap<string, HostedContainer>;
  loaded: boolean;
  /** The stream failed (its message); the host's state may still say connected. */
  error: string | null;
}

export type AllRow =
  | {
      kind: 'host';
      hostId: string;
      name: string;
      state: ConnectionState;
      /** Why its rows are not listed: unreachable (the reason), the stream's error, or still loading. */
      problem: string | null;
      hint?: string;
      loaded: boolean;
      count: number;
      running: number;
      collapsed: boolean;
      keys: string[];
    }
  | { kind: 'container'; key: string; hostId: string; hostName: string; container: HostedContainer; grouped: boolean };

export interface AllRowsOptions {
  query: string;
  state: StateFilter;
  /** '' = every host. */
  host: string;
  sort: SortKey;
  desc: boolean;
  group: boolean;
  collapsed: ReadonlySet<string>;
  /** Readings keyed by rowKey, for the CPU and memory sorts. */
  stats?: SortStats;
}

/** "Unreachable: <reason>", "Slow", "Connected"… as the switcher, the groups and the dashboard say it. */
export function stateText(h: Pick<Host, 'state' | 'reason'>): string {
  const word = { connected: 'Connected', connecting: 'Connecting…', degraded: 'Slow', unresponsive: 'Not answering', unreachable: 'Unreachable' }[h.state];
  return h.reason && h.state !== 'connected' && h.state !== 'connecting' ? `${word}: ${h.reason}` : word;
}

/** The worst state of a set of hosts (the All hosts entry's dot). */
export function worstState(hosts: readonly Pick<Host, 'state'>[]): ConnectionState {
  const order: ConnectionState[] = ['unreachable', 'unresponsive', 'degraded', 'connecting', 'connected'];
  return order.find((s) => hosts.some((h) => h.state === s)) ?? 'connected';
}

/**
 * A host's rows are listed only while its engine answers (connected or slow) and its stream has a
 * snapshot; unreachable or not answering, its group shows why instead (actions could not reach it).
 */
export function hostProblem(h: Pick<Host, 'state' | 'reason'>, slice: HostSlice | undefined): string | null {
  if (h.state === 'unreachable' || h.state === 'unresponsive') return stateText(h);
  if (slice?.error) return `Could not follow containers: ${slice.error}`;
  if (!slice?.loaded) return h.state === 'connecting' ? 'Connecting…' : 'Loading…';
  return null;
}

/**
 * Flatten the merged list for the virtualizer. Hosts keep the registry's order; with grouping each
 * host is a header followed by its rows (unless collapsed), without grouping the rows of every host
 * are sorted together and only hosts with a problem get a header (so their error stays visible).
 */
export function buildAllRows(hosts: readonly Host[], slices: Readonly<Record<string, HostSlice>>, opts: AllRowsOptions): AllRow[] {
  const dir = opts.desc ? -1 : 1;
  const keyed = opts.stats
    ? new Map<string, { cpuPercent: number; memUsed: number }>()
    : undefined;
  const cmp = (a: HostedContainer, b: HostedContainer): number => {
    if (keyed && opts.stats) {
      // compareContainers reads stats by container id; give it this pair's readings under their ids.
      keyed.clear();
      const sa = opts.stats.get(rowKey(a.hostId, a.id));
      const sb = opts.stats.get(rowKey(b.hostId, b.id));
      if (sa) keyed.set(a.id, sa);
      if (sb) keyed.set(b.id, sb);
    }
    return dir * compareContainers(a, b, opts.sort, keyed) || a.hostId.localeCompare(b.hostId);
  };
  const rows: AllRow[] = [];
  const loose: { c: HostedContainer; hostName: string }[] = [];
  for (const h of hosts) {
    if (opts.host && h.id !== opts.host) continue;
    const slice = slices[h.id];
    const problem = hostProblem(h, slice);
    const visible: HostedContainer[] = [];
    if (!problem && slice) for (const c of slice.byId.values()) if (matchesState(c, opts.state) && matchesText(c, opts.query)) visible.push(c);
    const collapsed = opts.collapsed.has(h.id);
    if (opts.group || problem) {
      const header: AllRow = {
        kind: 'host',
        hostId: h.id,
        name: h.name,
        state: h.state,
        problem,
        loaded: slice?.loaded ?? false,
        count: visible.length,
        running: visible.filter((c) => c.state === 'running').length,
        collapsed,
        keys: visible.map((c) => rowKey(h.id, c.id)),
      };
      if (h.hint && problem) header.hint = h.hint;
      rows.push(header);
    }
    if (opts.group) {
      visible.sort(cmp);
      if (!collapsed) for (const c of visible) rows.push({ kind: 'container', key: rowKey(h.id, c.id), hostId: h.id, hostName: h.name, container: c, grouped: true });
    } else for (const c of visible) loose.push({ c, hostName: h.name });
  }
  if (!opts.group) {
    loose.sort((a, b) => cmp(a.c, b.c));
    for (const { c, hostName } of loose) rows.push({ kind: 'container', key: rowKey(c.hostId, c.id), hostId: c.hostId, hostName, container: c, grouped: false });
  }
  return rows;
}

/** Counts of the listed hosts' containers (unreachable hosts count nothing: their rows are not listed). */
export function countAll(hosts: readonly Host[], slices: Readonly<Record<string, HostSlice>>, host = ''): StateCounts {
  const listed: HostedContainer[] = [];
  for (const h of hosts) {
    if (host && h.id !== host) continue;
    const slice = slices[h.id];
    if (hostProblem(h, slice) === null && slice) listed.push(...slice.byId.values());
  }
  return countStates(listed);
}

/** One sidebar entry of the host switcher. */
export interface SwitcherEntry {
  id: string;
  name: string;
  state: ConnectionState;
  /** "Connected", "Connecting…", "Unreachable: <reason>". */
  text: string;
  /** Two letters for the icon-only sidebar. */
  initials: string;
  kind: Host['kind'];
}

export function switcherEntries(hosts: readonly Host[]): SwitcherEntry[] {
  return hosts.map((h) => ({
    id: h.id,
    name: h.name,
    state: h.state,
    text: stateText(h),
    initials: initialsOf(h.name),
    kind: h.kind,
  }));
}

export function initialsOf(name: string): string {
  const words = name.trim().split(/[\s._-]+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0]!.slice(0, 2).toUpperCase();
  return (words[0]![0]! + words[1]![0]!).toUpperCase();
}

/** "2 of 3 connected" for the All hosts entry. */
export function allHostsSummary(hosts: readonly Pick<Host, 'state'>[]): string {
  const up = hosts.filter((h) => h.state === 'connected').length;
  return hosts.length === 0 ? 'No hosts' : up === hosts.length ? `${hosts.length} connected` : `${up} of ${hosts.length} connected`;
}
