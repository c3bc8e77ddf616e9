// Webhook payloads and delivery against a real HTTP receiver on 127.0.0.1: shapes, retries with
// backoff, bounded timeout, no retry on a 4xx that will not change, failures reported (not thrown).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelInputSchema, type Alert } from '../../../../src-main/contract/procedures/alerts';
import { alertText, deliver, durationText, payloadFor, postJson, testAlert } from '../../../../src-main/core/alerts/webhook';
import { deadPort, startReceiver, type Receiver } from '../../../support/http-receiver';

const alert: Alert = {
  ...testAlert(Date.UTC(2025, 0, 2, 3, 4, 5), 'local'),
  id: 'a1',
  ruleId: 'r1',
  ruleName: 'API CPU',
  condition: 'cpu',
  target: { key: 'local/api', label: 'api', containerName: 'api', containerId: 'abc', project: 'shop' },
  message: 'api: CPU 97.0 % (above 50 % for 3 s)',
  value: 97,
};

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(async () => {
  await rx.close();
});

const fast = { backoffMs: 20, timeoutMs: 1000 };

describe('payloads', () => {
  it('Slack gets {text}, Discord gets {content}, plain JSON gets the alert object', () => {
    const text = '🔴 Alert: API CPU — api: CPU 97.0 % (above 50 % for 3 s) [host local, 2025-01-02T03:04:05.000Z]';
    expect(alertText(alert)).toBe(text);
    expect(payloadFor('slack', alert)).toEqual({ text });
    expect(payloadFor('discord', alert)).toEqual({ content: text });
    // `status` was added next to `alert` (receivers reading only `alert` keep working).
    expect(payloadFor('json', alert)).toEqual({ source: 'wakedock', status: 'firing', alert });
  });

  it('a resolved alert says so, with the reason', () => {
    expect(alertText({ ...alert, state: 'resolved', resolution: 'CPU back to 3.0 %' })).toMatch(/^✅ Resolved: API CPU — .* \(CPU back to 3\.0 %\)/);
  });

  describe('resolve notices', () => {
    const resolved: Alert = { ...alert, state: 'resolved', resolvedAt: alert.firedAt + 125_000, resolution: 'CPU back to 3.0 %' };
    const text = '✅ Resolved: API CPU — api after 2 min 5 s (CPU back to 3.0 %). It was: api: CPU 97.0 % (above 50 % for 3 s) [host local, fired 2025-01-02T03:04:05.000Z]';

    it('Slack and Discord say it resolved: rule name, target, how long it lasted, reason', () => {
      expect(payloadFor('slack', resolved)).toEqual({ text });
      expect(payloadFor('discord', resolved)).toEqual({ content: text });
    });

    it('plain JSON carries the resolved alert with status "resolved"', () => {
      expect(payloadFor('json', resolved)).toEqual({ source: 'wakedock', status: 'resolved', alert: resolved });
    });

    it('the status given wins over the alert\'s state (a fire notice built after a quick resolve still says firing)', () => {
      expect(payloadFor('json', resolved, 'firing')).toMatchObject({ status: 'firing' });
      expect((payloadFor('slack', resolved, 'firing') as { text: string }).text).toMatch(/^🔴 Alert: API CPU — /);
    });

    it('Discord resolve content is capped at 2000 characters too', () => {
      expect((payloadFor('discord', { ...resolved, message: 'x'.repeat(5000) }) as { content: string }).content).toHaveLength(2000);
    });

    it.each([
      [0, '0 s'],
      [45_000, '45 s'],
      [60_000, '1 min'],
      [125_000, '2 min 5 s'],
      [3_600_000 + 180_000 + 7_000, '1 h 3 min'],
      [2 * 86_400_000 + 4 * 3_600_000, '2 d 4 h'],
    ])('lasted %i ms → "%s"', (ms, want) => {
      expect(durationText(ms)).toBe(want);
    });

    it('deliver() posts the resolve shape to a receiver', async () => {
      const r = await deliver({ kind: 'json', url: rx.url }, resolved, fast, 'resolved');
      expect(r.ok).toBe(true);
      expect(rx.received[0]!.json).toMatchObject({ source: 'wakedock', status: 'resolved', alert: { id: 'a1', state: 'resolved', resolution: 'CPU back to 3.0 %' } });
    });
  });

  it('Discord content is capped at its 2000-character limit', () => {
    const long = { ...alert, message: 'x'.repeat(5000) };
    expect((payloadFor('discord', long) as { content: string }).content).toHaveLength(2000);
  });

  it.each(['slack', 'discord', 'json'] as const)('%s: the receiver gets a JSON POST of that shape', async (kind) => {
    const r = await deliver({ kind, url: rx.url }, alert, fast);
    expect(r).toMatchObject({ ok: true, attempts: 1, status: 200 });
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.method).toBe('POST');
    expect(rx.received[0]!.headers['content-type']).toBe('application/json');
    expect(rx.received[0]!.json).toEqual(payloadFor(kind, alert));
  });
});

