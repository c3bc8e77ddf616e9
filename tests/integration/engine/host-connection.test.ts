// The local host against the real Docker Engine, through the core's handlers behind a real
// RpcServer (mapEngineError, output validation) — what the UI sees, checked against what the engine
// really did (docker inspect).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ContainerPatch, ContainerSummary, Host, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import { type Core } from '../../../src-main/core/create-core';
import {
  SHARED_SOCKET,
  TEST_IMAGE,
  cleanupTestContainers,
  createContainer,
  docker,
  dockerRaw,
  ensureTestImage,
  freePort,
  inspectContainer,
  runContainer,
  uniqueName,
  volumeExists,
  waitFor,
} from '../../support/docker-fixtures';
import { EventLog, type InMemoryLink } from '../../support/rpc-harness';
import type { RpcServer } from '../../../src-main/rpc/dispatcher';
import { startCoreRig, type CoreRig } from '../../support/core-rig';

const AREA = 'hc';
const PREFIX = `wdtest-${AREA}-`;

let rig: CoreRig;
let core: Core;
let server: RpcServer;
let link: InMemoryLink;

const call = <P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> => rig.call(p, input);

/** The error the UI would get for this call (fails the test if the call succeeds). */
const callError = <P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> => rig.callError(p, input);

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  rig = await startCoreRig({ area: 'hc', mode: 'desktop' });
  ({ core, server, link } = rig);
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

