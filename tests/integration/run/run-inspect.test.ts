// Run, inspect and recreate through the core behind a real RpcServer, against the real engine,
// checked with docker inspect and by talking to the published ports.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import {
  TEST_IMAGE,
  cleanupTestContainers,
  docker,
  dockerRaw,
  ensureTestImage,
  freePort,
  inspectContainer,
  runContainer,
  uniqueName,
  waitFor,
} from '../../support/docker-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';

const AREA = 'run';
const PREFIX = `wdtest-${AREA}-`;
const volumes: string[] = [];
const networks: string[] = [];

let rig: CoreRig;

const call = <P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> => rig.call(p, input);

const callError = <P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> => rig.callError(p, input);

function volumeName(): string {
  const v = uniqueName(`${AREA}-vol`);
  volumes.push(v);
  return v;
}

/** The fields of the engine's inspect these tests read. */
interface FullInspect {
  Id: string;
  State: { Running: boolean };
  Config: { Env: string[]; Labels: Record<string, string> };
  HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]>; NanoCpus: number; Memory: number; PidsLimit: number; RestartPolicy: { Name: string; MaximumRetryCount: number } };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

/** Full inspect JSON (the fixture's type only lists a few fields). */
async function inspectFull(ref: string): Promise<FullInspect> {
  return (JSON.parse(await docker(['container', 'inspect', ref])) as FullInspect[])[0]!;
}

async function httpGet(port: number): Promise<string> {
  return waitFor(`http://127.0.0.1:${port} to answer`, async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    return res.ok ? await res.text() : undefined;
  });
}

const httpd = ['httpd', '-f', '-p', '80', '-h', '/www'];

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  rig = await startCoreRig({ area: 'run', mode: 'desktop' });
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
  if (volumes.length) await dockerRaw(['volume', 'rm', '-f', ...volumes]);
  if (networks.length) await dockerRaw(['network', 'rm', ...networks]);
});

describe('containers.create', () => {
  it('creates and starts a container with ports, env, volumes, labels, restart policy and limits', async () => {
    const name = uniqueName(AREA);
    const port = await freePort();
    const vol = volumeName();
    const r = await call('containers.create', {
      hostId: 'local',
      image: TEST_IMAGE,
      name,
      command: `sh -c 'mkdir -p /www && echo "hello from $GREETING" > /www/index.html && exec httpd -f -p 80 -h /www'`,
      env: ['GREETING=run form', 'DB_PASSWORD=hunter2-secret'],
      ports: [`127.0.0.1:${port}:80`],
      volumes: [`${vol}:/data`, '/tmp:/hosttmp:ro'],
      labels: ['wakedock.test=1', 'team=web'],
      restart: 'on-failure',
      restartMaxRetries: 3,
      cpus: '0.5',
      memory: '64m',
      pidsLimit: 50,
    });
    expect(r).toMatchObject({ name, started: true });
    expect(await httpGet(port)).toContain('hello from run form');

    const info = await inspectFull(name);
    expect(info.Id).toBe(r.id);
    expect(info.Config.Env).toEqual(expect.arrayContaining(['GREETING=run form', 'DB_PASSWORD=hunter2-secret']));
    expect(info.HostConfig.PortBindings['80/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.PidsLimit).toBe(50);
    expect(info.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(info.Config.Labels).toMatchObject({ 'wakedock.test': '1', team: 'web' });
    const mounts = info.Mounts.map((m) => ({ type: m.Type, name: m.Name, source: m.Source, dest: m.Destination, rw: m.RW }));
    expect(mounts).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'volume', name: vol, dest: '/data', rw: true }),
      expect.objectContaining({ type: 'bind', source: '/tmp', dest: '/hosttmp', rw: false }),
    ]));
  });

  it('creates without starting when start is false', async () => {
    const name = uniqueName(AREA);
    const r = await call('containers.create', { hostId: 'local', image: TEST_IMAGE, name, command: ['sleep', '60'], labels: ['wakedock.test=1'], start: false });
    expect(r.started).toBe(false);
    expect((await inspectContainer(name))?.State.Status).toBe('created');
  });

  it('names the field of a bad value (VALIDATION) before touching the engine', async () => {
    const name = uniqueName(AREA);
    const e = await callError('containers.create', { hostId: 'local', image: TEST_IMAGE, name, ports: ['8080:80', '80:99999'], labels: ['wakedock.test=1'] });
    expect(e).toMatchObject({ code: 'VALIDATION', field: 'ports.1' });
    expect(e.message).toContain('99999');
    const m = await callError('containers.create', { hostId: 'local', image: TEST_IMAGE, name, memory: 'lots' });
    expect(m).toMatchObject({ code: 'VALIDATION', field: 'memory' });
    expect(await inspectContainer(name)).toBeNull();
  });

  it('refuses a host port another container publishes, naming the port, before creating', async () => {
    const port = await freePort();
    const holder = await runContainer({ area: AREA, cmd: httpd, ports: [`127.0.0.1:${port}:80`] });
    const name = uniqueName(AREA);
    const e = await callError('containers.create', { hostId: 'local', image: TEST_IMAGE, name, ports: ['9000:9000', `${port}:80`], labels: ['wakedock.test=1'] });
    expect(e).toMatchObject({ code: 'CONFLICT', reason: 'PORT_IN_USE', field: 'ports.1' });
    expect(e.detail).toContain(holder.name); // the field's own text, shown under the port row
    expect(e.message).toContain(String(port));
    expect(e.message).toContain(holder.name);
    expect(await inspectContainer(name)).toBeNull();
  });

  it('refuses a host port a program on this machine listens on', async () => {
    const port = await freePort();
    const srv: Server = createServer();
    await new Promise<void>((ok) => srv.listen(port, '127.0.0.1', ok));
    try {
      const name = uniqueName(AREA);
      const e = await callError('containers.create', { hostId: 'local', image: TEST_IMAGE, name, ports: [`${port}:80`], labels: ['wakedock.test=1'] });
      expect(e).toMatchObject({ code: 'CONFLICT', reason: 'PORT_IN_USE', field: 'ports.0' });
      expect(e.message).toMatch(new RegExp(`${port}/tcp is already in use on this machine`));
      expect(await inspectContainer(name)).toBeNull();
    } finally {
      await new Promise((ok) => srv.close(ok));
    }
  });

  it('answers NOT_FOUND on the image field for an image that is not on the host', async () => {
    const e = await callError('containers.create', { hostId: 'local', image: 'wakedock-test/not-there:0', name: uniqueName(AREA) });
    expect(e).toMatchObject({ code: 'NOT_FOUND', reason: 'IMAGE_NOT_FOUND', field: 'image' });
  });
});

