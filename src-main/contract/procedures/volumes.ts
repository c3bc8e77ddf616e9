// COMMON: the Volumes page. Live list (volumes.watch: names, driver, mountpoint, labels and the
// containers using each, from the engine's lists; sizes from /system/df, measured in the background
// and sent as a patch, since measuring walks every volume's files), create, remove, prune (preview
// first, then exactly the previewed volumes).
import { z } from 'zod';
import { command, query, stream } from '../define';
import { HostIdSchema } from '../inputs';
import { PruneResultSchema } from './images';

/** Docker's volume name rule. */
export const VolumeNameSchema = z
  .string()
  .trim()
  .min(2, 'a volume name needs at least 2 characters')
  .max(255, 'a volume name may have at most 255 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'a volume name must start with a letter or digit and contain only letters, digits, "_", "." and "-"');

/** key=value pairs as a record; keys as the engine takes them. */
const KeyValues = z.record(z.string().min(1, 'a key is required').max(1024).regex(/^[^=\s][^=]*$/, 'a key may not contain "=" or start with a space'), z.string().max(32_768)).refine((r) => Object.keys(r).length <= 500, 'at most 500 entries');

export const VolumeRowSchema = z.object({
  name: z.string(),
  driver: z.string(),
  mountpoint: z.string(),
  scope: z.string(),
  labels: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  /** ISO date, when the driver reports it. */
  createdAt: z.string(),
  /** Bytes, from /system/df; null until measured (or when the driver cannot tell). */
  size: z.number().nullable(),
  /** Containers (any state) that mount it: names (at most 20) and the full count. */
  containers: z.array(z.string()),
  containerCount: z.number().int(),
  /** A 64-hex name: made by the engine for an anonymous volume. */
  anonymous: z.boolean(),
});

export const VolumeListEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), items: z.array(VolumeRowSchema) }),
  z.object({ kind: z.literal('patch'), upserts: z.array(VolumeRowSchema), removed: z.array(z.string()) }),
]);

export const VolumePrunePreviewSchema = z.object({
  items: z.array(z.object({ name: z.string(), size: z.number().nullable(), anonymous: z.boolean(), labels: z.record(z.string(), z.string()) })),
  reclaimable: z.number(),
});

export type VolumeRow = z.infer<typeof VolumeRowSchema>;
export type VolumePrunePreview = z.infer<typeof VolumePrunePreviewSchema>;

const VolumeTarget = z.strictObject({ hostId: HostIdSchema, name: VolumeNameSchema });

export const volumesProcedures = {
  'volumes.watch': stream(z.strictObject({ hostId: HostIdSchema }), VolumeListEventSchema, 'The volume list: a snapshot, then patches (sizes arrive as a patch once measured)'),
  'volumes.measure': command(z.strictObject({ hostId: HostIdSchema }), z.null(), 'Measure volume sizes again (/system/df); the list gets them as a patch'),
  'volumes.create': command(
    z.strictObject({
      hostId: HostIdSchema,
      /** Empty: the engine picks a name (an anonymous volume). */
      name: z.union([z.literal(''), VolumeNameSchema]).default(''),
      driver: z.string().trim().min(1, 'the driver is required').max(255).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:/-]*$/, 'not a driver name').default('local'),
      options: KeyValues.default({}),
      labels: KeyValues.default({}),
    }),
    z.object({ name: z.string() }),
    'Create a volume (driver, driver options, labels); refuses a name already in use',
  ),
  'volumes.remove': command(VolumeTarget.extend({ force: z.boolean().default(false) }), z.null(), 'Remove a volume; refused while a container uses it (the engine names it)'),
  'volumes.prunePreview': query(
    z.strictObject({ hostId: HostIdSchema, scope: z.enum(['anonymous', 'unused']).default('anonymous') }),
    VolumePrunePreviewSchema,
    'What a volume prune would remove: volumes no container uses (anonymous only, or named too) and their sizes',
  ),
  'volumes.prune': command(
    z.strictObject({ hostId: HostIdSchema, names: z.array(VolumeNameSchema).min(1, 'nothing to remove').max(10_000) }),
    PruneResultSchema,
    'Remove exactly the listed volumes (never force); report what was freed',
  ),
} as const;
