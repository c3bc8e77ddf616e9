// COMMON: registry logins and push. Logins are checked by the engine (/auth) before they are kept;
// the password is sealed by the store's SecretBox and never sent back (registry.list gives server and
// user only). Pull (images.pull) and push use the login of the image's registry when there is one.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { HostIdSchema } from '../inputs';
import { ImageRefSchema } from '../run-spec';
import { PullEventSchema } from './run';

/** A registry as the first part of an image reference: host[:port] (docker.io for Docker Hub). */
export const RegistryServerSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'give the registry, e.g. ghcr.io or 127.0.0.1:5000')
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-f:]+\](?::\d{1,5})?$/, 'a registry is a host name with an optional port, e.g. ghcr.io or 127.0.0.1:5000 (no https:// and no path)');

export const RegistryLoginSchema = z.object({ server: z.string(), username: z.string() });

export const registryProcedures = {
  'registry.list': query(z.strictObject({}), z.object({ items: z.array(RegistryLoginSchema), storage: z.string() }), 'Registries WakeDock is logged in to (server and user; never the password) and how secrets are kept'),
  'registry.login': command(
    z.strictObject({
      hostId: HostIdSchema,
      server: RegistryServerSchema,
      username: z.string().trim().min(1, 'give the user name').max(255),
      password: z.string().min(1, 'give the password or token').max(8192),
    }),
    RegistryLoginSchema,
    'Check a login with the host\'s engine (/auth) and keep it (password sealed); replaces an earlier login to the same registry',
  ),
  'registry.logout': command(z.strictObject({ server: RegistryServerSchema }), z.null(), 'Forget the login to a registry'),
  'images.push': stream(z.strictObject({ hostId: HostIdSchema, ref: ImageRefSchema }), PullEventSchema, 'Push a tagged image with the login of its registry: progress per layer at a bounded rate, then done'),
} as const;
