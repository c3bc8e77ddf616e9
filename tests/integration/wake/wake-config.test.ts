// Config as code, dependencies and idle thresholds through the contract (RpcServer with output
// validation), with the core's wake-on-demand on, the real engine and the real Caddy 2.6.2:
// - wake.importYaml creates stored services that Caddy routes; a bad file is refused naming file,
//   line and field and changes nothing; wake.exportYaml gives the same services back and writes a
//   file atomically;
// - wake.watchFile applies each edit of a watched file; a bad edit keeps the last good config and
//   says why; a service dropped from the file is removed, services made elsewhere are left alone;
// - depends_on: a request for a sleeping service starts its dependency first (ready before the
//   dependant starts); the dependency is not put to sleep, by hand or when idle, while the
//   dependant is awake; a cycle is refused, named;
// - idle.memory_below_mb: a container above the threshold stays awake past idle.after with no
//   requests, and says so; below it, it sleeps.
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../../src-main/contract';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../../src-main/edge/waker-edge';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { parseWakeYaml } from '../../../src-main/core/wake/wake-yaml';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { CADDY_BIN, httpTo, waitRouted } from '../../support/caddy';
import { SHARED_SOCKET, cleanupTestContainers, createContainer, discoveryFor, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'wakecfg';
const PREFIX = `wdtest-${AREA}-`;
const TAG = Math.random().toString(36).slice(2, 8);
const host = (n: string): string => `${n}-${TAG}.cfg.localhost`;

let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;
let port: number;
const c: Record<'db' | 'web' | 'file' | 'fat', TestContainer & { port: number }> = {} as never;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}
async function callError<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData> {
  const r = await link.client.callRaw(p, input);
  if (r.ok) throw new Error(`${p} succeeded: ${JSON.stringify(r.data)}`);
  return r.error;
}
const running = async (k: keyof typeof c): Promise<boolean> => (await inspectContainer(c[k].id))?.State.Running ?? false;
const startedAt = async (k: keyof typeof c): Promise<number> => Date.parse((await inspectContainer(c[k].id))?.State.StartedAt ?? '');
const service = async (name: string) => (await call('wake.list', {})).services.find((s) => s.name === name);

const YAML = (): string => `# the shop
services:
  - name: db
    hosts: [${host('db')}]
    container: ${c.db.name}
    port: 80
    idle: {after: 2s, grace: 0s}
  - name: web
    hosts: [${host('web')}]
    container: ${c.web.name}
    port: 80
    idle: {after: 10m}
    depends_on: [db]
`;

