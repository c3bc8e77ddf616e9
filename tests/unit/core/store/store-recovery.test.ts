// Settings are never silently lost (issue 9 §4), on real files in a temp dir: an invalid value keeps
// every other one, unknown keys survive a save, a failed migration write is not corruption, the alert
// history is trimmed on load, files are owner-only, a second process is refused the data dir, and
// secrets are sealed at rest by the injected SecretBox.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsSchema, type Settings } from '../../../../src-main/contract';
import { DataDirLockedError, LOCK_FILE, processStart } from '../../../../src-main/core/store/data-dir-lock';
import { JsonStore, STORE_FILE, alertsStoreOf } from '../../../../src-main/core/store/json-store';
import { ALERT_HISTORY_LIMIT } from '../../../../src-main/core/store/sections';
import { keyFileBox, type SecretBox } from '../../../../src-main/core/store/secret-box';
import type { Logger } from '../../../../src-main/rpc/dispatcher';

const DEFAULTS = SettingsSchema.parse({});
const logger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
let dir: string;
const opened: JsonStore[] = [];
const open = async (o: Parameters<typeof JsonStore.open>[2] = {}): Promise<JsonStore> => {
  const s = await JsonStore.open(dir, logger, o);
  opened.push(s);
  return s;
};
const storePath = (): string => join(dir, STORE_FILE);
const readJson = async (): Promise<Record<string, unknown>> => JSON.parse(await readFile(storePath(), 'utf8')) as Record<string, unknown>;
const upd = (s: JsonStore, patch: Partial<Settings>): Promise<Settings> => s.update('settings', (c) => ({ ...c, ...patch }));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wakedock-recovery-'));
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

describe('one invalid value does not discard the settings', () => {
  const file = {
    schemaVersion: 2,
    settings: { theme: 'neon', engineOverride: 'unix:///run/user/1000/docker.sock', logTail: 5000, futureSetting: { a: 1 } },
    hosts: [],
    alerts: { rules: [], channels: [], history: [] },
    futureSection: { keep: ['me'] },
  };

  it('keeps every valid value, reports the invalid one, and a save keeps what it did not understand', async () => {
    await writeFile(storePath(), JSON.stringify(file));
    const store = await open();
    expect(store.get('settings')).toEqual({ ...DEFAULTS, engineOverride: 'unix:///run/user/1000/docker.sock', logTail: 5000 });
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]!.message).toMatch(/"theme".*"neon"/);

    await upd(store, { confirmDestructive: false });
    const saved = await readJson();
    expect(saved.settings).toEqual({ ...file.settings, confirmDestructive: false });
    expect(saved.futureSection).toEqual({ keep: ['me'] });

    // Setting the field replaces the value that was not understood.
    await upd(store, { theme: 'dark' });
    expect(((await readJson()).settings as Settings).theme).toBe('dark');
  });

  it('change events: listeners get the new and previous value once the write is on disk, not on a failed write', async () => {
    let failing = false;
    const store = await open({
      writeFile: async (p, d) => {
        if (failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        await writeFile(p, d);
      },
    });
    const seen: [string, string, string][] = [];
    const off = store.onChange('settings', (next, prev) => seen.push([prev.theme, next.theme, (JSON.parse(readFileSync(storePath(), 'utf8')) as { settings: Settings }).settings.theme]));
    await upd(store, { theme: 'dark' });
    failing = true;
    await expect(upd(store, { theme: 'light' })).rejects.toMatchObject({ code: 'STORE_ERROR', retryable: true });
    expect(store.get('settings').theme).toBe('dark');
    off();
    failing = false;
    await upd(store, { theme: 'light' });
    expect(seen).toEqual([['system', 'dark', 'dark']]);
  });
});

