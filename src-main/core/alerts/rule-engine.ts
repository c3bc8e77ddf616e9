// The alert rule engine: a pure state machine. Inputs are samples, container events, host state
// changes and clock ticks, each with its own timestamp; outputs are fire / repeat / resolve
// decisions. No timers, no I/O: the alert service feeds it and acts on what it returns, and the
// unit tests drive it with made-up times.
//
// Semantics (per rule and target, the target being hostId/containerName, or the host):
// - threshold rules (cpu, memory): the condition must hold on every sample for forSeconds before
//   the alert fires; the first sample below the threshold (or the container stopping) resolves it.
// - exit / oom: fire on the event; the container starting again (or being removed) resolves it.
// - unhealthy: fire on health_status unhealthy; healthy, stop or removal resolves it.
// - restart-loop: fire when `restarts` starts happen within `withinSeconds`; a full window without
//   a start resolves it.
// - engine-down: fire when the host has been unreachable for forSeconds; reconnecting resolves it.
// - wake-failed: fire when a wake-on-demand service's wake fails (the start error in the message);
//   it becoming awake (or being removed) resolves it; a second failure while open is a repeat.
// A rule for every host (hostId '*') takes the input's host: its targets are per host as above.
// De-duplication: while an alert is open, the same condition again only counts an occurrence
// ('repeat'). Cool-down: limits NOTIFICATIONS, never the alert's state. A condition that holds
// inside the cool-down opens its alert at once (shown, `notify: false`, `heldUntil`); when the
// cool-down ends and the alert is still open, a 'notify' goes out; if it resolved before, nobody
// was bothered.
//
// Current state, not only changes: the engine announces health and exit only when they change, so
// a 'snapshot' input (the host's container table when the core starts, when the engine reconnects,
// when a rule is created or changed, and rows re-read without an event) is evaluated too: an
// already-unhealthy container or one already exited with code 2 fires. Evaluation is idempotent
// (an open alert is not counted again).
//
// Resolve only on evidence: alerts restored after a core restart keep their evidence (a restart
// loop's start times) and are not 'observed' until the engine was seen again (a snapshot or an
// event for the target), so a restart of the core never resolves a crash-loop alert by itself; a
// snapshot also brings starts that happened while the core was down (the container's StartedAt).
import type { ContainerState, Health } from '../../contract';
import { ALL_HOSTS_RULE, type AlertCondition, type AlertRule } from '../../contract/procedures/alerts';

export interface ContainerInfo {
  id: string;
  name: string;
  project?: string;
}

export type ContainerEventKind = 'die' | 'oom' | 'start' | 'unhealthy' | 'healthy' | 'destroy';

/** A container as the host's table shows it now. */
export interface ContainerNow extends ContainerInfo {
  state: ContainerState;
  health: Health;
  exitCode?: number;
  startedAt?: number;
  finishedAt?: number;
}

/** What an alert keeps to be judged after a core restart. */
export interface Evidence {
  /** Restart loop: the start times inside the rule's window. */
  starts?: number[];
}

export type EngineInput =
  | { type: 'sample'; at: number; hostId: string; container: ContainerInfo; cpuPercent: number; memPercent?: number }
  /** `complete`: the whole table (a name that is absent was removed); else some rows of it. */
  | { type: 'snapshot'; at: number; hostId: string; containers: readonly ContainerNow[]; complete: boolean }
  | { type: 'event'; at: number; hostId: string; container: ContainerInfo; event: ContainerEventKind; exitCode?: number }
  | { type: 'host'; at: number; hostId: string; hostName?: string; up: boolean; reason?: string }
  /** A wake-on-demand service: its wake failed (with why), it is awake, or it was removed. */
  | { type: 'wake'; at: number; hostId: string; service: string; state: 'failed' | 'awake' | 'removed'; message?: string }
  | { type: 'tick'; at: number };

export interface FireTarget {
  key: string;
  label: string;
  hostId: string;
  containerName?: string;
  containerId?: string;
  project?: string;
  service?: string;
}

