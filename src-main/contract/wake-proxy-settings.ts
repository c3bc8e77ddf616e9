// COMMON: the proxy of wake on demand as a user setting (Settings → Proxy): WakeDock's private Caddy
// or the user's own Caddy at an admin address, where service hostnames are served (HTTP, HTTPS),
// and ACME for public names. Validated here (the editor and the core share the messages); what only
// the machine can tell (a port in use, a privileged port without root, an admin address where
// nothing answers) is checked by the core when the setting is applied.
import { z } from 'zod';

/** Where WakeDock's private Caddy serves by default: loopback, ports that need no root. */
export const DEFAULT_PROXY_LISTEN = '127.0.0.1:8480';
export const DEFAULT_PROXY_HTTPS_LISTEN = '127.0.0.1:8443';

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/i;
const LISTEN_HOST = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[[0-9a-f:.]+\])$/i;

/** "127.0.0.1:8480" → {host, port}; null when not host:port with a port from 1 to 65535. */
export function splitListen(s: string): { host: string; port: number } | null {
  const m = /^(.+):(\d{1,5})$/.exec(s.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: m[1] as string, port };
}

/** Where Caddy listens for service hostnames: host:port (an IP address or localhost). */
export const ProxyListenSchema = z
  .string({ error: 'enter an address such as 127.0.0.1:8480' })
  .trim()
  .refine((s) => splitListen(s) !== null, { message: 'enter host:port with a port from 1 to 65535, e.g. 127.0.0.1:8480' })
  .refine((s) => LISTEN_HOST.test(splitListen(s)?.host ?? ''), { message: 'the host must be an IP address (127.0.0.1, 0.0.0.0, [::1]) or localhost' });

/**
 * The admin API of the user's own Caddy: http://host:port on loopback (WakeDock sends it its own
 * routes, so it must be on this machine) or the absolute path of a unix socket.
 */
export const AdminAddressSchema = z
  .string({ error: 'enter the admin address of your Caddy' })
  .trim()
  .min(1, 'enter the admin address of your Caddy, e.g. http://127.0.0.1:2019 or /run/caddy/admin.sock')
  .max(1024, 'an admin address may have at most 1024 characters')
  .superRefine((s, ctx) => {
    if (s.startsWith('/')) {
      if (s.includes('\0')) ctx.addIssue({ code: 'custom', message: 'a socket path has no NUL character' });
      return;
    }
    const m = /^http:\/\/([^/?#]+?)(?::(\d{1,5}))?\/?$/i.exec(s);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: /^https:/i.test(s) ? "Caddy's admin API speaks plain HTTP on loopback: use http://127.0.0.1:2019" : 'enter http://127.0.0.1:2019 (loopback host and port) or the absolute path of a unix socket' });
      return;
    }
    if (!LOOPBACK_HOST.test(m[1] as string)) ctx.addIssue({ code: 'custom', message: `${m[1]} is not this machine: the admin address must be on loopback (127.0.0.1, localhost, [::1]) or a unix socket` });
    else if (!m[2]) ctx.addIssue({ code: 'custom', message: 'add the port, e.g. http://127.0.0.1:2019' });
    else if (Number(m[2]) < 1 || Number(m[2]) > 65535) ctx.addIssue({ code: 'custom', message: 'the port must be from 1 to 65535' });
  });

export const ProxyModeSchema = z.enum(['private', 'external']);
export type ProxyMode = z.infer<typeof ProxyModeSchema>;

export const WakeProxySettingsSchema = z
  .strictObject({
    /** private: WakeDock starts and supervises its own Caddy; external: the user's Caddy at `admin`. */
    mode: ProxyModeSchema,
    /** The user's Caddy admin API (external mode). */
    admin: AdminAddressSchema.optional(),
    /** Where service hostnames are served over HTTP. */
    listen: ProxyListenSchema,
    /** HTTPS for the same hostnames (local CA; ACME for public names when `acme`). */
    https: z.boolean(),
    httpsListen: ProxyListenSchema,
    /** ACME (Let's Encrypt, ZeroSSL) for public hostnames; internal names always get the local CA. */
    acme: z.boolean(),
    acmeEmail: z.email({ error: 'enter an e-mail address, or leave it empty' }).max(254).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'external' && !s.admin) ctx.addIssue({ code: 'custom', path: ['admin'], message: 'enter the admin address of your Caddy, e.g. http://127.0.0.1:2019 or /run/caddy/admin.sock' });
    if (s.acme && !s.https) ctx.addIssue({ code: 'custom', path: ['acme'], message: 'turn HTTPS on to get ACME certificates' });
    const a = splitListen(s.listen);
    const b = splitListen(s.httpsListen);
    if (s.https && a && b && a.port === b.port) ctx.addIssue({ code: 'custom', path: ['httpsListen'], message: `HTTP already uses port ${a.port}: choose another port for HTTPS` });
  });
export type WakeProxySettings = z.output<typeof WakeProxySettingsSchema>;

export const DEFAULT_PROXY_SETTINGS: WakeProxySettings = {
  mode: 'private',
  listen: DEFAULT_PROXY_LISTEN,
  https: false,
  httpsListen: DEFAULT_PROXY_HTTPS_LISTEN,
  acme: false,
};

/** Fields fixed when WakeDock was started (serve flags): they win over the stored setting. */
export const ProxyFixedFieldSchema = z.object({ field: z.enum(['listen', 'https', 'httpsListen', 'acme', 'acmeEmail']), flag: z.string() });

export const WakeProxySettingsViewSchema = z.object({
  /** What is in effect: the stored setting (or the defaults) with the start-up flags on top. */
  settings: WakeProxySettingsSchema,
  /** Whether the user saved a setting (else: the defaults and flags). */
  saved: z.boolean(),
  fixed: z.array(ProxyFixedFieldSchema),
  /** Whether the core may bind ports below 1024 (root): the form says so next to the ports. */
  privilegedPorts: z.boolean(),
  /** Whether a caddy binary is on PATH (private mode needs one). */
  caddyInstalled: z.boolean(),
});
export type WakeProxySettingsView = z.infer<typeof WakeProxySettingsViewSchema>;

export const WakeProxyApplyResultSchema = z.object({
  settings: WakeProxySettingsSchema,
  /** What happened, in words ("Switched to your Caddy at …; your 2 servers were left as they were"). */
  message: z.string(),
});
export type WakeProxyApplyResult = z.infer<typeof WakeProxyApplyResultSchema>;
