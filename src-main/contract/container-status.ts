// COMMON: the one presenter of a container's status text and of the state counts, used by the
// list, the detail header, the dashboard (renderer) and the tray (desktop shell). Pure, no imports
// but types.
//
// The text is derived at render time from the engine's timestamps (startedAt / finishedAt), in
// `docker ps`'s own wording (moby container/state.go String(), go-units HumanDuration), so it is
// right whenever the page was opened and keeps ageing without any engine traffic.
import type { ContainerState, ContainerSummary, Health } from './models';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** go-units HumanDuration: "Less than a second", "1 second", "About a minute", "3 hours", "2 weeks"… */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / HOUR + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(Math.floor(ms / HOUR) / 24 / 365)} years`;
}

/**
 * Milliseconds from `ms` of elapsed time until humanDuration's text changes (for a timer that
 * re-renders exactly when the text would read differently, not on a fixed tick).
 */
export function nextDurationChange(ms: number): number {
  const e = Math.max(0, ms);
  if (e < MINUTE) return SECOND - (e % SECOND);
  if (e < HOUR) return MINUTE - (e % MINUTE);
  if (e < 48 * HOUR - HOUR / 2) return HOUR - ((e + HOUR / 2) % HOUR); // hours are rounded
  // days and beyond: the (rounded) hour boundary is a safe, rare wake-up
  return HOUR - ((e + HOUR / 2) % HOUR);
}

/** What the status text needs from a summary. */
export type StatusInput = Pick<ContainerSummary, 'state' | 'status' | 'health' | 'startedAt' | 'finishedAt' | 'exitCode'>;

const HEALTH_SUFFIX: Record<Health, string> = { healthy: ' (healthy)', unhealthy: ' (unhealthy)', starting: ' (health: starting)', none: '' };

/**
 * The status text at `nowMs`, as `docker ps` would print it then: "Up 2 minutes (healthy)",
 * "Exited (0) 15 minutes ago", "Restarting (3) 5 seconds ago", "Up 3 hours (Paused)", "Created",
 * "Removal In Progress", "Dead". Without the timestamp it needs, the engine's text is returned.
 */
export function statusText(c: StatusInput, nowMs: number): string {
  switch (c.state) {
    case 'running':
      return c.startedAt !== undefined ? `Up ${humanDuration(nowMs - c.startedAt)}${HEALTH_SUFFIX[c.health]}` : c.status;
    case 'paused':
      return c.startedAt !== undefined ? `Up ${humanDuration(nowMs - c.startedAt)} (Paused)` : c.status;
    case 'restarting':
      return c.finishedAt !== undefined ? `Restarting (${c.exitCode ?? 0}) ${humanDuration(nowMs - c.finishedAt)} ago` : c.status;
    case 'exited':
      return c.finishedAt !== undefined ? `Exited (${c.exitCode ?? 0}) ${humanDuration(nowMs - c.finishedAt)} ago` : c.status;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'created':
      return 'Created';
  }
}

/** Milliseconds until statusText(c) reads differently (Infinity: it never changes by itself). */
export function nextStatusChange(c: StatusInput, nowMs: number): number {
  const since = c.state === 'running' || c.state === 'paused' ? c.startedAt : c.state === 'restarting' || c.state === 'exited' ? c.finishedAt : undefined;
  return since === undefined ? Infinity : nextDurationChange(nowMs - since);
}

// ---- the engine's list text back to timestamps (core, at list time) ----------------------------

/**
 * A HumanDuration phrase → the range of durations it stands for, in ms [low, high). The engine
 * floors seconds and minutes and rounds hours, so "3 hours" is [2.5 h, 3.5 h).
 */
export function durationRange(phrase: string): [number, number] | undefined {
  const p = phrase.trim().toLowerCase();
  if (p === 'less than a second') return [0, SECOND];
  if (p === 'about a minute') return [MINUTE, 2 * MINUTE];
  if (p === 'about an hour') return [HOUR, 1.5 * HOUR];
  const m = /^(\d+) (second|minute|hour|day|week|month|year)s?$/.exec(p);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'second':
      return [n * SECOND, (n + 1) * SECOND];
    case 'minute':
      return [n * MINUTE, (n + 1) * MINUTE];
    case 'hour':
      return [(n - 0.5) * HOUR, (n + 0.5) * HOUR];
    case 'day':
      return [n * DAY - HOUR / 2, (n + 1) * DAY - HOUR / 2];
    case 'week':
      return [n * 7 * DAY - HOUR / 2, (n + 1) * 7 * DAY - HOUR / 2];
    case 'month':
      return [n * 30 * DAY - HOUR / 2, (n + 1) * 30 * DAY - HOUR / 2];
    default:
      return [n * 365 * DAY, (n + 1) * 365 * DAY];
  }
}

export interface StatusTimes {
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** How far off the times may be (ms): half the width of the phrase's range. 0 when exact. */
  uncertainty?: number;
}

/**
 * The engine's list text ("Up 2 minutes", "Exited (3) 5 seconds ago", "Restarting (1) 2 seconds
 * ago") read at `listedAt` (epoch ms) → absolute times, taking the middle of the phrase's range so
 * the error is at most half a unit (a text that just changed, "Up 1 second", is exact to 0.5 s).
 */
export function timesFromStatus(status: string, listedAt: number): StatusTimes {
  const up = /^Up (.+?)(?: \((?:healthy|unhealthy|health: starting|Paused)\))?$/.exec(status);
  if (up) {
    const r = durationRange(up[1]!);
    return r ? { startedAt: Math.round(listedAt - (r[0] + r[1]) / 2), uncertainty: (r[1] - r[0]) / 2 } : {};
  }
  const ended = /^(?:Exited|Restarting) \((-?\d+)\) (.+) ago$/.exec(status);
  if (ended) {
    const r = durationRange(ended[2]!);
    const exitCode = Number(ended[1]);
    return r ? { exitCode, finishedAt: Math.round(listedAt - (r[0] + r[1]) / 2), uncertainty: (r[1] - r[0]) / 2 } : { exitCode };
  }
  return {};
}

// ---- counts: one definition everywhere ---------------------------------------------------------

/** The groups the Containers page, the Dashboard and the tray count by. */
export type StateGroup = 'running' | 'restarting' | 'paused' | 'stopped' | 'removing';
export const STATE_GROUPS: readonly StateGroup[] = ['running', 'restarting', 'paused', 'stopped', 'removing'];

export function stateGroup(s: ContainerState): StateGroup {
  switch (s) {
    case 'running':
    case 'restarting':
    case 'paused':
    case 'removing':
      return s;
    default:
      return 'stopped'; // exited, created, dead
  }
}

export type StateCounts = Record<StateGroup, number> & { total: number };

export function countStates(containers: Iterable<{ state: ContainerState }>): StateCounts {
  const n: StateCounts = { running: 0, restarting: 0, paused: 0, stopped: 0, removing: 0, total: 0 };
  for (const c of containers) {
    n[stateGroup(c.state)]++;
    n.total++;
  }
  return n;
}

/** "13 running · 1 restarting · 30 stopped": running and stopped always, the others when present. */
export function countsSummary(n: StateCounts): string {
  return STATE_GROUPS.filter((g) => g === 'running' || g === 'stopped' || n[g] > 0)
    .map((g) => `${n[g]} ${g}`)
    .join(' · ');
}
