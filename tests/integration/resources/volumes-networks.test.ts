// volumes.* and networks.* against the real engine, through the core's handlers behind a real
// RpcServer (output validation on): live lists follow changes made outside, sizes arrive from
// /system/df, create/remove, refusals in the engine's words with nothing changed, connect/disconnect
// with aliases, and prunes that remove exactly what their previews listed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import type { VolumeRow } from '../../../src-main/contract/procedures/volumes';
import type { NetworkRow } from '../../../src-main/contract/procedures/networks';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, docker, dockerRaw, ensureTestImage, runContainer, uniqueName, volumeExists, waitFor } from '../../support/docker-fixtures';
import { cleanupNetworks, cleanupVolumes } from '../../support/resource-fixtures';
import { EventLog, connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'resvn';
const PREFIX = `wdtest-${AREA}-`;
let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callError<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded but was expected to fail: ${JSON.stringify(r.data)}`);
  return r.error;
}

type Ev<T> = { kind: 'snapshot'; items: T[] } | { kind: 'patch'; upserts: T[]; removed: string[] };
function mirror<T>(proc: 'volumes.watch' | 'networks.watch', key: (t: T) => string): { items(): Map<string, T> } {
  const log = new EventLog<Ev<T>>();
  link.client.subscribe(proc, { hostId: 'local' }, log.handlers);
  return {
    items() {
      const m = new Map<string, T>();
      for (const e of log.events) {
        if (e.kind === 'snapshot') {
          m.clear();
          for (const i of e.items) m.set(key(i), i);
        } else {
          for (const id of e.removed) m.delete(id);
          for (const i of e.upserts) m.set(key(i), i);
        }
      }
      return m;
    },
  };
}

beforeAll(async () => {
  await ensureTestImage();
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-resvn-'));
  core = await createCore({ dataDir, mode: 'desktop', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
  server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
  link = connectInMemory(server);
  await waitFor('the local host to connect', async () => (await call('hosts.list', {})).find((h) => h.state === 'connected'), { timeoutMs: 15_000 });
});

afterAll(async () => {
  link?.close();
  core?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await cleanupVolumes(PREFIX);
  await cleanupNetworks(PREFIX);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('volumes', () => {
  it('creates with driver options and labels, lists live with size and users, refuses removing one in use', async () => {
    const vols = mirror<VolumeRow>('volumes.watch', (v) => v.name);
    const name = `${PREFIX}data`;
    expect(await call('volumes.create', { hostId: 'local', name, options: { type: 'tmpfs', device: 'tmpfs', o: 'size=8m' }, labels: { 'wakedock.test': '1', team: 'a' } })).toEqual({ name });
    await waitFor('the new volume in the list', () => vols.items().get(name));
    expect(vols.items().get(name)).toMatchObject({ driver: 'local', labels: { team: 'a' }, options: { type: 'tmpfs' }, anonymous: false, containerCount: 0 });
    expect(await callError('volumes.create', { hostId: 'local', name })).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await callError('volumes.create', { hostId: 'local', name: '-x', labels: {} })).toMatchObject({ code: 'VALIDATION', field: 'name' });

    // A volume with bytes in it, made and filled outside WakeDock.
    const filled = `${PREFIX}filled`;
    await docker(['volume', 'create', '--label', 'wakedock.test=1', filled]);
    const c = await runContainer({ area: AREA, volumes: [`${filled}:/data`], cmd: ['sh', '-c', 'dd if=/dev/zero of=/data/blob bs=1024 count=300 2>/dev/null; sleep 3600'] });
    await waitFor('the file to be written', async () => (await dockerRaw(['exec', c.id, 'sh', '-c', 'test "$(wc -c < /data/blob)" -ge 307200'])).code === 0);
    // Writing into a volume is no engine event: sizes are measured again on request.
    expect(await call('volumes.measure', { hostId: 'local' })).toBeNull();
    await waitFor('size and user of the filled volume', () => {
      const v = vols.items().get(filled);
      return v && v.containers.includes(c.name) && (v.size ?? 0) >= 300 * 1024;
    }, { timeoutMs: 20_000 });

    const err = await callError('volumes.remove', { hostId: 'local', name: filled });
    expect(err.code).toBe('CONFLICT');
    expect(err.reason).toBe('IN_USE');
    expect(err.message).toMatch(/volume is in use/);
    expect(err.hint).toContain(c.name);
    expect(await volumeExists(filled)).toBe(true);

    await docker(['rm', '-f', c.id]);
    expect(await call('volumes.remove', { hostId: 'local', name: filled })).toBeNull();
    expect(await volumeExists(filled)).toBe(false);
    await waitFor('the removed volume to leave the list', () => !vols.items().has(filled));
  });

  it('prune removes exactly the previewed volumes: not a volume made later, not one in use', async () => {
    const a = `${PREFIX}prune-a`;
    const b = `${PREFIX}prune-b`;
    const inUse = `${PREFIX}prune-used`;
    for (const v of [a, b, inUse]) await docker(['volume', 'create', '--label', 'wakedock.test=1', v]);
    await createContainer({ area: AREA, volumes: [`${inUse}:/data`] });
    const preview = await call('volumes.prunePreview', { hostId: 'local', scope: 'unused' });
    const names = preview.items.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining([a, b]));
    expect(names).not.toContain(inUse);
    const later = `${PREFIX}prune-later`;
    await docker(['volume', 'create', '--label', 'wakedock.test=1', later]);
    const r = await call('volumes.prune', { hostId: 'local', names: [a, b] });
    expect(r.removed.sort()).toEqual([a, b].sort());
    expect(await volumeExists(a)).toBe(false);
    expect(await volumeExists(later)).toBe(true);
    expect(await volumeExists(inUse)).toBe(true);
  });
});

describe('networks', () => {
  it('creates a bridge with subnet/gateway/internal/labels, connects and disconnects a container with aliases, refuses removal with endpoints', async () => {
    const nets = mirror<NetworkRow>('networks.watch', (n) => n.id);
    const name = `${PREFIX}net`;
    const created = await call('networks.create', { hostId: 'local', name, subnet: '172.31.250.0/24', gateway: '172.31.250.1', internal: true, attachable: true, labels: { 'wakedock.test': '1' } });
    const row = await waitFor('the network in the list', () => nets.items().get(created.id));
    expect(row).toMatchObject({ name, driver: 'bridge', internal: true, attachable: true, subnets: [{ subnet: '172.31.250.0/24', gateway: '172.31.250.1' }], builtin: false, containerCount: 0 });
    expect(await callError('networks.create', { hostId: 'local', name })).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await callError('networks.create', { hostId: 'local', name: `${PREFIX}bad`, subnet: '10.0.0.0/99' })).toMatchObject({ code: 'VALIDATION', field: 'subnet' });
    const overlap = await callError('networks.create', { hostId: 'local', name: `${PREFIX}overlap`, subnet: '172.31.250.0/25' });
    expect(overlap.message).toMatch(/overlap/i);

    const c = await runContainer({ area: AREA });
    expect(await call('networks.connect', { hostId: 'local', id: name, container: c.name, aliases: ['db', 'primary'] })).toBeNull();
    const member = await waitFor('the container on the network', () => nets.items().get(created.id)?.containers.find((m) => m.name === c.name));
    expect(member.ipv4).toMatch(/^172\.31\.250\./);
    const members = await call('networks.members', { hostId: 'local', id: created.id });
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ name: c.name, ipv4: member.ipv4 });
    expect(members[0]!.aliases).toEqual(expect.arrayContaining(['db', 'primary']));
    const inspected = JSON.parse(await docker(['inspect', '--format', `{{json (index .NetworkSettings.Networks "${name}").Aliases}}`, c.name])) as string[];
    expect(inspected).toEqual(expect.arrayContaining(['db', 'primary']));

    const err = await callError('networks.remove', { hostId: 'local', id: created.id });
    expect(err.code).toBe('CONFLICT');
    expect(err.reason).toBe('IN_USE');
    expect(err.message).toMatch(/active endpoints/);
    expect((await dockerRaw(['network', 'inspect', name])).code).toBe(0);

    expect(await call('networks.disconnect', { hostId: 'local', id: name, container: c.name })).toBeNull();
    await waitFor('the container to leave', () => nets.items().get(created.id)?.containerCount === 0);
    expect(await call('networks.remove', { hostId: 'local', id: created.id })).toBeNull();
    await waitFor('the network to leave the list', () => !nets.items().has(created.id));
    expect(await callError('networks.remove', { hostId: 'local', id: 'bridge' })).toMatchObject({ code: 'CONFLICT' });
  });

  it('prune removes exactly the previewed networks', async () => {
    const a = `${PREFIX}p-a`;
    const used = `${PREFIX}p-used`;
    await docker(['network', 'create', '--label', 'wakedock.test=1', a]);
    await docker(['network', 'create', '--label', 'wakedock.test=1', used]);
    await createContainer({ area: AREA, network: used, name: uniqueName(AREA) });
    const preview = await call('networks.prunePreview', { hostId: 'local' });
    const names = preview.items.map((i) => i.name);
    expect(names).toContain(a);
    expect(names).not.toContain(used);
    expect(names).not.toContain('bridge');
    const later = `${PREFIX}p-later`;
    await docker(['network', 'create', '--label', 'wakedock.test=1', later]);
    const mine = preview.items.filter((i) => i.name === a);
    const r = await call('networks.prune', { hostId: 'local', ids: mine.map((i) => i.id) });
    expect(r.removed).toEqual(mine.map((i) => i.id));
    expect((await dockerRaw(['network', 'inspect', a])).code).not.toBe(0);
    expect((await dockerRaw(['network', 'inspect', later])).code).toBe(0);
  });
});
