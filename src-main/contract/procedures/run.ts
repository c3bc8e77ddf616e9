// COMMON: local images, pulling, and running / recreating a container from a RunSpec.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { HostIdSchema, Target } from '../inputs';
import { ImageRefSchema, RunSpecObject, RunSpecSchema, crossChecks } from '../run-spec';

export const NetworkSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** bridge, host, null, overlay, macvlan… */
  driver: z.string(),
  /** Attachable by a plain container (not an internal swarm network). */
  scope: z.string(),
});

export const ImageSummarySchema = z.object({
  id: z.string(),
  /** "repo:tag" names; empty for a dangling image. */
  repoTags: z.array(z.string()),
  /** Bytes. */
  size: z.number(),
  /** Epoch seconds. */
  created: z.number(),
});

export const PullLayerSchema = z.object({
  id: z.string(),
  /** The engine's words: Waiting, Downloading, Extracting, Pull complete, Already exists… */
  status: z.string(),
  current: z.number().optional(),
  total: z.number().optional(),
});

export const PullEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('progress'),
    /** The latest status line that is not about one layer ("Pulling from library/nginx"). */
    status: z.string(),
    layers: z.array(PullLayerSchema),
    /** Bytes downloaded / known total over the layers that report sizes. */
    current: z.number(),
    total: z.number(),
  }),
  z.object({ kind: z.literal('done'), status: z.string(), digest: z.string().optional() }),
]);

export const CreateResultSchema = z.object({
  id: z.string(),
  name: z.string(),
  started: z.boolean(),
  /** Things that went wrong but did not stop the operation. */
  warnings: z.array(z.string()),
});

export const RunSpecResultSchema = z.object({
  spec: RunSpecSchema,
  /** Variables whose values look secret: they stay in main and are carried over by recreate. */
  keptEnv: z.array(z.string()),
  running: z.boolean(),
});

export type ImageSummary = z.infer<typeof ImageSummarySchema>;
export type PullEvent = z.infer<typeof PullEventSchema>;
export type PullLayer = z.infer<typeof PullLayerSchema>;

export const runProcedures = {
  'images.list': query(z.strictObject({ hostId: HostIdSchema }), z.array(ImageSummarySchema), 'Images on a host'),
  'networks.list': query(z.strictObject({ hostId: HostIdSchema }), z.array(NetworkSummarySchema), 'Networks on a host (for the run form)'),
  'images.pull': stream(
    z.strictObject({ hostId: HostIdSchema, ref: ImageRefSchema }),
    PullEventSchema,
    'Pull an image: progress aggregated per layer at a bounded rate, then done',
  ),
  'containers.create': command(
    // The spec's fields at the top level, so VALIDATION names them as the form does ("ports.1").
    RunSpecObject.extend({ hostId: HostIdSchema }).superRefine(crossChecks),
    CreateResultSchema,
    'Create (and by default start) a container; refuses host ports already in use, naming the port',
  ),
  'containers.runSpec': query(Target, RunSpecResultSchema, "The run form's spec for an existing container (to recreate it with changes)"),
  'containers.recreate': command(
    Target.extend({ spec: RunSpecSchema, keepEnv: z.array(z.string().min(1).max(1024)).max(1000).default([]) }),
    CreateResultSchema,
    'Replace a container by one made from the spec: the old one stays intact if anything fails',
  ),
} as const;
