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



// ---- files: browse, back up, restore, clone (through a short-lived helper container) ----------

/** A path inside a volume, relative to its root ('' = the root); no '..' and no NUL. */
export const VolumePathSchema = z
  .string()
  .max(4096, 'a path may have at most 4096 characters')
  .refine((p) => !p.includes('\0'), 'a path may not contain NUL')
  .transform((p) => p.split('/').filter((s) => s !== '' && s !== '.').join('/'))
  .refine((p) => !p.split('/').includes('..'), 'a path may not go up with ".."');

/** The image the helper container runs: one the host already has (never pulled). */
export const HelperImageSchema = z.string().trim().min(1, 'choose an image for the helper container').max(512).regex(/^[^\s]+$/, 'not an image reference');

/** Absolute path of a .tar.gz on the machine that runs WakeDock. */
export const ArchivePathSchema = z
  .string()
  .trim()
  .min(1, 'the file is required')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'a path may not contain NUL')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'give an absolute path')
  .refine((p) => /\.(tar\.gz|tgz)$/i.test(p), 'the file name must end in .tar.gz or .tgz');

export const VolumeEntrySchema = z.object({
  name: z.string(),
  type: z.enum(['file', 'dir', 'link', 'other']),
  /** Bytes (for a file; 0 or the engine's value for the rest). */
  size: z.number(),
  /** Epoch seconds. */
  mtime: z.number(),
});

export const VolumeListingSchema = z.object({
  path: z.string(),
  entries: z.array(VolumeEntrySchema),
  /** The directory has more entries than were listed (the first MAX_DIR_ENTRIES by name). */
  truncated: z.boolean(),
});

export const MAX_DIR_ENTRIES = 1000;
export const MAX_VIEW_BYTES = 256 * 1024;

export const VolumeFileSchema = z.object({
  path: z.string(),
  size: z.number(),
  /** The text, when the file is at most MAX_VIEW_BYTES and UTF-8 without NUL bytes. */
  text: z.string().nullable(),
  /** Why there is no text: too large, or not text. */
  notShown: z.enum(['too-large', 'binary']).nullable(),
});

export const HelperImagesSchema = z.object({
  /** Local images, the ones known to have sh and tar (busybox, alpine, debian…) first. */
  images: z.array(z.object({ ref: z.string(), likely: z.boolean() })),
  /** The first likely image, or null: none of the host's images is known to have a shell. */
  suggested: z.string().nullable(),
});

export const VolumeBackupEventSchema = z.discriminatedUnion('kind', [
  /** The helper runs; the archive goes to a temporary file next to `path`, renamed at the end. */
  z.object({ kind: z.literal('start'), path: z.string(), helper: z.string() }),
  /** Bytes read from the volume (uncompressed) and written to the file so far; total from the last size measure, when known. */
  z.object({ kind: z.literal('progress'), read: z.number(), written: z.number(), total: z.number().nullable() }),
  z.object({ kind: z.literal('done'), path: z.string(), read: z.number(), written: z.number() }),
]);

export const VolumeRestoreEventSchema = z.discriminatedUnion('kind', [
  /** The archive was read through and is a good .tar.gz (entries, uncompressed bytes); the volume is wiped next. */
  z.object({ kind: z.literal('checked'), entries: z.number(), bytes: z.number() }),
  /** Bytes of the .tar.gz sent to the engine so far. */
  z.object({ kind: z.literal('progress'), sent: z.number(), total: z.number() }),
  z.object({ kind: z.literal('done'), entries: z.number(), bytes: z.number() }),
]);

export const VolumeBackupFileSchema = z.object({ path: z.string(), name: z.string(), size: z.number(), mtime: z.number() });

export type VolumeEntry = z.infer<typeof VolumeEntrySchema>;
export type VolumeListing = z.infer<typeof VolumeListingSchema>;
export type VolumeFile = z.infer<typeof VolumeFileSchema>;
export type VolumeBackupEvent = z.infer<typeof VolumeBackupEventSchema>;
export type VolumeRestoreEvent = z.infer<typeof VolumeRestoreEventSchema>;

const WithHelper = VolumeTarget.extend({ image: HelperImageSchema });

export const volumeFilesProcedures = {
  'volumes.helperImages': query(z.strictObject({ hostId: HostIdSchema }), HelperImagesSchema, 'Local images that can run the helper container of browse/backup/restore/clone (never pulled)'),
  'volumes.list': query(WithHelper.extend({ path: VolumePathSchema.default('') }), VolumeListingSchema, `One directory of a volume (read-only; at most ${MAX_DIR_ENTRIES} entries, by name)`),
  'volumes.readFile': query(WithHelper.extend({ path: VolumePathSchema.refine((p) => p !== '', 'choose a file') }), VolumeFileSchema, `A file of a volume: its text when small (≤ ${MAX_VIEW_BYTES / 1024} KiB) and text`),
  'volumes.backup': stream(
    WithHelper.extend({ path: ArchivePathSchema.optional() }),
    VolumeBackupEventSchema,
    'Back a volume up to a .tar.gz on the machine that runs WakeDock (default: the data dir\'s volume-backups folder), streamed from the engine with progress; cancel by unsubscribing; never leaves a half file',
  ),
  'volumes.backups': query(z.strictObject({}), z.object({ dir: z.string(), files: z.array(VolumeBackupFileSchema) }), 'The .tar.gz files in the default backup folder, newest first'),
  'volumes.restore': stream(
    WithHelper.extend({ path: ArchivePathSchema }),
    VolumeRestoreEventSchema,
    'Replace a volume\'s contents with a .tar.gz (read through first: a broken archive leaves the volume untouched); unused by running containers',
  ),
  'volumes.clone': command(WithHelper.extend({ target: VolumeNameSchema }), z.object({ name: z.string(), bytes: z.number() }), 'Copy a volume into a new volume (refuses an existing name)'),
} as const;

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
  ...volumeFilesProcedures,
} as const;