describe.skipIf(!CADDY_BIN)('wakedock.yml, depends_on and idle thresholds (real engine, real Caddy)', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakecfg-'));
    port = await freePort();
    for (const k of ['db', 'web', 'file'] as const) {
      const p = await freePort();
      c[k] = { ...(await createContainer({ area: AREA, ports: [`127.0.0.1:${p}:80`], extra: ['--init'], cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] })), port: p };
    }
    // 40 MiB in /dev/shm (tmpfs: memory the container uses, not page cache), then the web server.
    const p = await freePort();
    c.fat = { ...(await createContainer({ area: AREA, ports: [`127.0.0.1:${p}:80`], extra: ['--init'], cmd: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=40 2>/dev/null; exec httpd -f -p 80 -h /www'] })), port: p };
    core = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET), wake: { listen: `127.0.0.1:${port}`, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300 } });
    server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
    link = connectInMemory(server);
    await core.services.wake?.ready;
  }, 120_000);

  afterAll(async () => {
    link?.close();
    await core?.dispose();
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a bad wakedock.yml naming file, line and field, and changes nothing', async () => {
    const bad = YAML().replace('after: 10m', 'after: 10 minutes');
    const e = await callError('wake.importYaml', { text: bad });
    expect(e).toMatchObject({ code: 'VALIDATION', field: 'services.1.idle.after' });
    expect(e.message).toMatch(/^wakedock\.yml:12: services\.1\.idle\.after: is not a duration/);
    const cycle = YAML().replace('idle: {after: 2s, grace: 0s}', 'idle: {after: 2s, grace: 0s}\n    depends_on: [web]');
    expect((await callError('wake.importYaml', { text: cycle })).message).toContain('depends_on makes a cycle: db → web → db');
    expect((await callError('wake.importYaml', { text: YAML().replace('depends_on: [db]', 'depends_on: [nosuch]') })).message).toContain('services.1.depends_on.0: no service named nosuch');
    expect((await call('wake.list', {})).services).toEqual([]);
  });

  it('imports services that Caddy routes, and exports them back (atomically to a file)', async () => {
    const r = await call('wake.importYaml', { text: YAML() });
    expect(r).toEqual({ created: ['db', 'web'], updated: [], unchanged: [], removed: [] });
    const list = await call('wake.list', {});
    expect(list.services.map((s) => [s.name, s.source, s.state, s.upstream])).toEqual([
      ['db', 'stored', 'sleeping', `127.0.0.1:${c.db.port}`],
      ['web', 'stored', 'sleeping', `127.0.0.1:${c.web.port}`],
    ]);
    const stored = JSON.parse(readFileSync(join(dataDir, 'wakedock.json'), 'utf8')) as { wakeServices: { name: string; depends_on?: string[] }[] };
    expect(stored.wakeServices.map((s) => [s.name, s.depends_on])).toEqual([['db', undefined], ['web', ['db']]]);
    await waitRouted(core.services.wake!, ['db', 'web']);
    // The same text again changes nothing (Caddy is not reloaded for it).
    expect(await call('wake.importYaml', { text: YAML() })).toEqual({ created: [], updated: [], unchanged: ['db', 'web'], removed: [] });

    const { text } = await call('wake.exportYaml', {});
    const back = parseWakeYaml(text);
    expect(back.ok && back.services.map((s) => s.name)).toEqual(['db', 'web']);
    expect(back.ok && back.services[1]).toMatchObject({ depends_on: ['db'], idle: { after: '10m' } });
    const dir = mkdtempSync(join(tmpdir(), 'wd-wakecfg-export-'));
    try {
      const path = join(dir, 'wakedock.yml');
      writeFileSync(path, 'old contents\n');
      expect((await call('wake.exportYaml', { path })).text).toBe(text);
      expect(readFileSync(path, 'utf8')).toBe(text);
      expect(readdirSync(dir)).toEqual(['wakedock.yml']);
      expect(await callError('wake.exportYaml', { path: join(dir, 'no', 'such', 'x.yml') })).toMatchObject({ code: 'NOT_FOUND' });
      expect(await callError('wake.exportYaml', { path: 'relative.yml' })).toMatchObject({ code: 'VALIDATION', field: 'path' });
      // Importing by path names the file in errors.
      writeFileSync(join(dir, 'bad.yml'), 'services:\n  - name: x\n    hosts: [x.localhost]\n    port: 80\n');
      expect((await callError('wake.importYaml', { path: join(dir, 'bad.yml') })).message).toBe('bad.yml:2: services.0.container: give exactly one target: container, containers or compose');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('depends_on: a request wakes the dependency first; it stays awake while the dependant is awake', async () => {
    expect(await running('db')).toBe(false);
    expect(await running('web')).toBe(false);
    // A plain GET is held by the waker until web is ready, then answered by web itself.
    const r = await httpTo(port, host('web'), '/', { timeoutMs: 60_000 });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<h1>wakedock test</h1>');
    expect(await running('db')).toBe(true);
    expect(await startedAt('db')).toBeLessThan(await startedAt('web'));
    expect((await service('db'))?.wakes).toBe(1);
    expect(await service('db')).toMatchObject({ state: 'awake', neededBy: ['web'] });

    expect(await callError('wake.sleepNow', { name: 'db' })).toMatchObject({ code: 'CONFLICT', message: 'db is needed by web, which is awake; put it to sleep first' });
    // db's idle time (2 s) passes several times over: web still needs it.
    const t0 = Date.now();
    await waitFor('6 s', () => Date.now() - t0 > 6000, { timeoutMs: 10_000 });
    expect(await running('db')).toBe(true);
    expect((await service('db'))?.state).toBe('awake');

    await call('wake.sleepNow', { name: 'web' });
    expect(await running('web')).toBe(false);
    // Nothing needs db now: it sleeps after its own idle time.
    await waitFor('db asleep', async () => !(await running('db')) && (await service('db'))?.state === 'sleeping', { timeoutMs: 20_000 });
    expect((await service('db'))?.neededBy).toBeUndefined();

    // Through the editor too: a cycle is refused, naming it and the field.
    const web = (await service('web'))!.definition;
    const dbDef = (await service('db'))!.definition;
    const e = await callError('wake.update', { name: 'db', service: { ...dbDef, depends_on: ['web'] } });
    expect(e).toMatchObject({ code: 'VALIDATION', field: 'depends_on' });
    expect(e.message).toContain('db → web → db');
    expect(web.depends_on).toEqual(['db']);
  }, 90_000);

  it('watches a wakedock.yml: each edit applies, a bad edit keeps the last good config and says where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wd-wakecfg-watch-'));
    const path = join(dir, 'wakedock.yml');
    const v = (after: string): string => `services:\n  - name: filesvc\n    hosts: [${host('file')}]\n    container: ${c.file.name}\n    port: 80\n    idle:\n      after: ${after}\n`;
    // Writers replace the file (temp + rename), as editors and `wake.exportYaml` do.
    const write = (text: string): void => {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    };
    try {
      write(v('10m'));
      const st = await call('wake.watchFile', { path });
      expect(st).toMatchObject({ path, services: ['filesvc'] });
      expect(st?.appliedAt).toBeGreaterThan(0);
      expect((await service('filesvc'))?.definition.idle.after).toBe('10m');

      write(v('20m'));
      await waitFor('the edit applied', async () => (await service('filesvc'))?.definition.idle.after === '20m', { timeoutMs: 10_000 });

      write(v('20 minutes'));
      const bad = await waitFor('the error shown', async () => (await call('wake.list', {})).file?.error ?? null, { timeoutMs: 10_000 });
      expect(bad).toEqual({ file: 'wakedock.yml', line: 7, field: 'services.0.idle.after', message: expect.stringContaining('is not a duration') as unknown as string });
      expect((await service('filesvc'))?.definition.idle.after).toBe('20m');

      // Fixed, and then the service dropped from the file: removed; the imported ones stay.
      write(v('5m'));
      await waitFor('fixed', async () => {
        const l = await call('wake.list', {});
        return l.file?.error === undefined && l.services.find((s) => s.name === 'filesvc')?.definition.idle.after === '5m';
      }, { timeoutMs: 10_000 });
      write('services: []\n');
      await waitFor('removed', async () => (await service('filesvc')) === undefined, { timeoutMs: 10_000 });
      expect((await call('wake.list', {})).services.map((s) => s.name)).toEqual(['db', 'web']);

      expect(await call('wake.watchFile', { path: null })).toBeNull();
      expect((await call('wake.list', {})).file).toBeUndefined();
      write(v('1m'));
      await new Promise((r) => setTimeout(r, 1000));
      expect(await service('filesvc')).toBeUndefined();
      expect(await callError('wake.watchFile', { path: join(dir, 'nope', 'x.yml') })).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await call('wake.watchFile', { path: null });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('idle.memory_below_mb: a service above the threshold stays awake without requests, and says why', async () => {
    await call('wake.create', { name: 'fat', hosts: [host('fat')], container: c.fat.name, port: 80, idle: { after: '1s', grace: '0s', memory_below_mb: 20, window: '3s' } });
    await call('wake.wakeNow', { name: 'fat' });
    const busy = await waitFor('busy', async () => (await service('fat'))?.busy ?? null, { timeoutMs: 20_000 });
    expect(busy).toMatch(/^memory \d+ MiB > 20 MiB$/);
    expect(Number(/memory (\d+)/.exec(busy)?.[1])).toBeGreaterThanOrEqual(38);
    const t0 = Date.now();
    await waitFor('5 s', () => Date.now() - t0 > 5000, { timeoutMs: 10_000 });
    expect(await running('fat')).toBe(true);
    expect((await service('fat'))?.state).toBe('awake');
    // Raise the threshold above what it uses: it goes to sleep.
    const def = (await service('fat'))!.definition;
    await call('wake.update', { name: 'fat', service: { ...def, idle: { ...def.idle, memory_below_mb: 500 } } });
    await waitFor('asleep', async () => !(await running('fat')), { timeoutMs: 20_000 });
    expect((await service('fat'))?.busy).toBeUndefined();
  }, 60_000);
});