describe('local host on the real engine', () => {
  it('reports the engine it is connected to', async () => {
    const local = (await call('hosts.list', {})).find((h) => h.id === 'local') as Host;
    expect(local.endpoint.url).toBe(`unix://${SHARED_SOCKET}`);
    expect(local.state).toBe('connected');
    expect(local.engineVersion).toBe(await docker(['version', '--format', '{{.Server.Version}}']));
    expect(local.apiVersion).toBe(await docker(['version', '--format', '{{.Server.APIVersion}}']));
  });

  it('lists the test containers with their name, image, state, ports and compose labels', async () => {
    const web = await runContainer({
      area: AREA,
      cmd: ['httpd', '-f', '-p', '80'],
      ports: ['127.0.0.1::80'],
      labels: { 'com.docker.compose.project': 'wdtest-shop', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1' },
    });
    const idle = await createContainer({ area: AREA });
    const hostPort = Number((await docker(['port', web.name, '80/tcp'])).split('\n')[0]!.split(':').pop());
    expect(hostPort).toBeGreaterThan(0);

    const list = await call('containers.list', { hostId: 'local' });
    const w = list.find((c) => c.id === web.id);
    const i = list.find((c) => c.id === idle.id);
    expect(w).toMatchObject({
      name: web.name,
      image: TEST_IMAGE,
      state: 'running',
      composeProject: 'wdtest-shop',
      composeService: 'web',
      ports: [{ ip: '127.0.0.1', privatePort: 80, publicPort: hostPort, type: 'tcp' }],
    });
    expect(w!.labels['wakedock.test']).toBe('1');
    expect(w!.status).toMatch(/^Up /);
    expect(i).toMatchObject({ name: idle.name, image: TEST_IMAGE, state: 'created', ports: [] });
    expect(i!.composeProject).toBeUndefined();
  });

  it('streams containers created, started and removed by the CLI after watch() started as patches within 2 s', async () => {
    const log = new EventLog<ContainerPatch>();
    const sub = link.client.subscribe('containers.watch', { hostId: 'local' }, log.handlers);
    try {
      const snapshot = await waitFor('the first snapshot', () => log.events[0]);
      expect(snapshot.kind).toBe('snapshot');

      const upsertOf = (id: string, from: number, pred: (c: ContainerSummary) => boolean) => () =>
        log.since(from).flatMap((p) => (p.kind === 'patch' ? p.upserts : [])).find((c) => c.id === id && pred(c));

      let mark = log.mark();
      const c = await createContainer({ area: AREA });
      const created = await waitFor('a patch for the new container', upsertOf(c.id, mark, () => true), { timeoutMs: 2000 });
      expect(created).toMatchObject({ name: c.name, image: TEST_IMAGE, state: 'created' });

      mark = log.mark();
      await docker(['start', c.name]);
      await waitFor('a patch with state running', upsertOf(c.id, mark, (s) => s.state === 'running'), { timeoutMs: 2000 });

      mark = log.mark();
      await docker(['rm', '-f', c.name]);
      await waitFor('a patch removing it', () => log.since(mark).some((p) => p.kind === 'patch' && p.removed.includes(c.id)), { timeoutMs: 2000 });
      expect(log.error).toBeUndefined();
    } finally {
      link.client.unsubscribe(sub);
    }
    await waitFor('the server to tear the stream down', () => server.liveStreams === 0, { timeoutMs: 2000 });
  });

  it('stop, start and restart change the engine state; repeating stop/start succeeds (304)', async () => {
    const c = await runContainer({ area: AREA });
    await expect(call('containers.stop', { hostId: 'local', id: c.id, timeout: 5 })).resolves.toBeNull();
    expect((await inspectContainer(c.id))!.State.Running).toBe(false);
    await expect(call('containers.stop', { hostId: 'local', id: c.id })).resolves.toBeNull(); // already stopped → 304

    await expect(call('containers.start', { hostId: 'local', id: c.name })).resolves.toBeNull();
    expect((await inspectContainer(c.id))!.State.Running).toBe(true);
    await expect(call('containers.start', { hostId: 'local', id: c.id })).resolves.toBeNull(); // already running → 304
    const startedAt = (await inspectContainer(c.id))!.State.StartedAt;

    await call('containers.restart', { hostId: 'local', id: c.id, timeout: 5 });
    const restarted = (await inspectContainer(c.id))!.State;
    expect(restarted.Running).toBe(true);
    expect(restarted.StartedAt).not.toBe(startedAt);
  });

  it('pause, unpause and kill', async () => {
    const c = await runContainer({ area: AREA });
    await call('containers.pause', { hostId: 'local', id: c.id });
    expect((await inspectContainer(c.id))!.State).toMatchObject({ Status: 'paused', Paused: true });
    await call('containers.unpause', { hostId: 'local', id: c.id });
    expect((await inspectContainer(c.id))!.State).toMatchObject({ Status: 'running', Paused: false });

    await call('containers.kill', { hostId: 'local', id: c.id });
    const killed = await waitFor('the container to die', async () => {
      const s = (await inspectContainer(c.id))!.State;
      return s.Running ? undefined : s;
    });
    expect(killed.ExitCode).toBe(137); // SIGKILL is the default signal
  });

  it('rename: the engine knows the container by its new name only', async () => {
    const c = await runContainer({ area: AREA });
    const next = uniqueName(AREA);
    await call('containers.rename', { hostId: 'local', id: c.id, name: next });
    expect((await inspectContainer(c.id))!.Name).toBe(`/${next}`);
    expect(await inspectContainer(c.name)).toBeNull();
    const listed = (await call('containers.list', { hostId: 'local' })).find((s) => s.id === c.id);
    expect(listed?.name).toBe(next);
  });

  it('rename to a name another container has: CONFLICT / NAME_IN_USE with the engine text as detail', async () => {
    const a = await runContainer({ area: AREA });
    const b = await runContainer({ area: AREA });
    const err = await callError('containers.rename', { hostId: 'local', id: b.id, name: a.name });
    expect(err).toMatchObject({ code: 'CONFLICT', reason: 'NAME_IN_USE' });
    expect(err.detail).toContain('is already in use');
    expect((await inspectContainer(b.id))!.Name).toBe(`/${b.name}`);
  });

  it('remove with force and volumes removes a running container and its anonymous volume', async () => {
    const c = await runContainer({ area: AREA, volumes: ['/data'] });
    const volume = (await inspectContainer(c.id))!.Mounts.find((m) => m.Destination === '/data')?.Name;
    expect(volume).toBeTruthy();
    expect(await volumeExists(volume!)).toBe(true);

    await call('containers.remove', { hostId: 'local', id: c.id, force: true, volumes: true });
    expect(await inspectContainer(c.id)).toBeNull();
    expect(await volumeExists(volume!)).toBe(false);
  });

  it('remove without volumes keeps the anonymous volume; without force refuses a running container', async () => {
    const c = await runContainer({ area: AREA, volumes: ['/data'] });
    const volume = (await inspectContainer(c.id))!.Mounts.find((m) => m.Destination === '/data')!.Name!;
    try {
      const refused = await callError('containers.remove', { hostId: 'local', id: c.id });
      expect(refused.code).toBe('CONFLICT');
      expect(refused.reason).toBe('CONTAINER_RUNNING');
      expect(refused.message).toMatch(/running container/i);
      expect((await inspectContainer(c.id))!.State.Running).toBe(true);

      await call('containers.remove', { hostId: 'local', id: c.id, force: true });
      expect(await inspectContainer(c.id)).toBeNull();
      expect(await volumeExists(volume)).toBe(true);
    } finally {
      await dockerRaw(['volume', 'rm', '-f', volume]);
    }
  });

  it('starting a container whose host port is taken fails with CONFLICT and the engine message', async () => {
    const port = await freePort();
    await runContainer({ area: AREA, cmd: ['httpd', '-f', '-p', '80'], ports: [`127.0.0.1:${port}:80`] });
    const second = await createContainer({ area: AREA, cmd: ['httpd', '-f', '-p', '80'], ports: [`127.0.0.1:${port}:80`] });

    const err = await callError('containers.start', { hostId: 'local', id: second.id });
    expect(err.code).toBe('CONFLICT');
    expect(err.reason).toBe('PORT_IN_USE'); // what the UI branches on, never the message
    expect(err.detail).toContain('port is already allocated'); // the engine's raw words as data
    expect(err.message).toContain('port is already allocated');
    expect(err.message).not.toMatch(/^\(HTTP code/); // the engine's words, not dockerode's wrapper
    expect(err.retryable).toBe(false);
    expect((await inspectContainer(second.id))!.State.Running).toBe(false);
  });

  it('acting on a missing container fails with NOT_FOUND and the engine message', async () => {
    const missing = uniqueName(`${AREA}-missing`);
    for (const p of ['containers.start', 'containers.stop', 'containers.remove'] as const) {
      const err = await callError(p, { hostId: 'local', id: missing });
      expect(err.code, p).toBe('NOT_FOUND');
      expect(err.reason, p).toBe('CONTAINER_NOT_FOUND');
      expect(err.message, p).toMatch(/no such container/i);
      expect(err.message, p).toContain(missing);
    }
  });

  it('one events stream carries volumes, networks and images to typed listeners (docker CLI on the real engine)', async () => {
    const host = core.hosts.get('local');
    const seen: { type: string; action: string; name: string }[] = [];
    const containerOnly: string[] = [];
    const off = host.onEngineEvent(['volume', 'network', 'image'], (e) => seen.push({ type: e.type, action: e.action, name: e.name }));
    const offC = host.onEngineEvent('container', (e) => containerOnly.push(e.type));
    const vol = uniqueName(AREA);
    const net = uniqueName(AREA);
    const tag = `wakedock-test/${uniqueName(AREA)}:1`;
    try {
      await docker(['volume', 'create', vol]);
      await docker(['network', 'create', net]);
      await docker(['tag', TEST_IMAGE, tag]);
      await docker(['volume', 'rm', vol]);
      await docker(['network', 'rm', net]);
      await docker(['rmi', tag]);
      await waitFor('the engine events to reach the listener', () => seen.some((e) => e.type === 'image' && e.action === 'untag'), { timeoutMs: 5000 });
      expect(seen).toEqual(
        expect.arrayContaining([
          { type: 'volume', action: 'create', name: vol },
          { type: 'network', action: 'create', name: net },
          { type: 'image', action: 'tag', name: tag },
          { type: 'volume', action: 'destroy', name: vol },
          { type: 'network', action: 'destroy', name: net },
        ]),
      );
      expect(containerOnly.every((t) => t === 'container')).toBe(true);
    } finally {
      off();
      offC();
      await dockerRaw(['volume', 'rm', vol]);
      await dockerRaw(['network', 'rm', net]);
      await dockerRaw(['rmi', tag]);
    }
  });

  it('an unknown host is NOT_FOUND, not an engine error', async () => {
    const err = await callError('containers.list', { hostId: 'nope' });
    expect(err.code).toBe('NOT_FOUND');
    expect(err.reason).toBe('HOST_NOT_FOUND');
    expect(err.message).toContain('nope');
  });
});
