// The alert service: owns rules, channels and the alert history (persisted in the store), feeds the
// rule engine from the shared engine events, host state and — only while cpu/memory rules exist,
// and only for the containers they name — the StatsHub, and acts on what the engine decides:
// record, broadcast (alerts.watch, desktop notifications) and deliver to webhooks.
import { randomUUID } from 'node:crypto';
import { RpcError, engineAnswering, type ContainerPatch, type ContainerSummary, type DerivedSample, type Host } from '../../contract';
import {
  AlertRuleSchema,
  AlertSchema,
  ChannelSchema,
  type Alert,
  type AlertRule,
  type AlertRuleInputSchema,
  type AlertsEvent,
  type Channel,
  type ChannelInputSchema,
  type DeliveryResult,
  ALL_HOSTS_RULE,
} from '../../contract/procedures/alerts';
import type { z } from 'zod';
import type { Logger } from '../../contract/handlers';
import type { EngineEvent } from '../engine/host-connection';
import type { StoredAlertsV2 } from '../store/migrations';
import { RuleEngine, type ContainerEventKind, type ContainerNow, type EngineInput, type EngineOutput } from './rule-engine';
import { deliver as defaultDeliver, testAlert, type DeliverOptions, type NoticeStatus } from './webhook';

export const HISTORY_LIMIT = 1000;
const MAX_RULES = 200;
const MAX_CHANNELS = 50;

/** What the service needs from a host (HostConnection fits). */
export interface AlertHost {
  readonly host: Host;
  /** The live container table (project rules resolve their containers' names from it; rules are
   *  evaluated against its current state when they are created or changed). */
  readonly cached: readonly TableRow[];
  watch(listener: (patch: ContainerPatch) => void): () => void;
  onEngineEvent(types: 'container', listener: (e: EngineEvent<'container'>) => void): () => void;
  onState(listener: (h: Host) => void): () => void;
}

/** What the service reads of a table row (ContainerSummary fits). */
export type TableRow = { name: string; composeProject?: string } & Partial<Pick<ContainerSummary, 'id' | 'state' | 'health' | 'exitCode' | 'startedAt' | 'finishedAt'>>;

/** A row re-read without an event this recently is not evaluated from the table: the event's own
 *  input is authoritative (a list made just before a 'start' event must not fire an exit again). */
const EVENT_QUIET_MS = 5000;

export interface AlertStats {
  subscribe(hostId: string, ids: readonly string[] | 'all', listener: (batch: DerivedSample[]) => void): () => void;
}

export interface AlertServiceDeps {
  store: { readonly alerts: StoredAlertsV2; saveAlerts(next: StoredAlertsV2): Promise<void> };
  getHost(hostId: string): AlertHost;
  /** Every host of the registry now (what a rule for every host watches). */
  hostIds?: () => string[];
  stats(): AlertStats;
  logger: Logger;
  now?: () => number;
  deliver?: (channel: Channel, alert: Alert, opts?: DeliverOptions, status?: NoticeStatus) => Promise<DeliveryResult>;
  deliverOptions?: DeliverOptions;
  tickMs?: number;
  /** Debounce of store writes (ms). */
  saveDelayMs?: number;
}

type RuleInput = z.output<typeof AlertRuleInputSchema>;
/** sendResolved is optional here (the procedures' parsed input always has it; direct callers may
 *  leave it out and get the schema's default, on). */
type ChannelInput = Omit<z.output<typeof ChannelInputSchema>, 'sendResolved'> & { sendResolved?: boolean };

const EVENT_KINDS: Record<string, ContainerEventKind> = {
  die: 'die',
  oom: 'oom',
  start: 'start',
  destroy: 'destroy',
  'health_status: unhealthy': 'unhealthy',
  'health_status: healthy': 'healthy',
};

function parseAll<T>(items: readonly unknown[], schema: z.ZodType<T>, what: string, logger: Logger): T[] {
  const out: T[] = [];
  for (const item of items) {
    const r = schema.safeParse(item);
    if (r.success) out.push(r.data);
    else logger.warn(`alerts: dropped a stored ${what} that does not have the expected shape`, r.error);
  }
  return out;
}

