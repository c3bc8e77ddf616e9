// COMMON: the inspect view of one container. Main builds the view model from the engine's inspect
// and masks secret-looking environment values there: a masked value never crosses the bridge
// until the user asks for it with containers.revealEnv.
import { z } from 'zod';
import { query } from '../define';
import { Target } from '../inputs';

export const EnvEntrySchema = z.object({
  name: z.string(),
  /** Absent when masked. */
  value: z.string().optional(),
  masked: z.boolean(),
  /** For a masked URL with credentials: the URL with the password replaced, e.g. postgres://app:•••@db/app. */
  preview: z.string().optional(),
});

export const InspectViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  overview: z.object({
    image: z.string(),
    imageId: z.string(),
    command: z.array(z.string()),
    entrypoint: z.array(z.string()),
    workingDir: z.string(),
    user: z.string(),
    hostname: z.string(),
    /** ISO timestamps; empty when never. */
    created: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    restartPolicy: z.string(),
    restartCount: z.number(),
    status: z.string(),
    running: z.boolean(),
    paused: z.boolean(),
    exitCode: z.number(),
    oomKilled: z.boolean(),
    error: z.string(),
    pid: z.number(),
  }),
  health: z
    .object({
      status: z.string(),
      failingStreak: z.number(),
      log: z.array(z.object({ start: z.string(), end: z.string(), exitCode: z.number(), output: z.string() })),
    })
    .optional(),
  env: z.array(EnvEntrySchema),
  mounts: z.array(z.object({ type: z.string(), source: z.string(), name: z.string().optional(), destination: z.string(), readOnly: z.boolean(), driver: z.string().optional() })),
  ports: z.array(z.object({ containerPort: z.string(), hostIp: z.string().optional(), hostPort: z.string().optional() })),
  networks: z.array(z.object({ name: z.string(), ip: z.string(), ipv6: z.string(), gateway: z.string(), mac: z.string(), aliases: z.array(z.string()) })),
  labels: z.array(z.object({ key: z.string(), value: z.string() })),
  resources: z.object({
    /** CPUs (NanoCpus / 1e9); 0: unlimited. */
    cpus: z.number(),
    cpuShares: z.number(),
    cpusetCpus: z.string(),
    /** Bytes; 0: unlimited. */
    memory: z.number(),
    memoryReservation: z.number(),
    memorySwap: z.number(),
    /** 0: unlimited. */
    pidsLimit: z.number(),
  }),
  /** The engine's inspect as pretty JSON, with the masked environment values replaced. */
  raw: z.string(),
});

export type InspectView = z.infer<typeof InspectViewSchema>;
export type EnvEntry = z.infer<typeof EnvEntrySchema>;

/** What replaces a masked value in the raw JSON. */
export const MASK = '••••••••';

export const inspectProcedures = {
  'containers.inspect': query(Target, InspectViewSchema, "One container's configuration and state, with secret-looking environment values masked"),
  'containers.revealEnv': query(
    Target.extend({
      /** One variable to reveal. */
      name: z.string().min(1, 'name the variable to reveal').max(1024).optional(),
      /** Reveal every variable, and the raw JSON unmasked. */
      all: z.boolean().default(false),
    }).refine((i) => i.all || i.name !== undefined, { message: 'give a variable name, or all: true', path: ['name'] }),
    z.object({ env: z.array(z.object({ name: z.string(), value: z.string() })), raw: z.string().optional() }),
    'The real value of masked environment variables (only when the user asks)',
  ),
} as const;