describe('a failed migration write is not corruption', () => {
  it('keeps the older file byte for byte, uses its settings, refuses changes with a notice, and retries', async () => {
    const v1 = JSON.stringify({ schemaVersion: 1, settings: { theme: 'dark', engineOverride: 'tcp://10.0.0.2:2375' }, hosts: [] });
    await writeFile(storePath(), v1);
    let diskFull = true;
    const store = await open({
      retryMs: 50,
      writeFile: async (p, d) => {
        if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        await writeFile(p, d);
      },
    });
    expect(await readFile(storePath(), 'utf8')).toBe(v1);
    expect((await readdir(dir)).filter((f) => f.includes('corrupt'))).toEqual([]);
    expect(store.get('settings')).toMatchObject({ theme: 'dark', engineOverride: 'tcp://10.0.0.2:2375' });
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatchObject({ level: 'error' });
    expect(store.notices[0]!.message).toMatch(/ENOSPC.*file is kept/);
    await expect(upd(store, { theme: 'light' })).rejects.toMatchObject({ code: 'STORE_ERROR', retryable: true });
    expect(await readFile(storePath(), 'utf8')).toBe(v1);

    diskFull = false; // space freed: the retry writes the migrated file and the notice goes
    await expect.poll(async () => (await readJson()).schemaVersion, { timeout: 2000 }).toBe(2);
    expect((await readJson()).settings).toEqual({ theme: 'dark', engineOverride: 'tcp://10.0.0.2:2375' });
    expect(store.notices).toEqual([]);
    await upd(store, { theme: 'light' });
    expect(((await readJson()).settings as Settings).theme).toBe('light');
  });
});

describe('alert history', () => {
  it('is trimmed to its documented size on load (newest kept) and the file is rewritten once', async () => {
    const history = Array.from({ length: ALERT_HISTORY_LIMIT + 500 }, (_, i) => ({ id: `a${i}` }));
    await writeFile(storePath(), JSON.stringify({ schemaVersion: 2, settings: {}, hosts: [], alerts: { rules: [], channels: [], history } }));
    const store = await open();
    expect(store.get('alerts').history).toHaveLength(ALERT_HISTORY_LIMIT);
    expect(store.get('alerts').history[0]).toEqual({ id: 'a0' });
    expect(((await readJson()).alerts as { history: unknown[] }).history).toHaveLength(ALERT_HISTORY_LIMIT);
  });
});

describe.skipIf(process.platform === 'win32')('owner-only files', () => {
  it('creates the data dir 0700 and the store 0600, and tightens an existing 0644 file', async () => {
    const fresh = join(dir, 'new');
    const s = await JsonStore.open(fresh, logger);
    opened.push(s);
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
    expect((await stat(join(fresh, STORE_FILE))).mode & 0o777).toBe(0o600);
    await upd(s, { theme: 'dark' }); // a rewrite (temp file + rename) stays 0600
    expect((await stat(join(fresh, STORE_FILE))).mode & 0o777).toBe(0o600);

    await writeFile(storePath(), JSON.stringify({ schemaVersion: 2, settings: {}, hosts: [], alerts: { rules: [], channels: [], history: [] } }));
    await chmod(storePath(), 0o644);
    await chmod(dir, 0o755);
    await open();
    expect((await stat(storePath())).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });
});

describe('one process per data dir', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = null;
  });

  it('a second process is refused and told which process holds the dir; after it exits the dir is free', async () => {
    const script = join(dir, 'holder.mts');
    const lockModule = resolve('src-main/core/store/data-dir-lock.ts');
    await writeFile(script, `import { lockDataDir } from ${JSON.stringify(lockModule)};\nawait lockDataDir(${JSON.stringify(dir)}, 'serve');\nprocess.stdout.write('locked\\n');\nsetInterval(() => {}, 1000);\n`);
    child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const proc = child;
    await new Promise<void>((ok, fail) => {
      proc.stdout!.on('data', (b: Buffer) => b.toString().includes('locked') && ok());
      proc.on('exit', (code) => fail(new Error(`holder exited ${code}`)));
    });

    const err = await JsonStore.open(dir, logger).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toContain(`pid ${proc.pid}`);
    expect((err as Error).message).toMatch(/serve/);
    // Nothing was written by the refused process.
    expect((await readdir(dir)).sort()).toEqual([LOCK_FILE, 'holder.mts'].sort());

    // kill -9 leaves its lock file behind: a stale lock is taken over.
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    const store = await open();
    expect(store.notices).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await store.close();
    expect(await readdir(dir)).not.toContain(LOCK_FILE);
  });

  it.skipIf(process.platform !== 'linux')('a lock whose pid now belongs to another process (pid reuse) is stale', async () => {
    // Our own parent's pid is alive but started at another time than the lock says.
    const pid = process.ppid;
    expect(processStart(pid)).not.toBeNull();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, start: '1', host: (await import('node:os')).hostname(), mode: 'serve', since: '2020-01-01T00:00:00Z' }));
    const store = await open();
    expect(store.get('settings')).toEqual(DEFAULTS);
  });
});

