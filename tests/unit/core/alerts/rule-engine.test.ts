// The rule engine as a state machine: made-up timestamps in, fire/repeat/resolve out.
import { describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '../../../../src-main/contract/procedures/alerts';
import { RuleEngine, type ContainerInfo, type ContainerNow, type EngineInput, type EngineOutput } from '../../../../src-main/core/alerts/rule-engine';

const rule = (over: Partial<AlertRule> & Pick<AlertRule, 'condition'>): AlertRule =>
  AlertRuleSchema.parse({ id: 'r1', name: 'R', hostId: 'local', scope: { kind: 'container', name: 'web' }, cooldownSeconds: 0, createdAt: 0, ...over });

const web = { id: 'aaa', name: 'web', project: 'shop' };
const db = { id: 'bbb', name: 'db', project: 'shop' };
const cpu = (at: number, cpuPercent: number, container: ContainerInfo = web): EngineInput => ({ type: 'sample', at, hostId: 'local', container, cpuPercent, memPercent: 10 });
const ev = (at: number, event: 'die' | 'oom' | 'start' | 'unhealthy' | 'healthy' | 'destroy', exitCode?: number, container: ContainerInfo = web): EngineInput => ({
  type: 'event',
  at,
  hostId: 'local',
  container,
  event,
  ...(exitCode !== undefined ? { exitCode } : {}),
});
const types = (outs: EngineOutput[]): string[] => outs.map((o) => o.type);

/** Feed inputs in order and collect every output with the time it came at. */
function run(engine: RuleEngine, inputs: EngineInput[]): EngineOutput[] {
  return inputs.flatMap((i) => engine.feed(i));
}

describe('threshold rules (for-duration)', () => {
  const cpuRule = rule({ condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 3 } });

  it('fires only once the condition has held for the whole duration', () => {
    const e = new RuleEngine([cpuRule]);
    expect(e.feed(cpu(0, 90))).toEqual([]);
    expect(e.feed(cpu(1000, 95))).toEqual([]);
    expect(e.feed(cpu(2999, 99))).toEqual([]);
    const out = e.feed(cpu(3000, 97));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'fire', ruleId: 'r1', at: 3000, value: 97, target: { key: 'local/web', label: 'web', containerName: 'web', containerId: 'aaa', project: 'shop' } });
    expect((out[0] as { message: string }).message).toMatch(/web: CPU 97\.0 % \(above 50 % for 3 s\)/);
  });

  it('a dip below the threshold restarts the duration', () => {
    const e = new RuleEngine([cpuRule]);
    expect(run(e, [cpu(0, 90), cpu(2000, 90), cpu(2500, 10), cpu(3000, 90), cpu(5000, 90)])).toEqual([]);
    expect(types(e.feed(cpu(6000, 90)))).toEqual(['fire']);
  });

  it('exactly at the threshold is not above it', () => {
    const e = new RuleEngine([cpuRule]);
    expect(run(e, [cpu(0, 50), cpu(5000, 50)])).toEqual([]);
  });

  it('de-duplicates: one open alert per rule and target; later samples above add nothing (no per-second churn)', () => {
    const e = new RuleEngine([cpuRule]);
    const out = run(e, [cpu(0, 90), cpu(3000, 90), cpu(4000, 91), cpu(5000, 92), cpu(60_000, 99)]);
    expect(types(out)).toEqual(['fire']);
    expect(e.isOpen('r1', 'local/web')).toBe(true);
  });

  it('resolves on the first sample below the threshold', () => {
    const e = new RuleEngine([cpuRule]);
    const out = run(e, [cpu(0, 90), cpu(3000, 90), cpu(4000, 20)]);
    expect(types(out)).toEqual(['fire', 'resolve']);
    expect(out[1]).toMatchObject({ type: 'resolve', key: 'local/web', at: 4000, reason: 'CPU back to 20.0 %' });
    expect(e.isOpen('r1', 'local/web')).toBe(false);
  });

  it('resolves when the container stops (no more samples will come)', () => {
    const e = new RuleEngine([cpuRule]);
    const out = run(e, [cpu(0, 90), cpu(3000, 90), ev(3500, 'die', 0)]);
    expect(types(out)).toEqual(['fire', 'resolve']);
    expect(out[1]).toMatchObject({ reason: 'the container stopped' });
  });

  it('forSeconds 0 fires on the first sample above', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 0 } })]);
    expect(types(e.feed(cpu(0, 51)))).toEqual(['fire']);
  });

  it('memory rules use the memory % and ignore a sample without one', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'memory', thresholdPercent: 80, forSeconds: 0 } })]);
    expect(e.feed({ type: 'sample', at: 0, hostId: 'local', container: web, cpuPercent: 500 })).toEqual([]);
    expect(e.feed({ type: 'sample', at: 1, hostId: 'local', container: web, cpuPercent: 0, memPercent: 79 })).toEqual([]);
    expect(e.feed({ type: 'sample', at: 2, hostId: 'local', container: web, cpuPercent: 0, memPercent: 81 })[0]).toMatchObject({ type: 'fire', value: 81 });
  });

  it('keeps one state per target: a project rule tracks each container on its own', () => {
    const e = new RuleEngine([rule({ scope: { kind: 'project', project: 'shop' }, condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 1 } })]);
    const out = run(e, [cpu(0, 90, web), cpu(0, 90, db), cpu(1000, 90, web), cpu(1000, 10, db), cpu(2000, 90, db), cpu(3000, 90, db)]);
    expect(out.filter((o) => o.type === 'fire').map((o) => (o as { target: { key: string } }).target.key)).toEqual(['local/web', 'local/db']);
    expect(out.find((o) => o.type === 'fire' && o.target.key === 'local/db')!.at).toBe(3000);
  });

  it('ignores containers outside the scope and samples of other hosts', () => {
    const e = new RuleEngine([cpuRule]);
    expect(run(e, [cpu(0, 99, db), cpu(5000, 99, db)])).toEqual([]);
    expect(run(e, [{ ...cpu(0, 99), hostId: 'nas' } as EngineInput, { ...cpu(5000, 99), hostId: 'nas' } as EngineInput])).toEqual([]);
    const other = new RuleEngine([rule({ scope: { kind: 'project', project: 'blog' }, condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 0 } })]);
    expect(other.feed(cpu(0, 99))).toEqual([]);
    expect(other.feed(cpu(0, 99, { id: 'c', name: 'solo' }))).toEqual([]);
  });

  it('a disabled rule does nothing', () => {
    const e = new RuleEngine([{ ...cpuRule, enabled: false }]);
    expect(run(e, [cpu(0, 99), cpu(9000, 99)])).toEqual([]);
  });
});