export type EngineOutput =
  /** notify false: inside the cool-down; the alert is open and shown, its notification waits for heldUntil. */
  | { type: 'fire'; ruleId: string; target: FireTarget; at: number; message: string; value?: number; notify: boolean; heldUntil?: number; evidence?: Evidence }
  /** The cool-down ended while the alert was still open: notify now. */
  | { type: 'notify'; ruleId: string; key: string; at: number }
  | { type: 'repeat'; ruleId: string; key: string; at: number; message: string; value?: number; evidence?: Evidence }
  | { type: 'resolve'; ruleId: string; key: string; at: number; reason: string };

interface TargetState {
  target: FireTarget;
  open: boolean;
  /** When the current alert (or the last one) fired. */
  firedAt?: number;
  /** When a notification last went out for this rule and target (the cool-down counts from it). */
  notifiedAt?: number;
  /** The open alert's notification is held by the cool-down until then. */
  heldUntil?: number;
  /** False for an alert restored from the store until the engine was seen again: no resolve before. */
  observed: boolean;
  /** Threshold / engine-down: since when the condition holds. */
  since?: number;
  /** Restart loop: start times within the window. */
  starts: number[];
  /** The last value seen while the condition held (for the message). */
  value?: number;
  hostReason?: string;
}

export interface OpenAlertRef {
  ruleId: string;
  key: string;
  firedAt: number;
  target: FireTarget;
  /** When its notification went out (absent: held by the cool-down until heldUntil). */
  notifiedAt?: number;
  heldUntil?: number;
  evidence?: Evidence;
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));
const secs = (s: number): string => (s % 3600 === 0 && s >= 3600 ? `${s / 3600} h` : s % 60 === 0 && s >= 60 ? `${s / 60} min` : `${s} s`);

export function describeCondition(c: AlertCondition): string {
  switch (c.kind) {
    case 'cpu':
      return `CPU above ${c.thresholdPercent} %${c.forSeconds ? ` for ${secs(c.forSeconds)}` : ''}`;
    case 'memory':
      return `memory above ${c.thresholdPercent} % of its limit${c.forSeconds ? ` for ${secs(c.forSeconds)}` : ''}`;
    case 'exit':
      return 'exited with a non-zero code';
    case 'oom':
      return 'killed for lack of memory (OOM)';
    case 'restart-loop':
      return `${c.restarts} restarts within ${secs(c.withinSeconds)}`;
    case 'unhealthy':
      return 'health check unhealthy';
    case 'engine-down':
      return `engine unreachable${c.forSeconds ? ` for ${secs(c.forSeconds)}` : ''}`;
    case 'wake-failed':
      return 'wake failed';
  }
}

export class RuleEngine {
  private rules = new Map<string, AlertRule>();
  /** ruleId → target key → state */
  private readonly states = new Map<string, Map<string, TargetState>>();

  constructor(rules: readonly AlertRule[] = []) {
    for (const r of rules) this.rules.set(r.id, r);
  }

  /**
   * Alerts still open from a previous run, with their evidence: de-duplication, held notifications
   * and resolve keep working for them, but nothing resolves before the engine was seen again.
   */
  restoreOpen(open: readonly OpenAlertRef[]): void {
    for (const o of open) {
      if (!this.rules.has(o.ruleId)) continue;
      const st = this.state(o.ruleId, o.target);
      st.open = true;
      st.observed = false;
      st.firedAt = o.firedAt;
      if (o.notifiedAt !== undefined) st.notifiedAt = Math.max(st.notifiedAt ?? 0, o.notifiedAt);
      else if (o.heldUntil !== undefined) st.heldUntil = o.heldUntil;
      if (o.evidence?.starts) st.starts = [...o.evidence.starts];
    }
  }

