// Test-support helpers for tests that talk to a real Docker Engine: the docker CLI, the raw API,
// test containers (unique names, labelled wakedock.test=1), polling with timeouts, cleanup, and
// stopping/starting a dockerd.
//
// Daemons: the shared engine at /var/run/docker.sock is used by every test (and, on a dev machine,
// by other people at the same time). Tests that need an engine outage run their own *private*
// dockerd (privateDaemon()) on its own socket, data root, exec root and bridge, so stopping it never
// stops anyone else's containers. stopDockerd() only ever signals the pid from the daemon's own
// pidfile — never processes matched by name.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DiscoveryEnv } from '../../src-main/core/engine/discovery';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Debian's client. /usr/local/bin/docker may be a different (newer) client on dev machines. */
export const DOCKER_BIN = process.env.WAKEDOCK_TEST_DOCKER_BIN ?? '/usr/bin/docker';
export const DOCKERD_BIN = process.env.WAKEDOCK_TEST_DOCKERD_BIN ?? '/usr/sbin/dockerd';
export const TEST_IMAGE = 'wakedock-test/busybox:1';
/** Every container a test creates carries this label; cleanup removes by it. */
export const TEST_LABEL = 'wakedock.test';
export const SHARED_SOCKET = '/var/run/docker.sock';

/** PATH with the system dirs first, so scripts that call `docker` get Debian's client. */
const SYSTEM_PATH = `/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}`;

// ---- small utilities ---------------------------------------------------------------------------

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** wdtest-<area>-<random>: unique per call, recognisable in `docker ps`. */
export function uniqueName(area: string): string {
  return `wdtest-${area}-${randomBytes(4).toString('hex')}`;
}

/**
 * Poll `probe` until it returns a truthy value (or resolves to one) and return that value. Errors
 * thrown by the probe count as "not yet"; the last one is quoted when the wait times out.
 */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
/**
 * A free loopback port for a listener a test starts later (Caddy, serve, a published port). Taken
 * below the kernel's ephemeral range (32768–60999 here): a port from port 0 is an ephemeral one, and
 * an outgoing connection (the engine's, Caddy's upstream dials, the test's own clients) can take it as
 * its local port before the listener binds it, which failed CI once with "address in use". Ports
 * handed out are not handed out again by this process.
 */
const handedOut = new Set<number>();
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port between 20000 and 32000 after 200 tries');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.once('error', () => ok(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
  });
}

/** A DiscoveryEnv that finds exactly this socket (as DOCKER_HOST), whatever the machine has. */
export function discoveryFor(socketPath: string): DiscoveryEnv {
  return {
    env: { DOCKER_HOST: `unix://${socketPath}` },
    home: '/nonexistent-home',
    platform: 'linux',
    exists: () => false,
    readFile: () => undefined,
  };
}

// ---- docker CLI --------------------------------------------------------------------------------

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Engine socket; the shared engine when omitted. */
  socket?: string;
  timeoutMs?: number;
}

/** Run the docker CLI; never throws for a non-zero exit (see dockerOk). */
export function dockerRaw(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const full = ['-H', `unix://${opts.socket ?? SHARED_SOCKET}`, ...args];
  return new Promise((ok) => {
    execFile(DOCKER_BIN, full, { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PATH: SYSTEM_PATH } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      ok({ code, stdout: String(stdout), stderr: String(stderr) || (err && !stderr ? err.message : '') });
    });
  });
}

