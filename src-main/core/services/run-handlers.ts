// images.list / images.pull / containers.create / containers.runSpec / containers.recreate.
import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { RpcError, type Host } from '../../contract';
import type { runProcedures } from '../../contract/procedures/run';
import type { RunSpec } from '../../contract/run-spec';
import type { CoreContext, DomainHandlers } from '../context';
import { engineError, engineMessage, isAlreadyInState, isNotFound } from '../engine/engine-errors';
import type { RawInspect } from '../engine/inspect-view';
import { engineConflicts, localConflicts, type PortConflict, type PublishedPort } from '../engine/port-check';
import { streamLayerProgress } from '../engine/layer-stream';
import { resolveAuth } from '../registry/registry-auth';
import { isBuiltinNetwork, keptEnvValues, keptLabelValues, parsedPorts, recreateBase, runSpecFromInspect, toCreateBody, type CreateBody, type RawImageConfig } from '../engine/run-spec-engine';

/** Pull progress goes out at most this often. */
const PULL_EMIT_MS = 200;

/** The engine runs on this machine, so binding a port here tells whether it is free. */
export function engineIsLocal(host: Host): boolean {
  const url = host.endpoint.url;
  if (host.kind !== 'local') return false;
  if (url.startsWith('unix://') || url.startsWith('npipe://')) return true;
  return /^(tcp|http|https):\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/.test(url);
}

const messageOf = (e: unknown): string => (e instanceof RpcError ? e.message : engineMessage(e as never));

