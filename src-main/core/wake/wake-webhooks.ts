// Webhooks of wake-on-demand services: when a service is started (woken and ready), stopped (put to
// sleep) or fails to start, WakeDock POSTs JSON to the URL set for it:
//
//   {"source":"wakedock","event":"started","service":"web","hosts":["web.localhost"],
//    "at":"2026-12-03T11:02:03.000Z","reason":"request","cold_start_ms":1840}
//   {"source":"wakedock","event":"failed", …, "message":"the container exited (code 1)"}
//
// Delivery is the alerts' postJson: 5 s per attempt, 3 attempts, 500 ms → 1 s backoff, retrying
// network errors and 408/429/5xx. The URL is a secret (it often carries a token): sealed in the
// store's `wakeWebhooks` section by the SecretBox, kept open only in memory, never sent to the
// renderer (it sees the events and the last delivery). Deliveries in flight are awaited on dispose.
import type { Logger } from '../../contract/handlers';
import type { WakeWebhookEvent, WakeWebhookInfo } from '../../contract/wake-service';
import { postJson, type DeliverOptions } from '../alerts/webhook';
import type { WakeLifecycleEvent } from './wake-controller';

export interface StoredWebhook {
  service: string;
  url: string;
  events: WakeWebhookEvent[];
}

/** Where webhooks are kept: the store's `wakeWebhooks` section (sealed) in the core, memory in tests. */
export interface WebhooksPort {
  get(): StoredWebhook[];
  update(fn: (current: StoredWebhook[]) => StoredWebhook[]): Promise<unknown>;
}

export function memoryWebhooks(initial: StoredWebhook[] = []): WebhooksPort {
  let list = initial;
  return {
    get: () => list,
    update: async (fn) => {
      list = fn(list);
      return list;
    },
  };
}

export const ALL_EVENTS: WakeWebhookEvent[] = ['started', 'stopped', 'failed'];

export class WakeWebhooks {
  private last = new Map<string, NonNullable<WakeWebhookInfo['lastDelivery']>>();
  private inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly o: {
      port: WebhooksPort;
      logger: Logger;
      hostsOf: (service: string) => string[];
      deliver?: DeliverOptions;
    },
  ) {}

  info(service: string): WakeWebhookInfo | undefined {
    const h = this.o.port.get().find((x) => x.service === service);
    if (!h) return undefined;
    const last = this.last.get(service);
    return { events: [...h.events], ...(last ? { lastDelivery: last } : {}) };
  }

  /** url: the new URL, null to remove, undefined to keep the current one (events only). */
  async set(service: string, url: string | null | undefined, events: WakeWebhookEvent[] = ALL_EVENTS): Promise<WakeWebhookInfo | null> {
    if (url === undefined) {
      const cur = this.o.port.get().find((h) => h.service === service);
      if (!cur) throw Object.assign(new Error(`${service} has no webhook yet: enter its URL`), { field: 'url' });
      url = cur.url;
    }
    const next = url;
    await this.o.port.update((cur) => {
      const rest = cur.filter((h) => h.service !== service);
      return next === null ? rest : [...rest, { service, url: next, events: ALL_EVENTS.filter((e) => events.includes(e)) }];
    });
    this.last.delete(service);
    return this.info(service) ?? null;
  }

  /** A service was renamed: its webhook follows it. */
  async rename(from: string, to: string): Promise<void> {
    if (from === to || !this.o.port.get().some((h) => h.service === from)) return;
    await this.o.port.update((cur) => cur.filter((h) => h.service !== to).map((h) => (h.service === from ? { ...h, service: to } : h)));
    this.last.delete(from);
  }

  /** A lifecycle event from the controller: deliver it if the service's webhook wants it. */
  onLifecycle(e: WakeLifecycleEvent): void {
    const h = this.o.port.get().find((x) => x.service === e.service);
    if (!h || !h.events.includes(e.event)) return;
    const body = {
      source: 'wakedock',
      event: e.event,
      service: e.service,
      hosts: this.o.hostsOf(e.service),
      at: new Date(e.at).toISOString(),
      reason: e.reason,
      ...(e.message !== undefined ? { message: e.message } : {}),
      ...(e.coldStartMs !== undefined ? { cold_start_ms: e.coldStartMs } : {}),
    };
    const p = postJson(h.url, body, { ...this.o.deliver }).then((r) => {
      this.last.set(e.service, { event: e.event, ok: r.ok, at: r.at, attempts: r.attempts, ...(r.status !== undefined ? { status: r.status } : {}), ...(r.error ? { error: r.error } : {}) });
      if (!r.ok) this.o.logger.warn(`wake: the ${e.event} webhook of ${e.service} was not delivered after ${r.attempts} attempt(s): ${r.error ?? 'failed'}`);
      this.onDelivered?.();
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Called after each delivery (the manager re-sends the Services page). */
  onDelivered?: () => void;

  /** Waits for deliveries in flight (each bounded by its attempts and timeouts). */
  async dispose(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