/** Run the docker CLI and return its trimmed stdout; throws with the CLI's stderr on failure. */
export async function docker(args: string[], opts: CliOptions = {}): Promise<string> {
  const r = await dockerRaw(args, opts);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** `docker inspect` of one container as JSON, or null when the engine does not know it. */
export async function inspectContainer(ref: string, opts: CliOptions = {}): Promise<ContainerInspect | null> {
  const r = await dockerRaw(['container', 'inspect', ref], opts);
  if (r.code !== 0) {
    if (/no such (container|object)/i.test(r.stderr)) return null;
    throw new Error(`docker inspect ${ref} failed: ${r.stderr.trim()}`);
  }
  return (JSON.parse(r.stdout) as ContainerInspect[])[0] ?? null;
}

/** The fields of `docker inspect` the tests read. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; Paused: boolean; ExitCode: number; StartedAt: string };
  Mounts: { Type: string; Name?: string; Destination: string }[];
  Config: { Labels: Record<string, string> | null };
}

export async function volumeExists(name: string, opts: CliOptions = {}): Promise<boolean> {
  return (await dockerRaw(['volume', 'inspect', name], opts)).code === 0;
}

// ---- raw engine API ----------------------------------------------------------------------------

export interface ApiResponse {
  status: number;
  body: string;
}

/** One HTTP request to the engine over its unix socket (no dockerode: tests check the core with it). */
export function engineApi(method: string, path: string, opts: { socket?: string; body?: unknown; timeoutMs?: number } = {}): Promise<ApiResponse> {
  return new Promise((ok, fail) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      {
        socketPath: opts.socket ?? SHARED_SOCKET,
        method,
        path,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`engine API ${method} ${path} timed out`)));
    req.on('error', fail);
    req.end(payload);
  });
}

/** Does the engine at this socket answer /_ping? */
export async function engineUp(socket = SHARED_SOCKET): Promise<boolean> {
  try {
    const r = await engineApi('GET', '/_ping', { socket, timeoutMs: 1500 });
    return r.status === 200;
  } catch {
    return false;
  }
}

// ---- test image and containers -----------------------------------------------------------------

/** Build wakedock-test/busybox:1 on the shared engine if missing; copy it into another engine if asked. */
export async function ensureTestImage(opts: CliOptions = {}): Promise<void> {
  const socket = opts.socket ?? SHARED_SOCKET;
  if ((await dockerRaw(['image', 'inspect', TEST_IMAGE], { socket })).code === 0) return;
  if (socket === SHARED_SOCKET) {
    await new Promise<void>((ok, fail) => {
      execFile('bash', [join(REPO_ROOT, 'tests/support/build-test-image.sh'), TEST_IMAGE], { env: { ...process.env, PATH: SYSTEM_PATH, DOCKER_HOST: `unix://${SHARED_SOCKET}` } }, (err, _out, stderr) =>
        err ? fail(new Error(`build-test-image.sh failed: ${String(stderr).trim() || err.message}`)) : ok(),
      );
    });
    return;
  }
  // Another engine (a private dockerd): copy the image over instead of rebuilding it. No registry.
  await ensureTestImage();
  await new Promise<void>((ok, fail) => {
    const cmd = `"${DOCKER_BIN}" -H unix://${SHARED_SOCKET} save ${TEST_IMAGE} | "${DOCKER_BIN}" -H unix://${socket} load -q`;
    execFile('bash', ['-o', 'pipefail', '-c', cmd], (err, _out, stderr) => (err ? fail(new Error(`copying ${TEST_IMAGE} failed: ${String(stderr).trim() || err.message}`)) : ok()));
  });
}

export interface ContainerSpec {
  /** Used in the generated name: wdtest-<area>-<random>. */
  area: string;
  name?: string;
  /** Command and args; `sleep 3600` when omitted. */
  cmd?: string[];
  labels?: Record<string, string>;
  /** docker -p values, e.g. "127.0.0.1::80". */
  ports?: string[];
  /** docker -v values, e.g. "/data" for an anonymous volume. */
  volumes?: string[];
  network?: string;
  /** Extra docker create flags. */
  extra?: string[];
  socket?: string;
}

export interface TestContainer {
  id: string;
  name: string;
}

function createArgs(spec: ContainerSpec, name: string): string[] {
  const args = ['--name', name, '--label', `${TEST_LABEL}=1`, '--label', `${OWNER_LABEL}=${process.pid}`];
  for (const [k, v] of Object.entries(spec.labels ?? {})) args.push('--label', `${k}=${v}`);
  for (const p of spec.ports ?? []) args.push('-p', p);
  for (const v of spec.volumes ?? []) args.push('-v', v);
  if (spec.network) args.push('--network', spec.network);
  args.push(...(spec.extra ?? []), TEST_IMAGE, ...(spec.cmd ?? ['sleep', '3600']));
  return args;
}

/** `docker create`: a test container that is not started. */
export async function createContainer(spec: ContainerSpec): Promise<TestContainer> {
  const name = spec.name ?? uniqueName(spec.area);
  const id = await docker(['create', ...createArgs(spec, name)], { socket: spec.socket });
  return { id, name };
}