export function runHandlers(ctx: CoreContext): DomainHandlers<typeof runProcedures> {
  const { hosts, logger } = ctx;
  const client = (hostId: string): Dockerode => hosts.get(hostId).client();

  async function requireImage(docker: Dockerode, ref: string, field: string): Promise<RawImageConfig> {
    try {
      const img = (await docker.getImage(ref).inspect()) as unknown as { Config?: RawImageConfig };
      return img.Config ?? {};
    } catch (e) {
      if (isNotFound(e)) throw RpcError.from('NOT_FOUND', `The image "${ref}" is not on this host: pull it first`, { field, reason: 'IMAGE_NOT_FOUND' });
      throw e;
    }
  }

  /** Refuse ports in use, naming the first one; `excludeId` is the container being replaced. */
  async function checkPorts(hostId: string, docker: Dockerode, spec: RunSpec, fieldPrefix: string, excludeId?: string): Promise<void> {
    const ports = parsedPorts(spec);
    if (!ports.some((p) => p.hostPort !== undefined)) return;
    const running = await docker.listContainers();
    const published: PublishedPort[] = running
      .filter((c) => !excludeId || (c.Id !== excludeId && !c.Id.startsWith(excludeId)))
      .flatMap((c) =>
        (c.Ports ?? [])
          .filter((p) => p.PublicPort)
          .map((p) => ({ containerId: c.Id, containerName: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), ip: p.IP ?? '', publicPort: p.PublicPort, type: p.Type })),
      );
    let conflicts: PortConflict[] = engineConflicts(ports, published);
    // The container being replaced still holds its ports, so a local bind would always "conflict".
    if (conflicts.length === 0 && engineIsLocal(hosts.get(hostId).host)) {
      const excludedPorts = new Set(excludeId ? running.filter((c) => c.Id === excludeId || c.Id.startsWith(excludeId)).flatMap((c) => (c.Ports ?? []).map((p) => `${p.PublicPort}/${p.Type}`)) : []);
      conflicts = await localConflicts(ports.filter((p) => !excludedPorts.has(`${p.hostPort}/${p.protocol}`)).map((p) => p));
      // localConflicts indexes into the filtered list; map back to the spec's index.
      const kept = ports.map((p, i) => ({ p, i })).filter(({ p }) => !excludedPorts.has(`${p.hostPort}/${p.protocol}`));
      conflicts = conflicts.map((c) => ({ ...c, index: kept[c.index]!.i }));
    }
    const first = conflicts[0];
    if (first) {
      throw RpcError.from('CONFLICT', `ports.${first.index}: ${first.message}`, {
        field: `${fieldPrefix}ports.${first.index}`,
        reason: 'PORT_IN_USE',
        detail: first.message,
        hint: 'Choose another host port, or leave it empty to let the engine pick one',
      });
    }
  }

  async function checkNetwork(docker: Dockerode, network: string | undefined, field: string): Promise<void> {
    if (!network || isBuiltinNetwork(network)) return;
    try {
      await docker.getNetwork(network).inspect();
    } catch (e) {
      if (isNotFound(e)) throw RpcError.from('NOT_FOUND', `There is no network "${network}" on this host`, { field, reason: 'NETWORK_NOT_FOUND' });
      throw e;
    }
  }

  async function removeQuietly(c: Dockerode.Container): Promise<void> {
    try {
      await c.remove({ force: true, v: false });
    } catch (e) {
      if (!isNotFound(e)) logger.warn('run: could not remove a container', e);
    }
  }

  return {
    'images.list': async ({ hostId }) => {
      const list = await client(hostId).listImages();
      return list
        .map((i) => ({ id: i.Id, repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), size: i.Size, created: i.Created }))
        .sort((a, b) => (a.repoTags[0] ?? '\uffff').localeCompare(b.repoTags[0] ?? '\uffff'));
    },

    'networks.list': async ({ hostId }) => {
      const list = await client(hostId).listNetworks();
      return list
        .map((n) => ({ id: n.Id, name: n.Name, driver: n.Driver ?? '', scope: n.Scope ?? 'local' }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    'images.pull': ({ hostId, ref }, sink, signal) => {
      const docker = client(hostId);
      // The tag defaults to latest, as docker pull does.
      const full = /:[\w][\w.-]*$|@sha256:/.test(ref.split('/').pop() ?? ref) ? ref : `${ref}:latest`;
      // With the login of the image's registry: WakeDock's own (registry.login), else the Docker CLI's.
      return streamLayerProgress({
        docker,
        ref,
        open: (cb) =>
          void resolveAuth(ctx.store, full, ctx.opts.dockerConfig).then(
            (a) => docker.pull(full, a ? { authconfig: a.auth } : {}, cb),
            (e: unknown) => cb(e),
          ),
        sink,
        signal,
        doneStatus: `Pulled ${full}`,
        failed: 'the pull failed',
        onDone: () => ctx.services.resources.touched(hostId, 'image'),
        emitMs: PULL_EMIT_MS,
      });
    },

    'containers.create': async (input) => {
      const { hostId, ...spec } = input;
      const docker = client(hostId);
      await requireImage(docker, spec.image, 'image');
      await checkNetwork(docker, spec.network, 'network');
      await checkPorts(hostId, docker, spec, '');
      const body = toCreateBody(spec);
      const c = await docker.createContainer(body as unknown as Dockerode.ContainerCreateOptions);
      const info = (await c.inspect()) as unknown as RawInspect;
      const name = (info.Name ?? '').replace(/^\//, '');
      if (!spec.start) return { id: c.id, name, started: false, warnings: [] };
      try {
        await c.start();
      } catch (e) {
        // A container that cannot start is of no use and would block the name on the next try.
        await removeQuietly(c);
        throw engineError(e, { context: 'The container was created but could not start, so it was removed' });
      }
      return { id: c.id, name, started: true, warnings: [] };
    },

    'containers.runSpec': async ({ hostId, id }) => {
      const docker = client(hostId);
      const info = (await docker.getContainer(id).inspect()) as unknown as RawInspect;
      let image: RawImageConfig | null = null;
      try {
        image = ((await docker.getImage(info.Image ?? info.Config?.Image ?? '').inspect()) as unknown as { Config?: RawImageConfig }).Config ?? null;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const d = runSpecFromInspect(info, image);
      return { spec: d.spec as RunSpec, keptEnv: d.keptEnv, running: d.running };
    },

    'containers.recreate': async ({ hostId, id, spec, keepEnv }) => {
      const docker = client(hostId);
      const info = (await docker.getContainer(id).inspect()) as unknown as RawInspect;
      const oldId = info.Id;
      // By id from here on: the name moves to the new container.
      const oldC = docker.getContainer(oldId);
      const oldName = (info.Name ?? '').replace(/^\//, '');
      const wasRunning = info.State?.Running ?? false;
      const targetName = spec.name || oldName;
      // The engine deletes an auto-remove container as soon as it stops, so it could not be put back.
      if (wasRunning && info.HostConfig?.AutoRemove) {
        throw RpcError.from('CONFLICT', `"${oldName}" is removed by the engine when it stops (--rm), so it cannot be replaced safely`, {
          hint: 'Stop it (it is removed), then run a new container from the form',
        });
      }
      await requireImage(docker, spec.image, 'spec.image');
      await checkNetwork(docker, spec.network, 'spec.network');
      await checkPorts(hostId, docker, spec, 'spec.', oldId);

      const tmpName = `${oldName.slice(0, 100)}-wdnew-${randomBytes(3).toString('hex')}`;
      const body: CreateBody = toCreateBody({ ...spec, name: tmpName }, { extraEnv: keptEnvValues(info, keepEnv, spec), base: recreateBase(info, spec) });
      body.Labels = { ...keptLabelValues(info, spec), ...body.Labels };
      // 1. The new container, under a temporary name: until it exists nothing was touched.
      let newC: Dockerode.Container;
      try {
        newC = await docker.createContainer(body as unknown as Dockerode.ContainerCreateOptions);
      } catch (e) {
        throw engineError(e, { context: 'Could not create the new container (the old one is untouched)' });
      }
      // Extra networks of the old container (compose services may sit on several).
      const primary = spec.network || 'default';
      const warnings: string[] = [];
      for (const [net, ep] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
        if (net === primary || isBuiltinNetwork(net) || (primary === 'default' && net === 'bridge')) continue;
        try {
          await docker.getNetwork(net).connect({ Container: newC.id, EndpointConfig: { Aliases: (ep.Aliases ?? []).filter((a) => a !== oldId.slice(0, 12)) } });
        } catch (e) {
          warnings.push(`Could not connect the new container to network "${net}": ${messageOf(e)}`);
        }
      }
      const parkName = `${oldName.slice(0, 100)}-wdold-${randomBytes(3).toString('hex')}`;
      const rollback = async (why: string, e: unknown, steps: { renamed: boolean; stopped: boolean }): Promise<never> => {
        await removeQuietly(newC);
        const undo: string[] = [];
        try {
          if (steps.renamed) await oldC.rename({ name: oldName });
          if (steps.stopped) await oldC.start();
        } catch (u) {
          undo.push(`and putting the old container back failed too: ${messageOf(u)}`);
        }
        throw engineError(e, { context: why, after: undo.length ? undo.join('; ') : 'The old container was left as it was.' });
      };
      // 2. Stop the old one (its ports and name are about to move).
      if (wasRunning) {
        try {
          await oldC.stop();
        } catch (e) {
          if (!isAlreadyInState(e)) await rollback('Could not stop the old container', e, { renamed: false, stopped: false });
        }
      }
      // 3. Swap names: the old one is parked, the new one takes the name.
      try {
        await oldC.rename({ name: parkName });
      } catch (e) {
        await rollback('Could not rename the old container', e, { renamed: false, stopped: wasRunning });
      }
      try {
        await newC.rename({ name: targetName });
      } catch (e) {
        await rollback(`Could not name the new container "${targetName}"`, e, { renamed: true, stopped: wasRunning });
      }
      // 4. Start it if the old one was running; on failure the old one comes back.
      let started = false;
      if (wasRunning || spec.start) {
        try {
          await newC.start();
          started = true;
        } catch (e) {
          await rollback('The new container could not start', e, { renamed: true, stopped: wasRunning });
        }
      }
      // 5. Only now remove the old one. Its volumes stay: named ones always, anonymous ones are in use by the new container.
      try {
        await oldC.remove({ force: true, v: false });
      } catch (e) {
        warnings.push(`The old container could not be removed and is still there as "${parkName}": ${messageOf(e)}`);
      }
      return { id: newC.id, name: targetName, started, warnings };
    },
  };
}
