// Wake on demand when parts fail (real engine, real Caddy 2.6.2, the core in its own process so it can
// be killed): Caddy SIGKILLed comes back with its config and a sleeping service still wakes through
// it; the core SIGKILLed in the middle of a wake (the container is starting) leaves Caddy answering a
// clear "WakeDock is not running" page instead of a bare 502; the core started again stops the Caddy
// left behind, finds the service awake or sleeping (never stuck "waking"), keeps its counters, and the
// next request gets the app.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WakeProxyStatus, WakeServiceView } from '../../../src-main/contract/wake-service';
import { CADDY_BIN, httpTo } from '../../support/caddy';
import { REPO_ROOT, cleanupTestContainers, createContainer, docker, ensureTestImage, freePort, inspectContainer, waitFor, type TestContainer } from '../../support/docker-fixtures';

const AREA = 'wakeres';
const PREFIX = `wdtest-${AREA}-`;
const HOST = `${Math.random().toString(36).slice(2, 8)}.res.localhost`;
const HTML = { Accept: 'text/html' };

interface Report {
  caddyPid: number | null;
  proxy: WakeProxyStatus;
  routed: string[];
  views: WakeServiceView[];
}

class CoreProcess {
  last: Report | null = null;
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      try {
        this.last = JSON.parse(l) as Report;
      } catch {
        /* not ours */
      }
    });
    child.stderr?.resume();
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  }
  view(): WakeServiceView | undefined {
    return this.last?.views.find((v) => v.name === 'res');
  }
}

let dataDir: string;
let port: number;
let appPort: number;
let app: TestContainer;
let core: CoreProcess | null = null;
const caddyPids = new Set<number>();

function startCore(): CoreProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/support/wake-core-child.ts')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WD_DATA_DIR: dataDir,
      WD_WAKE_LISTEN: `127.0.0.1:${port}`,
      WD_SERVICE: JSON.stringify({ name: 'res', hosts: [HOST], container: app.name, port: 80, idle: { after: '2s', grace: '1s' }, ready: { timeout: '40s' } }),
    },
  });
  return new CoreProcess(child);
}

async function coreUp(c: CoreProcess): Promise<void> {
  await waitFor('the core routes the service', () => c.last?.proxy.caddy === 'running' && c.last.routed.includes('res') && c.last.caddyPid, { timeoutMs: 60_000 });
  caddyPids.add(c.last!.caddyPid!);
}

const running = async (): Promise<boolean> => (await inspectContainer(app.id))?.State.Running ?? false;
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A browser's view: the loading page while it wakes, then the app. */
async function untilApp(timeoutMs = 40_000): Promise<string> {
  return waitFor('the app through Caddy', async () => {
    const r = await httpTo(port, HOST, '/', { headers: HTML, timeoutMs: 5_000 }).catch(() => null);
    return r?.status === 200 ? r.body : null;
  }, { timeoutMs, intervalMs: 300 });
}

describe.skipIf(!CADDY_BIN)('wake on demand when Caddy or the core is killed', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await cleanupTestContainers({ namePrefix: PREFIX });
    dataDir = mkdtempSync(join(tmpdir(), 'wd-wakeres-'));
    port = await freePort();
    appPort = await freePort();
    // The app listens 8 s after its container starts: a wake has a window in which the core can die.
    app = await createContainer({ area: AREA, ports: [`127.0.0.1:${appPort}:80`], extra: ['--init'], cmd: ['sh', '-c', 'sleep 8; exec httpd -f -p 80 -h /www'] });
    core = startCore();
    await coreUp(core);
  }, 90_000);

  afterAll(async () => {
    if (core) {
      core.child.kill('SIGTERM');
      await Promise.race([core.exited, new Promise((r) => setTimeout(r, 15_000))]);
      core.child.kill('SIGKILL');
    }
    // A Caddy the killed core left behind is stopped by the next core; kill any still here (by pid).
    for (const pid of caddyPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await cleanupTestContainers({ namePrefix: PREFIX });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('Caddy SIGKILLed comes back with its config and a sleeping service still wakes through it', async () => {
    await waitFor('sleeping', () => core!.view()?.state === 'sleeping');
    const pid = core!.last!.caddyPid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('caddy restarted', () => core!.last?.proxy.caddy === 'running' && core!.last.caddyPid !== pid && core!.last.caddyPid, { timeoutMs: 20_000 });
    caddyPids.add(core!.last!.caddyPid!);
    const first = await waitFor('the loading page from the new Caddy', async () => {
      const r = await httpTo(port, HOST, '/', { headers: HTML, timeoutMs: 5_000 }).catch(() => null);
      return r?.headers['x-wakedock'] === 'loading' ? r : null;
    }, { timeoutMs: 15_000 });
    expect(first.status).toBe(503);
    expect(await untilApp()).toContain('wakedock test');
    await waitFor('awake, one wake counted', () => core!.view()?.state === 'awake' && core!.view()?.wakes === 1, { timeoutMs: 20_000 });
    // idle.after 2 s + grace 1 s: it goes back to sleep by itself.
    await waitFor('asleep again', async () => core!.view()?.state === 'sleeping' && !(await running()), { timeoutMs: 30_000 });
  }, 120_000);

  it('the core SIGKILLed mid-wake: Caddy says WakeDock is not running; restarted, the service is awake (not stuck waking), counters kept, the app answers', async () => {
    // Counters are written 2 s after a change: wait until the wake above is in the file.
    await waitFor('counters saved', () => {
      const f = JSON.parse(readFileSync(join(dataDir, 'wakedock.json'), 'utf8')) as { wakeCounters?: { name: string; wakes: number }[] };
      return f.wakeCounters?.find((c) => c.name === 'res')?.wakes === 1;
    }, { timeoutMs: 10_000 });
    const since = Math.floor(Date.now() / 1000) - 1;
    const page = await httpTo(port, HOST, '/', { headers: HTML });
    expect(page.headers['x-wakedock']).toBe('loading');
    await waitFor('the container starting', () => running(), { timeoutMs: 15_000 });
    expect(core!.view()?.state).toBe('waking');
    const old = core!;
    old.child.kill('SIGKILL');
    await old.exited;
    core = null;
    const orphan = old.last!.caddyPid!;
    expect(alive(orphan)).toBe(true);

    // The orphaned Caddy still routes, but the waker is gone: a clear page, not a bare 502.
    const down = await httpTo(port, HOST, '/', { headers: HTML });
    expect(down.status).toBe(503);
    expect(down.headers['x-wakedock']).toBe('unavailable');
    expect(down.body).toContain('WakeDock is not running');

    core = startCore();
    await coreUp(core);
    // The Caddy left behind was asked to stop; one Caddy serves.
    await waitFor('the orphaned caddy gone', () => !alive(orphan), { timeoutMs: 15_000 });
    const v = await waitFor('a settled state', () => {
      const s = core!.view()?.state;
      return s === 'awake' || s === 'sleeping' ? core!.view() : null;
    }, { timeoutMs: 20_000 });
    expect(v.state).toBe('awake');
    expect(v.wakes).toBeGreaterThanOrEqual(1);
    expect(v.lastWakeAt).toBeGreaterThan(0);
    expect(await untilApp()).toContain('wakedock test');
    // Exactly one start: the killed core's. The new core adopted the running container.
    const out = await docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', `container=${app.id}`, '--filter', 'event=start', '--format', '{{.Status}}']);
    expect(out.split('\n').filter((l) => l.trim() === 'start')).toHaveLength(1);
    const views: string[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 200));
      views.push(core!.view()?.state ?? '');
    }
    expect(views).not.toContain('waking');
  }, 150_000);
});