describe('images', () => {
  it('lists local images with tags, id, size and creation time', async () => {
    const list = await call('images.list', { hostId: 'local' });
    const img = list.find((i) => i.repoTags.includes(TEST_IMAGE));
    expect(img).toBeDefined();
    expect(img!.id).toMatch(/^sha256:/);
    expect(img!.size).toBeGreaterThan(100_000);
    expect(img!.created).toBeGreaterThan(1_500_000_000);
  });
});

describe('networks', () => {
  it('lists the engine networks by name, including one the test created', async () => {
    const name = `${PREFIX}net-${Math.random().toString(36).slice(2, 8)}`;
    await docker(['network', 'create', '--label', 'wakedock.test=1', name]);
    try {
      const list = await call('networks.list', { hostId: 'local' });
      const names = list.map((n) => n.name);
      expect(names).toEqual(expect.arrayContaining(['bridge', 'host', 'none', name]));
      expect(list.find((n) => n.name === name)).toMatchObject({ driver: 'bridge', scope: 'local' });
      expect([...names].sort((a, b) => a.localeCompare(b))).toEqual(names);
    } finally {
      await docker(['network', 'rm', name]);
    }
  });
});

describe('containers.inspect', () => {
  it('masks secret-looking values in main and reveals them only on request', async () => {
    const c = await runContainer({
      area: AREA,
      cmd: httpd,
      ports: ['127.0.0.1::80'],
      extra: ['-e', 'DB_PASSWORD=hunter2-secret', '-e', 'DATABASE_URL=postgres://app:s3cr3t-pw@db:5432/app', '-e', 'MODE=production', '--memory', '32m', '--pids-limit', '40', '--restart', 'unless-stopped'],
      labels: { tier: 'front' },
    });
    const view = await call('containers.inspect', { hostId: 'local', id: c.name });
    const wire = JSON.stringify(view);
    expect(wire).not.toContain('hunter2-secret');
    expect(wire).not.toContain('s3cr3t-pw');
    expect(view.env).toEqual(expect.arrayContaining([
      { name: 'DB_PASSWORD', masked: true },
      { name: 'DATABASE_URL', masked: true, preview: 'postgres://app:•••@db:5432/app' },
      { name: 'MODE', value: 'production', masked: false },
    ]));
    expect(view.overview).toMatchObject({ image: TEST_IMAGE, command: httpd, status: 'running', running: true, restartPolicy: 'unless-stopped', oomKilled: false });
    expect(view.resources).toMatchObject({ memory: 32 * 1024 * 1024, pidsLimit: 40 });
    expect(view.labels).toEqual(expect.arrayContaining([{ key: 'tier', value: 'front' }]));
    const bridge = view.networks.find((n) => n.name === 'bridge');
    expect(bridge?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(bridge?.gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const p = view.ports.find((x) => x.containerPort === '80/tcp');
    expect(p?.hostIp).toBe('127.0.0.1');
    expect(Number(p?.hostPort)).toBeGreaterThan(0);
    expect(view.raw).toContain('"DB_PASSWORD=••••••••"');

    const one = await call('containers.revealEnv', { hostId: 'local', id: c.name, name: 'DB_PASSWORD' });
    expect(one).toEqual({ env: [{ name: 'DB_PASSWORD', value: 'hunter2-secret' }] });
    const all = await call('containers.revealEnv', { hostId: 'local', id: c.name, all: true });
    expect(all.raw).toContain('DATABASE_URL=postgres://app:s3cr3t-pw@db:5432/app');
    expect(await callError('containers.revealEnv', { hostId: 'local', id: c.name, name: 'NOPE' })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shows a failing health check with its recent log entries', async () => {
    const c = await runContainer({ area: AREA, extra: ['--health-cmd', 'echo probe-says-no; exit 1', '--health-interval', '1s', '--health-retries', '1'] });
    const view = await waitFor('an unhealthy status', async () => {
      const v = await call('containers.inspect', { hostId: 'local', id: c.id });
      return v.health?.status === 'unhealthy' ? v : undefined;
    }, { timeoutMs: 20_000 });
    expect(view.health!.log[0]!.output).toContain('probe-says-no');
    expect(view.health!.log[0]!.exitCode).toBe(1);
  });
});

describe('containers.runSpec and containers.recreate', () => {
  it('derives the spec from a CLI-made container, leaving image defaults and secrets out', async () => {
    const vol = volumeName();
    const port = await freePort();
    const c = await runContainer({
      area: AREA,
      cmd: httpd,
      ports: [`127.0.0.1:${port}:80`],
      volumes: [`${vol}:/data`],
      extra: ['-e', 'MODE=dev', '-e', 'API_TOKEN=abc123', '--memory', '1g', '--cpus', '1.5', '--restart', 'always'],
    });
    const r = await call('containers.runSpec', { hostId: 'local', id: c.name });
    expect(r.running).toBe(true);
    expect(r.keptEnv).toEqual(['API_TOKEN']);
    expect(JSON.stringify(r)).not.toContain('abc123');
    expect(r.spec).toMatchObject({
      image: TEST_IMAGE,
      name: c.name,
      command: 'httpd -f -p 80 -h /www',
      env: ['MODE=dev'], // PATH is the image's default
      ports: [`127.0.0.1:${port}:80`],
      volumes: [`${vol}:/data`],
      restart: 'always',
      memory: '1g',
      cpus: '1.5',
    });
    expect(r.spec.labels).toContain('wakedock.test=1');
  });

  it('recreates with a changed env var and port, keeping the name, the secret and the named volume data', async () => {
    const vol = volumeName();
    const [p1, p2] = [await freePort(), await freePort()];
    const c = await runContainer({
      area: AREA,
      cmd: ['sh', '-c', 'mkdir -p /www && echo "flavour=$FLAVOUR pw=$DB_PASSWORD" > /www/index.html && exec httpd -f -p 80 -h /www'],
      ports: [`127.0.0.1:${p1}:80`],
      volumes: [`${vol}:/data`],
      extra: ['-e', 'FLAVOUR=vanilla', '-e', 'DB_PASSWORD=hunter2-secret'],
    });
    await docker(['exec', c.name, 'sh', '-c', 'echo precious > /data/keep.txt']);
    expect(await httpGet(p1)).toContain('flavour=vanilla');

    const { spec, keptEnv } = await call('containers.runSpec', { hostId: 'local', id: c.name });
    const changed = { ...spec, env: spec.env.map((e) => (e.startsWith('FLAVOUR=') ? 'FLAVOUR=chocolate' : e)), ports: [`127.0.0.1:${p2}:80`] };
    const r = await call('containers.recreate', { hostId: 'local', id: c.name, spec: changed, keepEnv: keptEnv });
    expect(r).toMatchObject({ name: c.name, started: true, warnings: [] });
    expect(r.id).not.toBe(c.id);

    expect(await inspectContainer(c.id)).toBeNull();
    const info = await inspectFull(c.name);
    expect(info.Id).toBe(r.id);
    expect(info.State.Running).toBe(true);
    expect(info.Config.Env).toEqual(expect.arrayContaining(['FLAVOUR=chocolate', 'DB_PASSWORD=hunter2-secret']));
    expect(info.HostConfig.PortBindings['80/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(p2) }]);
    expect(await httpGet(p2)).toContain('flavour=chocolate pw=hunter2-secret');
    expect(await docker(['exec', c.name, 'cat', '/data/keep.txt'])).toBe('precious');
    // No leftovers under temporary names.
    expect(await docker(['ps', '-a', '--filter', `name=${c.name}-wd`, '--format', '{{.Names}}'])).toBe('');
  });

  it('keeps an anonymous volume by reusing it', async () => {
    const c = await runContainer({ area: AREA, volumes: ['/cache'] });
    await docker(['exec', c.name, 'sh', '-c', 'echo warm > /cache/x']);
    const { spec } = await call('containers.runSpec', { hostId: 'local', id: c.name });
    await call('containers.recreate', { hostId: 'local', id: c.name, spec: { ...spec, env: [...spec.env, 'NEW=1'] } });
    expect(await docker(['exec', c.name, 'cat', '/cache/x'])).toBe('warm');
  });

  it('leaves the old container running and named when the new one cannot start', async () => {
    const port = await freePort();
    const c = await runContainer({ area: AREA, cmd: httpd, ports: [`127.0.0.1:${port}:80`] });
    const { spec } = await call('containers.runSpec', { hostId: 'local', id: c.name });
    const e = await callError('containers.recreate', { hostId: 'local', id: c.name, spec: { ...spec, volumes: ['/etc/hostname:/bin'] } });
    expect(e.message).toMatch(/could not start.*not a directory/is);
    expect(e.message).toMatch(/old container was left as it was/i);
    const info = await inspectFull(c.name);
    expect(info.Id).toBe(c.id);
    expect(info.State.Running).toBe(true);
    expect(await httpGet(port)).toBeTruthy();
    expect(await docker(['ps', '-a', '--filter', `name=${c.name}-wd`, '--format', '{{.Names}}'])).toBe('');
  });

  it('keeps network aliases and extra networks, so compose services still find it', async () => {
    const net1 = uniqueName(`${AREA}-net`);
    const net2 = uniqueName(`${AREA}-net`);
    networks.push(net1, net2);
    await docker(['network', 'create', '--label', 'wakedock.test=1', net1]);
    await docker(['network', 'create', '--label', 'wakedock.test=1', net2]);
    const c = await runContainer({ area: AREA, network: net1, extra: ['--network-alias', 'api'], labels: { 'com.docker.compose.project': 'wdtest-shop', 'com.docker.compose.service': 'api' } });
    await docker(['network', 'connect', '--alias', 'api-internal', net2, c.name]);
    const { spec } = await call('containers.runSpec', { hostId: 'local', id: c.name });
    expect(spec.network).toBe(net1);
    expect(spec.labels).toContain('com.docker.compose.project=wdtest-shop');
    const r = await call('containers.recreate', { hostId: 'local', id: c.name, spec: { ...spec, env: ['CHANGED=1'] } });
    expect(r.warnings).toEqual([]);
    const nets = (await inspectFull(c.name) as unknown as { NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> } }).NetworkSettings.Networks;
    expect(Object.keys(nets).sort()).toEqual([net1, net2].sort());
    expect(nets[net1]!.Aliases).toContain('api');
    expect(nets[net2]!.Aliases).toContain('api-internal');
  });

  it('refuses to replace a running auto-remove container (it could not be put back)', async () => {
    const c = await runContainer({ area: AREA, extra: ['--rm'] });
    const { spec } = await call('containers.runSpec', { hostId: 'local', id: c.name });
    expect(spec.autoRemove).toBe(true);
    const e = await callError('containers.recreate', { hostId: 'local', id: c.name, spec });
    expect(e).toMatchObject({ code: 'CONFLICT' });
    expect(e.message).toContain('--rm');
    expect((await inspectFull(c.name)).State.Running).toBe(true);
  });

  it('refuses a port held by another container before touching the old one', async () => {
    const taken = await freePort();
    await runContainer({ area: AREA, cmd: httpd, ports: [`127.0.0.1:${taken}:80`] });
    const c = await runContainer({ area: AREA });
    const { spec } = await call('containers.runSpec', { hostId: 'local', id: c.name });
    const e = await callError('containers.recreate', { hostId: 'local', id: c.name, spec: { ...spec, ports: [`${taken}:80`] } });
    expect(e).toMatchObject({ code: 'CONFLICT', field: 'spec.ports.0' });
    expect((await inspectFull(c.name)).Id).toBe(c.id);
  });
});
