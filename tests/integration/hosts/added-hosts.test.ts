// Hosts added by the user (Settings → Hosts) against a real private dockerd listening on TCP:
// hosts.test reports each step (success for the live daemon, the failing step for a dead port or a
// TLS mismatch), hosts.add lists and connects it with its containers, a new core on the same data
// dir has it again, hosts.update renames, hosts.remove forgets it (list and wakedock.json), and the
// discovered engine cannot be removed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ContainerSummary, ProcInput, ProcOutput } from '../../../src-main/contract';
import type { Core } from '../../../src-main/core/create-core';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { disposePrivateDaemon, freePort, runContainer, startPrivateEngine, waitFor, type PrivateEngine } from '../../support/docker-fixtures';
import { EventLog, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'addedhosts';

let spec: PrivateEngine;
let port: number;
let dataDir: string;
let rig: CoreRig | undefined;
let core: Core | undefined;
let link: InMemoryLink | undefined;

/** A core on the test's data dir (kept across close/open). */
async function open(): Promise<void> {
  rig = await startCoreRig({ area: AREA, mode: 'serve', dataDir, options: { backoffMinMs: 200, backoffMaxMs: 1000 } });
  core = rig.core;
  link = rig.link;
}
async function close(): Promise<void> {
  await rig?.dispose();
  rig = undefined;
  link = undefined;
  core = undefined;
}
function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link!.client.call(p, input) as Promise<ProcOutput<P>>;
}
const savedHosts = (): { id: string; name: string; url: string }[] => JSON.parse(readFileSync(join(dataDir, 'wakedock.json'), 'utf8')).hosts ?? [];

beforeAll(async () => {
  spec = await startPrivateEngine(AREA, { tcp: true });
  port = spec.tcpPort!;
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-addedhosts-'));
  await open();
}, 180_000);