/** `docker run -d`: a running test container. */
export async function runContainer(spec: ContainerSpec): Promise<TestContainer> {
  const name = spec.name ?? uniqueName(spec.area);
  // --init: `sleep` as PID 1 ignores SIGTERM, so a stop would wait the full timeout.
  const id = await docker(['run', '-d', '--init', ...createArgs(spec, name)], { socket: spec.socket });
  return { id, name };
}

/**
 * Remove test containers (and their anonymous volumes). With a prefix, only those whose name starts
 * with it — so one test file does not remove another's while both run.
 */
export async function cleanupTestContainers(opts: { socket?: string; namePrefix?: string } = {}): Promise<void> {
  const filters = ['--filter', `label=${TEST_LABEL}=1`];
  const out = await docker(['ps', '-a', ...filters, '--format', `{{.ID}} {{.Names}} {{.Label "${OWNER_LABEL}"}}`], { socket: opts.socket }).catch(() => '');
  const ids = out
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter(([id, name]) => id && name && (!opts.namePrefix || name.split(',').some((n) => n.startsWith(opts.namePrefix!))))
    .filter(([, , owner]) => !ownedByAnotherLiveRun(owner))
    .map(([id]) => id!);
  if (ids.length > 0) await dockerRaw(['rm', '-f', '-v', ...ids], { socket: opts.socket });
}

/**
 * The test process that made a container (by pid). Leftovers of a crashed run are removed, but not
 * the containers of the same test file running right now in another process (two engineers running
 * the same file at once removed each other's containers mid-test). Not `wakedock.test.owner`: a
 * `wakedock.<namespace>.<key>` label that wake on demand does not know makes a labelled service a
 * declaration error (a typo), so wake.test's labelled service was never declared.
 */
export const OWNER_LABEL = 'wakedock.test-owner';