describe('retries', () => {
  it('retries a 500 and a 429, then succeeds on the third attempt, waiting longer each time', async () => {
    rx.script(500, 429);
    const r = await postJson(rx.url, { x: 1 }, { attempts: 3, backoffMs: 100, timeoutMs: 1000 });
    expect(r).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(rx.received).toHaveLength(3);
    const gaps = [rx.received[1]!.at - rx.received[0]!.at, rx.received[2]!.at - rx.received[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(90); // 100 ms
    expect(gaps[1]).toBeGreaterThanOrEqual(190); // 200 ms: exponential backoff
  });

  it('gives up after the last attempt and reports the last status and error', async () => {
    rx.script(503, 503, 503, 503);
    const r = await postJson(rx.url, {}, fast);
    expect(r).toMatchObject({ ok: false, attempts: 3, status: 503 });
    expect(r.error).toMatch(/^HTTP 503/);
    expect(r.error).not.toContain('scripted'); // the receiver's body is not echoed
    expect(rx.received).toHaveLength(3);
  });

  it('does not retry a 404 (a wrong URL stays wrong)', async () => {
    rx.script(404);
    const r = await postJson(rx.url, {}, fast);
    expect(r).toMatchObject({ ok: false, attempts: 1, status: 404 });
    expect(rx.received).toHaveLength(1);
  });

  it('bounds each attempt by the timeout when the receiver never answers', async () => {
    rx.script('hang', 'hang', 'hang');
    const started = Date.now();
    const r = await postJson(rx.url, {}, { attempts: 2, backoffMs: 10, timeoutMs: 300 });
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(2);
    expect(r.error).toBe('no answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a dead port is a connection error after every attempt, not an exception', async () => {
    const port = await deadPort();
    const r = await postJson(`http://127.0.0.1:${port}/hook`, {}, fast);
    expect(r).toMatchObject({ ok: false, attempts: 3 });
    expect(r.status).toBeUndefined();
    expect(r.error).toMatch(/ECONNREFUSED/);
  });
});

describe('webhook URL validation', () => {
  const parse = (url: string) => ChannelInputSchema.safeParse({ name: 'x', kind: 'json', url });
  it.each(['http://127.0.0.1:9/x', 'https://hooks.slack.com/services/T/B/C', ' https://example.com/hook '])('accepts %s', (url) => {
    expect(parse(url).success).toBe(true);
  });
  it.each(['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'example.com/hook', '', 'http://'])('refuses %j with a message that says http/https', (url) => {
    const r = parse(url);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/enter the webhook URL|http:\/\/ or https:\/\//);
  });
});

describe('error texts', () => {
  it('a port fetch refuses to call (the spec\'s bad ports) says why instead of only "fetch failed"', async () => {
    const r = await postJson('http://127.0.0.1:9/hook', {}, { attempts: 1 });
    expect(r.ok).toBe(false);
    expect(r.error).toBe('fetch failed: bad port');
  });
});
