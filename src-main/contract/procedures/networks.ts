// COMMON: the Networks page. Live list (networks.watch), create, remove, connect / disconnect a
// container (with aliases), prune (preview first, then exactly the previewed networks). networks.list
// (run.ts) stays the run form's short list.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { ContainerRefSchema, HostIdSchema } from '../inputs';
import { PruneResultSchema } from './images';

export const NetworkNameSchema = z
  .string()
  .trim()
  .min(1, 'the network name is required')
  .max(128, 'a network name may have at most 128 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a network name must start with a letter or digit and contain only letters, digits, "_", "." and "-"');

/** An id (hex) or a name. */
const NetworkRefSchema = NetworkNameSchema;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const isIpv6 = (s: string): boolean => /^[0-9a-fA-F:]+$/.test(s) && s.includes(':') && s.split('::').length <= 2;
export const isIp = (s: string): boolean => IPV4.test(s) || isIpv6(s);
export const isCidr = (s: string): boolean => {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined || !ip || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  return IPV4.test(ip) ? Number(bits) <= 32 : isIpv6(ip) && Number(bits) <= 128;
};

const AliasSchema = z.string().trim().min(1).max(255).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'an alias may contain letters, digits, "_", "." and "-"');

export const NetworkRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  internal: z.boolean(),
  attachable: z.boolean(),
  ipv6: z.boolean(),
  subnets: z.array(z.object({ subnet: z.string(), gateway: z.string() })),
  labels: z.record(z.string(), z.string()),
  /** ISO date. */
  created: z.string(),
  /** bridge, host and none: made by the engine, cannot be removed. */
  builtin: z.boolean(),
  containers: z.array(z.object({ id: z.string(), name: z.string(), ipv4: z.string() })),
  containerCount: z.number().int(),
});

export const NetworkListEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), items: z.array(NetworkRowSchema) }),
  z.object({ kind: z.literal('patch'), upserts: z.array(NetworkRowSchema), removed: z.array(z.string()) }),
]);

export type NetworkRow = z.infer<typeof NetworkRowSchema>;

export const NetworkCreateSchema = z
  .strictObject({
    hostId: HostIdSchema,
    name: NetworkNameSchema,
    driver: z.enum(['bridge', 'macvlan', 'ipvlan', 'overlay']).default('bridge'),
    /** CIDR, e.g. 172.30.0.0/16. Empty: the engine picks one. */
    subnet: z.string().trim().max(64).refine((s) => s === '' || isCidr(s), 'the subnet must be a CIDR such as 172.30.0.0/16').default(''),
    gateway: z.string().trim().max(64).refine((s) => s === '' || isIp(s), 'the gateway must be an IP address such as 172.30.0.1').default(''),
    internal: z.boolean().default(false),
    attachable: z.boolean().default(false),
    labels: z.record(z.string().min(1).max(1024).regex(/^[^=\s][^=]*$/, 'a key may not contain "="'), z.string().max(32_768)).default({}),
  })
  .superRefine((v, ctx) => {
    if (v.gateway && !v.subnet) ctx.addIssue({ code: 'custom', path: ['gateway'], message: 'a gateway needs a subnet' });
  });

export const networksProcedures = {
  'networks.watch': stream(z.strictObject({ hostId: HostIdSchema }), NetworkListEventSchema, 'The network list: a snapshot, then patches'),
  'networks.create': command(NetworkCreateSchema, z.object({ id: z.string(), name: z.string(), warning: z.string().optional() }), 'Create a network (bridge, subnet, gateway, internal, attachable, labels)'),
  'networks.members': query(
    z.strictObject({ hostId: HostIdSchema, id: NetworkRefSchema }),
    z.array(z.object({ id: z.string(), name: z.string(), ipv4: z.string(), ipv6: z.string(), mac: z.string(), aliases: z.array(z.string()) })),
    "The containers on a network with their addresses and aliases (aliases are only in each container's inspect)",
  ),
  'networks.remove': command(z.strictObject({ hostId: HostIdSchema, id: NetworkRefSchema }), z.null(), 'Remove a network; refused while containers are attached (the engine says so)'),
  'networks.connect': command(
    z.strictObject({ hostId: HostIdSchema, id: NetworkRefSchema, container: ContainerRefSchema, aliases: z.array(AliasSchema).max(50).default([]) }),
    z.null(),
    'Connect a container to a network, with aliases',
  ),
  'networks.disconnect': command(
    z.strictObject({ hostId: HostIdSchema, id: NetworkRefSchema, container: ContainerRefSchema, force: z.boolean().default(false) }),
    z.null(),
    'Disconnect a container from a network',
  ),
  'networks.prunePreview': query(z.strictObject({ hostId: HostIdSchema }), z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), driver: z.string() })) }), 'The networks a prune would remove (custom, no container attached)'),
  'networks.prune': command(
    z.strictObject({ hostId: HostIdSchema, ids: z.array(NetworkRefSchema).min(1, 'nothing to remove').max(10_000) }),
    PruneResultSchema,
    'Remove exactly the listed networks; one a container joined meanwhile is kept',
  ),
} as const;