  /** The last notification of a (resolved) alert from a previous run: the cool-down still counts from it. */
  restoreNotified(ruleId: string, target: FireTarget, notifiedAt: number): void {
    if (!this.rules.has(ruleId)) return;
    const st = this.state(ruleId, target);
    st.notifiedAt = Math.max(st.notifiedAt ?? 0, notifiedAt);
  }

  /**
   * Replace the rule set. Open alerts of removed or disabled rules, or of rules whose target or
   * condition changed, are resolved (their condition is no longer watched).
   */
  setRules(rules: readonly AlertRule[], at: number): EngineOutput[] {
    const out: EngineOutput[] = [];
    const next = new Map(rules.map((r) => [r.id, r]));
    for (const [id, old] of this.rules) {
      const nu = next.get(id);
      const changed = !nu || !nu.enabled || JSON.stringify([nu.hostId, nu.scope, nu.condition]) !== JSON.stringify([old.hostId, old.scope, old.condition]);
      if (!changed) continue;
      const why = !nu ? 'the rule was deleted' : !nu.enabled ? 'the rule was disabled' : 'the rule was changed';
      for (const [key, st] of this.states.get(id) ?? []) if (st.open) out.push({ type: 'resolve', ruleId: id, key, at, reason: why });
      this.states.delete(id);
    }
    this.rules = next;
    return out;
  }

  get ruleCount(): number {
    return this.rules.size;
  }

  /** Whether any enabled rule needs stats samples (cpu/memory). */
  needsSamples(): boolean {
    for (const r of this.rules.values()) if (r.enabled && (r.condition.kind === 'cpu' || r.condition.kind === 'memory')) return true;
    return false;
  }

  isOpen(ruleId: string, key: string): boolean {
    return this.states.get(ruleId)?.get(key)?.open ?? false;
  }

  /** The engine's answer to one input. */
  feed(input: EngineInput): EngineOutput[] {
    const out: EngineOutput[] = [];
    for (const rule of this.rules.values()) {
      if (!rule.enabled) continue;
      if (input.type === 'tick') this.onTick(rule, input.at, out);
      // Services belong to the engine Caddy runs next to, whatever host the rule was made on.
      else if (input.type === 'wake') this.onWake(rule, input, out);
      else if (rule.hostId !== ALL_HOSTS_RULE && input.hostId !== rule.hostId) continue;
      else if (input.type === 'host') this.onHost(rule, input, out);
      else if (input.type === 'snapshot') this.onSnapshot(rule, input, out);
      else if (!matches(rule, input.container)) continue;
      else if (input.type === 'sample') this.onSample(rule, input, out);
      else this.onEvent(rule, input, out);
    }
    return out;
  }

  // ---- per input kind ---------------------------------------------------------------------

  private onSample(rule: AlertRule, s: Extract<EngineInput, { type: 'sample' }>, out: EngineOutput[]): void {
    const c = rule.condition;
    if (c.kind !== 'cpu' && c.kind !== 'memory') return;
    const value = c.kind === 'cpu' ? s.cpuPercent : s.memPercent;
    if (value === undefined || !Number.isFinite(value)) return;
    const st = this.state(rule.id, containerTarget(s.hostId, s.container));
    st.target.containerId = s.container.id;
    if (value > c.thresholdPercent) {
      st.since ??= s.at;
      st.value = value;
      if (st.open) return;
      if (s.at - st.since >= c.forSeconds * 1000) {
        const what = c.kind === 'cpu' ? `CPU ${fmt(value)} %` : `memory ${fmt(value)} % of its limit`;
        this.fire(rule, st, s.at, `${st.target.label}: ${what} (above ${c.thresholdPercent} %${c.forSeconds ? ` for ${secs(c.forSeconds)}` : ''})`, value, out);
      }
    } else {
      st.since = undefined;
      if (st.open) this.resolve(rule, st, s.at, `${c.kind === 'cpu' ? 'CPU' : 'memory'} back to ${fmt(value)} %`, out);
    }
  }

