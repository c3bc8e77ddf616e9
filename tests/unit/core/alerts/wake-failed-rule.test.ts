// "Wake failed" rules in the rule engine (made-up times) and in the contract's rule schema.
import { describe, expect, it } from 'vitest';
import { AlertRuleInputSchema, AlertRuleSchema, type AlertRule } from '../../../../src-main/contract/procedures/alerts';
import { RuleEngine, type EngineInput } from '../../../../src-main/core/alerts/rule-engine';

const rule = (over: Partial<AlertRule> = {}): AlertRule =>
  AlertRuleSchema.parse({ id: 'w1', name: 'Wake failed', hostId: '*', scope: { kind: 'service' }, condition: { kind: 'wake-failed' }, cooldownSeconds: 0, createdAt: 0, ...over });
const wake = (at: number, service: string, state: 'failed' | 'awake' | 'removed', message?: string, hostId = 'local'): EngineInput => ({ type: 'wake', at, hostId, service, state, ...(message ? { message } : {}) });

describe('wake-failed rules', () => {
  it('fire with the service and its start error, repeat while open, and resolve when it wakes', () => {
    const e = new RuleEngine([rule()]);
    const [fired] = e.feed(wake(1000, 'web', 'failed', 'the container exited (code 127)'));
    expect(fired).toMatchObject({ type: 'fire', ruleId: 'w1', message: 'web failed to wake: the container exited (code 127)', target: { key: 'local/service:web', label: 'web', service: 'web', hostId: 'local' }, notify: true });
    expect(e.feed(wake(2000, 'web', 'failed', 'again'))).toEqual([expect.objectContaining({ type: 'repeat', key: 'local/service:web', message: 'web failed to wake: again' })]);
    expect(e.feed(wake(3000, 'web', 'awake'))).toEqual([{ type: 'resolve', ruleId: 'w1', key: 'local/service:web', at: 3000, reason: 'web woke' }]);
    expect(e.feed(wake(4000, 'web', 'awake'))).toEqual([]);
  });

  it('resolve when the service is removed, and watch one service only when named', () => {
    const e = new RuleEngine([rule({ scope: { kind: 'service', name: 'api' } })]);
    expect(e.feed(wake(1000, 'web', 'failed', 'x'))).toEqual([]);
    expect(e.feed(wake(1000, 'api', 'failed', 'x'))).toHaveLength(1);
    expect(e.feed(wake(2000, 'api', 'removed'))).toEqual([expect.objectContaining({ type: 'resolve', reason: 'api was removed' })]);
  });

  it('apply whatever host the rule names (services belong to the engine Caddy runs next to), and ignore container inputs', () => {
    const e = new RuleEngine([rule({ hostId: 'ssh-box' })]);
    expect(e.feed(wake(1000, 'web', 'failed', 'x', 'local'))).toHaveLength(1);
    expect(e.feed({ type: 'event', at: 2000, hostId: 'local', container: { id: 'a', name: 'web' }, event: 'die', exitCode: 1 })).toEqual([]);
    // Other kinds of rules do not see wake inputs.
    const exit = new RuleEngine([AlertRuleSchema.parse({ id: 'e1', name: 'E', hostId: 'local', scope: { kind: 'host' }, condition: { kind: 'exit' }, cooldownSeconds: 0, createdAt: 0 })]);
    expect(exit.feed(wake(1000, 'web', 'failed', 'x'))).toEqual([]);
  });

  it('hold the notification inside the cool-down like every rule', () => {
    const e = new RuleEngine([rule({ cooldownSeconds: 60 })]);
    e.feed(wake(0, 'web', 'failed', 'x'));
    e.feed(wake(1000, 'web', 'awake'));
    const [again] = e.feed(wake(2000, 'web', 'failed', 'y'));
    expect(again).toMatchObject({ type: 'fire', notify: false, heldUntil: 60_000 });
  });
});

describe('the rule schema', () => {
  const base = { name: 'W', hostId: '*', cooldownSeconds: 0, desktop: false, channelIds: [] };
  it('takes a service scope (one by name, or every service) with wake-failed only', () => {
    expect(AlertRuleInputSchema.safeParse({ ...base, scope: { kind: 'service' }, condition: { kind: 'wake-failed' } }).success).toBe(true);
    expect(AlertRuleInputSchema.safeParse({ ...base, scope: { kind: 'service', name: 'web' }, condition: { kind: 'wake-failed' } }).success).toBe(true);
    const wrongScope = AlertRuleInputSchema.safeParse({ ...base, scope: { kind: 'host' }, condition: { kind: 'wake-failed' } });
    expect(wrongScope.error?.issues[0]).toMatchObject({ path: ['scope', 'kind'], message: expect.stringMatching(/wake failed" watches wake-on-demand services/) });
    const wrongCondition = AlertRuleInputSchema.safeParse({ ...base, scope: { kind: 'service' }, condition: { kind: 'exit' } });
    expect(wrongCondition.error?.issues[0]).toMatchObject({ path: ['scope', 'kind'] });
    const badName = AlertRuleInputSchema.safeParse({ ...base, scope: { kind: 'service', name: 'bad name!' }, condition: { kind: 'wake-failed' } });
    expect(badName.error?.issues[0]?.path).toEqual(['scope', 'name']);
  });
});
