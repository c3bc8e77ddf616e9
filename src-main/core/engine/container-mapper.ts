// Engine payload → contract model. Pure.
import type Dockerode from 'dockerode';
import type { ContainerState, ContainerSummary, Health } from '../../contract';

const STATES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

export function healthFromStatus(status: string): Health {
  if (/\(healthy\)/.test(status)) return 'healthy';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(health: starting\)/.test(status)) return 'starting';
  return 'none';
}

export function toContainerSummary(c: Dockerode.ContainerInfo): ContainerSummary {
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
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  if (project) summary.composeProject = project;
  if (service) summary.composeService = service;
  return summary;
}
