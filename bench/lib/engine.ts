// The engine the bench measures against, and the bench containers on it.
//
// By default a private dockerd (own socket, data root, exec root, bridge and cgroup parent), so the
// 500-1,000 containers and the idle measurements neither disturb nor are disturbed by other people's
// tests on the shared engine. `--engine shared` (or a unix:// path) uses an existing engine instead;
// the bench then only ever touches containers named wdbench-* that carry the wakedock.bench=1 label.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  DOCKER_BIN,
  SHARED_SOCKET,
  TEST_IMAGE,
  engineApi,
  engineUp,
  ensureTestImage,
  privateDaemon,
  disposePrivateDaemon,
  startDockerd,
  type PrivateDaemon,
} from '../../tests/support/docker-fixtures';
import type { CleanupStack } from './cleanup';

export const BENCH_LABEL = 'wakedock.bench';
export const BENCH_PREFIX = 'wdbench-';

export interface BenchContainer {
  id: string;
  name: string;
  /** What the populate step left it in. */
  initial: 'created' | 'running' | 'exited';
}

/**
 * A private daemon lives in a numbered slot: /var/tmp/wakedock-bench-<n> with bridge wdbench<n>
 * (10.213.<100+n>.1/24) and cgroup parent /wdbench-<n>. Slots let two bench runs (two engineers,
 * or a run and a diagnostic) work side by side; none of it is shared with the tests' private
 * daemons (wdtest-br0), so removing ours never cuts theirs.
 */
const SLOT_ROOT = '/var/tmp';
const MAX_SLOTS = 20;

interface Slot extends PrivateDaemon {
  n: number;
}

/** The same private dockerd as the tests' (tests/support/docker-fixtures.ts), in a bench slot. */
function slotSpec(n: number): Slot {
  const dir = join(SLOT_ROOT, `wakedock-bench-${n}`);
  const spec = privateDaemon(dir, { bridge: { name: `wdbench${n}`, cidr: `10.213.${100 + n}.1/24` }, cgroupParent: `/wdbench-${n}` });
  return { ...spec, n };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Remove a slot's containers and networks, stop its daemon, remove its directory, leftover mount and bridges. */
async function releaseSlot(slot: Slot): Promise<void> {
  await disposePrivateDaemon(slot);
}

/**
 * Claim a free slot: mkdir is the lock, the owner file names the bench process. A slot whose owner
 * is dead is a leftover of an interrupted run: it is released first, then claimed.
 */
async function claimSlot(log: (msg: string) => void): Promise<Slot> {
  for (let n = 0; n < MAX_SLOTS; n++) {
    const slot = slotSpec(n);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        mkdirSync(slot.dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let owner = NaN;
        try {
          owner = Number(readFileSync(join(slot.dir, 'owner'), 'utf8').trim());
        } catch {
          // No owner file yet: another run is claiming it right now, or it crashed in between.
        }
        // Without an owner file, only a directory older than a minute is a leftover (a claim in
        // progress writes it right after the mkdir).
        const stale = Number.isInteger(owner) && owner > 0 ? !alive(owner) : Date.now() - statSync(slot.dir).mtimeMs > 60_000;
        if (!stale || attempt > 0) break;
        log(`releasing ${slot.dir}, left behind by an interrupted run (pid ${Number.isNaN(owner) ? '?' : owner})`);
        await releaseSlot(slot);
        continue;
      }
      writeFileSync(join(slot.dir, 'owner'), `${process.pid}\n`);
      return slot;
    }
  }
  throw new Error(`no free private-daemon slot under ${SLOT_ROOT}/wakedock-bench-0..${MAX_SLOTS - 1}`);
}

/** Run `fn` over `items` with at most `width` in flight. Rejects with the first error (after all settle). */
export async function pool<T, R>(items: readonly T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        firstError ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (firstError) throw firstError;
  return out;
}

async function api(socket: string, method: string, path: string, body?: unknown, okStatus: number[] = [200, 201, 204]): Promise<string> {
  const r = await engineApi(method, path, { socket, body, timeoutMs: 60_000 });
  if (!okStatus.includes(r.status)) throw new Error(`engine ${method} ${path} → HTTP ${r.status}: ${r.body.trim()}`);
  return r.body;
}

export class BenchEngine {
  /** unix:// URL, for DOCKER_HOST. */
  readonly url: string;
  readonly containers: BenchContainer[] = [];
  /** Distinguishes this run's containers from leftovers of an earlier one on a shared engine. */
  private readonly runId = randomBytes(3).toString('hex');
  private seq = 0;

