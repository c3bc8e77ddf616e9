// The AlertService with a fake host and a fake stats hub: what it subscribes to as rules come and
// go, alerts from engine events, persistence through a real JsonStore, delivery status recorded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerPatch, DerivedSample, Host } from '../../../../src-main/contract';
import { AlertRuleInputSchema, type AlertsEvent, type Channel } from '../../../../src-main/contract/procedures/alerts';
import { AlertService, type AlertHost, type AlertStats } from '../../../../src-main/core/alerts/alert-service';
import type { EngineEvent } from '../../../../src-main/core/engine/host-connection';
import { JsonStore, alertsStoreOf } from '../../../../src-main/core/store/json-store';
import { silentLogger } from '../../../../src-main/rpc/dispatcher';
import { deadPort, startReceiver, type Receiver } from '../../../support/http-receiver';

class FakeHost implements AlertHost {
  host: Host = { id: 'local', name: 'Local engine', kind: 'local', endpoint: { url: 'unix:///x', source: 'default-socket' }, state: 'connected' };
  cached: { name: string; composeProject?: string }[] = [];
  watchers = new Set<(p: ContainerPatch) => void>();
  watch(l: (p: ContainerPatch) => void) {
    this.watchers.add(l);
    return () => this.watchers.delete(l);
  }
  /** A container joins the table (only what the service reads matters here). */
  addContainer(name: string, composeProject?: string): void {
    this.cached.push({ name, composeProject });
    for (const l of this.watchers) l({ kind: 'patch', hostId: 'local', upserts: [], removed: [] });
  }
  events = new Set<(e: EngineEvent<'container'>) => void>();
  states = new Set<(h: Host) => void>();
  onEngineEvent(_types: 'container', l: (e: EngineEvent<'container'>) => void) {
    this.events.add(l);
    return () => this.events.delete(l);
  }
  onState(l: (h: Host) => void) {
    this.states.add(l);
    return () => this.states.delete(l);
  }
  emit(action: string, name: string, attributes: Record<string, string> = {}, time = Date.now()): void {
    for (const l of this.events) l({ type: 'container', action, id: `id-${name}`, name, attributes: { name, ...attributes }, time });
  }
  setState(state: Host['state'], reason?: string): void {
    this.host = { ...this.host, state, ...(reason ? { reason } : {}) };
    for (const l of this.states) l(this.host);
  }
}

class FakeStats implements AlertStats {
  subs: { hostId: string; ids: readonly string[] | 'all'; listener: (b: DerivedSample[]) => void }[] = [];
  subscribe(hostId: string, ids: readonly string[] | 'all', listener: (b: DerivedSample[]) => void) {
    const sub = { hostId, ids, listener };
    this.subs.push(sub);
    return () => {
      this.subs = this.subs.filter((s) => s !== sub);
    };
  }
  push(name: string, cpuPercent: number, t: number): void {
    const s: DerivedSample = { hostId: 'local', id: `id-${name}`, name, t, cpuPercent, onlineCpus: 2, memUsed: 1, memLimit: 100, memPercent: 1, netRxRate: 0, netTxRate: 0, blockReadRate: 0, blockWriteRate: 0, pids: 1 };
    for (const sub of this.subs) sub.listener([s]);
  }
}

let dir: string;
let store: JsonStore;
let host: FakeHost;
let stats: FakeStats;
let svc: AlertService;
let rx: Receiver;

const make = (): AlertService => {
  const s = new AlertService({ store: alertsStoreOf(store), getHost: () => host, stats: () => stats, logger: silentLogger, tickMs: 20, saveDelayMs: 5, deliverOptions: { attempts: 2, backoffMs: 10, timeoutMs: 1000 } });
  s.start();
  return s;
};
const ruleInput = (over: Record<string, unknown>) => AlertRuleInputSchema.parse({ name: 'R', hostId: 'local', scope: { kind: 'container', name: 'web' }, condition: { kind: 'exit' }, cooldownSeconds: 0, ...over });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wakedock-alerts-'));
  store = await JsonStore.open(dir, silentLogger);
  host = new FakeHost();
  stats = new FakeStats();
  rx = await startReceiver();
  svc = make();
});
afterEach(async () => {
  await svc.dispose();
  await store.close();
  await rx.close();
  await rm(dir, { recursive: true, force: true });
});