describe('cool-down: limits notifications, never the alert state', () => {
  const fires = (out: EngineOutput[]) => out.filter((o): o is Extract<EngineOutput, { type: 'fire' }> => o.type === 'fire');

  it('a failure inside the cool-down opens its alert at once (held), and notifies when the cool-down ends if still open', () => {
    const e = new RuleEngine([rule({ cooldownSeconds: 60, condition: { kind: 'exit' } })]);
    const first = run(e, [ev(0, 'die', 1), ev(500, 'start')]);
    expect(fires(first)).toMatchObject([{ at: 0, notify: true }]);
    // exits again one second after it resolved: open and shown now, notification held
    const again = e.feed(ev(1_500, 'die', 1));
    expect(again).toMatchObject([{ type: 'fire', at: 1_500, notify: false, heldUntil: 60_000 }]);
    expect(e.isOpen('r1', 'local/web')).toBe(true);
    expect(e.feed({ type: 'tick', at: 59_999 })).toEqual([]);
    expect(e.feed({ type: 'tick', at: 60_000 })).toEqual([{ type: 'notify', ruleId: 'r1', key: 'local/web', at: 60_000 }]);
    expect(e.feed({ type: 'tick', at: 61_000 })).toEqual([]);
    // the next cool-down counts from that notification
    run(e, [ev(62_000, 'start')]);
    expect(e.feed(ev(63_000, 'die', 1))).toMatchObject([{ type: 'fire', notify: false, heldUntil: 120_000 }]);
  });

  it('a held alert that resolves before the cool-down ends is never notified', () => {
    const e = new RuleEngine([rule({ cooldownSeconds: 60, condition: { kind: 'exit' } })]);
    run(e, [ev(0, 'die', 1), ev(500, 'start'), ev(1_500, 'die', 1), ev(2_000, 'start')]);
    expect(run(e, [{ type: 'tick', at: 60_000 }, { type: 'tick', at: 90_000 }])).toEqual([]);
  });

  it('a flapping threshold: every flap is shown, one notification per cool-down while it holds', () => {
    const e = new RuleEngine([rule({ cooldownSeconds: 60, condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 0 } })]);
    const out: EngineOutput[] = [];
    for (let t = 0; t <= 120_000; t += 1000) out.push(...e.feed(cpu(t, (t / 1000) % 2 === 0 ? 90 : 10)), ...e.feed({ type: 'tick', at: t }));
    expect(fires(out).filter((f) => f.notify).map((f) => f.at)).toEqual([0, 60_000, 120_000]);
    expect(fires(out)).toHaveLength(61);
    expect(out.filter((o) => o.type === 'notify')).toEqual([]); // each held one resolved before its time
  });

  it('is per target: another container of the same rule is not held back', () => {
    const e = new RuleEngine([rule({ scope: { kind: 'host' }, cooldownSeconds: 600, condition: { kind: 'exit' } })]);
    const out = run(e, [ev(0, 'die', 1, web), ev(10, 'start', undefined, web), ev(20, 'die', 1, web), ev(30, 'die', 2, db)]);
    expect(fires(out).map((o) => [o.target.key, o.notify])).toEqual([
      ['local/web', true],
      ['local/web', false],
      ['local/db', true],
    ]);
  });
});