export class AlertService {
  private rules: AlertRule[];
  private channels: Channel[];
  /** Newest first. */
  private history: Alert[];
  private readonly engine: RuleEngine;
  private readonly openIndex = new Map<string, string>(); // ruleId|key → alert id
  private readonly listeners = new Set<(ev: AlertsEvent) => void>();
  private readonly firedListeners = new Set<(a: Alert) => void>();
  private readonly hostSubs = new Map<string, () => void>();
  /** Hosts with a project threshold rule: their table's changes re-resolve the project's names. */
  private projectHosts = new Set<string>();
  private syncQueued = false;
  private statsSub: { sig: string; off: () => void } | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private disposed = false;
  /** A change (a delivery's outcome) arrived while disposing: the final write must include it. */
  private dirtyAfterDispose = false;
  private readonly now: () => number;
  private readonly pendingDeliveries = new Set<Promise<void>>();
  /** Fire deliveries in flight, by alertId|channelId: a resolve notice waits for its fire notice so a
   *  receiver never hears "resolved" before "firing" (a container that crashes and restarts at once). */
  private readonly fireInFlight = new Map<string, Promise<void>>();
  /** Wake-on-demand service → its last state seen (noteWake feeds changes only). */
  private readonly wakeStates = new Map<string, string>();
  /** Container id → when its last engine event arrived here (local ms). */
  private readonly lastEventAt = new Map<string, number>();

  constructor(private readonly deps: AlertServiceDeps) {
    this.now = deps.now ?? Date.now;
    const stored = deps.store.alerts;
    this.rules = parseAll(stored.rules, AlertRuleSchema, 'alert rule', deps.logger);
    this.channels = parseAll(stored.channels, ChannelSchema, 'channel', deps.logger);
    this.history = parseAll(stored.history, AlertSchema, 'alert', deps.logger).slice(0, HISTORY_LIMIT);
    this.engine = new RuleEngine(this.rules);
    const open = this.history.filter((a) => a.state === 'open');
    for (const a of open) this.openIndex.set(`${a.ruleId}|${a.target.key}`, a.id);
    // Open alerts come back with their evidence and held notifications; the cool-down of every
    // rule and target counts from its last notification, whether that alert is still open or not.
    this.engine.restoreOpen(
      open.map((a) => ({
        ruleId: a.ruleId,
        key: a.target.key,
        firedAt: a.firedAt,
        target: { ...a.target, hostId: a.hostId },
        ...(notifiedAtOf(a) !== undefined ? { notifiedAt: notifiedAtOf(a) } : {}),
        ...(a.heldUntil !== undefined ? { heldUntil: a.heldUntil } : {}),
        ...(a.evidence ? { evidence: a.evidence } : {}),
      })),
    );
    for (const a of this.history) {
      const n = notifiedAtOf(a);
      if (a.state === 'resolved' && n !== undefined) this.engine.restoreNotified(a.ruleId, { ...a.target, hostId: a.hostId }, n);
    }
    // Open alerts whose rule is gone can never resolve: close them now.
    for (const a of open) if (!this.rules.some((r) => r.id === a.ruleId && r.enabled)) this.resolveAlert(a, this.now(), 'the rule no longer exists or is disabled');
  }

  /** Begin watching what the rules need (engine events, host state, stats). */
  start(): void {
    this.sync();
  }

  /** A host was added or removed: re-attach to the hosts the rules name. */
  hostsChanged(): void {
    for (const off of this.hostSubs.values()) off();
    this.hostSubs.clear();
    this.sync();
  }

  // ---- queries and commands (the procedures) ----------------------------------------------

  listRules(): AlertRule[] {
    return this.rules;
  }