describe('subscriptions follow the rules', () => {
  it('no rules: no engine listeners, no stats subscription', () => {
    expect(host.events.size).toBe(0);
    expect(stats.subs).toHaveLength(0);
  });

  it('an event rule listens to engine events but never to stats', async () => {
    await svc.saveRule(ruleInput({}));
    expect(host.events.size).toBe(1);
    expect(host.states.size).toBe(1);
    expect(stats.subs).toHaveLength(0);
  });

  it('a container cpu rule subscribes to that container by name only; a host rule widens to all; deleting them unsubscribes', async () => {
    const a = await svc.saveRule(ruleInput({ condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 0 } }));
    expect(stats.subs.map((s) => s.ids)).toEqual([['web']]);
    const b = await svc.saveRule(ruleInput({ scope: { kind: 'host' }, condition: { kind: 'memory', thresholdPercent: 50, forSeconds: 0 } }));
    expect(stats.subs.map((s) => s.ids)).toEqual(['all']);
    await svc.deleteRule(b.id);
    expect(stats.subs.map((s) => s.ids)).toEqual([['web']]);
    await svc.saveRule({ ...ruleInput({ condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 0 } }), id: a.id, enabled: false });
    expect(stats.subs).toHaveLength(0);
    await svc.deleteRule(a.id);
    expect(host.events.size).toBe(0);
  });

  it('a project rule subscribes to the names of that project\'s containers and follows containers joining it', async () => {
    host.cached = [{ name: 'shop-web-1', composeProject: 'shop' }, { name: 'blog-web-1', composeProject: 'blog' }, { name: 'solo' }];
    const r = await svc.saveRule(ruleInput({ scope: { kind: 'project', project: 'shop' }, condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 0 } }));
    expect(stats.subs.map((s) => s.ids)).toEqual([['shop-web-1']]);
    expect(host.watchers.size).toBe(1);
    host.addContainer('shop-db-1', 'shop');
    host.addContainer('blog-db-1', 'blog');
    await Promise.resolve();
    expect(stats.subs.map((s) => [...s.ids].sort())).toEqual([['shop-db-1', 'shop-web-1']]);
    await svc.deleteRule(r.id);
    expect(stats.subs).toHaveLength(0);
    expect(host.watchers.size).toBe(0);
  });

  it('a project with no container yet holds no stats subscription until one appears', async () => {
    await svc.saveRule(ruleInput({ scope: { kind: 'project', project: 'later' }, condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 0 } }));
    expect(stats.subs).toHaveLength(0);
    host.addContainer('later-app-1', 'later');
    await Promise.resolve();
    expect(stats.subs.map((s) => s.ids)).toEqual([['later-app-1']]);
  });
});

