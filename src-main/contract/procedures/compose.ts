// COMMON: the Projects page (compose projects). Projects are found from the compose labels of the
// host's containers (v1 and v2 write the same com.docker.compose.* set), running or not; actions run
// the compose CLI (`docker compose` v2 when present, else `docker-compose` v1) in the project's
// working dir with its config files, both from the labels, and stream the CLI's output.
import { z } from 'zod';
import { command, query, stream } from '../define';
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

export const COMPOSE_ACTIONS = ['up', 'down', 'start', 'stop', 'restart', 'pull', 'scale'] as const;
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

/** An absolute folder on the machine that runs WakeDock. */
export const ComposeDirSchema = z
  .string()
  .trim()
  .min(1, 'the folder is required')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'a path may not contain NUL')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'give an absolute folder');

export const MAX_COMPOSE_FILE = 1024 * 1024;
const ComposeText = z.string().max(MAX_COMPOSE_FILE, 'a compose file may have at most 1 MiB').refine((t) => t.trim() !== '', 'the compose file is empty');

export const ComposeFileSchema = z.object({ path: z.string(), content: z.string(), size: z.number() });

/** What `config` said: valid, or the CLI's own error with the line it names (in the edited file), if any. */
export const ComposeCheckSchema = z.object({ valid: z.boolean(), error: z.string().nullable(), line: z.number().int().nullable() });

export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

export type ComposeFile = z.infer<typeof ComposeFileSchema>;
export type ComposeCheck = z.infer<typeof ComposeCheckSchema>;

export const composeFileProcedures = {
  'compose.files': query(
    z.strictObject({ hostId: HostIdSchema, project: ComposeProjectNameSchema }),
    z.object({ workingDir: z.string().nullable(), files: z.array(ComposeFileSchema) }),
    'The compose files of a project (from its labels) with their text',
  ),
  'compose.check': query(
    z.strictObject({
      hostId: HostIdSchema,
      /** The project's folder (its .env is read from there). */
      dir: ComposeDirSchema,
      /** The file being edited (or to be written); the other files of the project stay as they are. */
      file: ComposeDirSchema,
      otherFiles: z.array(ComposeDirSchema).max(20).default([]),
      content: ComposeText,
      project: ComposeProjectNameSchema.optional(),
    }),
    ComposeCheckSchema,
    'Check a compose file with the CLI\'s `config` (in its folder, .env honoured) without writing it',
  ),
  'compose.save': command(
    z.strictObject({ hostId: HostIdSchema, project: ComposeProjectNameSchema, file: ComposeDirSchema, content: ComposeText }),
    z.object({ path: z.string(), bytes: z.number() }),
    'Save a project\'s compose file: checked with `config` first (COMPOSE_INVALID with the CLI\'s words), then written atomically',
  ),
  'compose.deploy': stream(
    z.strictObject({
      hostId: HostIdSchema,
      /** Created when missing. */
      dir: ComposeDirSchema,
      /** Empty: compose's default (the folder's name). */
      project: z.union([z.literal(''), ComposeProjectNameSchema]).default(''),
      content: ComposeText,
      /** Replace an existing compose file in the folder (asked first in the UI). */
      overwrite: z.boolean().default(false),
      build: z.boolean().default(false),
      pull: z.boolean().default(false),
    }),
    ComposeRunEventSchema,
    'Deploy a new project: write the pasted compose file into a folder (created if missing; its .env honoured), checked with `config` first, then `up -d`; refuses to replace a compose file unless overwrite',
  ),
} as const;

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
        /** up: build images first (`--build`). */
        build: z.boolean().default(false),
        /** up: pull images first (v2 `--pull always`; v1 runs `pull` before `up`). */
        pull: z.boolean().default(false),
        /** scale: the number of containers for the one service in `services` (`up -d --no-recreate --scale svc=N`). */
        replicas: z.number().int().min(0, 'at least 0').max(100, 'at most 100').optional(),
      })
      .refine((i) => !(i.action === 'down' && i.services.length > 0), { message: 'down takes the whole project, not single services', path: ['services'] })
      .refine((i) => i.action === 'down' || !i.removeVolumes, { message: 'only down removes volumes', path: ['removeVolumes'] })
      .refine((i) => i.action !== 'scale' || (i.services.length === 1 && i.replicas !== undefined), { message: 'scale takes one service and a number of replicas', path: ['replicas'] })
      .refine((i) => i.action === 'up' || (!i.build && !i.pull), { message: 'only up builds or pulls first', path: ['build'] }),
    ComposeRunEventSchema,
    'Run a compose action (up -d [--build] [pull first], down [-v], start, stop, restart, pull, scale a service) on a project or some of its services; streams the CLI output; unsubscribing stops the CLI',
  ),
  ...composeFileProcedures,
} as const;
