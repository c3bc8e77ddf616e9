// The local store on a real filesystem (a temp dir per test): creation, migration, corrupt files,
// files from a newer WakeDock, persistence and atomic writes.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RpcError, SettingsSchema } from '../../../../src-main/contract';
import { JsonStore, STORE_FILE, alertsStoreOf } from '../../../../src-main/core/store/json-store';
import type { Settings } from '../../../../src-main/contract';
import type { Logger } from '../../../../src-main/rpc/dispatcher';
import { LOCK_FILE } from '../../../../src-main/core/store/data-dir-lock';

const NO_ALERTS = { rules: [], channels: [], history: [] };
// Every setting's default, whatever settings other features add.
const DEFAULTS = SettingsSchema.parse({});
const FIXED_NOW = new Date('2025-03-04T05:06:07.089Z');
const now = (): Date => FIXED_NOW;

let dir: string;
let logs: { level: string; msg: string }[];
const logger: Logger = {
  info: (msg) => logs.push({ level: 'info', msg }),
  warn: (msg) => logs.push({ level: 'warn', msg }),
  error: (msg) => logs.push({ level: 'error', msg }),
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wakedock-store-'));
  logs = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const storePath = (): string => join(dir, STORE_FILE);
const readJson = async (): Promise<unknown> => JSON.parse(await readFile(storePath(), 'utf8'));
/** The data dir's files, without the data-dir lock (held while a store is open). */
const files = async (d = dir): Promise<string[]> => (await readdir(d)).filter((f) => f !== LOCK_FILE).sort();

const upd = (store: JsonStore, patch: Partial<Settings>): Promise<Settings> => store.update('settings', (s) => ({ ...s, ...patch }));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('JsonStore.open', () => {
  it('creates the file with schemaVersion 2 in a fresh (even missing, nested) dir', async () => {
    const nested = join(dir, 'a', 'b');
    const store = await JsonStore.open(nested, logger);
    expect(store.path).toBe(join(nested, STORE_FILE));
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({ schemaVersion: 2, settings: {}, hosts: [], alerts: NO_ALERTS });
    expect(store.get('settings')).toEqual(DEFAULTS);
    expect(store.notices).toEqual([]);
  });

  it.each([[''], ['   \n']])('treats an empty file (%j) as fresh without a notice', async (content) => {
    await writeFile(storePath(), content);
    const store = await JsonStore.open(dir, logger);
    expect(await readJson()).toEqual({ schemaVersion: 2, settings: {}, hosts: [], alerts: NO_ALERTS });
    expect(store.notices).toEqual([]);
  });

  it('migrates a v0 file (no schemaVersion) and keeps its settings and hosts', async () => {
    const v0 = {
      settings: { theme: 'dark', engineOverride: 'unix:///run/user/1000/docker.sock', confirmDestructive: false },
      hosts: [{ id: 'nas', name: 'NAS', kind: 'ssh', url: 'ssh://me@nas' }],
    };
    await writeFile(storePath(), JSON.stringify(v0));
    const store = await JsonStore.open(dir, logger);
    expect(store.get('settings')).toEqual({ ...DEFAULTS, ...v0.settings });
    expect(store.notices).toEqual([]);
    expect(await readJson()).toEqual({ schemaVersion: 2, ...v0, alerts: NO_ALERTS });
    expect(logs.some((l) => l.level === 'info' && /migrated/.test(l.msg))).toBe(true);
    // Re-opening the migrated file is a no-op.
    const again = await JsonStore.open(dir, logger);
    expect(again.get('settings')).toEqual({ ...DEFAULTS, ...v0.settings });
  });

  it('migrates a v0 file that has only some of the fields', async () => {
    await writeFile(storePath(), JSON.stringify({ settings: { theme: 'light' } }));
    const store = await JsonStore.open(dir, logger);
    expect(store.get('settings')).toEqual({ ...DEFAULTS, theme: 'light' });
    expect(await readJson()).toEqual({ schemaVersion: 2, settings: { theme: 'light' }, hosts: [], alerts: NO_ALERTS });
  });

  it('migrates a v1 file to v2 on open: settings and hosts kept, an empty alerts section added', async () => {
    const v1 = { schemaVersion: 1, settings: { theme: 'dark', confirmDestructive: false }, hosts: [{ id: 'nas', name: 'NAS', kind: 'ssh', url: 'ssh://me@nas' }] };
    await writeFile(storePath(), JSON.stringify(v1));
    const store = await JsonStore.open(dir, logger);
    expect(store.notices).toEqual([]);
    expect(store.get('settings')).toEqual({ ...DEFAULTS, theme: 'dark', confirmDestructive: false });
    expect(store.get('alerts')).toEqual(NO_ALERTS);
    expect(await readJson()).toEqual({ ...v1, schemaVersion: 2, alerts: NO_ALERTS });
    expect(logs.some((l) => l.level === 'info' && /migrated .* from schema 1 to 2/.test(l.msg))).toBe(true);
  });

  it.each([
    ['settings of the wrong type', { schemaVersion: 1, settings: 5, hosts: [] }, 'settings'],
    ['hosts of the wrong type', { schemaVersion: 1, settings: { theme: 'dark' }, hosts: 'nas' }, 'hosts'],
    ['a host of the wrong shape', { schemaVersion: 1, settings: { theme: 'dark' }, hosts: [{ id: 1 }] }, 'hosts'],
    ['alert rules of the wrong type', { schemaVersion: 2, settings: { theme: 'dark' }, hosts: [], alerts: { rules: 'x', channels: [], history: [] } }, 'alerts'],
  ])('a section that is not understood (%s) is reported, kept in the file, and the rest is read', async (_label, content, section) => {
    await writeFile(storePath(), JSON.stringify(content));
    const store = await JsonStore.open(dir, logger, { now });
    expect(await files()).toEqual([STORE_FILE]); // nothing moved aside
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]!.level).toBe('warning');
    if (section !== 'settings') expect(store.get('settings').theme).toBe('dark');
    // Saving another section keeps the part that was not understood, byte for byte.
    await upd(store, { confirmDestructive: false });
    const saved = (await readJson()) as Record<string, unknown>;
    if (section === 'alerts') expect((saved.alerts as { rules: unknown }).rules).toBe('x');
    if (section === 'hosts') expect(saved.hosts).toEqual((content as { hosts: unknown }).hosts);
    if (section === 'settings') expect(saved.settings).toEqual({ confirmDestructive: false });
  });

  it('reads a current (v2) file without rewriting it', async () => {
    const bytes = JSON.stringify({ schemaVersion: 2, settings: { theme: 'dark' }, hosts: [], alerts: NO_ALERTS }, null, 4);
    await writeFile(storePath(), bytes);
    const store = await JsonStore.open(dir, logger);
    expect(store.get('settings').theme).toBe('dark');
    expect(await readFile(storePath(), 'utf8')).toBe(bytes);
  });

  it.each([
    ['invalid JSON', '{"schemaVersion": 1, "settings": {'],
    ['a JSON array', '[1, 2, 3]'],
    ['JSON null', 'null'],
    ['a JSON string', '"hello"'],
    ['a non-numeric schemaVersion', JSON.stringify({ schemaVersion: 'one', settings: {}, hosts: [] })],
    ['a negative schemaVersion', JSON.stringify({ schemaVersion: -1, settings: {}, hosts: [] })],
  ])('moves a corrupt file (%s) aside, byte for byte, starts with defaults and tells the user', async (_label, bytes) => {
    await writeFile(storePath(), bytes);
    const store = await JsonStore.open(dir, logger, { now });

    const aside = `${STORE_FILE}.corrupt-2025-03-04T05-06-07-089Z`;
    expect(await files()).toEqual([STORE_FILE, aside].sort());
    expect(await readFile(join(dir, aside), 'utf8')).toBe(bytes);

    expect(store.get('settings')).toEqual(DEFAULTS);
    expect(await readJson()).toEqual({ schemaVersion: 2, settings: {}, hosts: [], alerts: NO_ALERTS });
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]!.level).toBe('warning');
    expect(store.notices[0]!.message).toContain(join(dir, aside));
    expect(store.notices[0]!.message).toMatch(/default settings/);

    // The store works normally afterwards.
    await upd(store, { theme: 'light' });
    expect((await JsonStore.open(dir, logger)).get('settings').theme).toBe('light');
  });

  it('a file from a newer WakeDock (schemaVersion 99) is left byte-for-byte untouched and updates fail with STORE_ERROR', async () => {
    const bytes = JSON.stringify({ schemaVersion: 99, settings: { theme: 'dark' }, hosts: [], futureThing: { x: 1 } }, null, 2) + '\n';
    await writeFile(storePath(), bytes);
    const store = await JsonStore.open(dir, logger);

    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]!.level).toBe('warning');
    expect(store.notices[0]!.message).toMatch(/newer WakeDock.*99/);
    expect(store.get('settings')).toEqual(DEFAULTS);

    const err = await rejection(upd(store, { theme: 'light' }));
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('STORE_ERROR');

    expect(await readFile(storePath(), 'utf8')).toBe(bytes);
    expect(await files()).toEqual([STORE_FILE]);
  });

  it('a store path that cannot be read (a directory) gives an error notice and refuses to save', async () => {
    await mkdir(storePath());
    const store = await JsonStore.open(dir, logger);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]!.level).toBe('error');
    expect(store.get('settings')).toEqual(DEFAULTS);
    const err = await rejection(upd(store, { theme: 'dark' }));
    expect((err as RpcError).code).toBe('STORE_ERROR');
    expect(await readdir(storePath())).toEqual([]);
  });
});