  async saveRule(input: RuleInput): Promise<AlertRule> {
    for (const [i, id] of input.channelIds.entries()) {
      if (!this.channels.some((c) => c.id === id)) throw RpcError.from('VALIDATION', `alerts.rules.save: "channelIds.${i}": no channel with id "${id}"`, { field: `channelIds.${i}`, reason: 'INVALID_INPUT', detail: `no channel with id "${id}"` });
    }
    const existing = input.id ? this.rules.find((r) => r.id === input.id) : undefined;
    if (input.id && !existing) throw RpcError.from('NOT_FOUND', `No alert rule with id "${input.id}"`);
    if (!existing && this.rules.length >= MAX_RULES) throw RpcError.from('CONFLICT', `At most ${MAX_RULES} alert rules; delete one first`, { reason: 'LIMIT_REACHED' });
    const rule: AlertRule = { ...input, channelIds: [...new Set(input.channelIds)], id: existing?.id ?? randomUUID(), createdAt: existing?.createdAt ?? this.now() };
    this.rules = existing ? this.rules.map((r) => (r.id === rule.id ? rule : r)) : [...this.rules, rule];
    this.rulesChanged();
    await this.saveNow();
    return rule;
  }

  async deleteRule(id: string): Promise<void> {
    if (!this.rules.some((r) => r.id === id)) throw RpcError.from('NOT_FOUND', `No alert rule with id "${id}"`);
    this.rules = this.rules.filter((r) => r.id !== id);
    this.rulesChanged();
    await this.saveNow();
  }

  listAlerts(state: 'open' | 'resolved' | 'all', limit: number): Alert[] {
    return (state === 'all' ? this.history : this.history.filter((a) => a.state === state)).slice(0, limit);
  }

  async ack(ids: readonly string[]): Promise<void> {
    const at = this.now();
    let found = 0;
    for (const id of ids) {
      const a = this.history.find((x) => x.id === id);
      if (!a) continue;
      found++;
      if (a.ackedAt !== undefined) continue;
      a.ackedAt = at;
      a.updatedAt = at;
      this.emit({ kind: 'upsert', alert: a, fired: false });
    }
    if (found === 0) throw RpcError.from('NOT_FOUND', ids.length === 1 ? `No alert with id "${ids[0]}"` : 'None of these alerts exist');
    await this.saveNow();
  }

  async clear(which: 'resolved' | 'all'): Promise<number> {
    const removed = this.history.filter((a) => which === 'all' || a.state === 'resolved');
    if (removed.length === 0) return 0;
    const gone = new Set(removed.map((a) => a.id));
    this.history = this.history.filter((a) => !gone.has(a.id));
    for (const [k, id] of this.openIndex) if (gone.has(id)) this.openIndex.delete(k);
    this.emit({ kind: 'removed', ids: [...gone] });
    await this.saveNow();
    return removed.length;
  }

  listChannels(): Channel[] {
    return this.channels;
  }

  async saveChannel(input: ChannelInput): Promise<Channel> {
    const existing = input.id ? this.channels.find((c) => c.id === input.id) : undefined;
    if (input.id && !existing) throw RpcError.from('NOT_FOUND', `No channel with id "${input.id}"`);
    if (!existing && this.channels.length >= MAX_CHANNELS) throw RpcError.from('CONFLICT', `At most ${MAX_CHANNELS} channels; delete one first`, { reason: 'LIMIT_REACHED' });
    const { id: _id, ...rest } = input;
    const fields = { ...rest, sendResolved: rest.sendResolved ?? true };
    const sameTarget = existing && existing.url === input.url && existing.kind === input.kind;
    const channel: Channel = { ...fields, id: existing?.id ?? randomUUID(), ...(sameTarget && existing.lastResult ? { lastResult: existing.lastResult } : {}) };
    this.channels = existing ? this.channels.map((c) => (c.id === channel.id ? channel : c)) : [...this.channels, channel];
    await this.saveNow();
    return channel;
  }

  async deleteChannel(id: string): Promise<void> {
    if (!this.channels.some((c) => c.id === id)) throw RpcError.from('NOT_FOUND', `No channel with id "${id}"`);
    this.channels = this.channels.filter((c) => c.id !== id);
    this.rules = this.rules.map((r) => (r.channelIds.includes(id) ? { ...r, channelIds: r.channelIds.filter((c) => c !== id) } : r));
    this.rulesChanged();
    await this.saveNow();
  }

