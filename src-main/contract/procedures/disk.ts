// COMMON: the Disk usage page, from /system/df: what images, containers, volumes and the build
// cache take, what is reclaimable, the largest items; and a clean-up that lists exactly what it will
// remove (cleanupPreview), then removes exactly the chosen items (cleanup) and reports the space freed.
import { z } from 'zod';
import { command, query } from '../define';
import { HostIdSchema } from '../inputs';

export const DiskKindSchema = z.enum(['image', 'container', 'volume', 'build-cache']);

export const DiskCategorySchema = z.object({
  kind: DiskKindSchema,
  count: z.number().int(),
  /** In use: images with containers, running containers, volumes mounted, cache records in use. */
  active: z.number().int(),
  size: z.number(),
  reclaimable: z.number(),
});

export const DiskItemSchema = z.object({
  kind: DiskKindSchema,
  id: z.string(),
  name: z.string(),
  size: z.number(),
  /** Why it may go (or that it is in use). */
  note: z.string(),
});

export const DiskUsageSchema = z.object({
  categories: z.array(DiskCategorySchema),
  largest: z.array(DiskItemSchema),
  total: z.number(),
  reclaimable: z.number(),
});

export const CleanupSelectionSchema = z.strictObject({
  hostId: HostIdSchema,
  images: z.enum(['none', 'dangling', 'unused']).default('dangling'),
  containers: z.boolean().default(true),
  volumes: z.enum(['none', 'anonymous', 'unused']).default('none'),
  buildCache: z.boolean().default(true),
});

export const CleanupResultSchema = z.object({
  removed: z.array(z.object({ kind: DiskKindSchema, id: z.string() })),
  failed: z.array(z.object({ kind: DiskKindSchema, id: z.string(), message: z.string() })),
  /** Measured: /system/df's total before minus after. */
  spaceFreed: z.number(),
});

export type DiskUsage = z.infer<typeof DiskUsageSchema>;
export type DiskItem = z.infer<typeof DiskItemSchema>;
export type DiskKind = z.infer<typeof DiskKindSchema>;
export type CleanupResult = z.infer<typeof CleanupResultSchema>;

export const diskProcedures = {
  'disk.usage': query(z.strictObject({ hostId: HostIdSchema }), DiskUsageSchema, "The engine's disk usage by category, what is reclaimable, and the largest items"),
  'disk.cleanupPreview': query(CleanupSelectionSchema, z.object({ items: z.array(DiskItemSchema), total: z.number() }), 'Exactly what a clean-up with this selection would remove'),
  'disk.cleanup': command(
    z.strictObject({ hostId: HostIdSchema, items: z.array(z.strictObject({ kind: DiskKindSchema, id: z.string().min(1).max(512).regex(/^[\w.:@/-]+$/, 'not an id') })).min(1, 'nothing to remove').max(20_000) }),
    CleanupResultSchema,
    'Remove exactly these items (never force: one in use meanwhile is kept and reported)',
  ),
} as const;
