// COMMON: container list and lifecycle procedures.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { ContainerNameSchema, Target, Void, HostIdSchema } from '../inputs';
import { ContainerPatchSchema, ContainerSummarySchema } from '../models';

export const containerProcedures = {
  'containers.list': query(z.strictObject({ hostId: HostIdSchema }), z.array(ContainerSummarySchema), 'All containers of a host, running or not'),
  'containers.watch': stream(
    z.strictObject({ hostId: HostIdSchema }),
    ContainerPatchSchema,
    'A snapshot, then patches driven by the engine events stream (a new snapshot after a reconnect)',
  ),
  'containers.reconcile': command(
    z.strictObject({ hostId: HostIdSchema }),
    z.object({ changed: z.number().int() }),
    'Re-read the whole list from the engine now and push what differs to the watchers (the UI calls it when the window regains focus or the page becomes visible)',
  ),
  'containers.start': command(Target, Void, 'Start a container'),
  'containers.stop': command(
    Target.extend({ timeout: z.number().int().min(0).max(3600).optional() }),
    Void,
    'Stop a container (SIGTERM, then SIGKILL after timeout seconds)',
  ),
  'containers.restart': command(Target.extend({ timeout: z.number().int().min(0).max(3600).optional() }), Void, 'Restart a container'),
  'containers.pause': command(Target, Void, 'Pause a running container'),
  'containers.unpause': command(Target, Void, 'Unpause a paused container'),
  'containers.kill': command(
    Target.extend({ signal: z.string().regex(/^(SIG)?[A-Z][A-Z0-9]*$|^\d{1,2}$/, 'a signal such as SIGKILL, SIGTERM or 9').optional() }),
    Void,
    'Send a signal (SIGKILL by default)',
  ),
  'containers.rename': command(Target.extend({ name: ContainerNameSchema }), Void, 'Rename a container'),
  'containers.remove': command(
    Target.extend({ force: z.boolean().default(false), volumes: z.boolean().default(false) }),
    Void,
    'Remove a container; force kills it first, volumes removes its anonymous volumes',
  ),
} as const;