function ownedByAnotherLiveRun(owner: string | undefined): boolean {
  const pid = Number(owner);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---- daemons -----------------------------------------------------------------------------------

export interface DaemonSpec {
  /** Unix socket path the daemon listens on. */
  socket: string;
  /** The daemon writes its pid here; stopDockerd signals exactly that pid. */
  pidFile: string;
  logFile: string;
  args: string[];
  /** Host preparation before the first start (e.g. the private bridge). */
  prepare?(): Promise<void>;
}

/** The machine's engine, started as in the project's recipe. */
export const SHARED_DAEMON: DaemonSpec = {
  socket: SHARED_SOCKET,
  pidFile: '/var/run/docker.pid',
  logFile: '/tmp/dockerd.log',
  args: ['--host', `unix://${SHARED_SOCKET}`],
};

/**
 * Each private daemon gets its own bridge (named and numbered from its dir), so two of them (say the
 * integration and the e2e outage tests, run by different people at once) never share one and
 * removing one daemon never pulls the bridge from under the other. Linux caps names at 15 chars.
 */
export function privateBridgeFor(dir: string): { name: string; cidr: string } {
  const h = createHash('sha256').update(dir).digest();
  // 10.213.0-99: the bench's slots use 10.213.100-119 (bench/lib/engine.ts), so the two never overlap.
  return { name: `wdtest-${h.toString('hex').slice(0, 8)}`, cidr: `10.213.${h[0]! % 100}.1/24` };
}

function run(bin: string, args: string[]): Promise<CliResult> {
  return new Promise((ok) => {
    execFile(bin, args, { env: { ...process.env, PATH: SYSTEM_PATH } }, (err, stdout, stderr) =>
      ok({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

/**
 * A private daemon's dir, unique per checkout: two clones (or worktrees) running the same outage
 * test at once get separate daemons, sockets and bridges instead of stopping each other's.
 */
export function privateDaemonDir(area: string): string {
  return `/var/tmp/wakedock-${area}-dockerd-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 6)}`;
}

export interface PrivateDaemonOptions {
  /** The daemon's bridge; default: named and numbered from the dir (privateBridgeFor). */
  bridge?: { name: string; cidr: string };
  /** cgroup parent of its containers; default /wdtest-docker. */
  cgroupParent?: string;
  /** Extra dockerd flags (e.g. a TCP listener: ['--host', 'tcp://127.0.0.1:2399']). */
  extraArgs?: string[];
}

export type PrivateDaemon = DaemonSpec & { dir: string; bridge: string };

/**
 * A dockerd of its own, for tests and the bench alike: separate socket, data root, exec root (so
 * its own containerd), pidfile, config file and bridge; no iptables changes. Two things matter for
 * not disturbing the shared engine: a daemon started with `--bridge none` DELETES the host's docker0
 * interface, so the private daemon gets a bridge of its own instead; and --iptables=false leaves the
 * shared rules alone. Start with startDockerd(), stop with stopDockerd(), clean with
 * removePrivateDaemon().
 */
export function privateDaemon(dir = privateDaemonDir('test'), opts: PrivateDaemonOptions = {}): PrivateDaemon {
  const socket = join(dir, 'docker.sock');
  const bridge = opts.bridge ?? privateBridgeFor(dir);
  return {
    dir,
    bridge: bridge.name,
    socket,
    pidFile: join(dir, 'docker.pid'),
    logFile: join(dir, 'dockerd.log'),
    args: [
      '--host', `unix://${socket}`,
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'docker.pid'),
      '--config-file', join(dir, 'daemon.json'),
      '--bridge', bridge.name,
      '--iptables=false',
      '--ip-masq=false',
      '--ip-forward=false',
      '--cgroup-parent', opts.cgroupParent ?? '/wdtest-docker',
      // Keep outages short: running containers get 1 s to stop when the daemon shuts down.
      '--shutdown-timeout', '1',
      ...(opts.extraArgs ?? []),
    ],
    async prepare() {
      mkdirSync(dir, { recursive: true });
      if (!existsSync(join(dir, 'daemon.json'))) writeFileSync(join(dir, 'daemon.json'), '{}\n');
      if ((await run('ip', ['link', 'show', bridge.name])).code === 0) return;
      for (const args of [
        ['link', 'add', bridge.name, 'type', 'bridge'],
        ['addr', 'add', bridge.cidr, 'dev', bridge.name],
        ['link', 'set', bridge.name, 'up'],
      ]) {
        const r = await run('ip', args);
        if (r.code !== 0 && !/exists/i.test(r.stderr)) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
      }
    },
  };
}

/**
 * The host bridges of a daemon's user networks, from its network store (a bolt file: the network ids
 * stand in it as text), so they can be found after the daemon is gone. A user network's bridge
 * (br-<id>) outlives a stopped dockerd and keeps its address pool taken on the host; enough of them
 * and every `docker network create` / compose up fails with "no available, non-overlapping IPv4
 * address pool".
 */
function leftoverNetworkBridges(dir: string): string[] {
  let db: string;
  try {
    db = readFileSync(join(dir, 'data', 'network', 'files', 'local-kv.db'), 'latin1');
  } catch {
    return [];
  }
  const ids = new Set<string>();
  for (const m of db.matchAll(/docker\/network\/v1\.0\/network\/([0-9a-f]{64})/g)) ids.add(m[1]!);
  return [...ids].map((id) => `br-${id.slice(0, 12)}`);
}

/**
 * Remove what privateDaemon() left on the host (after stopDockerd): the bridges of its user
 * networks, the data-root mount, its dir and its own bridge. Best effort. disposePrivateDaemon()
 * does the whole teardown.
 */
export async function removePrivateDaemon(spec: PrivateDaemon): Promise<void> {
  if (await engineUp(spec.socket)) throw new Error(`the private dockerd at ${spec.socket} is still running`);
  for (const br of leftoverNetworkBridges(spec.dir)) {
    if ((await run('ip', ['link', 'show', br])).code === 0) await run('ip', ['link', 'del', br]);
  }
  // dockerd bind-mounts its data root onto itself and leaves that mount behind.
  await run('umount', ['-l', join(spec.dir, 'data')]);
  await run('rm', ['-rf', spec.dir]);
  await run('ip', ['link', 'del', spec.bridge]);
}

/**
 * Tear a private daemon down for good: while it still answers, remove all its containers (with their
 * anonymous volumes) and its unused networks, so the engine deletes their bridges itself; then stop
 * it and remove what is left on the host (removePrivateDaemon, which also deletes any user-network
 * bridge a daemon that was already down left behind). Never throws: an afterAll calls it.
 */
export async function disposePrivateDaemon(spec: PrivateDaemon): Promise<void> {
  if (await engineUp(spec.socket)) {
    const socket = spec.socket;
    const ids = (await dockerRaw(['ps', '-aq'], { socket, timeoutMs: 30_000 })).stdout.split(/\s+/).filter(Boolean);
    if (ids.length > 0) await dockerRaw(['rm', '-f', '-v', ...ids], { socket, timeoutMs: 60_000 });
    await dockerRaw(['network', 'prune', '-f'], { socket, timeoutMs: 30_000 });
  }
  await stopDockerd(spec).catch(() => {});
  await removePrivateDaemon(spec).catch(() => {});
}

export interface PrivateEngineOptions extends PrivateDaemonOptions {
  /** Also listen on TCP at 127.0.0.1:<a free port> (tcpPort, tcpUrl). */
  tcp?: boolean;
  /** Copy the test image into it (default true). */
  testImage?: boolean;
}

export type PrivateEngine = PrivateDaemon & { tcpPort?: number; tcpUrl?: string };

/**
 * A private dockerd for one test file (privateDaemon in privateDaemonDir(area)), started, with the
 * test image in it; optionally on TCP too. A failed start tears down what it made. Pair it with
 * disposePrivateDaemon() in afterAll.
 */
export async function startPrivateEngine(area: string, opts: PrivateEngineOptions = {}): Promise<PrivateEngine> {
  const tcpPort = opts.tcp ? await freePort() : undefined;
  const tcp = tcpPort === undefined ? {} : { tcpPort, tcpUrl: `tcp://127.0.0.1:${tcpPort}` };
  const extraArgs = [...(opts.extraArgs ?? []), ...(tcp.tcpUrl ? ['--host', tcp.tcpUrl] : [])];
  const spec: PrivateEngine = { ...privateDaemon(privateDaemonDir(area), { ...opts, extraArgs }), ...tcp };
  try {
    await startDockerd(spec);
    if (opts.testImage !== false) await ensureTestImage({ socket: spec.socket });
  } catch (e) {
    await disposePrivateDaemon(spec);
    throw e;
  }
  return spec;
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (an exited child nobody reaped yet counts as gone). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Stop a dockerd: SIGTERM to the pid in its pidfile, then wait until the socket stops answering and
 * the process is gone. Idempotent: returns at once when the daemon is already down.
 */
export async function stopDockerd(spec: DaemonSpec = SHARED_DAEMON, timeoutMs = 30_000): Promise<void> {
  const pid = readPid(spec.pidFile);
  if (pid === undefined || !processAlive(pid)) {
    if (await engineUp(spec.socket)) throw new Error(`dockerd at ${spec.socket} answers but ${spec.pidFile} names no live process; refusing to guess which process to stop`);
    return;
  }
  process.kill(pid, 'SIGTERM');
  await waitFor(`dockerd (pid ${pid}) to exit`, async () => !processAlive(pid) && !(await engineUp(spec.socket)), { timeoutMs, intervalMs: 100 });
}

/**
 * Start a dockerd detached (it outlives the test process if need be), logging to spec.logFile,
 * and wait until it answers. Idempotent: returns at once when it already answers.
 */
export async function startDockerd(spec: DaemonSpec = SHARED_DAEMON, timeoutMs = 30_000): Promise<void> {
  if (await engineUp(spec.socket)) return;
  // A previous instance may still be shutting down (it holds the pidfile lock): let it finish.
  const old = readPid(spec.pidFile);
  if (old !== undefined && processAlive(old)) await waitFor(`the old dockerd (pid ${old}) to exit`, () => !processAlive(old), { timeoutMs, intervalMs: 100 });
  await spec.prepare?.();
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(DOCKERD_BIN, spec.args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, PATH: SYSTEM_PATH } });
    child.on('error', () => {}); // a spawn failure shows up as the timeout below, with the log
    child.unref();
  } finally {
    closeSync(fd);
  }
  try {
    await waitFor(`dockerd to answer at ${spec.socket}`, () => engineUp(spec.socket), { timeoutMs, intervalMs: 100 });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- ${spec.logFile} ---\n${logTail(spec.logFile)}`);
  }
}