  private onEvent(rule: AlertRule, e: Extract<EngineInput, { type: 'event' }>, out: EngineOutput[]): void {
    const c = rule.condition;
    const key = containerKey(e.hostId, e.container.name);
    const existing = this.states.get(rule.id)?.get(key);
    if (existing) existing.observed = true;
    const st = (): TargetState => {
      const s = this.state(rule.id, containerTarget(e.hostId, e.container));
      s.target.containerId = e.container.id;
      return s;
    };
    switch (c.kind) {
      case 'cpu':
      case 'memory':
        // A stopped container uses no CPU: its threshold condition is over.
        if ((e.event === 'die' || e.event === 'destroy') && existing) {
          existing.since = undefined;
          if (existing.open) this.resolve(rule, existing, e.at, e.event === 'die' ? 'the container stopped' : 'the container was removed', out);
        }
        return;
      case 'exit':
        if (e.event === 'die' && e.exitCode !== undefined && e.exitCode !== 0) {
          const s = st();
          this.fire(rule, s, e.at, `${s.target.label} exited with code ${e.exitCode}`, e.exitCode, out);
        } else if ((e.event === 'start' || e.event === 'destroy') && existing?.open) {
          this.resolve(rule, existing, e.at, e.event === 'start' ? 'the container started again' : 'the container was removed', out);
        }
        return;
      case 'oom':
        if (e.event === 'oom') {
          const s = st();
          this.fire(rule, s, e.at, `${s.target.label} was killed for lack of memory (OOM)`, undefined, out);
        } else if ((e.event === 'start' || e.event === 'destroy') && existing?.open) {
          this.resolve(rule, existing, e.at, e.event === 'start' ? 'the container started again' : 'the container was removed', out);
        }
        return;
      case 'unhealthy':
        if (e.event === 'unhealthy') {
          const s = st();
          this.fire(rule, s, e.at, `${s.target.label} is unhealthy`, undefined, out);
        } else if ((e.event === 'healthy' || e.event === 'die' || e.event === 'destroy') && existing?.open) {
          this.resolve(rule, existing, e.at, e.event === 'healthy' ? 'the health check passes again' : e.event === 'die' ? 'the container stopped' : 'the container was removed', out);
        }
        return;
      case 'restart-loop': {
        if (e.event === 'destroy') {
          if (existing?.open) this.resolve(rule, existing, e.at, 'the container was removed', out);
          this.states.get(rule.id)?.delete(key);
          return;
        }
        if (e.event !== 'start') return;
        const s = st();
        const windowMs = c.withinSeconds * 1000;
        s.starts = s.starts.filter((t) => e.at - t < windowMs);
        s.starts.push(e.at);
        this.checkLoop(rule, s, e.at, out);
        return;
      }
      case 'engine-down':
        return;
    }
  }

