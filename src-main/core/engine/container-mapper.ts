// Engine payload → contract model. Pure.
import type Dockerode from 'dockerode';
import { timesFromStatus, type ContainerState, type ContainerSummary, type Health } from '../../contract';

const STATES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

export function healthFromStatus(status: string): Health {
  if (/\(healthy\)/.test(status)) return 'healthy';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(health: starting\)/.test(status)) return 'starting';
  return 'none';
}

/**
 * `listedAt` is when the engine wrote the list (epoch ms): the Status text's durations are turned
 * into absolute times from it (the list has no StartedAt/FinishedAt, and inspecting 1,000 containers
 * at start would be a storm), so the text can be printed again at any later time.
 */
export function toContainerSummary(c: Dockerode.ContainerInfo, listedAt: number = Date.now()): ContainerSummary {
  const rawState = String(c.State ?? '').toLowerCase();
  const state = (STATES.has(rawState) ? rawState : 'dead') as ContainerState;
  const labels = c.Labels ?? {};
  // Legacy --link adds "/<linker>/<alias>" names, and the engine lists names sorted, so the
  // container's own name is the one without a further "/" (as `docker ps` picks it), not Names[0].
  const names = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
  const name = names.find((n) => !n.includes('/')) ?? names[0] ?? c.Id.slice(0, 12);
  const summary: ContainerSummary = {
    id: c.Id,
    name,
    image: c.Image,
    imageId: c.ImageID,
    command: c.Command ?? '',
    state,
    status: c.Status ?? '',
    health: healthFromStatus(c.Status ?? ''),
    ports: (c.Ports ?? []).map((p) => {
      const port: ContainerSummary['ports'][number] = { privatePort: p.PrivatePort, type: p.Type };
      if (p.IP) port.ip = p.IP;
      if (p.PublicPort) port.publicPort = p.PublicPort;
      return port;
    }),
    created: c.Created,
    labels,
  };
  const times = timesFromStatus(summary.status, listedAt);
  if (times.startedAt !== undefined) summary.startedAt = times.startedAt;
  if (times.finishedAt !== undefined) summary.finishedAt = times.finishedAt;
  if (times.exitCode !== undefined) summary.exitCode = times.exitCode;
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  if (project) summary.composeProject = project;
  if (service) summary.composeService = service;
  return summary;
}

/** The fields of `docker inspect`'s State that the summary carries. */
export interface InspectState {
  Status?: string;
  StartedAt?: string;
  FinishedAt?: string;
  ExitCode?: number;
}

const ZERO_TIME = /^0001-01-01/;
const time = (iso: string | undefined): number | undefined => {
  if (!iso || ZERO_TIME.test(iso)) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/**
 * Exact times from an inspect of the same container. Taken only when inspect saw the state the list
 * saw (the two requests are not atomic): otherwise the list's estimate stays.
 */
export function withInspectTimes(s: ContainerSummary, inspect: { State?: InspectState; RestartCount?: number }): ContainerSummary {
  const st = inspect.State;
  if (!st || String(st.Status ?? '').toLowerCase() !== s.state) return s;
  const next: ContainerSummary = { ...s };
  const started = time(st.StartedAt);
  const finished = time(st.FinishedAt);
  if (started !== undefined) next.startedAt = started;
  if (finished !== undefined && (s.state === 'exited' || s.state === 'restarting' || s.state === 'dead')) next.finishedAt = finished;
  if (typeof st.ExitCode === 'number' && s.state !== 'running' && s.state !== 'paused' && s.state !== 'created') next.exitCode = st.ExitCode;
  if (typeof inspect.RestartCount === 'number') next.restartCount = inspect.RestartCount;
  return next;
}

/**
 * A re-listed container whose state did not change keeps the times it had when they are
 * consistent with the new text: an exact (inspected) time is better than a fresh estimate from
 * "Up 3 hours". `listedAt` is when the new list was made.
 */
export function keepKnownTimes(prev: ContainerSummary | undefined, next: ContainerSummary, listedAt: number): ContainerSummary {
  if (!prev || prev.state !== next.state || prev.exitCode !== next.exitCode) return next;
  const slack = (timesFromStatus(next.status, listedAt).uncertainty ?? 0) + 1000;
  const close = (a: number | undefined, b: number | undefined): boolean => a === undefined || b === undefined || Math.abs(a - b) <= slack;
  if (!close(prev.startedAt, next.startedAt) || !close(prev.finishedAt, next.finishedAt)) return next;
  const out: ContainerSummary = { ...next };
  if (prev.startedAt !== undefined) out.startedAt = prev.startedAt;
  if (prev.finishedAt !== undefined) out.finishedAt = prev.finishedAt;
  if (prev.restartCount !== undefined && out.restartCount === undefined) out.restartCount = prev.restartCount;
  return out;
}