describe('JsonStore.saveAlerts', () => {
  it('persists the alerts section next to the settings', async () => {
    const store = await JsonStore.open(dir, logger);
    await upd(store, { theme: 'dark' });
    const alerts = { rules: [{ id: 'r1', name: 'CPU' }], channels: [{ id: 'c1' }], history: [{ id: 'a1' }] };
    await alertsStoreOf(store).saveAlerts(alerts);
    const reopened = await JsonStore.open(dir, logger);
    expect(reopened.get('alerts')).toEqual(alerts);
    expect(reopened.get('settings').theme).toBe('dark');
  });

  it('a failed write is a retryable STORE_ERROR and the in-memory alerts are rolled back', async () => {
    const store = await JsonStore.open(dir, logger);
    await rm(dir, { recursive: true, force: true });
    const err = await rejection(alertsStoreOf(store).saveAlerts({ rules: [{ id: 'r1' }], channels: [], history: [] }));
    expect((err as RpcError).code).toBe('STORE_ERROR');
    expect((err as RpcError).retryable).toBe(true);
    expect(store.get('alerts')).toEqual(NO_ALERTS);
  });
});

describe('JsonStore.updateSettings', () => {
  it('persists: a re-opened store reads the new settings back', async () => {
    const store = await JsonStore.open(dir, logger);
    const next = await upd(store, { theme: 'dark', engineOverride: 'tcp://127.0.0.1:2375' });
    expect(next).toEqual({ ...DEFAULTS, engineOverride: 'tcp://127.0.0.1:2375', confirmDestructive: true, theme: 'dark' });
    expect(store.get('settings')).toEqual(next);

    const reopened = await JsonStore.open(dir, logger);
    expect(reopened.get('settings')).toEqual(next);
    // Only what the user set is written: defaults stay defaults (a later version may improve them).
    expect(await readJson()).toMatchObject({ schemaVersion: 2, settings: { theme: 'dark', engineOverride: 'tcp://127.0.0.1:2375' } });
  });

  it('merges a partial patch with the current settings', async () => {
    const store = await JsonStore.open(dir, logger);
    await upd(store, { theme: 'dark' });
    await upd(store, { confirmDestructive: false });
    expect((await JsonStore.open(dir, logger)).get('settings')).toEqual({ ...DEFAULTS, theme: 'dark', confirmDestructive: false });
  });

  it('refuses an invalid value and leaves the file and the settings unchanged', async () => {
    const store = await JsonStore.open(dir, logger);
    await upd(store, { theme: 'dark' });
    const before = await readFile(storePath(), 'utf8');
    await expect(upd(store, { theme: 'purple' as never })).rejects.toThrow();
    expect(store.get('settings').theme).toBe('dark');
    expect(await readFile(storePath(), 'utf8')).toBe(before);
  });

  it('a failed write is a retryable STORE_ERROR and the in-memory settings are rolled back', async () => {
    const store = await JsonStore.open(dir, logger);
    await rm(dir, { recursive: true, force: true }); // the data dir vanished under us
    const err = await rejection(upd(store, { theme: 'dark' }));
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('STORE_ERROR');
    expect((err as RpcError).retryable).toBe(true);
    expect(store.get('settings')).toEqual(DEFAULTS);
  });

  it('writes atomically: many concurrent updates leave a parseable file, no temp file, and the last state', async () => {
    const store = await JsonStore.open(dir, logger);
    const themes = ['dark', 'light', 'system'] as const;
    let readerRuns = 0;
    let writing = true;
    // A reader that keeps reading the file while the writes happen: it must never see a partial file.
    const reader = (async () => {
      while (writing) {
        const text = await readFile(storePath(), 'utf8');
        expect(() => JSON.parse(text), `partial file seen: ${text}`).not.toThrow();
        readerRuns++;
      }
    })();
    const updates: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      updates.push(upd(store, { theme: themes[i % 3], engineOverride: `unix:///tmp/s${i}.sock` }));
      if (i === 100) updates.push(upd(store, { confirmDestructive: false }));
    }
    await Promise.all(updates);
    writing = false;
    await reader;

    expect(readerRuns).toBeGreaterThan(0);
    const want = { ...DEFAULTS, engineOverride: 'unix:///tmp/s199.sock', confirmDestructive: false, theme: themes[199 % 3] };
    expect(store.get('settings')).toEqual(want);
    expect(await readJson()).toEqual({ schemaVersion: 2, settings: { engineOverride: want.engineOverride, confirmDestructive: false, theme: want.theme }, hosts: [], alerts: NO_ALERTS });
    expect(await files()).toEqual([STORE_FILE]); // no leftover temp file
    expect((await JsonStore.open(dir, logger)).get('settings')).toEqual(want);
  }, 30_000); // 200 fsync'd writes one after another: disk-bound on a busy machine
});
