// Pure helpers for the alerts page: texts for conditions, targets, deliveries and times, and
// the mapping from validation issues to form fields.
import type { Alert, AlertCondition, AlertRule, AlertScope, Channel, Delivery, DeliveryResult } from '@contract/procedures/alerts';

export const CONDITION_LABEL: Record<AlertCondition['kind'], string> = {
  cpu: 'CPU above a threshold',
  memory: 'Memory above a % of its limit',
  exit: 'Exited with a non-zero code',
  oom: 'Killed for lack of memory (OOM)',
  'restart-loop': 'Restart loop',
  unhealthy: 'Health check unhealthy',
  'engine-down': 'Engine unreachable',
  'wake-failed': 'Wake failed (a service)',
};

export const CHANNEL_KIND_LABEL: Record<Channel['kind'], string> = {
  slack: 'Slack-compatible ({text})',
  discord: 'Discord-compatible ({content})',
  json: 'Plain JSON (the alert object)',
};

const secs = (s: number): string => (s >= 3600 && s % 3600 === 0 ? `${s / 3600} h` : s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${s} s`);

export function conditionText(c: AlertCondition): string {
  switch (c.kind) {
    case 'cpu':
      return `CPU > ${c.thresholdPercent} %${c.forSeconds ? ` for ${secs(c.forSeconds)}` : ''}`;
    case 'memory':
      return `Memory > ${c.thresholdPercent} % of limit${c.forSeconds ? ` for ${secs(c.forSeconds)}` : ''}`;
    case 'restart-loop':
      return `${c.restarts} restarts within ${secs(c.withinSeconds)}`;
    case 'engine-down':
      return `Engine unreachable${c.forSeconds ? ` for ${secs(c.forSeconds)}` : ''}`;
    default:
      return CONDITION_LABEL[c.kind];
  }
}

export function scopeText(s: AlertScope): string {
  if (s.kind === 'container') return `container ${s.name}`;
  if (s.kind === 'project') return `compose project ${s.project}`;
  if (s.kind === 'service') return s.name ? `service ${s.name}` : 'every service';
  return 'every container of the host';
}

export function ruleSummary(r: AlertRule): string {
  return `${conditionText(r.condition)} · ${r.condition.kind === 'engine-down' ? 'the host' : scopeText(r.scope)}`;
}

export function timeText(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

export function deliveryText(d: Delivery): string {
  // A resolve notice says so; a fire delivery keeps its short text.
  const what = d.kind === 'resolve' ? 'resolve notice ' : '';
  if (d.state === 'pending') return `${d.channelName}: ${what}sending…`;
  if (d.state === 'sent') return `${d.channelName}: ${what}delivered${d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}`;
  return `${d.channelName}: ${what}failed after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'} — ${d.error ?? 'unknown error'}`;
}

/** Deliveries in the order the centre lists them: per channel, the fire delivery, then its resolve notice. */
export function deliveryLines(deliveries: readonly Delivery[]): Delivery[] {
  const order = [...new Set(deliveries.map((d) => d.channelId))];
  const rank = (d: Delivery): number => order.indexOf(d.channelId) * 2 + (d.kind === 'resolve' ? 1 : 0);
  return [...deliveries].sort((a, b) => rank(a) - rank(b));
}

export function resultText(r: DeliveryResult): string {
  if (r.ok) return `Delivered (HTTP ${r.status ?? '?'}, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}, ${Math.round(r.ms)} ms)`;
  return `Failed after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}: ${r.error ?? 'unknown error'}`;
}

export function alertState(a: Alert): 'open' | 'acknowledged' | 'resolved' {
  if (a.state === 'resolved') return 'resolved';
  return a.ackedAt !== undefined ? 'acknowledged' : 'open';
}

/** zod issues (or an RpcError's field) → one message per form field, first issue wins. */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.') || '_';
    out[key] ??= i.message;
  }
  return out;
}

/** An alert opened inside its rule's cool-down: shown now, notified later if still open (or never). */
export function heldText(a: Pick<Alert, 'state' | 'heldUntil'>, now = Date.now()): string | null {
  if (a.heldUntil === undefined || a.state !== 'open') return null;
  return `Notification held by the rule's cool-down until ${timeText(a.heldUntil, now)}`;
}

/** The host a rule watches, as the rule list says it ("every host", a name, or a removed host's id). */
export function hostText(hostId: string, hosts: readonly { id: string; name: string }[]): string {
  if (hostId === '*') return 'every host';
  const h = hosts.find((x) => x.id === hostId);
  return h ? `on ${h.name}` : `on ${hostId} (removed: the rule waits for it)`;
}
