// COMMON: the Projects page (compose projects). Projects are found from the compose labels of the
// host's containers (v1 and v2 write the same com.docker.compose.* set), running or not; actions run
// the compose CLI (`docker compose` v2 when present, else `docker-compose` v1) in the project's
// working dir with its config files, both from the labels, and stream the CLI's output.
import { z } from 'zod';
import { query, stream } from '../define';
import { HostIdSchema } from '../inputs';

/** Compose's project name rule (v2; v1 normalises to the same set). */
export const ComposeProjectNameSchema = z
  .string()
  .min(1, 'the project name is required')
  .max(255)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a project name is lowercase letters, digits, "_", "." and "-", starting with a letter or digit');

/** A service name as compose accepts it. */
export const ComposeServiceNameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a service name');

export const ComposeContainerSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The engine's state: running, exited, paused, created, restarting, dead. */
  state: z.string(),
  /** The engine's status text ("Up 3 minutes", "Exited (0) 2 hours ago"). */
  status: z.string(),
});

export const ComposeServiceSchema = z.object({
  name: z.string(),
  /** The image of its (first) container, as the container was created. */
  image: z.string(),
  running: z.number().int(),
  total: z.number().int(),
  /** Published ports, "8080->80/tcp" (host address dropped when it is all interfaces). */
  ports: z.array(z.string()),
  containers: z.array(ComposeContainerSchema),
});

export const ComposeProjectSchema = z.object({
  name: z.string(),
  /** From com.docker.compose.project.working_dir; null when the label is absent (old v1). */
  workingDir: z.string().nullable(),
  /** Absolute paths, from com.docker.compose.project.config_files (v1 writes them relative to the working dir). */
  configFiles: z.array(z.string()),
  /** The compose version that made the containers (com.docker.compose.version). */
  composeVersion: z.string().nullable(),
  /** running: every container runs; partial: some do; stopped: none does. */
  state: z.enum(['running', 'partial', 'stopped']),
  running: z.number().int(),
  total: z.number().int(),
  services: z.array(ComposeServiceSchema),
});

export const ComposeListEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), items: z.array(ComposeProjectSchema) }),
  z.object({ kind: z.literal('patch'), upserts: z.array(ComposeProjectSchema), removed: z.array(z.string()) }),
]);

export const ComposeCliSchema = z.object({
  /** v2: `docker compose`; v1: `docker-compose`; null: neither was found. */
  kind: z.enum(['v2', 'v1']).nullable(),
  version: z.string().nullable(),
  /** How it is run, e.g. "docker compose" or "docker-compose". */
  command: z.string().nullable(),
  /** Why actions cannot run (no CLI; a host kind the CLI cannot reach). */
  problem: z.string().optional(),
});

export const COMPOSE_ACTIONS = ['up', 'down', 'start', 'stop', 'restart', 'pull'] as const;
export const ComposeActionSchema = z.enum(COMPOSE_ACTIONS);

export const ComposeRunEventSchema = z.discriminatedUnion('kind', [
  /** The command line that runs (for the output panel's first line). */
  z.object({ kind: z.literal('start'), command: z.string(), cwd: z.string() }),
  /** One line of the CLI's output (long lines cut at 4 KiB). */
  z.object({ kind: z.literal('output'), stream: z.enum(['stdout', 'stderr']), text: z.string() }),
  /** The CLI exited 0; the stream ends after this. A non-zero exit fails the stream instead (CONFLICT / COMPOSE_FAILED, detail = the CLI's stderr). */
  z.object({ kind: z.literal('done'), exitCode: z.number().int() }),
]);

export type ComposeProject = z.infer<typeof ComposeProjectSchema>;
export type ComposeService = z.infer<typeof ComposeServiceSchema>;
export type ComposeCli = z.infer<typeof ComposeCliSchema>;
export type ComposeAction = z.infer<typeof ComposeActionSchema>;
export type ComposeRunEvent = z.infer<typeof ComposeRunEventSchema>;

export const composeProcedures = {
  'compose.watch': stream(z.strictObject({ hostId: HostIdSchema }), ComposeListEventSchema, 'Compose projects of a host from their containers\' labels: a snapshot, then patches'),
  'compose.cli': query(z.strictObject({ hostId: HostIdSchema }), ComposeCliSchema, 'Which compose CLI runs the actions (v2 or v1) and its version, or why none can'),
  'compose.run': stream(
    z
      .strictObject({
        hostId: HostIdSchema,
        project: ComposeProjectNameSchema,
        action: ComposeActionSchema,
        /** Empty: the whole project. */
        services: z.array(ComposeServiceNameSchema).max(200).default([]),
        /** down only: also remove the project's named and anonymous volumes (asked first in the UI). */
        removeVolumes: z.boolean().default(false),
      })
      .refine((i) => !(i.action === 'down' && i.services.length > 0), { message: 'down takes the whole project, not single services', path: ['services'] })
      .refine((i) => i.action === 'down' || !i.removeVolumes, { message: 'only down removes volumes', path: ['removeVolumes'] }),
    ComposeRunEventSchema,
    'Run a compose action (up -d, down [-v], start, stop, restart, pull) on a project or some of its services; streams the CLI output; unsubscribing stops the CLI',
  ),
} as const;
