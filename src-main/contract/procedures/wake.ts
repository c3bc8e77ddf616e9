// COMMON: wake on demand — the Services page. wake.watch sends the whole list (services, declaration
// errors, the proxy) at once and again after each change (at most every 250 ms); the list is small
// (services a user declared), so a snapshot is simpler and safer than patches.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { Empty, Void } from '../inputs';
import { WakeProxyApplyResultSchema, WakeProxySettingsSchema, WakeProxySettingsViewSchema } from '../wake-proxy-settings';
import { ServiceNameSchema, WakeWebhookEventSchema, WakeWebhookInfoSchema, WakeDeclarationErrorSchema, WakeFileStatusSchema, WakeImportResultSchema, WakePreviewSchema, WakeProxyStatusSchema, WakeServiceSchema, WakeServiceViewSchema } from '../wake-service';

export const WakeListSchema = z.object({
  services: z.array(WakeServiceViewSchema),
  errors: z.array(WakeDeclarationErrorSchema),
  proxy: WakeProxyStatusSchema,
  /** The wakedock.yml being watched, if any. */
  file: WakeFileStatusSchema.optional(),
});
export type WakeList = z.infer<typeof WakeListSchema>;

const Name = z.strictObject({ name: ServiceNameSchema });

/** A path on the machine the core runs on (absolute: the core has no working folder the user knows). */
const FilePath = z
  .string()
  .trim()
  .min(1, 'enter a path')
  .max(4096, 'a path may have at most 4096 characters')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), { message: 'give an absolute path, e.g. /home/me/wakedock.yml' })
  .refine((p) => !p.includes('\0'), { message: 'a path has no NUL character' });

export const wakeProcedures = {
  'wake.list': query(Empty, WakeListSchema, 'Services, label errors and the proxy'),
  'wake.watch': stream(Empty, WakeListSchema, 'The Services page, live'),
  'wake.proxy': query(Empty, WakeProxyStatusSchema, 'The Caddy WakeDock runs and where it serves'),
  'wake.preview': query(
    z.strictObject({ service: WakeServiceSchema, replacing: ServiceNameSchema.optional() }),
    WakePreviewSchema,
    'What a service would become before it is saved: conflicts, the upstream Caddy would dial, its route and loading page',
  ),
  'wake.create': command(WakeServiceSchema, WakeServiceSchema, 'Add a stored service'),
  'wake.update': command(z.strictObject({ name: ServiceNameSchema, service: WakeServiceSchema }), WakeServiceSchema, 'Change a stored service'),
  'wake.remove': command(Name, Void, 'Remove a stored service (its containers are left as they are)'),
  'wake.wakeNow': command(Name, Void, 'Start a service now and wait until it is ready'),
  'wake.sleepNow': command(Name, Void, 'Stop (or pause) a service now'),
  'wake.setWebhook': command(
    z.strictObject({
      name: ServiceNameSchema,
      /** null removes it; absent keeps the current URL (change the events only). Sealed in the store; never sent back. */
      url: z
        .url({ protocol: /^https?$/, error: 'enter an http:// or https:// URL' })
        .max(2048, 'a URL may have at most 2048 characters')
        .nullable()
        .optional(),
      events: z.array(WakeWebhookEventSchema).min(1, 'choose at least one event').max(3).default(['started', 'stopped', 'failed']),
    }),
    WakeWebhookInfoSchema.nullable(),
    'Set (or remove) the URL a service POSTs JSON to when it is started, stopped or fails to start',
  ),
  'wake.rootCertificate': query(Empty, z.object({ pem: z.string(), name: z.string() }), "The root certificate (PEM) of Caddy's local CA that signs the HTTPS certificates of .localhost names"),
  'wake.importYaml': command(
    z
      .strictObject({ text: z.string().max(1024 * 1024, 'a wakedock.yml may have at most 1 MiB').optional(), path: FilePath.optional() })
      .refine((i) => (i.text === undefined) !== (i.path === undefined), { message: 'give the text of a wakedock.yml or its path, not both', path: ['text'] }),
    WakeImportResultSchema,
    'Create or replace stored services from a wakedock.yml (text, or a file on the core\'s machine); all or nothing, errors name file, line and field',
  ),
  'wake.exportYaml': command(z.strictObject({ path: FilePath.optional() }), z.object({ text: z.string() }), 'The stored services as a wakedock.yml; with a path, also written there atomically'),
  'wake.proxySettings': query(Empty, WakeProxySettingsViewSchema, 'The proxy setting in effect (private Caddy or yours, ports, HTTPS, ACME) and the fields start-up flags fix'),
  'wake.setProxySettings': command(WakeProxySettingsSchema, WakeProxyApplyResultSchema, 'Apply a proxy setting live (checked first: ports, the admin address); saved once it works, the previous proxy put back otherwise'),
  'wake.watchFile': command(z.strictObject({ path: FilePath.nullable() }), WakeFileStatusSchema.nullable(), 'Watch a wakedock.yml and apply it on every change (null: stop)'),
} as const;