  /** Send a test message; a saved channel (id given) records the result as its last delivery. */
  async testChannel(input: ChannelInput): Promise<DeliveryResult> {
    const channel: Channel = { ...input, sendResolved: input.sendResolved ?? true, id: input.id ?? 'draft' };
    const result = await this.send(channel, testAlert(this.now()), 'firing');
    const saved = input.id ? this.channels.find((c) => c.id === input.id) : undefined;
    if (saved && saved.url === input.url && saved.kind === input.kind) {
      saved.lastResult = result;
      this.scheduleSave();
    }
    return result;
  }

  /** alerts.watch: the history now, then every change. */
  watch(listener: (ev: AlertsEvent) => void): () => void {
    listener({ kind: 'snapshot', alerts: this.history });
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Desktop shells: called once per newly fired alert of a rule with desktop notifications on. */
  onFired(listener: (a: Alert) => void): () => void {
    this.firedListeners.add(listener);
    return () => this.firedListeners.delete(listener);
  }

  get openCount(): number {
    return this.history.filter((a) => a.state === 'open').length;
  }

  /** Tests and metrics: whether the service holds a stats subscription now. */
  get statsSubscription(): string | null {
    return this.statsSub?.sig ?? null;
  }

  /** Wait for deliveries in flight and the pending store write (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pendingDeliveries.size > 0) await Promise.all([...this.pendingDeliveries]);
    await this.saveNow();
  }

  /** Stop watching, then wait for deliveries in flight (bounded by their timeouts) and the last write. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const off of this.hostSubs.values()) off();
    this.hostSubs.clear();
    this.statsSub?.off();
    this.statsSub = null;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.listeners.clear();
    this.firedListeners.clear();
    const pendingWrite = this.saveTimer !== null;
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    while (this.pendingDeliveries.size > 0) await Promise.allSettled([...this.pendingDeliveries]);
    // Deliveries record their outcome on the alert: write once more if anything changed.
    if (pendingWrite || this.dirtyAfterDispose) await this.write().catch(() => {});
    await this.saving;
  }

  // ---- inputs -----------------------------------------------------------------------------

  /** Feed the engine and act on its decisions. Public for tests. */
  feed(input: EngineInput): void {
    if (this.disposed) return;
    this.apply(this.engine.feed(input));
  }

  /**
   * The wake-on-demand services now (the wake manager calls this on every change of its list): a
   * service whose state became 'failed' fires wake-failed rules with its start error; one that is
   * awake, or gone, resolves them. Only changes are fed (the list changes often: in-flight counts).
   */
  noteWake(hostId: string, services: readonly { name: string; state: string; message?: string }[]): void {
    const at = this.now();
    const seen = new Set<string>();
    for (const s of services) {
      seen.add(s.name);
      const before = this.wakeStates.get(s.name);
      this.wakeStates.set(s.name, s.state);
      if (before === s.state) continue;
      if (s.state === 'failed') this.feed({ type: 'wake', at, hostId, service: s.name, state: 'failed', ...(s.message ? { message: s.message } : {}) });
      else if (s.state === 'awake') this.feed({ type: 'wake', at, hostId, service: s.name, state: 'awake' });
    }
    for (const name of [...this.wakeStates.keys()]) {
      if (seen.has(name)) continue;
      this.wakeStates.delete(name);
      this.feed({ type: 'wake', at, hostId, service: name, state: 'removed' });
    }
  }

  private onEngineEvent(hostId: string, e: EngineEvent<'container'>): void {
    this.lastEventAt.set(e.id, Date.now());
    if (this.lastEventAt.size > 10_000) this.pruneEventTimes();
    const kind = EVENT_KINDS[e.action];
    if (!kind) return;
    const exit = e.attributes.exitCode;
    this.feed({
      type: 'event',
      at: e.time || this.now(),
      hostId,
      container: { id: e.id, name: e.name.replace(/^\//, ''), project: e.attributes['com.docker.compose.project'] },
      event: kind,
      ...(kind === 'die' && exit !== undefined && /^-?\d+$/.test(exit) ? { exitCode: Number(exit) } : {}),
    });
  }

  private pruneEventTimes(): void {
    const cut = Date.now() - EVENT_QUIET_MS;
    for (const [id, t] of this.lastEventAt) if (t < cut) this.lastEventAt.delete(id);
  }

  /**
   * The host's table: a snapshot (core start, every reconnect) is evaluated whole; rows re-read
   * without an event (reconcile, the transitional re-read) one by one.
   */
  private onTable(hostId: string, patch: ContainerPatch): void {
    if (this.projectHosts.has(hostId)) this.queueSync();
    if (patch.kind === 'snapshot') {
      this.feed({ type: 'snapshot', at: this.now(), hostId, containers: toNow(patch.containers), complete: true });
      return;
    }
    const cut = Date.now() - EVENT_QUIET_MS;
    const quiet = patch.upserts.filter((c) => (this.lastEventAt.get(c.id) ?? 0) < cut);
    if (quiet.length > 0) this.feed({ type: 'snapshot', at: this.now(), hostId, containers: toNow(quiet), complete: false });
  }

  /** Rules just created or changed: evaluate them against the tables as they are now. */
  private evaluateCurrent(hostIds: Iterable<string>): void {
    for (const hostId of hostIds) {
      let host: AlertHost;
      try {
        host = this.deps.getHost(hostId);
      } catch {
        continue;
      }
      // A table kept while the engine is away is not evidence of anything.
      if (host.host.state !== 'connected') continue;
      this.feed({ type: 'snapshot', at: this.now(), hostId, containers: toNow(host.cached), complete: true });
    }
  }

  private onHostState(h: Host): void {
    // 'connecting' is in between: a retry of an unreachable engine, or the first connect.
    // 'degraded' answers, slowly: neither down nor back up.
    if (h.state === 'connecting' || h.state === 'degraded') return;
    this.feed({ type: 'host', at: this.now(), hostId: h.id, hostName: h.name, up: engineAnswering(h.state), reason: h.reason });
  }

  private onSamples(batch: DerivedSample[]): void {
    for (const s of batch) {
      this.feed({ type: 'sample', at: s.t, hostId: s.hostId, container: { id: s.id, name: s.name, project: s.composeProject }, cpuPercent: s.cpuPercent, memPercent: s.memPercent });
    }
  }

  // ---- subscriptions follow the rules -----------------------------------------------------

  private rulesChanged(): void {
    this.apply(this.engine.setRules(this.rules, this.now()));
    const known = new Set(this.hostSubs.keys());
    this.sync();
    // Hosts subscribed just now were evaluated by their watch's snapshot; the others are now.
    for (const hostId of known) if (!this.hostSubs.has(hostId)) known.delete(hostId);
    if (known.size > 0) this.evaluateCurrent(known);
  }

  /** Subscribe to exactly what the enabled rules need; drop the rest. */
  private sync(): void {
    if (this.disposed) return;
    const enabled = this.rules.filter((r) => r.enabled);
    // A rule for every host watches each host of the registry (hostsChanged re-runs this).
    const every = this.deps.hostIds?.() ?? [];
    const hostsOf = (r: AlertRule): string[] => (r.hostId === ALL_HOSTS_RULE ? every : [r.hostId]);
    // Wake-failed rules are fed by the wake manager (noteWake), not by a host's engine.
    const hostIds = new Set(enabled.filter((r) => r.scope.kind !== 'service').flatMap(hostsOf));
    for (const [hostId, off] of this.hostSubs) {
      if (!hostIds.has(hostId)) {
        off();
        this.hostSubs.delete(hostId);
      }
    }
    for (const hostId of hostIds) {
      if (this.hostSubs.has(hostId)) continue;
      let host: AlertHost;
      try {
        host = this.deps.getHost(hostId);
      } catch {
        this.deps.logger.warn(`alerts: rules name host "${hostId}", which is not known`);
        continue;
      }
      const offEvents = host.onEngineEvent('container', (e) => this.onEngineEvent(hostId, e));
      const offState = host.onState((h) => this.onHostState(h));
      // The table's snapshot comes now if the host is connected, and after every reconnect.
      const offTable = host.watch((patch) => this.onTable(hostId, patch));
      this.hostSubs.set(hostId, () => {
        offEvents();
        offState();
        offTable();
      });
      if (host.host.state === 'unreachable' || host.host.state === 'unresponsive') this.onHostState(host.host);
    }

    // Stats: only for threshold rules, and only for the containers they match. Container rules
    // subscribe by name (the hub follows recreation); project rules by the names of the project's
    // containers now (the host's table is watched to follow containers joining or leaving);
    // host rules need every running container.
    const threshold = enabled.filter((r) => r.condition.kind === 'cpu' || r.condition.kind === 'memory');
    const byHost = new Map<string, Set<string> | 'all'>();
    const projectHosts = new Set<string>();
    for (const r of threshold) {
      for (const hostId of hostsOf(r)) {
        if (!hostIds.has(hostId)) continue;
        const cur = byHost.get(hostId) ?? new Set<string>();
        if (cur === 'all' || r.scope.kind === 'host') byHost.set(hostId, 'all');
        else if (r.scope.kind === 'container') byHost.set(hostId, cur.add(r.scope.name));
        else if (r.scope.kind === 'project') {
          const project = r.scope.project;
          projectHosts.add(hostId);
          let table: AlertHost['cached'] = [];
          try {
            table = this.deps.getHost(hostId).cached;
          } catch {
            // unknown host: warned about above
          }
          for (const c of table) if (c.composeProject === project) cur.add(c.name);
          byHost.set(hostId, cur);
        }
      }
    }
    // The host's table is watched anyway (hostSubs); its changes re-run this for project rules.
    this.projectHosts = projectHosts;
    const sig = JSON.stringify([...byHost].map(([h, ids]) => [h, ids === 'all' ? 'all' : [...ids].sort()]).sort());
    if (byHost.size === 0) {
      this.statsSub?.off();
      this.statsSub = null;
    } else if (this.statsSub?.sig !== sig) {
      const old = this.statsSub;
      const offs: (() => void)[] = [];
      for (const [hostId, ids] of byHost) {
        if (ids !== 'all' && ids.size === 0) continue; // a project with no container yet
        try {
          offs.push(this.deps.stats().subscribe(hostId, ids === 'all' ? 'all' : [...ids], (batch) => this.onSamples(batch)));
        } catch (e) {
          this.deps.logger.warn(`alerts: could not subscribe to the stats of host "${hostId}"`, e);
        }
      }
      this.statsSub = { sig, off: () => offs.forEach((o) => o()) };
      old?.off(); // after the new one: streams the two share stay open
    }

    // The clock drives for-durations of engine-down and the quiet window of restart loops.
    if (enabled.length > 0 && !this.tickTimer) {
      this.tickTimer = setInterval(() => this.feed({ type: 'tick', at: this.now() }), this.deps.tickMs ?? 1000);
      this.tickTimer.unref?.();
    } else if (enabled.length === 0 && this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = null;
    }
  }

  /** Container table changed: re-resolve project rules' names once the current work is done. */
  private queueSync(): void {
    if (this.syncQueued) return;
    this.syncQueued = true;
    queueMicrotask(() => {
      this.syncQueued = false;
      this.sync();
    });
  }

  // ---- outputs ----------------------------------------------------------------------------

  private apply(outputs: EngineOutput[]): void {
    for (const o of outputs) {
      if (o.type === 'fire') this.fire(o);
      else {
        const id = this.openIndex.get(`${o.ruleId}|${o.key}`);
        const alert = id ? this.history.find((a) => a.id === id) : undefined;
        if (!alert) continue;
        if (o.type === 'notify') {
          this.notify(alert, o.at);
        } else if (o.type === 'repeat') {
          alert.occurrences++;
          alert.updatedAt = o.at;
          alert.message = o.message;
          if (o.value !== undefined) alert.value = o.value;
          if (o.evidence) alert.evidence = o.evidence;
          this.emit({ kind: 'upsert', alert, fired: false });
          this.scheduleSave();
        } else {
          this.resolveAlert(alert, o.at, o.reason);
        }
      }
    }
  }

  private fire(o: Extract<EngineOutput, { type: 'fire' }>): void {
    const rule = this.rules.find((r) => r.id === o.ruleId);
    if (!rule) return;
    const { hostId, ...target } = o.target;
    const alert: Alert = {
      id: randomUUID(),
      ruleId: rule.id,
      ruleName: rule.name,
      // The target's host (a rule for every host fires per host).
      hostId,
      condition: rule.condition.kind,
      target,
      state: 'open',
      message: o.message,
      ...(o.value !== undefined ? { value: o.value } : {}),
      firedAt: o.at,
      updatedAt: o.at,
      occurrences: 1,
      desktop: rule.desktop,
      deliveries: [],
      ...(o.heldUntil !== undefined ? { heldUntil: o.heldUntil } : {}),
      ...(o.evidence ? { evidence: o.evidence } : {}),
    };
    this.history.unshift(alert);
    this.trim();
    this.openIndex.set(`${rule.id}|${target.key}`, alert.id);
    if (o.notify) this.notify(alert, o.at);
    else {
      // Inside the cool-down: open and shown now, notified when the cool-down ends if still open.
      this.emit({ kind: 'upsert', alert, fired: false });
      this.scheduleSave();
    }
  }

  /** Tell the rule's channels and the desktop (once per alert: at fire, or when its cool-down ended). */
  private notify(alert: Alert, at: number): void {
    const rule = this.rules.find((r) => r.id === alert.ruleId);
    if (!rule || alert.state !== 'open' || alert.notifiedAt !== undefined) return;
    const channels = rule.channelIds.map((id) => this.channels.find((c) => c.id === id)).filter((c): c is Channel => !!c && c.enabled);
    alert.notifiedAt = at;
    delete alert.heldUntil;
    alert.deliveries.push(...channels.map((c) => ({ kind: 'fire' as const, channelId: c.id, channelName: c.name, state: 'pending' as const, attempts: 0, at })));
    this.emit({ kind: 'upsert', alert, fired: true });
    if (rule.desktop) {
      for (const l of this.firedListeners) {
        try {
          l(alert);
        } catch (e) {
          this.deps.logger.warn('alerts: a notification listener threw', e);
        }
      }
    }
    this.scheduleSave();
    for (const c of channels) {
      const key = `${alert.id}|${c.id}`;
      const p = this.deliverTo(alert, c, 'fire').finally(() => {
        if (this.fireInFlight.get(key) === p) this.fireInFlight.delete(key);
      });
      this.fireInFlight.set(key, p);
      this.track(p);
    }
  }

  private resolveAlert(alert: Alert, at: number, reason: string): void {
    if (alert.state !== 'open') return;
    alert.state = 'resolved';
    alert.resolvedAt = at;
    alert.updatedAt = at;
    alert.resolution = reason;
    this.openIndex.delete(`${alert.ruleId}|${alert.target.key}`);
    // Resolve notices go to the channels that were told about the fire (found from the alert's own
    // fire deliveries, so it works when the rule was just deleted or edited, and after a restart),
    // as each channel is configured now: still there, enabled, and with sendResolved on. The
    // cool-down plays no part here: it only holds back notifications of new alerts (one that
    // resolved while its notification was held has no fire delivery, so nobody hears it resolved).
    delete alert.heldUntil;
    const notify: Channel[] = [];
    for (const d of alert.deliveries) {
      if (d.kind !== 'fire') continue;
      const c = this.channels.find((x) => x.id === d.channelId);
      if (c && c.enabled && c.sendResolved && !notify.includes(c)) notify.push(c);
    }
    for (const c of notify) alert.deliveries.push({ kind: 'resolve', channelId: c.id, channelName: c.name, state: 'pending', attempts: 0, at });
    this.emit({ kind: 'upsert', alert, fired: false });
    this.scheduleSave();
    for (const c of notify) {
      const before = this.fireInFlight.get(`${alert.id}|${c.id}`) ?? Promise.resolve();
      this.track(before.then(() => this.deliverTo(alert, c, 'resolve')));
    }
  }

  private async deliverTo(alert: Alert, channel: Channel, kind: 'fire' | 'resolve'): Promise<void> {
    const result = await this.send(channel, alert, kind === 'fire' ? 'firing' : 'resolved');
    const d = alert.deliveries.find((x) => x.channelId === channel.id && x.kind === kind);
    if (d) {
      d.state = result.ok ? 'sent' : 'failed';
      d.attempts = result.attempts;
      d.at = result.at;
      if (result.status !== undefined) d.status = result.status;
      if (result.error) d.error = result.error;
      else delete d.error;
    }
    const saved = this.channels.find((c) => c.id === channel.id);
    if (saved) saved.lastResult = result;
    if (!result.ok) this.deps.logger.warn(`alerts: ${kind === 'fire' ? 'delivery' : 'resolve notice'} of "${alert.ruleName}" to channel "${channel.name}" failed after ${result.attempts} attempt(s): ${result.error}`);
    if (!this.disposed) this.emit({ kind: 'upsert', alert, fired: false });
    this.scheduleSave();
  }

  private async send(channel: Channel, alert: Alert, status: NoticeStatus): Promise<DeliveryResult> {
    const send = this.deps.deliver ?? defaultDeliver;
    try {
      return await send(channel, alert, this.deps.deliverOptions, status);
    } catch (e) {
      return { ok: false, at: this.now(), attempts: 0, error: (e as Error).message, ms: 0 };
    }
  }

  private track(p: Promise<void>): void {
    this.pendingDeliveries.add(p);
    void p.finally(() => this.pendingDeliveries.delete(p));
  }

  /** Bounded history: the oldest resolved alerts go first, open ones only if nothing else is left. */
  private trim(): void {
    if (this.history.length <= HISTORY_LIMIT) return;
    let excess = this.history.length - HISTORY_LIMIT;
    const drop = new Set<string>();
    for (let i = this.history.length - 1; i >= 0 && excess > 0; i--) {
      if (this.history[i]!.state === 'resolved') {
        drop.add(this.history[i]!.id);
        excess--;
      }
    }
    for (let i = this.history.length - 1; i >= 0 && excess > 0; i--) {
      if (!drop.has(this.history[i]!.id)) {
        drop.add(this.history[i]!.id);
        excess--;
      }
    }
    this.history = this.history.filter((a) => !drop.has(a.id));
    for (const [k, id] of this.openIndex) if (drop.has(id)) this.openIndex.delete(k);
    this.emit({ kind: 'removed', ids: [...drop] });
  }

  private emit(ev: AlertsEvent): void {
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch (e) {
        this.deps.logger.warn('alerts: a watcher threw', e);
      }
    }
  }

  // ---- persistence ------------------------------------------------------------------------

  private snapshot(): StoredAlertsV2 {
    // Deep copies: the store must not share objects that later mutate in memory.
    return JSON.parse(JSON.stringify({ rules: this.rules, channels: this.channels, history: this.history })) as StoredAlertsV2;
  }

  private scheduleSave(): void {
    if (this.disposed) {
      this.dirtyAfterDispose = true;
      return;
    }
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.write().catch(() => {});
    }, this.deps.saveDelayMs ?? 250);
  }