describe('current state (snapshots): rules see what already holds', () => {
  const now = (over: Partial<ContainerNow> = {}): ContainerNow => ({ ...web, state: 'running', health: 'none', ...over });
  const snap = (at: number, containers: ContainerNow[], complete = true): EngineInput => ({ type: 'snapshot', at, hostId: 'local', containers, complete });

  it('a container already exited with code 2 fires; exit 0 does not; running again resolves', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'exit' } })]);
    expect(e.feed(snap(0, [now({ state: 'exited', exitCode: 0 })]))).toEqual([]);
    expect(e.feed(snap(1, [now({ state: 'exited', exitCode: 2 })]))).toMatchObject([{ type: 'fire', message: 'web exited with code 2', value: 2, notify: true }]);
    // idempotent: the same state again is not a new occurrence
    expect(e.feed(snap(2, [now({ state: 'exited', exitCode: 2 })]))).toEqual([]);
    expect(e.feed(snap(3, [now({ state: 'running' })]))).toMatchObject([{ type: 'resolve', reason: 'the container started again' }]);
  });

  it('an already unhealthy container fires; healthy or stopped resolves', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'unhealthy' } })]);
    expect(types(e.feed(snap(0, [now({ health: 'unhealthy' })])))).toEqual(['fire']);
    expect(e.feed(snap(1, [now({ health: 'unhealthy' })]))).toEqual([]);
    expect(e.feed(snap(2, [now({ health: 'healthy' })]))).toMatchObject([{ type: 'resolve', reason: 'the health check passes again' }]);
  });

  it('a complete snapshot without the container resolves its alert as removed; a partial one does not', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'exit' } })]);
    e.feed(ev(0, 'die', 1));
    expect(e.feed(snap(1, [], false))).toEqual([]);
    expect(e.feed(snap(2, []))).toMatchObject([{ type: 'resolve', reason: 'the container was removed' }]);
  });
});

