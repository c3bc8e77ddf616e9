// Webhook delivery: the payload shapes (Slack-compatible {text}, Discord-compatible {content},
// plain JSON: the alert itself with status 'firing' or 'resolved'), for an alert firing and for it
// resolving, and a POST with bounded retries. Node's fetch with AbortSignal.timeout bounds every
// attempt; nothing here throws: a failure is a result the caller records and shows.
import type { Alert, ChannelKind, DeliveryResult } from '../../contract/procedures/alerts';

export interface DeliverOptions {
  /** Attempts in all (first try included). */
  attempts?: number;
  /** Wait before retry n (1-based) is backoffMs * 2^(n-1). */
  backoffMs?: number;
  /** Per attempt. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DELIVERY_DEFAULTS = { attempts: 3, backoffMs: 500, timeoutMs: 5000 } as const;

const ICON: Record<string, string> = { open: '🔴', resolved: '✅' };

/** What a delivery announces: the alert opened, or it cleared. */
export type NoticeStatus = 'firing' | 'resolved';

const statusOf = (alert: Alert): NoticeStatus => (alert.state === 'resolved' ? 'resolved' : 'firing');

/** "45 s", "2 min 5 s", "1 h 3 min", "2 d 4 h": how long an alert lasted, to the two largest units. */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'min'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return '0 s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n} ${u}`)
    .join(' ');
}

/** One human line: what happened, where, when; a resolve also says how long it lasted and why it ended. */
export function alertText(alert: Alert, status: NoticeStatus = statusOf(alert)): string {
  const fired = new Date(alert.firedAt).toISOString();
  const host = alert.hostId ? `host ${alert.hostId}, ` : '';
  if (status === 'resolved') {
    const lasted = alert.resolvedAt !== undefined ? ` after ${durationText(alert.resolvedAt - alert.firedAt)}` : '';
    const why = alert.resolution ? ` (${alert.resolution})` : '';
    return `${ICON.resolved} Resolved: ${alert.ruleName} — ${alert.target.label}${lasted}${why}. It was: ${alert.message} [${host}fired ${fired}]`;
  }
  return `${ICON.open} Alert: ${alert.ruleName} — ${alert.message} [${host}${fired}]`;
}

/**
 * The body for a channel. Plain JSON carries `status` ('firing' | 'resolved') next to the alert
 * object; the field was added after the fact, so receivers that only read `alert` still work.
 */
export function payloadFor(kind: ChannelKind, alert: Alert, status: NoticeStatus = statusOf(alert)): unknown {
  switch (kind) {
    case 'slack':
      return { text: alertText(alert, status) };
    case 'discord':
      // Discord refuses content over 2000 characters.
      return { content: alertText(alert, status).slice(0, 2000) };
    case 'json':
      return { source: 'wakedock', status, alert };
  }
}

/** A test message in the channel's shape (so a Slack channel gets a {text} it can show). */
export function testAlert(now: number, hostId = ''): Alert {
  return {
    id: 'test',
    ruleId: 'test',
    ruleName: 'Test message',
    // A test message is about no host in particular.
    hostId,
    condition: 'exit',
    target: { key: 'test', label: 'WakeDock' },
    state: 'open',
    message: 'This is a test message from WakeDock: the channel works.',
    firedAt: now,
    updatedAt: now,
    occurrences: 1,
    desktop: false,
    deliveries: [],
  };
}

/** 408, 429 and 5xx may pass on a later try; other 4xx will not. */
const retryableStatus = (s: number): boolean => s === 408 || s === 429 || s >= 500;

function errorText(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = err?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  // undici says only "fetch failed"; the reason (e.g. "bad port" for a port fetch refuses) is in the cause.
  if (cause?.message) return `${err.message ?? 'fetch failed'}: ${cause.message}`;
  return err?.message ?? String(e);
}

/** POST the body as JSON, retrying network errors and retryable statuses. */
export async function postJson(url: string, body: unknown, opts: DeliverOptions = {}): Promise<DeliveryResult> {
  const attempts = Math.max(1, opts.attempts ?? DELIVERY_DEFAULTS.attempts);
  const backoffMs = opts.backoffMs ?? DELIVERY_DEFAULTS.backoffMs;
  const timeoutMs = opts.timeoutMs ?? DELIVERY_DEFAULTS.timeoutMs;
  const doFetch = opts.fetchImpl ?? fetch;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const json = JSON.stringify(body);
  let status: number | undefined;
  let error: string | undefined;
  for (let i = 1; i <= attempts; i++) {
    status = undefined;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'WakeDock-alerts' },
        body: json,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      status = res.status;
      // Read the answer so the connection is released. Another server's body is never echoed to the
      // UI (it could be anything: a page, a token); only a bare error code such as Slack's
      // "invalid_token" or "no_service" is kept, since it says what to fix.
      const text = (await res.text().catch(() => '')).trim();
      if (res.ok) return { ok: true, at: now(), attempts: i, status, ms: now() - started };
      const code = /^[a-z][a-z0-9_]{0,39}$/.test(text) ? `: ${text}` : '';
      error = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${code}`;
      if (!retryableStatus(res.status)) return { ok: false, at: now(), attempts: i, status, error, ms: now() - started };
    } catch (e) {
      error = errorText(e, timeoutMs);
    }
    if (i < attempts) await sleep(backoffMs * 2 ** (i - 1));
  }
  return { ok: false, at: now(), attempts, ...(status !== undefined ? { status } : {}), error, ms: now() - started };
}

/** The payload is built now (before the first await), so later changes to the alert do not leak into it. */
export function deliver(channel: { kind: ChannelKind; url: string }, alert: Alert, opts?: DeliverOptions, status: NoticeStatus = statusOf(alert)): Promise<DeliveryResult> {
  return postJson(channel.url, payloadFor(channel.kind, alert, status), opts);
}