describe('secrets at rest', () => {
  // A reversible stand-in for the OS key store (safeStorage is tested through its own shell).
  const keystore: SecretBox = {
    kind: 'os-keystore',
    description: 'test key store',
    seal: (plain) => ({ $sealed: 'test', data: Buffer.from(plain).toString('base64') }),
    open: (s) => {
      if (s.$sealed !== 'test') throw new Error('wrong key store');
      return Buffer.from(s.data, 'base64').toString();
    },
  };
  const hook = 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX';

  it('webhook URLs are sealed in the file, read back, and kept (unused) where they cannot be opened', async () => {
    const store = await open({ secrets: keystore });
    await alertsStoreOf(store).saveAlerts({ rules: [], channels: [{ id: 'c1', name: 'slack', kind: 'slack', url: hook }], history: [] });
    const text = await readFile(storePath(), 'utf8');
    expect(text).not.toContain('XXXXSECRETXXXX');
    await store.close();

    const again = await open({ secrets: keystore });
    expect(again.get('alerts').channels[0]).toMatchObject({ id: 'c1', url: hook });
    await again.close();

    // The same file opened by serve (no key store): the channel is not used but never lost.
    const serve = await open({ secrets: keyFileBox(dirname(storePath())) });
    expect(serve.get('alerts').channels).toEqual([]);
    expect(serve.notices[0]!.message).toMatch(/slack.*cannot be read here/);
    await alertsStoreOf(serve).saveAlerts({ rules: [], channels: [{ id: 'c2', name: 'json', kind: 'json', url: 'http://127.0.0.1:9/x' }], history: [] });
    const saved = (await readJson()).alerts as { channels: Record<string, unknown>[] };
    expect(saved.channels.map((c) => c.id)).toEqual(['c2', 'c1']);
    expect(saved.channels[1]!.url).toEqual({ $sealed: 'test', data: Buffer.from(hook).toString('base64') });
  });
});

describe('secrets at rest without a key store (serve)', () => {
  it('the store file never holds a webhook in clear; a restart reads it back with the key file', async () => {
    const hook = 'https://hooks.slack.com/services/T000/B000/SERVESECRET';
    const store = await open();
    await alertsStoreOf(store).saveAlerts({ rules: [], channels: [{ id: 'c1', name: 'slack', kind: 'slack', url: hook }], history: [] });
    expect(await readFile(storePath(), 'utf8')).not.toContain('SERVESECRET');
    await store.close();
    const again = await open();
    expect(again.get('alerts').channels[0]).toMatchObject({ id: 'c1', url: hook });
  });
});

describe('wake counters', () => {
  it('are absent from the file until counted; a bad entry is kept in the file but not used', async () => {
    const s = await open();
    await upd(s, { theme: 'dark' });
    expect('wakeCounters' in (await readJson())).toBe(false);
    await s.update('wakeCounters', () => [{ name: 'web', wakes: 2, coldStarts: [1200, 900], asleepMs: 5000, asleepSince: 1_700_000_000_000, memoryBytes: 4096 }]);
    await s.close();
    opened.splice(0);
    const raw = await readJson();
    await writeFile(storePath(), JSON.stringify({ ...raw, wakeCounters: [...(raw.wakeCounters as unknown[]), { name: 'bad', wakes: -1 }] }));
    const again = await open();
    expect(again.get('wakeCounters')).toEqual([{ name: 'web', wakes: 2, coldStarts: [1200, 900], asleepMs: 5000, asleepSince: 1_700_000_000_000, memoryBytes: 4096 }]);
    await again.update('wakeCounters', (c) => c.map((x) => ({ ...x, wakes: 3 })));
    expect((await readJson()).wakeCounters).toEqual([expect.objectContaining({ name: 'web', wakes: 3 }), { name: 'bad', wakes: -1 }]);
  });
});