describe('restore: open alerts and their evidence survive a core restart', () => {
  const loop = rule({ condition: { kind: 'restart-loop', restarts: 3, withinSeconds: 300 } });
  const target = { key: 'local/web', label: 'web', hostId: 'local', containerName: 'web' };

  it('a crash-loop alert restored 25 s after it fired is not resolved by the restart, only by a watched quiet window', () => {
    const first = new RuleEngine([loop]);
    const fired = run(first, [ev(0, 'start'), ev(5_000, 'start'), ev(10_000, 'start')]);
    const evidence = (fired[0] as Extract<EngineOutput, { type: 'fire' }>).evidence!;
    expect(evidence.starts).toEqual([0, 5_000, 10_000]);

    // the core restarts 25 s later; the engine is not reachable yet
    const e = new RuleEngine([loop]);
    e.restoreOpen([{ ruleId: 'r1', key: 'local/web', firedAt: 10_000, notifiedAt: 10_000, target, evidence }]);
    expect(e.feed({ type: 'tick', at: 35_000 })).toEqual([]);
    // even long after, with no evidence the core never saw a quiet window
    expect(e.feed({ type: 'tick', at: 900_000 })).toEqual([]);
    // the container is still restarting: a start it did not see (StartedAt) is counted
    expect(types(e.feed({ type: 'snapshot', at: 900_000, hostId: 'local', containers: [{ ...web, state: 'restarting', health: 'none', startedAt: 899_000 }], complete: true }))).toEqual([]);
    expect(e.feed({ type: 'tick', at: 1_000_000 })).toEqual([]);
    // a full watched window without a start resolves it
    expect(e.feed({ type: 'tick', at: 1_199_000 })).toMatchObject([{ type: 'resolve', reason: 'no restart for 5 min' }]);
  });

  it('a restored held notification goes out when its cool-down ends', () => {
    const e = new RuleEngine([rule({ cooldownSeconds: 60, condition: { kind: 'exit' } })]);
    e.restoreOpen([{ ruleId: 'r1', key: 'local/web', firedAt: 1_000, heldUntil: 60_000, target }]);
    expect(e.feed({ type: 'tick', at: 60_000 })).toEqual([{ type: 'notify', ruleId: 'r1', key: 'local/web', at: 60_000 }]);
  });

  it('the cool-down of a resolved alert still counts after a restart', () => {
    const e = new RuleEngine([rule({ cooldownSeconds: 60, condition: { kind: 'exit' } })]);
    e.restoreNotified('r1', target, 10_000);
    expect(e.feed(ev(20_000, 'die', 1))).toMatchObject([{ type: 'fire', notify: false, heldUntil: 70_000 }]);
  });
});

describe('event rules', () => {
  it('exit: a non-zero exit fires with the code; exit 0 does not; a start resolves', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'exit' } })]);
    expect(e.feed(ev(0, 'die', 0))).toEqual([]);
    const out = run(e, [ev(1000, 'die', 3), ev(2000, 'start')]);
    expect(out[0]).toMatchObject({ type: 'fire', value: 3, message: 'web exited with code 3' });
    expect(out[1]).toMatchObject({ type: 'resolve', reason: 'the container started again' });
  });

  it('exit: a die without an exit code is ignored; removal resolves', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'exit' } })]);
    expect(e.feed(ev(0, 'die'))).toEqual([]);
    expect(types(run(e, [ev(1, 'die', 137), ev(2, 'destroy')]))).toEqual(['fire', 'resolve']);
  });

  it('a recreated container (new id, same name) keeps the same target: the rule survives recreation', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'exit' } })]);
    const out = run(e, [ev(0, 'die', 1, web), ev(1, 'destroy', undefined, web), ev(2, 'die', 5, { id: 'new', name: 'web' })]);
    expect(types(out)).toEqual(['fire', 'resolve', 'fire']);
    expect(out[2]).toMatchObject({ target: { key: 'local/web', containerId: 'new' } });
  });

  it('oom fires on the oom event and resolves on start', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'oom' } })]);
    expect(types(run(e, [ev(0, 'die', 137), ev(0, 'oom'), ev(5, 'oom'), ev(10, 'start')]))).toEqual(['fire', 'repeat', 'resolve']);
  });

  it('unhealthy fires on health_status unhealthy and resolves when healthy again', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'unhealthy' } })]);
    const out = run(e, [ev(0, 'healthy'), ev(10, 'unhealthy'), ev(20, 'unhealthy'), ev(30, 'healthy')]);
    expect(types(out)).toEqual(['fire', 'repeat', 'resolve']);
    expect(out[2]).toMatchObject({ reason: 'the health check passes again' });
  });
});

