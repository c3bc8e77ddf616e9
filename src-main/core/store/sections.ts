// The store's sections: each top-level key of wakedock.json with how it is read and written.
// Reading never throws and never discards what it does not understand: a value that fails its
// schema is reported (a notice) and kept as it was in the file until the user changes it; the
// section's value then uses the default for that part only.
import { z } from 'zod';
import { SettingsSchema, type Settings } from '../../contract';
import { WakeCountersSchema, WakeServiceSchema } from '../../contract/wake-service';
import { WakeProxySettingsSchema, type WakeProxySettings } from '../../contract/wake-proxy-settings';
import type { SecretBox } from './secret-box';

/** Alert history kept in the file (and in memory): newest first, older ones dropped on load. */
export const ALERT_HISTORY_LIMIT = 1000;

export const StoredHostSchema = z.object({ id: z.string().min(1), name: z.string(), kind: z.string().min(1), url: z.string() }).passthrough();
export type StoredHost = z.infer<typeof StoredHostSchema>;

/** Alert rules, channels and history as stored (the alerts module validates each item). */
export interface StoredAlerts {
  rules: Record<string, unknown>[];
  channels: Record<string, unknown>[];
  history: Record<string, unknown>[];
}

export interface SectionContext {
  secrets: SecretBox;
}

export interface SectionRead<T> {
  value: T;
  /** What was not understood, in words for the user (one per problem). */
  problems: string[];
  /** The section changed in reading (e.g. history trimmed): write it back once. */
  rewrite?: boolean;
}

