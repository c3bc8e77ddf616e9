// `npm run bench [-- <suite>…] [--engine private|shared|unix:///path]`
//
// Runs the performance suites against one engine (by default a private dockerd the bench starts and
// removes again), writes bench/results/<suite>.json and rebuilds bench/results/latest.md.
// Suites always run in the order list → idle → latency: latency grows the engine to 1,000
// containers for its scroll check, and the other two are specified at 500.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../tests/support/docker-fixtures';
import { idleSuite } from './idle';
import { latencySuite } from './latency';
import { listSuite } from './list';
import { logsSuite } from './logs';
import { projectLogsSuite } from './project-logs';
import { alertsSuite } from './alerts';
import { statsSuite } from './stats';
import { terminalSuite } from './terminal';
import { resourcesSuite } from './resources';
import { wakeSuite } from './wake';
import { wakeColdSuite } from './wake-cold';
import { sshSuite } from './ssh';
import { transferSuite } from './transfer';
import { backupSuite } from './backup';
import { Budget, CleanupStack, withTimeout } from './lib/cleanup';
import { BenchEngine } from './lib/engine';
import { machineInfo, writeLatestMarkdown, writeSuiteResult, type StoredResult } from './lib/report';
import type { Suite } from './lib/suite';

const SUITES: Suite[] = [alertsSuite, listSuite, idleSuite, latencySuite, statsSuite, terminalSuite, logsSuite, projectLogsSuite, resourcesSuite, wakeSuite, wakeColdSuite, sshSuite, transferSuite, backupSuite];
/** The whole run, engine set-up and clean-up included. */
const RUN_LIMIT_MS = 11 * 60_000;

const HELP = `Usage: npm run bench [-- [suite…] [--engine private|shared|unix:///path]]

Suites: ${SUITES.map((s) => s.name).join(', ')} (default: all)
--engine private   a private dockerd started and removed by the bench (default)
--engine shared    the engine at /var/run/docker.sock (only wdbench-* containers are touched)
--engine unix://…  another running engine
`;

const t0 = Date.now();
const log = (msg: string): void => {
  process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { engine: { type: 'string', default: 'private' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const unknown = positionals.filter((p) => !SUITES.some((s) => s.name === p));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown suite ${unknown.map((u) => `"${u}"`).join(', ')}\n\n${HELP}`);
    return 2;
  }
  const selected = positionals.length === 0 ? SUITES : SUITES.filter((s) => positionals.includes(s.name));
  if (!existsSync(join(REPO_ROOT, 'out/main/serve.js')) || !existsSync(join(REPO_ROOT, 'out/renderer/index.html'))) {
    process.stderr.write('bench: the app is not built (out/main/serve.js or out/renderer is missing); run "npm run build" or use "npm run bench"\n');
    return 1;
  }

  const global = new CleanupStack();
  let suiteCleanup: CleanupStack | null = null;
  let interrupted = false;
  const abort = async (why: string, code: number): Promise<never> => {
    if (interrupted) process.exit(code); // second Ctrl-C: give up on cleaning
    interrupted = true;
    log(`${why}: cleaning up…`);
    await suiteCleanup?.runAll();
    await global.runAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void abort('interrupted', 130));
  process.on('SIGTERM', () => void abort('terminated', 143));
  const watchdog = setTimeout(() => void abort(`the whole run exceeded ${RUN_LIMIT_MS / 60_000} min`, 1), RUN_LIMIT_MS);
  watchdog.unref();

  let failed = 0;
  try {
    const engine = await BenchEngine.open(values.engine!, global, log);
    const v = await engine.version();
    const machine = machineInfo({ version: `${v.Version} (API ${v.ApiVersion})`, kind: engine.kind === 'private' ? 'private dockerd' : engine.socket, driver: v.Driver });
    log(`engine ${engine.url}: Docker ${v.Version}, ${v.Driver}; ${machine.cpus} CPUs`);

    for (const suite of selected) {
      const startedAt = new Date();
      const cleanup = new CleanupStack();
      suiteCleanup = cleanup;
      const budget = new Budget(suite.name, suite.timeLimitMs * 0.7);
      log(`suite ${suite.name}: ${suite.title} (limit ${suite.timeLimitMs / 1000} s)`);
      let stored: StoredResult;
      try {
        const r = await withTimeout(suite.run({ engine, cleanup, budget, log }), suite.timeLimitMs, `suite ${suite.name}`);
        stored = { suite: suite.name, title: suite.title, ok: true, startedAt: startedAt.toISOString(), durationS: 0, machine, ...r };
      } catch (e) {
        failed++;
        const msg = e instanceof Error ? e.message : String(e);
        log(`suite ${suite.name} FAILED: ${msg}`);
        if (e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
        stored = { suite: suite.name, title: suite.title, ok: false, error: msg, startedAt: startedAt.toISOString(), durationS: 0, machine, params: {}, metrics: {}, targets: [], notes: [], summary: [] };
      } finally {
        await cleanup.runAll();
        suiteCleanup = null;
      }
      // An interrupted suite's figures (or its failure) are not results: keep the last real ones.
      if (interrupted) break;
      stored.durationS = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
      const file = writeSuiteResult(stored);
      for (const t of stored.targets) log(`  ${t.pass ? 'pass' : 'MISS'}  ${t.name}: ${t.value}${t.unit === 'ratio' ? '' : ` ${t.unit}`} (goal ${t.target})`);
      log(`suite ${suite.name} done in ${stored.durationS} s → ${file}`);
    }
  } catch (e) {
    failed++;
    log(`bench FAILED: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    log('cleaning up the engine…');
    await global.runAll();
  }
  if (interrupted) return 130;
  const md = writeLatestMarkdown();
  log(`summary → ${md}; total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return failed > 0 ? 1 : 0;
}

void main().then((code) => process.exit(code));
