// Suite `wake-cold`: waking, measured through the real `wakedock serve --wake` (its private Caddy
// 2.6.2) against the bench engine.
//
// - Wake overhead: a GET (held by the waker, then forwarded) for a sleeping service → first byte of
//   the app's answer, minus what the same work costs done by hand: `docker start` through the
//   engine API + polling the published port until it answers (every 5 ms). Same image, same app, the
//   two interleaved round by round. Target: p50 overhead <= 150 ms.
// - 100 services configured, all asleep: CPU and RSS of the serve process over a quiet window, next to
//   the same process with wake on and no services (the baseline, measured first in the same run).
// - A burst waking 10 at once: 10 concurrent GETs for 10 sleeping services → all 10 answered, and
//   each container started exactly once (engine events); next to starting 10 other containers by hand
//   concurrently + readiness.
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { RpcClient } from '../src-main/contract';
import { findCaddy } from '../src-main/core/caddy/caddy-supervisor';
import { startServe } from '../tests/e2e/support/harness';
import { engineApi, freePort, TEST_IMAGE } from '../tests/support/docker-fixtures';
import { openWsPort } from '../tests/support/rpc-harness';
import { BENCH_LABEL, pool } from './lib/engine';
import { cpuTimeMs, statusMiB, timedExec } from './lib/proc';
import { ratio, round, summarize } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const SERVICES = 100;
const ROUNDS = 12;
const BURST = 10;
const WINDOW_MS = 10_000;
const SETTLE_MS = 5_000;

/** GET through Caddy with a Host header; resolves at the first byte of a 200 answer (ms). */
function firstByte(port: number, host: string, timeoutMs = 60_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const r = request({ host: '127.0.0.1', port, path: '/', headers: { Host: host, Accept: '*/*' }, timeout: timeoutMs, agent: false }, (res) => {
      res.once('data', () => {
        const ms = performance.now() - t0;
        if (res.statusCode === 200) resolve(ms);
        else reject(new Error(`${host}: HTTP ${res.statusCode}`));
        res.resume();
      });
    });
    r.on('timeout', () => r.destroy(new Error(`${host}: timed out`)));
    r.on('error', reject);
    r.end();
  });
}