  /** The table as it is now: fire what already holds, resolve what evidence says is over. */
  private onSnapshot(rule: AlertRule, snap: Extract<EngineInput, { type: 'snapshot' }>, out: EngineOutput[]): void {
    const c = rule.condition;
    if (c.kind === 'engine-down') return;
    const at = snap.at;
    const present = new Set<string>();
    for (const now of snap.containers) {
      if (!matches(rule, now)) continue;
      const key = containerKey(snap.hostId, now.name);
      present.add(key);
      const existing = this.states.get(rule.id)?.get(key);
      if (existing) {
        existing.observed = true;
        existing.target.containerId = now.id;
      }
      const st = (): TargetState => {
        const s = this.state(rule.id, containerTarget(snap.hostId, now));
        s.observed = true;
        return s;
      };
      const up = now.state === 'running' || now.state === 'paused' || now.state === 'restarting';
      switch (c.kind) {
        case 'cpu':
        case 'memory':
          if (existing?.open && now.state !== 'running') {
            existing.since = undefined;
            this.resolve(rule, existing, at, 'the container stopped', out);
          }
          break;
        case 'exit':
          if ((now.state === 'exited' || now.state === 'dead') && now.exitCode !== undefined && now.exitCode !== 0) {
            if (!existing?.open) {
              const s = st();
              this.fire(rule, s, at, `${s.target.label} exited with code ${now.exitCode}`, now.exitCode, out);
            }
          } else if (existing?.open && now.state === 'running') {
            this.resolve(rule, existing, at, 'the container started again', out);
          }
          break;
        case 'oom':
          // The table does not say OOMKilled (only inspect does): an OOM is only known from its event.
          if (existing?.open && now.state === 'running') this.resolve(rule, existing, at, 'the container started again', out);
          break;
        case 'unhealthy':
          if (now.state === 'running' && now.health === 'unhealthy') {
            if (!existing?.open) {
              const s = st();
              this.fire(rule, s, at, `${s.target.label} is unhealthy`, undefined, out);
            }
          } else if (existing?.open && now.health === 'healthy') {
            this.resolve(rule, existing, at, 'the health check passes again', out);
          } else if (existing?.open && !up) {
            this.resolve(rule, existing, at, 'the container stopped', out);
          }
          break;
        case 'restart-loop': {
          // A start the core did not see (it was down, or the event fell in a reconnect): the
          // container's StartedAt. Within 2 s of a known start it is that start.
          const windowMs = c.withinSeconds * 1000;
          if (now.startedAt !== undefined && at - now.startedAt < windowMs) {
            const s = existing ?? st();
            if (!s.starts.some((t) => Math.abs(t - now.startedAt!) <= 2000)) {
              s.starts = [...s.starts, now.startedAt].sort((a, b) => a - b);
              this.checkLoop(rule, s, at, out);
            }
          }
          break;
        }
      }
    }
    if (!snap.complete) return;
    for (const st of this.states.get(rule.id)?.values() ?? []) {
      if (st.target.hostId !== snap.hostId || present.has(st.target.key)) continue;
      st.observed = true;
      if (st.open) this.resolve(rule, st, at, 'the container was removed', out);
      st.starts = [];
    }
  }

  private checkLoop(rule: AlertRule, s: TargetState, at: number, out: EngineOutput[]): void {
    const c = rule.condition;
    if (c.kind !== 'restart-loop') return;
    s.starts = s.starts.filter((t) => at - t < c.withinSeconds * 1000);
    if (s.starts.length >= c.restarts) {
      this.fire(rule, s, at, `${s.target.label} restarted ${s.starts.length} times within ${secs(c.withinSeconds)}`, s.starts.length, out, { starts: [...s.starts] });
    }
  }

  private onWake(rule: AlertRule, w: Extract<EngineInput, { type: 'wake' }>, out: EngineOutput[]): void {
    const s = rule.scope;
    if (rule.condition.kind !== 'wake-failed' || s.kind !== 'service' || (s.name !== undefined && s.name !== w.service)) return;
    const key = `${w.hostId}/service:${w.service}`;
    if (w.state === 'failed') {
      const st = this.state(rule.id, { key, label: w.service, hostId: w.hostId, service: w.service });
      this.fire(rule, st, w.at, `${w.service} failed to wake${w.message ? `: ${w.message}` : ''}`, undefined, out);
      return;
    }
    const existing = this.states.get(rule.id)?.get(key);
    if (!existing) return;
    existing.observed = true;
    if (existing.open) this.resolve(rule, existing, w.at, w.state === 'awake' ? `${w.service} woke` : `${w.service} was removed`, out);
  }

  private onHost(rule: AlertRule, h: Extract<EngineInput, { type: 'host' }>, out: EngineOutput[]): void {
    if (rule.condition.kind !== 'engine-down') return;
    const st = this.state(rule.id, { key: h.hostId, label: h.hostName ?? h.hostId, hostId: h.hostId });
    if (h.hostName) st.target.label = h.hostName;
    if (h.up) {
      st.since = undefined;
      if (st.open) this.resolve(rule, st, h.at, 'the engine is reachable again', out);
      return;
    }
    st.since ??= h.at;
    st.hostReason = h.reason;
    this.checkEngineDown(rule, st, h.at, out);
  }