describe('restart loop', () => {
  const loop = rule({ condition: { kind: 'restart-loop', restarts: 3, withinSeconds: 60 } });

  it('fires on the Nth start within the window, not for N starts spread wider', () => {
    const spread = new RuleEngine([loop]);
    expect(run(spread, [ev(0, 'start'), ev(40_000, 'start'), ev(80_000, 'start'), ev(120_000, 'start')])).toEqual([]);
    const tight = new RuleEngine([loop]);
    const out = run(tight, [ev(0, 'start'), ev(20_000, 'start'), ev(59_999, 'start')]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'fire', at: 59_999, value: 3, message: 'web restarted 3 times within 1 min' });
  });

  it('a start exactly one window after the first does not count the first', () => {
    const e = new RuleEngine([loop]);
    expect(run(e, [ev(0, 'start'), ev(30_000, 'start'), ev(60_000, 'start')])).toEqual([]);
  });

  it('resolves after a full window without a start (on a tick), not before', () => {
    const e = new RuleEngine([loop]);
    run(e, [ev(0, 'start'), ev(1000, 'start'), ev(2000, 'start'), ev(3000, 'start')]);
    expect(e.feed({ type: 'tick', at: 62_999 })).toEqual([]);
    const out = e.feed({ type: 'tick', at: 63_000 });
    expect(out).toEqual([{ type: 'resolve', ruleId: 'r1', key: 'local/web', at: 63_000, reason: 'no restart for 1 min' }]);
  });
});

describe('engine unreachable', () => {
  const down = rule({ scope: { kind: 'host' }, condition: { kind: 'engine-down', forSeconds: 10 } });
  const host = (at: number, up: boolean): EngineInput => ({ type: 'host', at, hostId: 'local', hostName: 'Local engine', up, reason: 'ENOENT' });

  it('fires after forSeconds of unreachable (driven by ticks) and resolves on reconnect', () => {
    const e = new RuleEngine([down]);
    expect(e.feed(host(0, false))).toEqual([]);
    expect(e.feed(host(5000, false))).toEqual([]); // a failed retry does not restart the clock
    expect(e.feed({ type: 'tick', at: 9999 })).toEqual([]);
    const fired = e.feed({ type: 'tick', at: 10_000 });
    expect(fired[0]).toMatchObject({ type: 'fire', target: { key: 'local', label: 'Local engine' }, message: 'The engine of Local engine is unreachable (ENOENT)' });
    expect(e.feed({ type: 'tick', at: 11_000 })).toEqual([]);
    expect(types(e.feed(host(12_000, true)))).toEqual(['resolve']);
  });

  it('a short outage does not fire', () => {
    const e = new RuleEngine([down]);
    expect(run(e, [host(0, false), { type: 'tick', at: 5000 }, host(6000, true), { type: 'tick', at: 20_000 }])).toEqual([]);
  });

  it('container events and samples never trigger it', () => {
    const e = new RuleEngine([down]);
    expect(run(e, [ev(0, 'die', 1), cpu(0, 999), { type: 'tick', at: 50_000 }])).toEqual([]);
  });
});

