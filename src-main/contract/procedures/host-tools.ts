// COMMON: tools around added hosts — importing Docker contexts (and DOCKER_HOST) as hosts, and the
// local socket that exposes an SSH host's engine to other tools (the docker CLI, compose).
import { z } from 'zod';
import { command, query } from '../define';
import { Empty, HostIdSchema } from '../inputs';

export const DockerContextSchema = z.object({
  /** The context's name ("DOCKER_HOST" for the environment variable). */
  name: z.string(),
  /** Its docker endpoint, e.g. ssh://deploy@build-1 or tcp://10.0.0.5:2376. */
  url: z.string(),
  kind: z.enum(['ssh', 'tcp']),
  source: z.enum(['context', 'DOCKER_HOST']),
  /** The context the Docker CLI uses now (DOCKER_CONTEXT or config.json currentContext), or DOCKER_HOST. */
  current: z.boolean(),
  description: z.string().optional(),
  /** tcp: the context's PEM files (paths on the machine running the core). */
  tls: z.object({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() }).optional(),
  /** tcp: the context was created with skip-tls-verify. */
  skipTlsVerify: z.boolean().optional(),
  /** A host with this URL is already added. */
  alreadyAdded: z.boolean(),
  /** A name to give the host (the context's name, or DOCKER_HOST's host part). */
  hostName: z.string(),
});

export const SocketForwardSchema = z.object({
  hostId: z.string(),
  /** The local unix socket (named pipe on Windows) that reaches the host's engine; absent when off. */
  path: z.string().optional(),
  enabled: z.boolean(),
  /** On: the socket exists now (true), or the host is reconnecting and the socket comes back at `path` when it is connected again (false). */
  listening: z.boolean().optional(),
});

export const hostToolsProcedures = {
  'hosts.importContexts': query(
    Empty,
    z.array(DockerContextSchema),
    'Docker contexts with ssh:// or tcp:// endpoints (and DOCKER_HOST=ssh://) that can be added as hosts',
  ),
  'hosts.forwardSocket': command(
    z.strictObject({ hostId: HostIdSchema, enabled: z.boolean() }),
    SocketForwardSchema,
    "Expose a connected SSH host's engine as an owner-only local unix socket (each connection = one channel of the host's SSH connection); the socket is removed on disconnect and made again at the same path when the host has reconnected; off when turned off, when the host is removed and at shutdown",
  ),
  'hosts.forwards': query(Empty, z.array(SocketForwardSchema), 'The local socket forwards that are on (listening now, or waiting for their host to reconnect)'),
} as const;

export type DockerContext = z.infer<typeof DockerContextSchema>;
export type SocketForward = z.infer<typeof SocketForwardSchema>;