export interface SectionDef<T> {
  /** The raw value of a file without this section. */
  empty(): unknown;
  /** Raw (as in the file) → value. Never throws. */
  read(raw: unknown, ctx: SectionContext): SectionRead<T>;
  /** Value → raw. `prevRaw`/`prevValue` are what the file held and how it was read: what was not
   *  understood and not changed by the update is written back as it was. */
  write(next: T, prev: { raw: unknown; value: T }, ctx: SectionContext): unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

// ---- settings: validated field by field -----------------------------------------------------

const settingsShape = SettingsSchema.shape;
type SettingsKey = keyof typeof settingsShape;
const SETTINGS_KEYS = Object.keys(settingsShape) as SettingsKey[];
const SETTINGS_DEFAULTS = SettingsSchema.parse({});

export const settingsSection: SectionDef<Settings> = {
  empty: () => ({}),
  read(raw) {
    if (!isRecord(raw)) {
      return { value: { ...SETTINGS_DEFAULTS }, problems: raw === undefined ? [] : [`The settings are not an object (${show(raw)}); WakeDock uses the defaults and keeps the file's value until you change a setting.`] };
    }
    const value = { ...SETTINGS_DEFAULTS } as Record<SettingsKey, unknown>;
    const problems: string[] = [];
    for (const key of SETTINGS_KEYS) {
      if (!(key in raw)) continue;
      const parsed = settingsShape[key].safeParse(raw[key]);
      if (parsed.success) value[key] = parsed.data;
      else problems.push(`Setting "${key}" has a value WakeDock does not understand (${show(raw[key])}); using ${show(SETTINGS_DEFAULTS[key])} until you change it. The file keeps its value.`);
    }
    return { value: value as Settings, problems };
  },
  write(next, prev) {
    const out: Record<string, unknown> = isRecord(prev.raw) ? { ...prev.raw } : {};
    const checked = SettingsSchema.parse(next);
    for (const key of SETTINGS_KEYS) {
      // A field the update did not change keeps the file's bytes (an invalid or absent value too).
      if (!same(checked[key], prev.value[key])) out[key] = checked[key];
    }
    return out;
  },
};

// ---- item lists: each item on its own --------------------------------------------------------

/**
 * A list whose items are validated one by one. An item that fails is left out of the value,
 * reported, and written back as it was (after the valid ones), so it is never lost.
 */
export function itemsSection<T>(label: string, item: z.ZodType<T>): SectionDef<T[]> {
  const split = (raw: unknown): { good: T[]; bad: unknown[] } => {
    const good: T[] = [];
    const bad: unknown[] = [];
    if (Array.isArray(raw)) {
      for (const it of raw) {
        const p = item.safeParse(it);
        if (p.success) good.push(p.data);
        else bad.push(it);
      }
    }
    return { good, bad };
  };
  return {
    empty: () => [],
    read(raw) {
      if (raw !== undefined && !Array.isArray(raw)) return { value: [], problems: [`The ${label} list is not a list (${show(raw)}); it is kept in the file as it is until you change it.`] };
      const { good, bad } = split(raw);
      return { value: good, problems: bad.map((b) => `A ${label} WakeDock does not understand is kept in the file but not used: ${show(b)}`) };
    },
    write(next, prev) {
      return [...next.map((n) => item.parse(n)), ...split(prev.raw).bad];
    },
  };
}

/** Host fields that carry secrets (an ssh password, a key passphrase): sealed in the file. */
const HOST_SECRET_FIELDS = ['password', 'passphrase'] as const;
const hostItems = itemsSection('host', StoredHostSchema);

/**
 * Added hosts. An item's `secret` ({password?, passphrase?}) is sealed with the SecretBox in the
 * file and open in memory; one that this box cannot open (sealed by the desktop's key store, read
 * by serve) is left out of the value (`secretUnreadable` set) and written back as it was.
 */
export const hostsSection: SectionDef<StoredHost[]> = {
  empty: hostItems.empty,
  read(raw, ctx) {
    const r = hostItems.read(raw, ctx);
    const value = r.value.map((h) => {
      const sec = (h as Record<string, unknown>).secret;
      if (!isRecord(sec)) return h;
      const open: Record<string, string> = {};
      let unreadable = false;
      for (const f of HOST_SECRET_FIELDS) {
        const v = sec[f];
        if (typeof v === 'string') open[f] = v;
        else {
          const sealed = SealedSchema.safeParse(v);
          if (!sealed.success) continue;
          try {
            open[f] = ctx.secrets.open(sealed.data);
          } catch (e) {
            unreadable = true;
            r.problems.push(`The ${f} of host ${show(h.name || h.id)} is encrypted with ${sealed.data.$sealed} and cannot be read here (${(e as Error).message}); enter it again in Settings → Hosts.`);
          }
        }
      }
      const { secret: _drop, ...rest } = h as Record<string, unknown>;
      void _drop;
      return { ...rest, ...(Object.keys(open).length > 0 ? { secret: open } : {}), ...(unreadable ? { secretUnreadable: true } : {}) } as StoredHost;
    });
    return { ...r, value };
  },
  write(next, prev, ctx) {
    const prevRaw = Array.isArray(prev.raw) ? prev.raw : [];
    const sealedNext = next.map((h) => {
      const { secret, secretUnreadable, ...rest } = h as Record<string, unknown>;
      if (secretUnreadable && secret === undefined) {
        // Keep what this box could not open, as it was in the file.
        const was = prevRaw.find((p) => isRecord(p) && p.id === h.id) as Record<string, unknown> | undefined;
        return (was?.secret !== undefined ? { ...rest, secret: was.secret } : rest) as StoredHost;
      }
      if (!isRecord(secret)) return rest as StoredHost;
      const out: Record<string, unknown> = {};
      for (const f of HOST_SECRET_FIELDS) if (typeof secret[f] === 'string') out[f] = ctx.secrets.seal(secret[f]);
      return (Object.keys(out).length > 0 ? { ...rest, secret: out } : rest) as StoredHost;
    });
    return hostItems.write(sealedNext, prev, ctx);
  },
};

// ---- alerts: rules, channels (with a secret URL) and the bounded history --------------------

const RecordSchema = z.record(z.string(), z.unknown());
/** A sealed secret as stored: `{ "$sealed": <box kind>, "data": <text> }`. */
const SealedSchema = z.object({ $sealed: z.string(), data: z.string() });
/** Channel fields that carry a secret (a webhook URL is a bearer credential). */
const CHANNEL_SECRET_FIELDS = ['url'] as const;

export const alertsSection: SectionDef<StoredAlerts> = {
  empty: () => ({ rules: [], channels: [], history: [] }),
  read(raw, ctx) {
    const problems: string[] = [];
    if (raw !== undefined && !isRecord(raw)) {
      return { value: { rules: [], channels: [], history: [] }, problems: [`The alerts section is not an object (${show(raw)}); it is kept in the file until you change an alert setting.`] };
    }
    const r = (raw ?? {}) as Record<string, unknown>;
    const list = (name: string): Record<string, unknown>[] => {
      const v = r[name];
      if (v === undefined) return [];
      if (!Array.isArray(v)) {
        problems.push(`Alert ${name} are not a list (${show(v)}); kept in the file until you change them.`);
        return [];
      }
      const good = v.filter((x): x is Record<string, unknown> => RecordSchema.safeParse(x).success);
      if (good.length !== v.length) problems.push(`${v.length - good.length} alert ${name} entries WakeDock does not understand are kept in the file but not used.`);
      return good;
    };
    const channels: Record<string, unknown>[] = [];
    for (const c of list('channels')) {
      const open = { ...c };
      let ok = true;
      for (const f of CHANNEL_SECRET_FIELDS) {
        const sealed = SealedSchema.safeParse(c[f]);
        if (!sealed.success) continue;
        try {
          open[f] = ctx.secrets.open(sealed.data);
        } catch (e) {
          ok = false;
          problems.push(`The webhook of channel ${show(c.name ?? c.id)} is encrypted with ${sealed.data.$sealed} and cannot be read here (${(e as Error).message}); the channel is kept in the file but not used.`);
        }
      }
      if (ok) channels.push(open);
    }
    const history = list('history');
    const trimmed = history.length > ALERT_HISTORY_LIMIT;
    return { value: { rules: list('rules'), channels, history: trimmed ? history.slice(0, ALERT_HISTORY_LIMIT) : history }, problems, rewrite: trimmed };
  },
  write(next, prev, ctx) {
    const prevRaw = isRecord(prev.raw) ? prev.raw : {};
    // Channels that could not be opened (sealed by another key store) stay in the file as they were.
    const unreadable = Array.isArray(prevRaw.channels)
      ? prevRaw.channels.filter((c) => isRecord(c) && !prev.value.channels.some((v) => v.id === c.id) && !next.channels.some((n) => n.id === c.id))
      : [];
    const channels = next.channels.map((c) => {
      const out: Record<string, unknown> = { ...c };
      for (const f of CHANNEL_SECRET_FIELDS) if (typeof c[f] === 'string') out[f] = ctx.secrets.seal(c[f]);
      return out;
    });
    return { ...prevRaw, rules: next.rules, channels: [...channels, ...unreadable], history: next.history.slice(0, ALERT_HISTORY_LIMIT) };
  },
};

/** Wake-on-demand services made in the app (label-declared ones live on their containers). Absent
 *  from the file until the first one is made, so files without wake services keep their shape. */
const wakeItems = itemsSection('wake service', WakeServiceSchema);
export const wakeServicesSection: SectionDef<z.output<typeof WakeServiceSchema>[]> = {
  ...wakeItems,
  empty: () => undefined,
  write: (next, prev, ctx) => (next.length === 0 && prev.raw === undefined ? undefined : wakeItems.write(next, prev, ctx)),
};

/** Wake counters per service (wakes, cold starts, time asleep, memory freed), so they survive a
 *  restart. Absent from the file until a service has counted something. */
const wakeCounterItems = itemsSection('wake counter', WakeCountersSchema);
export const wakeCountersSection: SectionDef<z.output<typeof WakeCountersSchema>[]> = {
  ...wakeCounterItems,
  empty: () => undefined,
  write: (next, prev, ctx) => (next.length === 0 && prev.raw === undefined ? undefined : wakeCounterItems.write(next, prev, ctx)),
};

// ---- registry logins: the password sealed by the SecretBox, like webhook URLs -----------------

export interface StoredRegistryLogin {
  server: string;
  username: string;
  password: string;
}

const RegistryLoginRaw = z.object({ server: z.string().min(1), username: z.string().min(1), password: z.union([z.string(), SealedSchema]) });

/** Absent from the file until the first login, so files without logins keep their shape. */
export const registriesSection: SectionDef<StoredRegistryLogin[]> = {
  empty: () => undefined,
  read(raw, ctx) {
    if (raw === undefined) return { value: [], problems: [] };
    if (!Array.isArray(raw)) return { value: [], problems: [`The registry logins are not a list (${show(raw)}); kept in the file until you log in or out.`] };
    const value: StoredRegistryLogin[] = [];
    const problems: string[] = [];
    for (const r of raw) {
      const p = RegistryLoginRaw.safeParse(r);
      if (!p.success) {
        problems.push('A registry login WakeDock does not understand is kept in the file but not used.');
        continue;
      }
      try {
        const password = typeof p.data.password === 'string' ? p.data.password : ctx.secrets.open(p.data.password);
        value.push({ server: p.data.server, username: p.data.username, password });
      } catch (e) {
        problems.push(`The login to ${p.data.server} is encrypted with ${(p.data.password as { $sealed: string }).$sealed} and cannot be read here (${(e as Error).message}); log in again.`);
      }
    }
    return { value, problems };
  },
  write(next, prev, ctx) {
    if (next.length === 0 && prev.raw === undefined) return undefined;
    return next.map((l) => ({ server: l.server, username: l.username, password: ctx.secrets.seal(l.password) }));
  },
};

// ---- wake webhooks: the URL sealed by the SecretBox, like alert channels ------------------------

export interface StoredWakeWebhook {
  service: string;
  url: string;
  events: ('started' | 'stopped' | 'failed')[];
}

const WakeWebhookRaw = z.object({ service: z.string().min(1), url: z.union([z.string(), SealedSchema]), events: z.array(z.enum(['started', 'stopped', 'failed'])).min(1) });

/** Absent from the file until the first webhook, so files without one keep their shape. */
export const wakeWebhooksSection: SectionDef<StoredWakeWebhook[]> = {
  empty: () => undefined,
  read(raw, ctx) {
    if (raw === undefined) return { value: [], problems: [] };
    if (!Array.isArray(raw)) return { value: [], problems: [`The wake webhooks are not a list (${show(raw)}); kept in the file until you change one.`] };
    const value: StoredWakeWebhook[] = [];
    const problems: string[] = [];
    for (const r of raw) {
      const p = WakeWebhookRaw.safeParse(r);
      if (!p.success) {
        problems.push('A wake webhook WakeDock does not understand is kept in the file but not used.');
        continue;
      }
      try {
        const url = typeof p.data.url === 'string' ? p.data.url : ctx.secrets.open(p.data.url);
        value.push({ service: p.data.service, url, events: p.data.events });
      } catch (e) {
        problems.push(`The webhook of service ${p.data.service} is encrypted with ${(p.data.url as { $sealed: string }).$sealed} and cannot be read here (${(e as Error).message}); set it again.`);
      }
    }
    return { value, problems };
  },
  write(next, prev, ctx) {
    if (next.length === 0 && prev.raw === undefined) return undefined;
    return next.map((h) => ({ service: h.service, url: ctx.secrets.seal(h.url), events: h.events }));
  },
};

// ---- the wake proxy setting (Settings → Proxy) and what merge mode created in the user's Caddy ----

export interface StoredWakeProxy {
  /** The user's setting; null: never saved (defaults and start-up flags). */
  settings: WakeProxySettings | null;
  /** The user's Caddy WakeDock merged into, and the containers it created there (removed on switch). */
  merged: { admin: string; created: string[] } | null;
}

const StoredMergedSchema = z.object({ admin: z.string().min(1), created: z.array(z.string()) });

/** Absent from the file until the setting is first saved. */
export const wakeProxySection: SectionDef<StoredWakeProxy> = {
  empty: () => undefined,
  read(raw) {
    const value: StoredWakeProxy = { settings: null, merged: null };
    if (raw === undefined) return { value, problems: [] };
    if (!isRecord(raw)) return { value, problems: [`The proxy setting is not an object (${show(raw)}); the defaults are used until you save it again.`] };
    const problems: string[] = [];
    if (raw.settings !== undefined && raw.settings !== null) {
      const p = WakeProxySettingsSchema.safeParse(raw.settings);
      if (p.success) value.settings = p.data;
      else problems.push(`The proxy setting is not valid (${p.error.issues[0]?.path.join('.')}: ${p.error.issues[0]?.message}); the defaults are used until you save it again.`);
    }
    if (raw.merged !== undefined && raw.merged !== null) {
      const m = StoredMergedSchema.safeParse(raw.merged);
      if (m.success) value.merged = m.data;
    }
    return { value, problems };
  },
  write(next, prev) {
    if (next.settings === null && next.merged === null && prev.raw === undefined) return undefined;
    return { ...(isRecord(prev.raw) ? prev.raw : {}), settings: next.settings, merged: next.merged };
  },
};

export const SECTIONS = {
  settings: settingsSection,
  hosts: hostsSection,
  alerts: alertsSection,
  wakeServices: wakeServicesSection,
  wakeCounters: wakeCountersSection,
  registries: registriesSection,
  wakeWebhooks: wakeWebhooksSection,
  wakeProxy: wakeProxySection,
};

export type SectionName = keyof typeof SECTIONS;
export type SectionValue<K extends SectionName> = (typeof SECTIONS)[K] extends SectionDef<infer T> ? T : never;
