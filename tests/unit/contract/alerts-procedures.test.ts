// Alert rule and channel inputs: what is accepted, and the specific message and field for what is
// not — through the RpcServer, as the UI receives it.
import { describe, expect, it } from 'vitest';
import { RpcServer, type Handlers } from '../../../src-main/rpc/dispatcher';
import { AlertRuleInputSchema, ChannelInputSchema, ChannelSchema, DeliverySchema } from '../../../src-main/contract/procedures/alerts';
import { connectInMemory } from '../../support/rpc-harness';
import { fieldErrors } from '../../../src-renderer/src/features/alerts/alert-presenter';

const base = { name: 'CPU', hostId: 'local', scope: { kind: 'container', name: 'web' }, condition: { kind: 'cpu', thresholdPercent: 80, forSeconds: 30 } };

describe('alert rule input', () => {
  it('fills defaults: enabled, 5 min cool-down, desktop on, no channels', () => {
    expect(AlertRuleInputSchema.parse(base)).toEqual({ ...base, enabled: true, cooldownSeconds: 300, desktop: true, channelIds: [] });
  });

  it('a rule must name its host (no implicit default host)', () => {
    const { hostId: _omit, ...noHost } = base;
    const r = AlertRuleInputSchema.safeParse(noHost);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['hostId']);
  });

  it('strips a leading slash from a container name (as the engine reports names)', () => {
    expect(AlertRuleInputSchema.parse({ ...base, scope: { kind: 'container', name: '/web' } }).scope).toEqual({ kind: 'container', name: 'web' });
  });

  it.each([
    [{ ...base, name: '  ' }, 'name', 'give the rule a name'],
    [{ ...base, scope: { kind: 'container', name: '' } }, 'scope.name', 'enter the container name'],
    [{ ...base, scope: { kind: 'container', name: 'we b' } }, 'scope.name', 'a container name has only letters, digits, "_", "." and "-"'],
    [{ ...base, scope: { kind: 'project', project: '' } }, 'scope.project', 'enter the compose project name'],
    [{ ...base, condition: { kind: 'cpu', thresholdPercent: 0, forSeconds: 30 } }, 'condition.thresholdPercent', 'the threshold must be above 0 %'],
    [{ ...base, condition: { kind: 'cpu', thresholdPercent: NaN, forSeconds: 30 } }, 'condition.thresholdPercent', 'the threshold must be a number'],
    [{ ...base, condition: { kind: 'memory', thresholdPercent: 120, forSeconds: 30 } }, 'condition.thresholdPercent', 'memory is at most 100 % of its limit'],
    [{ ...base, condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: 1.5 } }, 'condition.forSeconds', 'the duration must be a whole number of seconds'],
    [{ ...base, condition: { kind: 'cpu', thresholdPercent: 50, forSeconds: -1 } }, 'condition.forSeconds', 'the duration must be at least 0 s'],
    [{ ...base, condition: { kind: 'restart-loop', restarts: 1, withinSeconds: 60 } }, 'condition.restarts', 'a loop needs at least 2 restarts'],
    [{ ...base, condition: { kind: 'restart-loop', restarts: 3, withinSeconds: 5 } }, 'condition.withinSeconds', 'the window must be at least 10 s'],
    [{ ...base, condition: { kind: 'engine-down', forSeconds: 10 } }, 'scope.kind', '"engine unreachable" watches the whole host: choose the host as the target'],
    [{ ...base, cooldownSeconds: 8 * 86_400 }, 'cooldownSeconds', 'the cool-down may be at most 604800 s (168 h)'],
  ])('%j → %s: %s', (input, field, message) => {
    const r = AlertRuleInputSchema.safeParse(input);
    expect(r.success).toBe(false);
    // What the editor shows under each field: the first message for that path.
    expect(fieldErrors(r.error!.issues)[field]).toBe(message);
  });

  it('engine-down on the host is valid', () => {
    expect(AlertRuleInputSchema.safeParse({ ...base, scope: { kind: 'host' }, condition: { kind: 'engine-down', forSeconds: 0 } }).success).toBe(true);
  });
});

describe('channel input', () => {
  it('trims the URL and defaults enabled and sendResolved', () => {
    expect(ChannelInputSchema.parse({ name: 'ops', kind: 'slack', url: ' https://hooks.example/x ' })).toEqual({ name: 'ops', kind: 'slack', url: 'https://hooks.example/x', enabled: true, sendResolved: true });
  });
  it('a channel stored before sendResolved existed reads with it on; a delivery without kind reads as a fire delivery', () => {
    expect(ChannelSchema.parse({ id: 'c1', name: 'ops', kind: 'json', url: 'http://127.0.0.1/x', enabled: true }).sendResolved).toBe(true);
    expect(DeliverySchema.parse({ channelId: 'c1', channelName: 'ops', state: 'sent', attempts: 1, at: 1 }).kind).toBe('fire');
  });
  it('refuses an unknown format with the field named', () => {
    const r = ChannelInputSchema.safeParse({ name: 'ops', kind: 'teams', url: 'https://x' });
    expect(Object.keys(fieldErrors(r.error!.issues))).toEqual(['kind']);
  });
});

describe('through the RpcServer', () => {
  // Validation happens before any handler: a table of throwing stubs proves none is reached.
  const handlers = new Proxy({}, { get: () => () => Promise.reject(new Error('handler must not run')) }) as Handlers;
  it('alerts.rules.save answers VALIDATION with the field path and the specific message', async () => {
    const link = connectInMemory(new RpcServer(handlers));
    const r = await link.client.callRaw('alerts.rules.save', { ...base, condition: { kind: 'cpu', thresholdPercent: -5, forSeconds: 30 } } as never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'VALIDATION', field: 'condition.thresholdPercent', message: 'alerts.rules.save: "condition.thresholdPercent": the threshold must be above 0 %' });
    const c = await link.client.callRaw('channels.save', { name: 'x', kind: 'json', url: 'file:///etc/passwd' });
    if (!c.ok) expect(c.error).toMatchObject({ code: 'VALIDATION', field: 'url', message: 'channels.save: "url": the webhook URL must be an http:// or https:// address' });
    else throw new Error('file:// URL accepted');
    link.close();
  });
});