describe('rule changes and restore', () => {
  it('deleting, disabling or changing a rule resolves its open alerts; renaming it does not', () => {
    const r = rule({ condition: { kind: 'exit' } });
    const e = new RuleEngine([r]);
    e.feed(ev(0, 'die', 1));
    expect(e.setRules([{ ...r, name: 'renamed' }], 5)).toEqual([]);
    expect(e.setRules([{ ...r, condition: { kind: 'oom' } }], 6)).toEqual([{ type: 'resolve', ruleId: 'r1', key: 'local/web', at: 6, reason: 'the rule was changed' }]);
    e.setRules([r], 7);
    e.feed(ev(8, 'die', 1));
    expect(e.setRules([], 9)).toEqual([{ type: 'resolve', ruleId: 'r1', key: 'local/web', at: 9, reason: 'the rule was deleted' }]);
  });

  it('alerts restored as open are de-duplicated and still resolve', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'exit' } })]);
    e.restoreOpen([{ ruleId: 'r1', key: 'local/web', firedAt: 0, target: { key: 'local/web', label: 'web', hostId: 'local', containerName: 'web' } }]);
    expect(types(run(e, [ev(10, 'die', 1), ev(20, 'start')]))).toEqual(['repeat', 'resolve']);
  });

  it('needsSamples is true only while an enabled cpu or memory rule exists', () => {
    const e = new RuleEngine([rule({ condition: { kind: 'exit' } })]);
    expect(e.needsSamples()).toBe(false);
    e.setRules([rule({ id: 'c', condition: { kind: 'cpu', thresholdPercent: 1, forSeconds: 0 } })], 0);
    expect(e.needsSamples()).toBe(true);
    e.setRules([rule({ id: 'c', enabled: false, condition: { kind: 'cpu', thresholdPercent: 1, forSeconds: 0 } })], 0);
    expect(e.needsSamples()).toBe(false);
  });
});

describe('rules for every host (hostId "*")', () => {
  const hostIn = (at: number, hostId: string, up: boolean): EngineInput => ({ type: 'host', at, hostId, hostName: hostId === 'local' ? 'Local engine' : 'Build box', up, reason: 'ECONNREFUSED' });

  it('"host unreachable" fires per host after forSeconds and resolves for the host that is back, not the others', () => {
    const e = new RuleEngine([rule({ hostId: '*', scope: { kind: 'host' }, condition: { kind: 'engine-down', forSeconds: 5 } })]);
    expect(run(e, [hostIn(0, 'tcp-1', false), { type: 'tick', at: 2000 }, hostIn(2000, 'local', false), { type: 'tick', at: 4999 }])).toEqual([]);
    const first = e.feed({ type: 'tick', at: 5000 });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ type: 'fire', target: { key: 'tcp-1', hostId: 'tcp-1', label: 'Build box' }, message: 'The engine of Build box is unreachable (ECONNREFUSED)' });
    expect(e.feed({ type: 'tick', at: 7000 })[0]).toMatchObject({ type: 'fire', target: { key: 'local', hostId: 'local' } });
    expect(e.feed(hostIn(8000, 'tcp-1', true))).toEqual([expect.objectContaining({ type: 'resolve', key: 'tcp-1' })]);
    expect(e.isOpen('r1', 'local')).toBe(true);
  });

  it('container rules key their targets by the input host: the same name on two hosts is two alerts', () => {
    const e = new RuleEngine([rule({ hostId: '*', condition: { kind: 'exit' } })]);
    const die = (hostId: string): EngineInput => ({ type: 'event', at: 1000, hostId, container: web, event: 'die', exitCode: 2 });
    const out = run(e, [die('local'), die('tcp-1')]);
    expect(out.map((o) => (o.type === 'fire' ? o.target.key : o.type))).toEqual(['local/web', 'tcp-1/web']);
  });

  it('a rule for one host ignores the other hosts', () => {
    const e = new RuleEngine([rule({ hostId: 'tcp-1', scope: { kind: 'host' }, condition: { kind: 'engine-down', forSeconds: 0 } })]);
    expect(run(e, [hostIn(0, 'local', false), { type: 'tick', at: 1000 }])).toEqual([]);
  });
});
