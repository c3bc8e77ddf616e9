// The shared status presenter: docker's wording from timestamps at any later time, the list text
// turned back into timestamps, and the one definition of the counts.
import { describe, expect, it } from 'vitest';
import {
  countStates,
  countsSummary,
  durationRange,
  humanDuration,
  nextStatusChange,
  statusText,
  timesFromStatus,
  type StatusInput,
} from '../../../src-main/contract/container-status';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const t0 = Date.UTC(2026, 0, 1);
const c = (over: Partial<StatusInput>): StatusInput => ({ state: 'running', status: 'stale engine text', health: 'none', ...over });

describe('humanDuration (go-units)', () => {
  it.each([
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [1 * S, '1 second'],
    [59 * S, '59 seconds'],
    [60 * S, 'About a minute'],
    [119 * S, 'About a minute'],
    [2 * M, '2 minutes'],
    [59 * M + 59 * S, '59 minutes'],
    [60 * M, 'About an hour'],
    [89 * M, 'About an hour'],
    [90 * M, '2 hours'],
    [47 * H, '47 hours'],
    [48 * H, '2 days'],
    [14 * 24 * H, '2 weeks'],
    [60 * 24 * H, '2 months'],
    [2 * 365 * 24 * H, '2 years'],
  ])('%i ms → %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe('statusText: docker ps wording at render time', () => {
  it('ages from the engine timestamps, whenever the page was opened', () => {
    const up = c({ startedAt: t0 });
    expect(statusText(up, t0 + 2 * M + 10 * S)).toBe('Up 2 minutes');
    expect(statusText(up, t0 + 3 * H)).toBe('Up 3 hours');
    expect(statusText(c({ health: 'healthy', startedAt: t0 }), t0 + 3 * H)).toBe('Up 3 hours (healthy)');
    expect(statusText(c({ health: 'starting', startedAt: t0 }), t0 + 5 * S)).toBe('Up 5 seconds (health: starting)');
    expect(statusText(c({ state: 'paused', startedAt: t0 }), t0 + 3 * H)).toBe('Up 3 hours (Paused)');
    expect(statusText(c({ state: 'exited', exitCode: 0, finishedAt: t0 }), t0 + 15 * M)).toBe('Exited (0) 15 minutes ago');
    expect(statusText(c({ state: 'exited', exitCode: 137, finishedAt: t0 }), t0 + 40 * S)).toBe('Exited (137) 40 seconds ago');
  });
  it('"Restarting (3) Less than a second ago" ages', () => {
    const r = c({ state: 'restarting', exitCode: 3, finishedAt: t0 });
    expect(statusText(r, t0 + 200)).toBe('Restarting (3) Less than a second ago');
    expect(statusText(r, t0 + 5 * S)).toBe('Restarting (3) 5 seconds ago');
  });
  it('fixed texts for the states without a duration, the engine text when a time is missing', () => {
    expect(statusText(c({ state: 'created' }), t0)).toBe('Created');
    expect(statusText(c({ state: 'removing' }), t0)).toBe('Removal In Progress');
    expect(statusText(c({ state: 'dead' }), t0)).toBe('Dead');
    expect(statusText(c({ state: 'running' }), t0)).toBe('stale engine text');
  });
  it('knows when its text changes next (seconds, then minutes, then hours)', () => {
    expect(nextStatusChange(c({ startedAt: t0 }), t0 + 2300)).toBe(700);
    expect(nextStatusChange(c({ startedAt: t0 }), t0 + 5 * M + 10 * S)).toBe(50 * S);
    expect(nextStatusChange(c({ startedAt: t0 }), t0 + 2 * H)).toBe(30 * M);
    expect(nextStatusChange(c({ state: 'created' }), t0)).toBe(Infinity);
    // at the moment it says, the text has changed
    const at = t0 + 5 * M + 10 * S;
    expect(statusText(c({ startedAt: t0 }), at + 50 * S)).not.toBe(statusText(c({ startedAt: t0 }), at + 50 * S - 1));
  });
});

describe('timesFromStatus: the list text back to absolute times', () => {
  it('takes the middle of the phrase, so printing it again gives the engine text back', () => {
    for (const [text, listed] of [
      ['Up 7 minutes', 'Up 7 minutes'],
      ['Up About an hour (healthy)', 'Up About an hour (healthy)'],
      ['Up 3 hours (Paused)', 'Up 3 hours (Paused)'],
      ['Up Less than a second', 'Up Less than a second'],
      ['Up 12 seconds (health: starting)', 'Up 12 seconds (health: starting)'],
    ] as const) {
      const t = timesFromStatus(text, t0);
      const state = text.includes('Paused') ? 'paused' : 'running';
      const health = text.includes('(healthy)') ? 'healthy' : text.includes('starting') ? 'starting' : 'none';
      expect(statusText(c({ state, health, startedAt: t.startedAt }), t0)).toBe(listed);
    }
    const ex = timesFromStatus('Exited (2) 15 minutes ago', t0);
    expect(ex).toMatchObject({ exitCode: 2, finishedAt: t0 - 15.5 * M, uncertainty: 30 * S });
    expect(statusText(c({ state: 'exited', ...ex }), t0)).toBe('Exited (2) 15 minutes ago');
    expect(timesFromStatus('Restarting (1) 2 seconds ago', t0)).toMatchObject({ exitCode: 1, finishedAt: t0 - 2500 });
    expect(timesFromStatus('Created', t0)).toEqual({});
  });
  it('a text that just changed is exact to half a second', () => {
    expect(timesFromStatus('Up 1 second', t0).uncertainty).toBe(500);
    expect(durationRange('3 hours')).toEqual([2.5 * H, 3.5 * H]);
  });
  it('a page opened 10 minutes after the list still says what docker ps says then', () => {
    const t = timesFromStatus('Up 2 minutes', t0);
    expect(statusText(c({ startedAt: t.startedAt }), t0 + 10 * M)).toBe('Up 12 minutes');
  });
});

describe('counts: one definition', () => {
  it('running, restarting, paused, stopped (exited + created + dead), removing', () => {
    const n = countStates(['running', 'running', 'restarting', 'paused', 'exited', 'created', 'dead'].map((state) => ({ state }) as { state: StatusInput['state'] }));
    expect(n).toEqual({ running: 2, restarting: 1, paused: 1, stopped: 3, removing: 0, total: 7 });
    expect(countsSummary(n)).toBe('2 running · 1 restarting · 1 paused · 3 stopped');
    expect(countsSummary(countStates([]))).toBe('0 running · 0 stopped');
  });
});
