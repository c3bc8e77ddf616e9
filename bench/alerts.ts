// Suite `alerts`: what the alert rules and /metrics cost per second of stats. Pure CPU, no engine:
// 50 containers' samples (one StatsHub batch per second) are fed to the rule engine holding 20
// rules (container, project and host scopes; cpu, memory and event conditions), and /metrics is
// rendered for the same 50 containers. Baseline in the same run: JSON.stringify of the batch,
// which the stats.watch stream already does once per batch per subscriber. Targets: rule
// evaluation ≤ 1× that baseline; /metrics, rendered once per scrape (Prometheus' default
// interval is 1 min; 15 s is a common setting), ≤ 1× per second at a 15 s interval.
import { performance } from 'node:perf_hooks';
import type { DerivedSample } from '../src-main/contract';
import { AlertRuleSchema, type AlertRule } from '../src-main/contract/procedures/alerts';
import { RuleEngine } from '../src-main/core/alerts/rule-engine';
import { buildFamilies, type MetricsSource } from '../src-main/core/metrics/collector';
import { formatPrometheus } from '../src-main/core/metrics/prometheus';
import { percentile, ratio, round } from './lib/stats';
import { check, type Suite, type SuiteContext, type SuiteResult } from './lib/suite';

const CONTAINERS = 50;
const RULES = 20;
const SECONDS = 2_000; // simulated seconds of samples per measurement round
const ROUNDS = 7;

function rules(): AlertRule[] {
  const out: AlertRule[] = [];
  for (let i = 0; i < RULES; i++) {
    const scope = i % 3 === 0 ? { kind: 'host' } : i % 3 === 1 ? { kind: 'project', project: `p${i % 4}` } : { kind: 'container', name: `c${i}` };
    const condition = i % 4 === 0 ? { kind: 'cpu', thresholdPercent: 80, forSeconds: 30 } : i % 4 === 1 ? { kind: 'memory', thresholdPercent: 90, forSeconds: 60 } : i % 4 === 2 ? { kind: 'exit' } : { kind: 'restart-loop', restarts: 3, withinSeconds: 300 };
    out.push(AlertRuleSchema.parse({ id: `r${i}`, name: `rule ${i}`, scope, condition, createdAt: 0 }));
  }
  return out;
}

function batch(t: number): DerivedSample[] {
  return Array.from({ length: CONTAINERS }, (_, i) => ({
    hostId: 'local',
    id: `${'0'.repeat(56)}${String(i).padStart(8, '0')}`,
    name: `c${i}`,
    composeProject: `p${i % 4}`,
    t,
    // Some containers cross thresholds now and then, so fire/resolve paths run too.
    cpuPercent: (i * 7 + t / 1000) % 120,
    onlineCpus: 2,
    memUsed: 1e6 * i,
    memLimit: 1e9,
    memPercent: (i * 13 + t / 500) % 100,
    netRxRate: 1000,
    netTxRate: 2000,
    blockReadRate: 0,
    blockWriteRate: 4096,
    pids: 3,
  }));
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const batches = Array.from({ length: SECONDS }, (_, s) => batch(s * 1000));
  const baseline: number[] = [];
  const engineMs: number[] = [];
  const metricsMs: number[] = [];
  let sink = 0;
  const source = (b: DerivedSample[]): MetricsSource => ({
    hosts: () => [{ id: 'local', up: true, containers: b.map((s) => ({ id: s.id, name: s.name, state: 'running' as const, composeProject: s.composeProject })) }],
    samples: () => b,
    openAlerts: () => [{ hostId: 'local', condition: 'cpu' }],
  });
  for (let r = 0; r < ROUNDS && !ctx.budget.expired; r++) {
    // Interleaved in each round, so machine noise hits all three alike.
    baseline.push(time(() => batches.forEach((b) => (sink += JSON.stringify(b).length))) / SECONDS);
    const engine = new RuleEngine(rules());
    engineMs.push(
      time(() =>
        batches.forEach((b) => {
          for (const s of b) sink += engine.feed({ type: 'sample', at: s.t, hostId: s.hostId, container: { id: s.id, name: s.name, project: s.composeProject }, cpuPercent: s.cpuPercent, memPercent: s.memPercent }).length;
          sink += engine.feed({ type: 'tick', at: b[0]!.t }).length;
        }),
      ) / SECONDS,
    );
    const some = batches.slice(0, 200);
    metricsMs.push(time(() => some.forEach((b) => (sink += formatPrometheus(buildFamilies(source(b))).length))) / some.length);
  }
  ctx.log(`alerts: checksum ${sink}`);
  const base = percentile(baseline, 50);
  const eng = percentile(engineMs, 50);
  const met = percentile(metricsMs, 50);
  const engineRatio = ratio(eng, base);
  const metricsRatio = ratio(met / 15, base);
  const renderRatio = ratio(met, base);
  return {
    params: { containers: CONTAINERS, rules: RULES, simulatedSeconds: SECONDS, rounds: baseline.length },
    metrics: { baselineMsPerBatch: round(base, 4), ruleEngineMsPerBatch: round(eng, 4), metricsRenderMs: round(met, 4), engineRatio, metricsRenderRatio: renderRatio, metricsPerSecondAt15sRatio: metricsRatio },
    targets: [check('rule engine per 1 s batch / JSON.stringify of the batch', engineRatio, 'ratio', '<=', 1.0), check('/metrics per second at a 15 s scrape interval / JSON.stringify of the batch', metricsRatio, 'ratio', '<=', 1.0)],
    notes: ['Pure CPU in the bench process; p50 of the rounds. One batch = the 50 samples the StatsHub hands out per second.'],
    summary: [
      '| per second of stats (50 containers) | ms | × baseline |',
      '|---|---|---|',
      `| JSON.stringify of the batch (baseline) | ${round(base, 4)} | 1 |`,
      `| rule engine, ${RULES} rules | ${round(eng, 4)} | ${engineRatio} |`,
      `| /metrics, one render (per scrape) | ${round(met, 4)} | ${renderRatio} |`,
      `| /metrics per second at a 15 s scrape interval | ${round(met / 15, 4)} | ${metricsRatio} |`,
    ],
  };
}

export const alertsSuite: Suite = { name: 'alerts', title: 'Alerts: rule evaluation and /metrics cost per second of stats', timeLimitMs: 60_000, run };