describe('alerts from inputs', () => {
  it('a die with a non-zero exit code opens one alert; a start resolves it; watchers see each change', async () => {
    const events: AlertsEvent[] = [];
    svc.watch((e) => events.push(e));
    await svc.saveRule(ruleInput({}));
    host.emit('die', 'web', { exitCode: '3' });
    host.emit('die', 'web', { exitCode: '3' });
    expect(svc.listAlerts('open', 10)).toHaveLength(1);
    expect(svc.listAlerts('open', 10)[0]).toMatchObject({ message: 'web exited with code 3', value: 3, occurrences: 2, condition: 'exit', state: 'open' });
    host.emit('start', 'web');
    expect(svc.listAlerts('open', 10)).toHaveLength(0);
    expect(svc.listAlerts('resolved', 10)[0]).toMatchObject({ resolution: 'the container started again' });
    expect(events.map((e) => e.kind + (e.kind === 'upsert' && e.fired ? '!' : ''))).toEqual(['snapshot', 'upsert!', 'upsert', 'upsert']);
  });

  it('cpu samples from the hub fire a threshold rule after its duration', async () => {
    await svc.saveRule(ruleInput({ condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 2 } }));
    stats.push('web', 99, 1000);
    stats.push('web', 99, 2000);
    expect(svc.openCount).toBe(0);
    stats.push('web', 99, 3000);
    expect(svc.listAlerts('open', 10)[0]).toMatchObject({ condition: 'cpu', value: 99, firedAt: 3000 });
  });

  it('engine unreachable fires after its duration on the service clock and resolves on reconnect', async () => {
    await svc.saveRule(ruleInput({ scope: { kind: 'host' }, condition: { kind: 'engine-down', forSeconds: 0 } }));
    host.setState('unreachable', 'ECONNREFUSED');
    await new Promise((r) => setTimeout(r, 60));
    expect(svc.listAlerts('open', 10)[0]).toMatchObject({ condition: 'engine-down', message: 'The engine of Local engine is unreachable (ECONNREFUSED)' });
    host.setState('connecting');
    expect(svc.openCount).toBe(1);
    host.setState('connected');
    expect(svc.openCount).toBe(0);
  });

  it('ack and clear', async () => {
    await svc.saveRule(ruleInput({}));
    host.emit('die', 'web', { exitCode: '1' });
    const [a] = svc.listAlerts('all', 10);
    await svc.ack([a!.id]);
    expect(svc.listAlerts('all', 10)[0]!.ackedAt).toBeTypeOf('number');
    await expect(svc.ack(['nope'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await svc.clear('resolved')).toBe(0);
    host.emit('start', 'web');
    expect(await svc.clear('resolved')).toBe(1);
    expect(svc.listAlerts('all', 10)).toEqual([]);
  });
});

describe('persistence', () => {
  it('rules, channels and history survive a restart; an alert open before it is still de-duplicated and resolves', async () => {
    const ch = await svc.saveChannel({ name: 'hook', kind: 'json', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '2' });
    await svc.settle();
    await svc.dispose();

    const reopened = await JsonStore.open(dir, silentLogger);
    store = reopened;
    svc = make();
    expect(svc.listRules()).toHaveLength(1);
    expect(svc.listChannels()[0]).toMatchObject({ name: 'hook', lastResult: { ok: true } });
    expect(svc.openCount).toBe(1);
    host.emit('die', 'web', { exitCode: '2' });
    expect(svc.listAlerts('all', 10)).toHaveLength(1);
    host.emit('start', 'web');
    expect(svc.openCount).toBe(0);
  });

  it('a rule naming an unknown channel is refused with the field named', async () => {
    await expect(svc.saveRule(ruleInput({ channelIds: ['ghost'] }))).rejects.toMatchObject({ code: 'VALIDATION', field: 'channelIds.0', message: expect.stringContaining('no channel with id "ghost"') });
  });

  it('deleting a channel removes it from the rules that used it', async () => {
    const ch = await svc.saveChannel({ name: 'hook', kind: 'json', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    await svc.deleteChannel(ch.id);
    expect(svc.listRules()[0]!.channelIds).toEqual([]);
  });
});

describe('delivery', () => {
  it('delivers a fired alert to its channels and records success per alert and per channel', async () => {
    const ch = await svc.saveChannel({ name: 'hook', kind: 'slack', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' });
    expect(svc.listAlerts('all', 1)[0]!.deliveries).toEqual([expect.objectContaining({ channelName: 'hook', state: 'pending' })]);
    await svc.settle();
    expect((rx.received[0]!.json as { text: string }).text).toMatch(/web exited with code 3/);
    expect(svc.listAlerts('all', 1)[0]!.deliveries[0]).toMatchObject({ state: 'sent', attempts: 1, status: 200 });
  });

  it('a failed delivery is visible: failed state and error on the alert and on the channel', async () => {
    const port = await deadPort();
    const ch = await svc.saveChannel({ name: 'dead', kind: 'discord', url: `http://127.0.0.1:${port}/x`, enabled: true });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' });
    await svc.settle();
    const d = svc.listAlerts('all', 1)[0]!.deliveries[0]!;
    expect(d).toMatchObject({ state: 'failed', attempts: 2 });
    expect(d.error).toMatch(/ECONNREFUSED/);
    expect((svc.listChannels()[0] as Channel).lastResult).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('a disabled channel is skipped', async () => {
    const ch = await svc.saveChannel({ name: 'off', kind: 'json', url: rx.url, enabled: false });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' });
    await svc.settle();
    expect(rx.received).toHaveLength(0);
    expect(svc.listAlerts('all', 1)[0]!.deliveries).toEqual([]);
  });

  it('send test: success to a receiver, failure to a dead port, recorded on a saved channel', async () => {
    const ok = await svc.testChannel({ name: 'draft', kind: 'json', url: rx.url, enabled: true });
    expect(ok).toMatchObject({ ok: true, attempts: 1 });
    expect((rx.received[0]!.json as { alert: { ruleName: string } }).alert.ruleName).toBe('Test message');
    const port = await deadPort();
    const ch = await svc.saveChannel({ name: 'dead', kind: 'json', url: `http://127.0.0.1:${port}/`, enabled: true });
    const bad = await svc.testChannel({ ...ch, enabled: true });
    expect(bad.ok).toBe(false);
    expect(svc.listChannels()[0]!.lastResult).toEqual(bad);
  });

  it('desktop listeners hear newly fired alerts of rules with desktop on, once', async () => {
    const heard: string[] = [];
    svc.onFired((a) => heard.push(a.message));
    await svc.saveRule(ruleInput({}));
    await svc.saveRule(ruleInput({ desktop: false, scope: { kind: 'container', name: 'db' } }));
    host.emit('die', 'web', { exitCode: '1' });
    host.emit('die', 'web', { exitCode: '1' });
    host.emit('die', 'db', { exitCode: '1' });
    expect(heard).toEqual(['web exited with code 1']);
  });
});

describe('resolve notices', () => {
  type Hook = { status?: string; alert?: { id: string; state: string; resolution?: string }; text?: string };
  const bodies = () => rx.received.map((r) => r.json as Hook);

  it('after a fire, the resolve is delivered to the same channel with status "resolved" and recorded as its own delivery', async () => {
    const ch = await svc.saveChannel({ name: 'hook', kind: 'json', url: rx.url, enabled: true });
    expect(ch.sendResolved).toBe(true); // the default
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' }, 1_000);
    await svc.settle();
    host.emit('start', 'web', {}, 61_000);
    const a = svc.listAlerts('all', 1)[0]!;
    // Visible at once as pending, next to the fire delivery.
    expect(a.deliveries.map((d) => [d.kind, d.state])).toEqual([
      ['fire', 'sent'],
      ['resolve', 'pending'],
    ]);
    await svc.settle();
    expect(bodies().map((b) => b.status)).toEqual(['firing', 'resolved']);
    expect(bodies()[1]!.alert).toMatchObject({ id: a.id, state: 'resolved', resolution: 'the container started again' });
    expect(svc.listAlerts('all', 1)[0]!.deliveries[1]).toMatchObject({ kind: 'resolve', channelName: 'hook', state: 'sent', attempts: 1, status: 200 });
  });

  it('Slack text says it resolved, with the target, how long it lasted and why', async () => {
    const ch = await svc.saveChannel({ name: 'slack', kind: 'slack', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ name: 'crashed', channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' }, 1_000);
    host.emit('start', 'web', {}, 91_000);
    await svc.settle();
    expect(bodies()[1]!.text).toMatch(/^✅ Resolved: crashed — web after 1 min 30 s \(the container started again\)\. It was: web exited with code 3/);
  });

  it('a resolve that comes before the fire notice was sent still reaches the receiver second', async () => {
    rx.script(503); // the fire notice needs a retry, the resolve is queued behind it
    const ch = await svc.saveChannel({ name: 'hook', kind: 'json', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' });
    host.emit('start', 'web');
    await svc.settle();
    expect(bodies().map((b) => b.status)).toEqual(['firing', 'firing', 'resolved']);
  });

  it('no resolve delivery for a channel with sendResolved off (the fire is still delivered)', async () => {
    const off = await svc.saveChannel({ name: 'fire-only', kind: 'json', url: rx.url, enabled: true, sendResolved: false });
    expect(svc.listChannels()[0]!.sendResolved).toBe(false);
    await svc.saveRule(ruleInput({ channelIds: [off.id] }));
    host.emit('die', 'web', { exitCode: '3' });
    host.emit('start', 'web');
    await svc.settle();
    expect(bodies().map((b) => b.status)).toEqual(['firing']);
    expect(svc.listAlerts('all', 1)[0]!.deliveries.map((d) => d.kind)).toEqual(['fire']);
  });

  it('a failed resolve delivery is recorded on the alert and on the channel, not only logged', async () => {
    const port = await deadPort();
    const ch = await svc.saveChannel({ name: 'hook', kind: 'discord', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' });
    await svc.settle();
    // The receiver moves away between fire and resolve.
    await svc.saveChannel({ ...svc.listChannels()[0]!, url: `http://127.0.0.1:${port}/gone` });
    host.emit('start', 'web');
    await svc.settle();
    const [fire, resolve] = svc.listAlerts('all', 1)[0]!.deliveries;
    expect(fire).toMatchObject({ kind: 'fire', state: 'sent' });
    expect(resolve).toMatchObject({ kind: 'resolve', state: 'failed', attempts: 2 });
    expect(resolve!.error).toMatch(/ECONNREFUSED/);
    expect(svc.listChannels()[0]!.lastResult).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('deleting the rule resolves its open alert and notifies the channels the fire went to', async () => {
    const ch = await svc.saveChannel({ name: 'hook', kind: 'json', url: rx.url, enabled: true });
    const rule = await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' });
    await svc.deleteRule(rule.id);
    await svc.settle();
    expect(bodies().map((b) => b.status)).toEqual(['firing', 'resolved']);
    expect(bodies()[1]!.alert!.resolution).toMatch(/rule/);
  });

  it('the cool-down holds back the notification of a new alert, never the alert itself nor the resolve of a delivered one', async () => {
    const ch = await svc.saveChannel({ name: 'hook', kind: 'json', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ cooldownSeconds: 3600, channelIds: [ch.id] }));
    const t = Date.now();
    host.emit('die', 'web', { exitCode: '3' }, t);
    host.emit('start', 'web', {}, t + 1);
    host.emit('die', 'web', { exitCode: '3' }, t + 2); // within the cool-down: open and shown, not notified
    await svc.settle();
    expect(bodies().map((b) => b.status)).toEqual(['firing', 'resolved']);
    const [held, first] = svc.listAlerts('all', 10);
    expect(first).toMatchObject({ state: 'resolved', notifiedAt: t });
    expect(held).toMatchObject({ state: 'open', heldUntil: t + 3_600_000, deliveries: [] });
    expect(held!.notifiedAt).toBeUndefined();
  });

  it('dispose writes the engine-driven changes still waiting for the debounced save, and the delivery outcome', async () => {
    await svc.dispose();
    // A save delay far longer than the test: only dispose can write it.
    svc = new AlertService({ store: alertsStoreOf(store), getHost: () => host, stats: () => stats, logger: silentLogger, tickMs: 20, saveDelayMs: 60_000, deliverOptions: { attempts: 1, backoffMs: 10, timeoutMs: 1000 } });
    svc.start();
    const ch = await svc.saveChannel({ name: 'hook', kind: 'json', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '9' });
    expect(svc.listAlerts('open', 10)).toHaveLength(1);
    await svc.dispose();
    const reopened = await JsonStore.open(dir, silentLogger);
    const history = reopened.get('alerts').history as unknown as { state: string; deliveries: { state: string }[] }[];
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ state: 'open', deliveries: [{ state: 'sent' }] });
  });

  it('an alert open across a restart gets its resolve notice after it', async () => {
    const ch = await svc.saveChannel({ name: 'hook', kind: 'json', url: rx.url, enabled: true });
    await svc.saveRule(ruleInput({ channelIds: [ch.id] }));
    host.emit('die', 'web', { exitCode: '3' });
    await svc.settle();
    await svc.dispose();
    store = await JsonStore.open(dir, silentLogger);
    svc = make();
    host.emit('start', 'web');
    await svc.settle();
    expect(bodies().map((b) => b.status)).toEqual(['firing', 'resolved']);
    expect(svc.listAlerts('all', 1)[0]!.deliveries.map((d) => `${d.kind}:${d.state}`)).toEqual(['fire:sent', 'resolve:sent']);
  });
});
