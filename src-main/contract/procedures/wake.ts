// COMMON: wake on demand — the Services page. wake.watch sends the whole list (services, declaration
// errors, the proxy) at once and again after each change (at most every 250 ms); the list is small
// (services a user declared), so a snapshot is simpler and safer than patches.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { Empty, Void } from '../inputs';
import { ServiceNameSchema, WakeDeclarationErrorSchema, WakePreviewSchema, WakeProxyStatusSchema, WakeServiceSchema, WakeServiceViewSchema } from '../wake-service';

export const WakeListSchema = z.object({
  services: z.array(WakeServiceViewSchema),
  errors: z.array(WakeDeclarationErrorSchema),
  proxy: WakeProxyStatusSchema,
});
export type WakeList = z.infer<typeof WakeListSchema>;

const Name = z.strictObject({ name: ServiceNameSchema });

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
} as const;