  private onTick(rule: AlertRule, at: number, out: EngineOutput[]): void {
    const c = rule.condition;
    const states = this.states.get(rule.id);
    if (!states) return;
    for (const st of states.values()) {
      if (c.kind === 'engine-down' && st.since !== undefined) this.checkEngineDown(rule, st, at, out);
      if (c.kind === 'restart-loop') {
        st.starts = st.starts.filter((t) => at - t < c.withinSeconds * 1000);
        // Only on evidence: a quiet window the core actually watched (not one it was down for).
        if (st.open && st.observed && st.starts.length === 0) this.resolve(rule, st, at, `no restart for ${secs(c.withinSeconds)}`, out);
      }
      if (st.open && st.heldUntil !== undefined && at >= st.heldUntil) {
        st.heldUntil = undefined;
        st.notifiedAt = at;
        out.push({ type: 'notify', ruleId: rule.id, key: st.target.key, at });
      }
      // A threshold alert can only fire on a sample; a sample arrives every second while it runs.
    }
  }

  private checkEngineDown(rule: AlertRule, st: TargetState, at: number, out: EngineOutput[]): void {
    const c = rule.condition;
    if (c.kind !== 'engine-down' || st.since === undefined || st.open) return;
    if (at - st.since >= c.forSeconds * 1000) {
      this.fire(rule, st, at, `The engine of ${st.target.label} is unreachable${st.hostReason ? ` (${st.hostReason})` : ''}`, undefined, out);
    }
  }

  // ---- transitions ------------------------------------------------------------------------

  private fire(rule: AlertRule, st: TargetState, at: number, message: string, value: number | undefined, out: EngineOutput[], evidence?: Evidence): void {
    if (st.open) {
      out.push({ type: 'repeat', ruleId: rule.id, key: st.target.key, at, message, value, ...(evidence ? { evidence } : {}) });
      return;
    }
    st.open = true;
    st.observed = true;
    st.firedAt = at;
    const coolUntil = st.notifiedAt !== undefined ? st.notifiedAt + rule.cooldownSeconds * 1000 : -Infinity;
    const notify = at >= coolUntil;
    if (notify) st.notifiedAt = at;
    else st.heldUntil = coolUntil;
    out.push({ type: 'fire', ruleId: rule.id, target: { ...st.target }, at, message, value, notify, ...(notify ? {} : { heldUntil: coolUntil }), ...(evidence ? { evidence } : {}) });
  }

  private resolve(rule: AlertRule, st: TargetState, at: number, reason: string, out: EngineOutput[]): void {
    st.open = false;
    st.heldUntil = undefined; // never notified: nobody needs to hear it resolved either
    out.push({ type: 'resolve', ruleId: rule.id, key: st.target.key, at, reason });
  }

  private state(ruleId: string, target: FireTarget): TargetState {
    let m = this.states.get(ruleId);
    if (!m) this.states.set(ruleId, (m = new Map()));
    let st = m.get(target.key);
    if (!st) m.set(target.key, (st = { target: { ...target }, open: false, starts: [], observed: true }));
    return st;
  }
}

export const containerKey = (hostId: string, name: string): string => `${hostId}/${name}`;

function containerTarget(hostId: string, c: ContainerInfo): FireTarget {
  return { key: containerKey(hostId, c.name), label: c.name, hostId, containerName: c.name, containerId: c.id, project: c.project };
}

/** Whether a rule's scope covers a container (host rules cover every container of the host). */
export function matches(rule: AlertRule, c: ContainerInfo): boolean {
  const s = rule.scope;
  if (s.kind === 'service') return false;
  if (s.kind === 'host') return rule.condition.kind !== 'engine-down';
  if (s.kind === 'container') return c.name === s.name;
  return c.project === s.project;
}