  /** Commands wait for their write so a failure reaches the caller as STORE_ERROR. */
  private async saveNow(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    await this.write();
  }

  private write(): Promise<void> {
    const data = this.snapshot();
    const next = this.saving.catch(() => {}).then(() => this.deps.store.saveAlerts(data));
    this.saving = next.catch((e: unknown) => {
      this.deps.logger.warn('alerts: could not save alerts', e);
    });
    return next;
  }
}

/** When an alert's notifications went out; records from before `notifiedAt` notified as they fired. */
function notifiedAtOf(a: Alert): number | undefined {
  if (a.notifiedAt !== undefined) return a.notifiedAt;
  return a.heldUntil === undefined ? a.firedAt : undefined;
}

function toNow(rows: readonly TableRow[]): ContainerNow[] {
  const out: ContainerNow[] = [];
  for (const r of rows) {
    if (!r.state) continue;
    const c: ContainerNow = { id: r.id ?? '', name: r.name, state: r.state, health: r.health ?? 'none' };
    if (r.composeProject) c.project = r.composeProject;
    if (r.exitCode !== undefined) c.exitCode = r.exitCode;
    if (r.startedAt !== undefined) c.startedAt = r.startedAt;
    if (r.finishedAt !== undefined) c.finishedAt = r.finishedAt;
    out.push(c);
  }
  return out;
}
