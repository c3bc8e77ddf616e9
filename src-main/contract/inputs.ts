// COMMON: input schemas shared by several domains.
import { z } from 'zod';


/** A host id, from the host registry (hosts.list). */
export const HostIdSchema = z.string().min(1, 'hostId is required').max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'hostId may only contain a-z, 0-9 and "-"');

/** A container id (full or short hex) or name, as the engine accepts it. */
export const ContainerRefSchema = z
  .string()
  .min(1, 'container id is required')
  .max(128, 'container id is too long')
  .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a container id or name');

/** Docker's own rule for container names. */
export const ContainerNameSchema = z
  .string()
  .min(2, 'a container name needs at least 2 characters')
  .max(128, 'a container name may have at most 128 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'a container name must start with a letter or digit and contain only letters, digits, "_", "." and "-"');

/** A container on a host: the input of most container procedures. */
export const Target = z.strictObject({ hostId: HostIdSchema, id: ContainerRefSchema });
/** No input. */
export const Empty = z.strictObject({});
/** No output (commands that only succeed or fail). */
export const Void = z.null();

/** \d{1,5} alone lets tcp://host:99999 through; a port is 1-65535. */
const tcpPortInRange = (s: string): boolean => {
  const port = /^tcp:\/\/.*:(\d+)\/?$/.exec(s)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
};

/** An engine endpoint URL as a user types it in settings. Empty means auto-detect. */
export const EngineUrlSchema = z
  .string()
  .trim()
  .max(1024)
  .refine((s) => s === '' || (/^(unix:\/\/\/?.+|tcp:\/\/[^\s/]+:\d{1,5}\/?|npipe:\/\/.+|ssh:\/\/.+)$/.test(s) && tcpPortInRange(s)), {
    message: 'use unix:///path/to/docker.sock, tcp://host:port or npipe:////./pipe/docker_engine (or leave empty to detect)',
  });