afterAll(async () => {
  await close();
  if (spec) await disposePrivateDaemon(spec);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe('hosts.test (nothing saved)', () => {
  it('reports every step passing for the live daemon, with its engine version', async () => {
    const r = await call('hosts.test', { config: { kind: 'tcp', url: `tcp://127.0.0.1:${port}` } });
    expect(r.ok).toBe(true);
    expect(r.failedStep).toBeUndefined();
    expect(r.steps.map((s) => [s.step, s.outcome])).toEqual([['connect', 'ok'], ['tls', 'skipped'], ['engine', 'ok']]);
    expect(r.engineVersion).toMatch(/^\d+\.\d+/);
    expect(r.steps[2]!.message).toContain(r.engineVersion!);
    expect(savedHosts()).toEqual([]);
  });

  it('a dead port fails at connect, and the later steps are not reached', async () => {
    const dead = await freePort();
    const r = await call('hosts.test', { config: { kind: 'tcp', url: `tcp://127.0.0.1:${dead}` } });
    expect(r).toMatchObject({ ok: false, failedStep: 'connect' });
    expect(r.steps[0]).toMatchObject({ step: 'connect', outcome: 'failed' });
    expect(r.steps[0]!.message).toMatch(/ECONNREFUSED/);
    expect(r.steps.slice(1).map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
  });

  it('TLS against the plain-HTTP daemon fails at the TLS step; a missing CA file is named', async () => {
    const plain = await call('hosts.test', { config: { kind: 'tcp', url: `tcp://127.0.0.1:${port}`, tls: { verify: false } } });
    expect(plain).toMatchObject({ ok: false, failedStep: 'tls' });
    expect(plain.steps[0]!.outcome).toBe('ok');
    const missing = await call('hosts.test', { config: { kind: 'tcp', url: `tcp://127.0.0.1:${port}`, tls: { ca: '/nonexistent/ca.pem', verify: true } } });
    expect(missing).toMatchObject({ ok: false, failedStep: 'tls' });
    expect(missing.steps[1]!.message).toContain('tls.ca: cannot read /nonexistent/ca.pem (ENOENT)');
  });
});

describe('adding, persisting, renaming and removing a TCP host', () => {
  let hostId = '';

  it('hosts.add: listed, connected, its own containers listed, saved in wakedock.json', async () => {
    const box = await runContainer({ area: AREA, socket: spec.socket });
    const added = await call('hosts.add', { name: 'Build box', config: { kind: 'tcp', url: `tcp://127.0.0.1:${port}` } });
    hostId = added.id;
    expect(added).toMatchObject({ name: 'Build box', kind: 'tcp', endpoint: { url: `tcp://127.0.0.1:${port}` } });
    expect(added.discovered).toBeUndefined();
    await waitFor('the added host to connect', async () => (await call('hosts.list', {})).find((h) => h.id === hostId && h.state === 'connected'), { timeoutMs: 20_000 });
    const list = (await call('containers.list', { hostId })) as ContainerSummary[];
    expect(list.find((c) => c.id === box.id)).toMatchObject({ name: box.name, state: 'running' });
    expect(savedHosts()).toEqual([{ id: hostId, name: 'Build box', kind: 'tcp', url: `tcp://127.0.0.1:${port}` }]);
  });

  it('a new core on the same data dir has the host again, connected, after the discovered engine', async () => {
    await close();
    await open();
    const hosts = await call('hosts.list', {});
    expect(hosts.map((h) => h.id)).toEqual(['local', hostId]);
    await waitFor('the saved host to connect', async () => (await call('hosts.list', {})).find((h) => h.id === hostId && h.state === 'connected'), { timeoutMs: 20_000 });
    expect(((await call('containers.list', { hostId })) as ContainerSummary[]).length).toBeGreaterThan(0);
  });

  it('hosts.update renames it (list and file), the connection stays', async () => {
    const updated = await call('hosts.update', { hostId, name: 'CI engine' });
    expect(updated).toMatchObject({ id: hostId, name: 'CI engine', state: 'connected' });
    expect((await call('hosts.list', {})).find((h) => h.id === hostId)?.name).toBe('CI engine');
    expect(savedHosts()[0]).toMatchObject({ id: hostId, name: 'CI engine' });
  });

  it('the discovered engine cannot be removed (CONFLICT, saying why)', async () => {
    const r = await link!.client.callRaw('hosts.remove', { hostId: 'local' });
    if (r.ok) throw new Error('the discovered host was removed');
    expect(r.error.code).toBe('CONFLICT');
    expect(r.error.message).toContain('cannot be removed');
    expect((await call('hosts.list', {})).some((h) => h.id === 'local')).toBe(true);
  });

  it('hosts.remove: its streams end and its stats stop; gone from the list and from wakedock.json', async () => {
    const stats = core!.services.stats;
    const before = { streams: stats.openStreams };
    const box = await runContainer({ area: AREA, socket: spec.socket });
    const watch = new EventLog<ProcOutput<'containers.watch'>>();
    const live = new EventLog<ProcOutput<'stats.watch'>>();
    link!.client.subscribe('containers.watch', { hostId }, watch.handlers);
    link!.client.subscribe('stats.watch', { hostId, ids: [box.id] }, live.handlers);
    await waitFor('a stats batch from the added host', () => live.events.some((b) => b.some((s) => s.id === box.id)), { timeoutMs: 15_000 });
    expect(stats.openStreams).toBeGreaterThan(before.streams);

    await call('hosts.remove', { hostId });
    await waitFor('both streams to end', () => watch.error !== undefined && live.error !== undefined, { timeoutMs: 5_000 });
    expect(watch.error).toMatchObject({ code: 'NOT_FOUND', message: `The host "${hostId}" was removed` });
    expect(live.error).toMatchObject({ code: 'NOT_FOUND' });
    // The live stream closes and the hub forgets the host (history's background recording of it too).
    await waitFor('its stats streams to close', () => stats.openStreams === before.streams && stats.latest(hostId, box.id) === undefined, { timeoutMs: 5_000 });
    expect((await call('hosts.list', {})).map((h) => h.id)).toEqual(['local']);
    expect(savedHosts()).toEqual([]);
    const r = await link!.client.callRaw('containers.list', { hostId });
    if (r.ok) throw new Error('the removed host still answers');
    expect(r.error.code).toBe('NOT_FOUND');
    // And it stays gone after a restart.
    await close();
    await open();
    expect((await call('hosts.list', {})).map((h) => h.id)).toEqual(['local']);
  });
});
