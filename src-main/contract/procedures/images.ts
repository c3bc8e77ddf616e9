// COMMON: the Images page. The list is live (images.watch: a snapshot, then patches driven by the
// engine's image and container events); inspect, history, remove, tag/untag and prune (preview first,
// then remove exactly what the preview listed). images.list and images.pull live in run.ts (the run
// form uses them too).
import { z } from 'zod';
import { command, query, stream } from '../define';
import { HostIdSchema } from '../inputs';
import { ImageRefSchema } from '../run-spec';

/** An image id (sha256:… or a prefix of its hex) or a repo:tag reference. */
export const ImageIdSchema = z
  .string()
  .trim()
  .min(1, 'choose an image')
  .max(512, 'the image reference is too long')
  .regex(/^(?:sha256:)?[a-f0-9]{12,64}$|^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$/, 'not an image id or reference');

/** Docker's repository rule (lowercase path components, optional registry host:port). */
export const RepositorySchema = z
  .string()
  .trim()
  .min(1, 'the repository is required')
  .max(255, 'the repository is too long')
  .regex(
    /^(?:(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)(?::\d+)?\/|[a-zA-Z0-9-]+:\d+\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/,
    'not a repository name (lowercase letters, digits, "._-" and "/", e.g. registry:5000/team/app)',
  );

/** Docker's tag rule. */
export const TagSchema = z
  .string()
  .trim()
  .min(1, 'the tag is required')
  .max(128, 'a tag may have at most 128 characters')
  .regex(/^[\w][\w.-]*$/, 'a tag may contain letters, digits, "_", "." and "-", and must not start with "." or "-"');

export const ImageRowSchema = z.object({
  /** sha256:… */
  id: z.string(),
  /** "repo:tag" names; empty for a dangling image. */
  repoTags: z.array(z.string()),
  repoDigests: z.array(z.string()),
  /** Bytes (the image with all its layers, shared ones included). */
  size: z.number(),
  /** Epoch seconds. */
  created: z.number(),
  /** Containers (any state) made from this image: names, at most 20, and the full count. */
  containers: z.array(z.string()),
  containerCount: z.number().int(),
  labels: z.record(z.string(), z.string()),
});

export const ImageListEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), items: z.array(ImageRowSchema) }),
  z.object({ kind: z.literal('patch'), upserts: z.array(ImageRowSchema), removed: z.array(z.string()) }),
]);

export const ImageDetailSchema = z.object({
  id: z.string(),
  repoTags: z.array(z.string()),
  repoDigests: z.array(z.string()),
  /** ISO date. */
  created: z.string(),
  size: z.number(),
  architecture: z.string(),
  os: z.string(),
  author: z.string(),
  user: z.string(),
  workingDir: z.string(),
  cmd: z.array(z.string()),
  entrypoint: z.array(z.string()),
  env: z.array(z.string()),
  exposedPorts: z.array(z.string()),
  volumes: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  /** The engine's inspect JSON, pretty-printed. */
  raw: z.string(),
});

export const ImageLayerSchema = z.object({
  /** The layer's image id, or "<missing>" for layers built elsewhere. */
  id: z.string(),
  /** Epoch seconds. */
  created: z.number(),
  createdBy: z.string(),
  size: z.number(),
  tags: z.array(z.string()),
  comment: z.string(),
});

export const ImageRemoveResultSchema = z.object({
  untagged: z.array(z.string()),
  deleted: z.array(z.string()),
});

export const PruneCandidateSchema = z.object({
  id: z.string(),
  repoTags: z.array(z.string()),
  size: z.number(),
  /** Bytes no other image shares: what removing this one alone frees. */
  uniqueSize: z.number(),
  created: z.number(),
});

export const ImagePrunePreviewSchema = z.object({
  items: z.array(PruneCandidateSchema),
  /** Sum of uniqueSize: at least this much is freed (layers shared only among the listed images come on top). */
  reclaimable: z.number(),
});

export const PruneResultSchema = z.object({
  removed: z.array(z.string()),
  /** Items that could not be removed (now in use, already gone…) with the engine's message. */
  failed: z.array(z.object({ id: z.string(), message: z.string() })),
  /** Measured: the engine's disk usage before minus after. */
  spaceFreed: z.number(),
});

/** A path on the machine the core runs on (the desktop, or the server in serve mode). */
const LocalPathSchema = z.string().trim().min(1, 'give a path').max(4096, 'the path is too long');

/** A build argument's name, as in ARG. */
const BuildArgName = z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a build argument name has letters, digits and "_" and does not start with a digit');

export const BuildInputSchema = z.strictObject({
  hostId: HostIdSchema,
  /** The build context: a folder on the machine the core runs on (also for SSH hosts: it is sent to the engine, as docker build does). */
  context: LocalPathSchema,
  /** The Dockerfile, relative to the context (default Dockerfile). */
  dockerfile: z.string().trim().min(1, 'give the Dockerfile').max(1024).default('Dockerfile'),
  /** Names for the image (repo:tag), none: untagged. */
  tags: z.array(ImageRefSchema).max(16, 'at most 16 tags').default([]),
  buildArgs: z.array(z.strictObject({ name: BuildArgName, value: z.string().max(8192) })).max(100, 'at most 100 build arguments').default([]),
  /** A stage of a multi-stage Dockerfile. */
  target: z
    .string()
    .trim()
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a stage name has letters, digits, ".", "_" and "-"')
    .optional(),
  noCache: z.boolean().default(false),
  /** Pull newer versions of the FROM images. */
  pull: z.boolean().default(false),
});