  private constructor(
    readonly socket: string,
    readonly kind: 'private' | 'existing',
    private readonly log: (msg: string) => void,
    /** dockerd's pidfile, when known (to measure the engine's own CPU). */
    private readonly pidFile?: string,
  ) {
    this.url = `unix://${socket}`;
  }

  /**
   * Start (or reuse) the engine. Registers its teardown on the cleanup stack: bench containers are
   * removed, and a private daemon is stopped and its directory, mount and bridge removed.
   */
  static async open(which: string, cleanup: CleanupStack, log: (msg: string) => void): Promise<BenchEngine> {
    if (which === 'private') {
      const slot = await claimSlot(log);
      const engine = new BenchEngine(slot.socket, 'private', log, slot.pidFile);
      // Registered before starting: a half-started daemon is stopped too.
      cleanup.push('stop the private dockerd', () => releaseSlot(slot));
      log(`starting a private dockerd at ${slot.socket} (log: ${slot.logFile})`);
      await startDockerd(slot, 60_000);
      await engine.afterOpen(cleanup);
      return engine;
    }
    const socket = which === 'shared' ? SHARED_SOCKET : which.replace(/^unix:\/\//, '');
    if (!(await engineUp(socket))) throw new Error(`no Docker engine answers at ${socket}`);
    const engine = new BenchEngine(socket, 'existing', log, socket === SHARED_SOCKET ? '/var/run/docker.pid' : undefined);
    await engine.afterOpen(cleanup);
    return engine;
  }

  private async afterOpen(cleanup: CleanupStack): Promise<void> {
    cleanup.push('remove the bench containers', () => this.removeAll());
    // Leftovers of an interrupted earlier run would skew the counts.
    await this.removeAll();
    this.log(`copying ${TEST_IMAGE} into the engine if missing`);
    await ensureTestImage({ socket: this.socket });
  }

  async version(): Promise<{ Version: string; ApiVersion: string; Driver?: string }> {
    const v = JSON.parse(await api(this.socket, 'GET', '/version')) as { Version: string; ApiVersion: string };
    const info = JSON.parse(await api(this.socket, 'GET', '/info')) as { Driver?: string };
    return { ...v, Driver: info.Driver };
  }

  /** Every container on the engine (bench or not). */
  async total(): Promise<number> {
    return (JSON.parse(await api(this.socket, 'GET', '/containers/json?all=1')) as unknown[]).length;
  }

  /**
   * Make sure at least `n` bench containers exist. About 10% of each new batch is started (`sleep
   * 3600`), 4% run `true` and exit, the rest stay created, so the list has mixed states; a fifth
   * belong to compose projects (grouped in the UI) and carry the labels compose sets. With
   * `mixed: false` all new ones stay created (cheapest).
   */
  async ensure(n: number, opts: { mixed?: boolean } = {}): Promise<void> {
    const mixed = opts.mixed ?? true;
    const missing = n - this.containers.length;
    if (missing <= 0) return;
    const t0 = Date.now();
    const specs = Array.from({ length: missing }, () => {
      const idx = this.seq++;
      const name = `${BENCH_PREFIX}${this.runId}-${String(idx).padStart(4, '0')}`;
      const initial: BenchContainer['initial'] = !mixed ? 'created' : idx % 10 === 0 ? 'running' : idx % 25 === 3 ? 'exited' : 'created';
      return { idx, name, initial };
    });
    const created = await pool(specs, 16, async (s) => {
      const labels: Record<string, string> = { [BENCH_LABEL]: '1', 'org.opencontainers.image.title': 'wakedock bench', 'bench.index': String(s.idx) };
      if (s.idx % 5 === 1) {
        const project = `wdbench-proj-${(s.idx >> 3) % 12}`;
        Object.assign(labels, {
          'com.docker.compose.project': project,
          'com.docker.compose.service': `svc-${s.idx % 7}`,
          'com.docker.compose.container-number': '1',
          'com.docker.compose.oneoff': 'False',
          'com.docker.compose.version': '2.29.0',
          'com.docker.compose.project.working_dir': `/srv/${project}`,
          'com.docker.compose.project.config_files': `/srv/${project}/compose.yaml`,
        });
      }
      const body = {
        Image: TEST_IMAGE,
        Cmd: s.initial === 'exited' ? ['true'] : ['sleep', '3600'],
        Labels: labels,
        ExposedPorts: s.idx % 4 === 0 ? { '80/tcp': {}, '443/tcp': {} } : undefined,
        // --init: `sleep` as PID 1 ignores SIGTERM; with tini a stop is immediate.
        HostConfig: { Init: true, NetworkMode: 'bridge' },
      };
      const res = JSON.parse(await api(this.socket, 'POST', `/containers/create?name=${encodeURIComponent(s.name)}`, body)) as { Id: string };
      return { id: res.Id, name: s.name, initial: s.initial } satisfies BenchContainer;
    });
    this.containers.push(...created);
    const t1 = Date.now();
    await pool(
      created.filter((c) => c.initial !== 'created'),
      8,
      (c) => api(this.socket, 'POST', `/containers/${c.id}/start`, undefined, [204, 304]),
    );
    this.log(`created ${created.length} containers in ${((t1 - t0) / 1000).toFixed(1)} s, started ${created.filter((c) => c.initial !== 'created').length} in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }

  /** Start via the raw API (not through WakeDock): what `docker start` does. */
  async start(id: string): Promise<void> {
    await api(this.socket, 'POST', `/containers/${id}/start`, undefined, [204, 304]);
  }

  async state(id: string): Promise<string> {
    return (JSON.parse(await api(this.socket, 'GET', `/containers/${id}/json`)) as { State: { Status: string } }).State.Status;
  }

  async pause(id: string): Promise<void> {
    await api(this.socket, 'POST', `/containers/${id}/pause`);
  }

  async unpause(id: string): Promise<void> {
    await api(this.socket, 'POST', `/containers/${id}/unpause`, undefined, [204, 304, 409]);
  }

  async kill(ids: string[]): Promise<void> {
    await pool(ids, 8, (id) => api(this.socket, 'POST', `/containers/${id}/kill`, undefined, [204, 304, 409]));
  }

  /** Remove every container carrying the bench label (this run's and leftovers). */
  async removeAll(): Promise<void> {
    if (!(await engineUp(this.socket))) return;
    const filters = encodeURIComponent(JSON.stringify({ label: [`${BENCH_LABEL}=1`] }));
    const list = JSON.parse(await api(this.socket, 'GET', `/containers/json?all=1&filters=${filters}`)) as { Id: string; Names: string[] }[];
    // The label alone is not enough on a shared engine: only wdbench-* names are ours to remove.
    const ours = list.filter((c) => c.Names.some((n) => n.replace(/^\//, '').startsWith(BENCH_PREFIX)));
    if (ours.length === 0) return;
    const t0 = Date.now();
    await pool(ours, 16, (c) => api(this.socket, 'DELETE', `/containers/${c.Id}?force=1&v=1`, undefined, [204, 404, 409]));
    this.containers.length = 0;
    this.log(`removed ${ours.length} bench containers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  /**
   * Follow the engine's container events (what WakeDock follows too). The callback gets the event's
   * own time stamp (dockerd's clock, epoch ms, same machine) so latencies can be split into the
   * engine's part and WakeDock's part. Returns a stop function.
   */
  followEvents(onEvent: (ev: { action: string; id: string; timeMs: number }) => void): Promise<() => void> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'] }));
    return new Promise((ok, fail) => {
      const req = request({ socketPath: this.socket, method: 'GET', path: `/events?filters=${filters}` }, (res) => {
        if (res.statusCode !== 200) {
          fail(new Error(`engine events → HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            try {
              const ev = JSON.parse(line) as { Action?: string; id?: string; Actor?: { ID?: string }; timeNano?: number };
              onEvent({ action: ev.Action ?? '', id: ev.Actor?.ID ?? ev.id ?? '', timeMs: (ev.timeNano ?? 0) / 1e6 });
            } catch {
              // not JSON: ignore
            }
          }
        });
        res.on('error', () => {});
        ok(() => req.destroy());
      });
      req.on('error', fail);
      req.end();
    });
  }

  /**
   * dockerd and its direct children (its containerd), for CPU readings of the engine itself; empty
   * when the pid is unknown. (containerd-shim processes are not children: they are not counted.)
   */
  enginePids(): number[] {
    if (!this.pidFile) return [];
    let dockerd: number;
    try {
      dockerd = Number(readFileSync(this.pidFile, 'utf8').trim());
    } catch {
      return [];
    }
    if (!Number.isInteger(dockerd) || dockerd <= 0 || !alive(dockerd)) return [];
    const pids = [dockerd];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === dockerd) pids.push(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
    return pids;
  }

  /** argv for the docker CLI against this engine. */
  cli(args: string[]): { bin: string; args: string[] } {
    return { bin: DOCKER_BIN, args: ['-H', this.url, ...args] };
  }
}
