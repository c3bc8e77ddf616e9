// COMMON: live stats, stats history and the engine's host summary (dashboard).
import { z } from 'zod';
import { query, stream } from '../define';
import { ContainerRefSchema, HostIdSchema } from '../inputs';
import { DerivedSampleSchema, StatsPointSchema, StatsWindowSchema } from '../models';

/** The engine's host as /info reports it, plus counts by state (dashboard). */
export const EngineHostInfoSchema = z.object({
  name: z.string(),
  cpus: z.number(),
  memTotal: z.number(),
  os: z.string(),
  osType: z.string(),
  arch: z.string(),
  kernel: z.string(),
  engineVersion: z.string(),
  storageDriver: z.string(),
  cgroupVersion: z.string(),
  containers: z.number(),
  running: z.number(),
  paused: z.number(),
  stopped: z.number(),
  images: z.number(),
});

export const StatsHistorySchema = z.object({
  /** Seconds between points (1, 5 for a project's last 5 minutes, 60 or 300). */
  resolutionSec: z.number(),
  points: z.array(StatsPointSchema),
  /**
   * Longest interval (s) between two recorded readings of a running container (background readings
   * every 30 s; 1 s while someone watches). Charts connect readings closer than this.
   */
  recordingSec: z.number().positive().optional(),
});

export const statsProcedures = {
  'stats.watch': stream(
    z.strictObject({
      hostId: HostIdSchema,
      /** Containers (ids or names); omitted = every running container. */
      ids: z.array(ContainerRefSchema).max(1000, 'at most 1000 containers per subscription').optional(),
    }),
    z.array(DerivedSampleSchema),
    'Derived stats (CPU %, memory without cache, I/O rates), one batch per second, only for the asked containers',
  ),
  'stats.history': query(
    z
      .strictObject({
        hostId: HostIdSchema,
        id: ContainerRefSchema.optional(),
        project: z.string().min(1).max(128).optional(),
        window: StatsWindowSchema,
      })
      .refine((v) => (v.id === undefined) !== (v.project === undefined), { message: 'give either a container id or a compose project', path: ['id'] }),
    StatsHistorySchema,
    'Persisted stats of a container or a compose project (sum) at the resolution of the window (1 s, 1 min or 5 min)',
  ),
  'stats.engineHost': query(z.strictObject({ hostId: HostIdSchema }), EngineHostInfoSchema, "The engine host from /info (CPUs, memory, OS, kernel, engine version, storage driver) and container counts"),
} as const;

export type EngineHostInfo = z.infer<typeof EngineHostInfoSchema>;
export type StatsHistory = z.infer<typeof StatsHistorySchema>;
