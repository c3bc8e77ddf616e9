// Delivery lines in the alert centre: a resolve notice is named as such and listed right under the
// fire delivery of its channel; a failed one shows its error.
import { describe, expect, it } from 'vitest';
import { DeliverySchema, type Delivery } from '../../../src-main/contract/procedures/alerts';
import { deliveryLines, deliveryText } from '../../../src-renderer/src/features/alerts/alert-presenter';

const d = (over: Partial<Delivery>): Delivery => DeliverySchema.parse({ channelId: 'c1', channelName: 'ops', state: 'sent', attempts: 1, at: 1, ...over });

describe('delivery lines', () => {
  it('fire deliveries keep their text; resolve notices say so, including a failure with its error', () => {
    expect(deliveryText(d({}))).toBe('ops: delivered');
    expect(deliveryText(d({ kind: 'resolve' }))).toBe('ops: resolve notice delivered');
    expect(deliveryText(d({ kind: 'resolve', state: 'pending', attempts: 0 }))).toBe('ops: resolve notice sending…');
    expect(deliveryText(d({ kind: 'resolve', state: 'failed', attempts: 3, error: 'ECONNREFUSED' }))).toBe('ops: resolve notice failed after 3 attempts — ECONNREFUSED');
  });

  it('each channel\'s resolve notice is listed right after its fire delivery', () => {
    const lines = deliveryLines([d({ channelId: 'a' }), d({ channelId: 'b' }), d({ channelId: 'a', kind: 'resolve' }), d({ channelId: 'b', kind: 'resolve' })]);
    expect(lines.map((x) => `${x.channelId}:${x.kind}`)).toEqual(['a:fire', 'a:resolve', 'b:fire', 'b:resolve']);
  });
});

describe('held notifications', () => {
  it('an open alert inside the cool-down says when it will be notified; others say nothing', async () => {
    const { heldText } = await import('../../../src-renderer/src/features/alerts/alert-presenter');
    const at = new Date(2026, 0, 1, 10, 0, 0).getTime();
    expect(heldText({ state: 'open', heldUntil: at }, at)).toBe(`Notification held by the rule's cool-down until ${new Date(at).toLocaleTimeString()}`);
    expect(heldText({ state: 'open' }, at)).toBeNull();
    expect(heldText({ state: 'resolved', heldUntil: at }, at)).toBeNull();
  });
});
