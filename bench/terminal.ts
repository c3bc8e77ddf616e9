// Suite `terminal`: keystroke-to-echo round trip in a container shell. One running busybox
// container on the bench engine; three ways to type into its shell, measured in the same run:
//   - WakeDock over WebSocket: the real `wakedock serve`, an RpcClient on /rpc (the browser's path
//     minus the browser): terminal.write → the terminal.attach event that carries the echo;
//   - WakeDock in process: the core's handlers behind an RpcServer, in-memory link (the Electron
//     path minus IPC);
//   - the baseline: `docker exec -it <id> sh`, the docker CLI driven through a pty (node-pty).
// Each keystroke waits for its own echo before the next is typed (a typist, not a paste), with a
// short pause in between so the previous round trip never overlaps. Target: p50 and p95 of each
// WakeDock path / docker exec ≤ 1.5.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as pty from 'node-pty';
import { RpcClient, type ProcOutput } from '../src-main/contract';
import type { TerminalEvent } from '../src-main/contract/procedures/terminal';
import { createCore } from '../src-main/core/create-core';
import { mapEngineError } from '../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../src-main/rpc/dispatcher';
import { DOCKER_BIN, TEST_IMAGE, discoveryFor, engineApi } from '../tests/support/docker-fixtures';
import { startServe } from '../tests/e2e/support/harness';
import { connectInMemory, openWsPort } from '../tests/support/rpc-harness';
import { BENCH_LABEL, BENCH_PREFIX } from './lib/engine';
import { ratio, summarize, type Summary } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const KEYS = 600;
const WARMUP = 20;
const PAUSE_MS = 8;
const ECHO_TIMEOUT_MS = 5_000;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const BLOCK = 50;
/** Terminal control sequences (ESC [ … letter), stripped before looking for the prompt. */
const ANSI_CSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[a-zA-Z]`, 'g');

/** Something we can type into and read from. */
interface Typist {
  write(data: string): void;
  onData(listener: (chunk: string) => void): void;
}

/** Wait until the output (after this call) satisfies `done`. */
function waitOutput(t: Typist & { buffer: { text: string } }, done: (s: string) => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = t.buffer.text.length;
  return new Promise((ok, fail) => {
    const deadline = Date.now() + timeoutMs;
    const tick = (): void => {
      if (done(t.buffer.text.slice(start))) ok();
      else if (Date.now() > deadline) fail(new Error(`no ${what} within ${timeoutMs} ms; last output: ${JSON.stringify(t.buffer.text.slice(-200))}`));
      else setImmediate(tick);
    };
    tick();
  });
}

interface Prepared {
  name: string;
  t: Typist & { buffer: { text: string } };
  setWaiter(w: ((chunk: string) => void) | null): void;
  samples: number[];
  typed: number;
}

/** Hook the output and wait for a prompt: the shell is ready. */
async function prepare(name: string, t: Typist): Promise<Prepared> {
  const buffer = { text: '' };
  let waiter: ((chunk: string) => void) | null = null;
  t.onData((chunk) => {
    buffer.text += chunk;
    waiter?.(chunk);
  });
  const bt = Object.assign(t, { buffer });
  t.write('\r');
  await waitOutput(bt, (s) => /[#$] $/.test(s.replace(ANSI_CSI, '')), 10_000, `${name} prompt`);
  return { name, t: bt, setWaiter: (w) => (waiter = w), samples: [], typed: 0 };
}

/**
 * Type `n` letters one at a time; each sample is write → the first output chunk containing that
 * letter. Every 40 keys the line is wiped (Ctrl-U) so the shell's line editor never scrolls.
 */
async function typeBlock(p: Prepared, n: number): Promise<void> {
  for (let k = 0; k < n; k++, p.typed++) {
    if (p.typed > 0 && p.typed % 40 === 0) {
      p.t.write('\x15');
      await sleep(30);
    }
    const key = LETTERS[p.typed % LETTERS.length]!;
    const ms = await new Promise<number>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`${p.name}: no echo of "${key}" within ${ECHO_TIMEOUT_MS} ms`)), ECHO_TIMEOUT_MS);
      let t0 = 0;
      p.setWaiter((chunk) => {
        if (!chunk.includes(key)) return;
        const dt = performance.now() - t0;
        p.setWaiter(null);
        clearTimeout(timer);
        ok(dt);
      });
      t0 = performance.now();
      p.t.write(key);
    });
    if (p.typed >= WARMUP) p.samples.push(ms);
    await sleep(PAUSE_MS);
  }
}

/** Interleave the paths in blocks, so a noisy moment on the machine hits all of them alike. */
async function measureAll(paths: Prepared[], log: (m: string) => void): Promise<void> {
  for (const p of paths) await typeBlock(p, WARMUP);
  const blocks = Math.ceil(KEYS / BLOCK);
  for (let b = 0; b < blocks; b++) for (const p of paths) await typeBlock(p, Math.min(BLOCK, KEYS - b * BLOCK));
  for (const p of paths) {
    p.t.write('\x15');
    const s = summarize(p.samples);
    log(`terminal: ${p.name}: p50 ${s.median} ms, p95 ${s.p95} ms over ${s.n} keys`);
  }
}

/** A Typist over the RPC client: terminal.write, and terminal.attach output events. */
function rpcTypist(client: RpcClient, sessionId: string): Typist & { close(): void } {
  const listeners: ((c: string) => void)[] = [];
  const sub = client.subscribe('terminal.attach', { sessionId }, {
    next: (d) => {
      const ev = d as TerminalEvent;
      if (ev.type === 'output' || ev.type === 'replay') for (const l of listeners) l(ev.data);
    },
  });
  return {
    write: (data) => void client.call('terminal.write', { sessionId, data }),
    onData: (l) => void listeners.push(l),
    close: () => client.unsubscribe(sub),
  };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log } = ctx;
  const socket = engine.socket;
  const name = `${BENCH_PREFIX}term-${Math.random().toString(36).slice(2, 7)}`;
  const created = await engineApi('POST', `/containers/create?name=${name}`, { socket, body: { Image: TEST_IMAGE, Cmd: ['sleep', '3600'], Labels: { [BENCH_LABEL]: '1' }, HostConfig: { Init: true } } });
  if (created.status !== 201) throw new Error(`creating ${name}: HTTP ${created.status} ${created.body}`);
  const id = (JSON.parse(created.body) as { Id: string }).Id;
  cleanup.push('remove the terminal bench container', async () => void (await engineApi('DELETE', `/containers/${id}?force=1`, { socket })));
  const started = await engineApi('POST', `/containers/${id}/start`, { socket });
  if (started.status !== 204) throw new Error(`starting ${name}: HTTP ${started.status} ${started.body}`);

  // ---- baseline: docker exec -it through a pty ----
  const cli = pty.spawn(DOCKER_BIN, ['-H', engine.url, 'exec', '-it', id, 'sh'], { name: 'xterm-256color', cols: 120, rows: 40, cwd: tmpdir(), env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string> });
  cleanup.push('end docker exec', () => cli.kill());
  const cliPath = await prepare('docker exec -it (pty)', { write: (d) => cli.write(d), onData: (l) => void cli.onData(l) });

  // ---- WakeDock over WebSocket (the real serve) ----
  const dataDir = mkdtempSync(join(tmpdir(), 'wdbench-term-'));
  cleanup.push('remove the terminal data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const serve = await startServe({ env: { DOCKER_HOST: engine.url }, dataDir });
  cleanup.push('stop wakedock serve (terminal)', () => serve.stop());
  const { port, ws } = await openWsPort(`${serve.origin.replace(/^http/, 'ws')}/rpc?token=${encodeURIComponent(serve.token)}`);
  cleanup.push('close the WebSocket (terminal)', () => ws.close());
  const client = new RpcClient(port);
  const waitConnected = async (c: RpcClient): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      const hosts = (await c.call('hosts.list', {})) as ProcOutput<'hosts.list'>;
      if (hosts.find((h) => h.id === 'local')?.state === 'connected') return;
      await sleep(50);
    }
    throw new Error('the core did not connect to the bench engine');
  };
  await waitConnected(client);
  const opened = (await client.call('terminal.open', { target: 'container', hostId: 'local', id, command: 'sh', cols: 120, rows: 40 })) as ProcOutput<'terminal.open'>;
  const wsTypist = rpcTypist(client, opened.sessionId);
  const wsPath = await prepare('WakeDock (serve, WebSocket)', wsTypist);

  // ---- WakeDock in process (handlers + RpcServer, in-memory link) ----
  const memDir = mkdtempSync(join(tmpdir(), 'wdbench-term-mem-'));
  cleanup.push('remove the in-process data dir', () => rmSync(memDir, { recursive: true, force: true }));
  const core = await createCore({ dataDir: memDir, mode: 'desktop', appVersion: '0.0.0-bench', logger: silentLogger, discovery: discoveryFor(socket) });
  cleanup.push('dispose the in-process core', () => core.dispose());
  const link = connectInMemory(new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger }));
  cleanup.push('close the in-memory link', () => link.close());
  await waitConnected(link.client);
  const mem = (await link.client.call('terminal.open', { target: 'container', hostId: 'local', id, command: 'sh', cols: 120, rows: 40 })) as ProcOutput<'terminal.open'>;
  const memTypist = rpcTypist(link.client, mem.sessionId);
  const memPath = await prepare('WakeDock core (in process)', memTypist);

  await measureAll([cliPath, wsPath, memPath], log);

  // What the WebSocket hop alone costs: a no-op call round trip to the same serve.
  const noop: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await client.call('hosts.list', {});
    noop.push(performance.now() - t0);
    await sleep(PAUSE_MS);
  }
  const cliSamples = cliPath.samples;
  const wsSamples = wsPath.samples;
  const memSamples = memPath.samples;
  cli.write('exit\r');
  wsTypist.close();
  memTypist.close();
  await client.call('terminal.close', { sessionId: opened.sessionId });
  await link.client.call('terminal.close', { sessionId: mem.sessionId });

  const base: Summary = summarize(cliSamples);
  const wsS: Summary = summarize(wsSamples);
  const memS: Summary = summarize(memSamples);
  const hop: Summary = summarize(noop);
  const r = {
    coreP50: ratio(memS.median, base.median),
    coreP95: ratio(memS.p95, base.p95),
    wsP50: ratio(wsS.median, base.median),
    wsP95: ratio(wsS.p95, base.p95),
  };
  return {
    params: { keys: KEYS, warmup: WARMUP, pauseMs: PAUSE_MS, block: BLOCK, shell: 'busybox sh', baseline: 'docker exec -it <id> sh through node-pty' },
    metrics: { dockerExec: base, wakedockCore: memS, wakedockWs: wsS, wsNoopCall: hop, ratios: r },
    targets: [
      check('echo p50, WakeDock core / docker exec', r.coreP50, 'ratio', '<=', 1.5),
      check('echo p95, WakeDock core / docker exec', r.coreP95, 'ratio', '<=', 1.5),
      check('echo p50, WakeDock serve+WebSocket / docker exec', r.wsP50, 'ratio', '<=', 1.5),
      check('echo p95, WakeDock serve+WebSocket / docker exec', r.wsP95, 'ratio', '<=', 1.5),
    ],
    notes: [
      'Each sample: write one letter → the first output chunk that contains it; the next letter only after that echo (8 ms pause). The three paths are interleaved in blocks of 50 keys.',
      'The baseline runs the docker CLI in a pty on the same machine against the same engine, in the same run.',
      `"serve+WebSocket" adds a process hop the core path does not have; a no-op RPC call over that WebSocket alone takes p50 ${hop.median} ms, p95 ${hop.p95} ms here.`,
    ],
    summary: [
      '| path | p50 ms | p95 ms | max ms |',
      '| --- | ---: | ---: | ---: |',
      `| docker exec -it (pty) | ${base.median} | ${base.p95} | ${base.max} |`,
      `| WakeDock core (handlers + RpcServer, in process) | ${memS.median} | ${memS.p95} | ${memS.max} |`,
      `| WakeDock serve, over WebSocket | ${wsS.median} | ${wsS.p95} | ${wsS.max} |`,
      `| (no-op RPC call over the same WebSocket) | ${hop.median} | ${hop.p95} | ${hop.max} |`,
      '',
      `Ratios to docker exec: core p50 ${r.coreP50}, p95 ${r.coreP95}; serve+WebSocket p50 ${r.wsP50}, p95 ${r.wsP95} (target ≤ 1.5).`,
    ],
  };
}

export const terminalSuite: Suite = { name: 'terminal', title: 'Keystroke-to-echo round trip: WakeDock terminal vs docker exec -it', timeLimitMs: 3 * 60_000, run };