export const BuildEventSchema = z.discriminatedUnion('kind', [
  /** The context is being sent: bytes and files so far (tar), sent = the whole context is sent. */
  z.object({ kind: z.literal('context'), bytes: z.number(), files: z.number().int(), sent: z.boolean() }),
  /** New lines of the engine's build output (each cut at 4 KiB). */
  z.object({ kind: z.literal('log'), lines: z.array(z.string()) }),
  /** The image was built; the stream ends after this. A failed build fails the stream (CONFLICT / BUILD_FAILED, the engine's words; detail: the last lines). */
  z.object({ kind: z.literal('done'), imageId: z.string(), tags: z.array(z.string()) }),
]);

export const ImageSaveEventSchema = z.discriminatedUnion('kind', [
  /** Bytes of the archive written so far. */
  z.object({ kind: z.literal('progress'), bytes: z.number() }),
  /** The archive is complete at `path` (renamed from its temporary name only now). */
  z.object({ kind: z.literal('done'), path: z.string(), bytes: z.number() }),
]);

export const ImageLoadEventSchema = z.discriminatedUnion('kind', [
  /** Bytes of the file sent to the engine so far, of `total`. */
  z.object({ kind: z.literal('progress'), bytes: z.number(), total: z.number() }),
  /** What the engine loaded: "repo:tag" names, or "sha256:…" for an archive without names. */
  z.object({ kind: z.literal('done'), loaded: z.array(z.string()) }),
]);

export type ImageRow = z.infer<typeof ImageRowSchema>;
export type ImageSaveEvent = z.infer<typeof ImageSaveEventSchema>;
export type ImageLoadEvent = z.infer<typeof ImageLoadEventSchema>;
export type BuildInput = z.input<typeof BuildInputSchema>;
export type BuildEvent = z.infer<typeof BuildEventSchema>;
export type ImageListEvent = z.infer<typeof ImageListEventSchema>;
export type ImageDetail = z.infer<typeof ImageDetailSchema>;
export type ImageLayer = z.infer<typeof ImageLayerSchema>;
export type ImagePrunePreview = z.infer<typeof ImagePrunePreviewSchema>;
export type PruneResult = z.infer<typeof PruneResultSchema>;

const ImageTarget = z.strictObject({ hostId: HostIdSchema, id: ImageIdSchema });
/** Dangling only (untagged and unused), or every image no container uses. */
const PruneScope = z.enum(['dangling', 'unused']);

export const imagesProcedures = {
  'images.watch': stream(z.strictObject({ hostId: HostIdSchema }), ImageListEventSchema, 'The image list: a snapshot, then patches as images and containers change'),
  'images.inspect': query(ImageTarget, ImageDetailSchema, "An image's details and the engine's inspect JSON"),
  'images.history': query(ImageTarget, z.array(ImageLayerSchema), "An image's layers, newest first"),
  'images.remove': command(
    ImageTarget.extend({ force: z.boolean().default(false) }),
    ImageRemoveResultSchema,
    'Remove an image (all its tags); without force, refused while a container uses it (the containers are named)',
  ),
  'images.tag': command(
    ImageTarget.extend({ repo: RepositorySchema, tag: TagSchema.default('latest') }),
    z.object({ ref: z.string() }),
    'Add a repo:tag name to an image',
  ),
  'images.untag': command(
    z.strictObject({ hostId: HostIdSchema, ref: ImageRefSchema }),
    ImageRemoveResultSchema,
    'Remove one repo:tag name; the engine deletes the image too when it was its last name and nothing uses it',
  ),
  'images.prunePreview': query(z.strictObject({ hostId: HostIdSchema, scope: PruneScope.default('dangling') }), ImagePrunePreviewSchema, 'What an image prune would remove and free'),
  'images.prune': command(
    z.strictObject({ hostId: HostIdSchema, ids: z.array(ImageIdSchema).min(1, 'nothing to remove').max(10_000) }),
    PruneResultSchema,
    'Remove exactly the listed images (the preview), never force; report what was freed',
  ),
  'images.build': stream(
    BuildInputSchema,
    BuildEventSchema,
    'Build an image from a folder (.dockerignore honoured, the context streamed as tar): context progress, the build log, then done; unsubscribing cancels the build',
  ),
  'images.save': stream(
    z.strictObject({
      hostId: HostIdSchema,
      ids: z.array(ImageIdSchema).min(1, 'choose an image').max(100, 'at most 100 images in one archive'),
      /** A file on the machine the core runs on (in serve mode: the server). */
      path: LocalPathSchema,
      overwrite: z.boolean().default(false),
    }),
    ImageSaveEventSchema,
    'Save images to a tar file (docker save): streamed, progress in bytes, written under a temporary name and renamed at the end; unsubscribing cancels and leaves no file',
  ),
  'images.load': stream(
    z.strictObject({ hostId: HostIdSchema, path: LocalPathSchema }),
    ImageLoadEventSchema,
    'Load images from a tar file (docker load): streamed, progress in bytes; unsubscribing cancels',
  ),
} as const;