/** 200 from the published port? (the readiness poll of the by-hand baseline) */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const r = request({ host: '127.0.0.1', port, path: '/', timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    r.on('timeout', () => r.destroy());
    r.on('error', () => resolve(false));
    r.end();
  });
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const { engine, cleanup, log, budget } = ctx;
  if (!findCaddy()) throw new Error('no caddy binary on PATH');
  const socket = engine.socket;
  const tag = Math.random().toString(36).slice(2, 7);
  const api = async (method: string, path: string, body?: unknown): Promise<string> => {
    const r = await engineApi(method, path, { socket, body, timeoutMs: 60_000 });
    if (r.status >= 300 && r.status !== 304) throw new Error(`${method} ${path}: HTTP ${r.status} ${r.body}`);
    return r.body;
  };
  const create = async (name: string, port: number): Promise<string> => {
    const body = {
      Image: TEST_IMAGE,
      Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'],
      Labels: { [BENCH_LABEL]: '1' },
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { Init: true, PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
    };
    return (JSON.parse(await api('POST', `/containers/create?name=${name}`, body)) as { Id: string }).Id;
  };

  // 100 service containers + 1 for the wake rounds (service "w") + 1 by-hand twin + 10 by-hand burst twins.
  log(`wake-cold: creating ${SERVICES + 2 + BURST} containers (not started)`);
  const svc = await pool(Array.from({ length: SERVICES }, (_, i) => i), 4, async (i) => {
    const port = await freePort();
    const name = `wdbench-wake-${tag}-s${i}`;
    await create(name, port);
    return { name, port, host: `s${i}.${tag}.localhost` };
  });
  const wPort = await freePort();
  const wName = `wdbench-wake-${tag}-w`;
  await create(wName, wPort);
  const twinPort = await freePort();
  const twinId = await create(`wdbench-wake-${tag}-twin`, twinPort);
  const burstTwins = await pool(Array.from({ length: BURST }, (_, i) => i), 4, async (i) => {
    const port = await freePort();
    return { id: await create(`wdbench-wake-${tag}-bt${i}`, port), port };
  });

  const listenPort = await freePort();
  const serve = await startServe({ env: { DOCKER_HOST: engine.url }, args: ['--wake', '--wake-listen', `127.0.0.1:${listenPort}`] });
  cleanup.push('stop wakedock serve (wake-cold)', () => serve.stop());
  const pid = serve.proc.pid!;
  const { port: wsPort, ws } = await openWsPort(`${serve.origin.replace(/^http/, 'ws')}/rpc?token=${encodeURIComponent(serve.token)}`);
  cleanup.push('close the WebSocket', () => ws.close());
  const rpc = new RpcClient(wsPort);
  type List = { proxy: { caddy: string }; services: { name: string; state: string }[] };
  const list = (): Promise<List> => rpc.call('wake.list', {}) as Promise<List>;
  const waitList = async (what: string, ok: (l: List) => boolean, timeoutMs = 60_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!ok(await list())) {
      if (Date.now() > deadline) throw new Error(`wake-cold: timed out waiting for ${what}`);
      await sleep(200);
    }
  };
  await waitList('Caddy running', (l) => l.proxy.caddy === 'running');

  // Baseline: wake on, no services.
  log(`wake-cold: wake on, no services: settling ${SETTLE_MS / 1000} s, then a ${WINDOW_MS / 1000} s window`);
  await sleep(SETTLE_MS);
  const rss0 = statusMiB(pid, 'VmRSS');
  let c0 = cpuTimeMs(pid);
  await sleep(WINDOW_MS);
  const cpu0 = cpuTimeMs(pid) - c0;

  log(`wake-cold: declaring ${SERVICES + 1} services`);
  for (const s of svc) await rpc.call('wake.create', { name: s.name.replace(`wdbench-wake-${tag}-`, ''), hosts: [s.host], container: s.name, port: 80, idle: { after: '30m' } });
  await rpc.call('wake.create', { name: 'w', hosts: [`w.${tag}.localhost`], container: wName, port: 80, idle: { after: '30m' } });
  await waitList('all services sleeping', (l) => l.services.length === SERVICES + 1 && l.services.every((s) => s.state === 'sleeping'));

  log(`wake-cold: ${SERVICES} services asleep: settling ${SETTLE_MS / 1000} s, then a ${WINDOW_MS / 1000} s window`);
  await sleep(SETTLE_MS);
  const rss100 = statusMiB(pid, 'VmRSS');
  c0 = cpuTimeMs(pid);
  await sleep(WINDOW_MS);
  const cpu100 = cpuTimeMs(pid) - c0;

  // Wake overhead, interleaved with the by-hand baseline.
  const through: number[] = [];
  const byHand: number[] = [];
  for (let i = 0; i < ROUNDS && budget.left > 60_000; i++) {
    through.push(await firstByte(listenPort, `w.${tag}.localhost`));
    await rpc.call('wake.sleepNow', { name: 'w' });
    const t0 = performance.now();
    await api('POST', `/containers/${twinId}/start`);
    while (!(await answers(twinPort))) await sleep(5);
    byHand.push(performance.now() - t0);
    await api('POST', `/containers/${twinId}/stop?t=2`);
  }
  const a = summarize(through);
  const b = summarize(byHand);
  const overhead = round(a.median - b.median);
  log(`wake-cold: through Caddy p50 ${a.median} ms, by hand p50 ${b.median} ms → overhead ${overhead} ms`);

  // Burst: 10 sleeping services at once, vs 10 containers started by hand at once.
  const since = Math.floor(Date.now() / 1000) - 1;
  const tb = performance.now();
  await Promise.all(svc.slice(0, BURST).map((s) => firstByte(listenPort, s.host)));
  const burstMs = round(performance.now() - tb);
  const th = performance.now();
  await Promise.all(
    burstTwins.map(async (t) => {
      await api('POST', `/containers/${t.id}/start`);
      while (!(await answers(t.port))) await sleep(5);
    }),
  );
  const burstHandMs = round(performance.now() - th);
  const until = Math.floor(Date.now() / 1000) + 1;
  const cli = engine.cli(['events', '--since', String(since), '--until', String(until), '--filter', 'event=start', '--format', '{{.Actor.Attributes.name}}']);
  const ev = await timedExec(cli.bin, cli.args);
  const startsPer = svc.slice(0, BURST).map((s) => ev.stdout.split('\n').filter((l) => l.trim() === s.name).length);
  const oneStartEach = startsPer.every((n) => n === 1);
  log(`wake-cold: burst of ${BURST}: ${burstMs} ms through WakeDock, ${burstHandMs} ms by hand; starts per service ${startsPer.join(',')}`);
  const rssAfter = statusMiB(pid, 'VmRSS');
  ws.close();
  if (serve.proc.exitCode !== null) throw new Error(`wakedock serve exited during the measurement:\n${serve.output()}`);

  return {
    params: { services: SERVICES, rounds: through.length, burst: BURST, windowMs: WINDOW_MS, app: 'busybox httpd (listens at once)', engine: engine.kind },
    metrics: {
      wakeThroughCaddy: a,
      startPlusReadinessByHand: b,
      wakeOverheadP50Ms: overhead,
      idle: { noServices: { cpuMs: round(cpu0), rssMiB: round(rss0, 1) }, hundredAsleep: { cpuMs: round(cpu100), rssMiB: round(rss100, 1) } },
      idleCpuPercentOfOneCore: round((cpu100 / WINDOW_MS) * 100, 3),
      rssRatio: ratio(rss100, rss0),
      burst: { wakedockMs: burstMs, byHandMs: burstHandMs, ratio: ratio(burstMs, burstHandMs), startsPerService: startsPer },
      rssAfterBurstMiB: round(rssAfter, 1),
    },
    targets: [check('wake overhead p50 (through WakeDock − start + readiness by hand)', overhead, 'ms', '<=', 150), check('burst: one start per service', oneStartEach ? 1 : 0, 'bool', '>=', 1)],
    notes: [
      'Through WakeDock: a non-HTML GET for a sleeping service (Caddy → dial error → error route → waker holds it → wake: inspect, start, readiness probe → the waker forwards it) until the first byte of the 200.',
      'By hand: POST /containers/{id}/start on the engine socket, then GET the published port every 5 ms until 200; a twin container of the same image and command.',
      `Idle windows: ${WINDOW_MS / 1000} s after ${SETTLE_MS / 1000} s of settling; CPU is utime+stime of the serve process (/proc), RSS VmRSS.`,
    ],
    summary: [
      '| figure | measured |',
      '|---|---|',
      `| wake overhead p50 (through WakeDock ${a.median} ms − by hand ${b.median} ms) | **${overhead} ms** |`,
      `| wake through WakeDock p95 / by hand p95 | ${a.p95} ms / ${b.p95} ms |`,
      `| idle, ${SERVICES} services asleep: CPU over ${WINDOW_MS / 1000} s / no services | ${round(cpu100)} ms / ${round(cpu0)} ms |`,
      `| idle RSS, ${SERVICES} asleep / no services | ${round(rss100, 1)} MiB / ${round(rss0, 1)} MiB (${ratio(rss100, rss0)}) |`,
      `| burst: ${BURST} sleeping services at once / ${BURST} started by hand | ${burstMs} ms / ${burstHandMs} ms (${ratio(burstMs, burstHandMs)}); starts per service ${startsPer.join(',')} |`,
    ],
  };
}

export const wakeColdSuite: Suite = { name: 'wake-cold', title: 'Wake on demand: wake overhead, 100 sleeping services, a burst of 10', timeLimitMs: 8 * 60_000, run };
