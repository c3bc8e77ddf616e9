// COMMON: alert rules, alerts (history), delivery channels. Models live here with the procedures
// because only the alerts domain uses them.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { Empty, HostIdSchema, Void } from '../inputs';
import { ServiceNameSchema } from '../wake-service';

const seconds = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number of seconds` })
    .int(`${what} must be a whole number of seconds`)
    .min(min, `${what} must be at least ${min} s`)
    .max(max, `${what} may be at most ${max} s (${Math.round(max / 3600)} h)`);

const DAY = 86_400;

/** What a rule watches. Containers are matched by NAME so a rule survives recreation. */
export const AlertScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('container'),
    name: z
      .string()
      .trim()
      .min(1, 'enter the container name')
      .max(128, 'a container name may have at most 128 characters')
      .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a container name has only letters, digits, "_", "." and "-"')
      .transform((s) => s.replace(/^\//, '')),
  }),
  z.strictObject({
    kind: z.literal('project'),
    project: z.string().trim().min(1, 'enter the compose project name').max(128, 'a project name may have at most 128 characters'),
  }),
  z.strictObject({ kind: z.literal('host') }),
  /** Wake-on-demand services (the Services page): one by name, or every service when name is absent. */
  z.strictObject({ kind: z.literal('service'), name: ServiceNameSchema.optional() }),
]);

export const AlertConditionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('cpu'),
    /** % of one core, like `docker stats` (a busy 2-core container shows 200 %). */
    thresholdPercent: z.number({ error: 'the threshold must be a number' }).gt(0, 'the threshold must be above 0 %').max(10_000, 'the threshold may be at most 10000 %'),
    forSeconds: seconds('the duration', 0, DAY),
  }),
  z.strictObject({
    kind: z.literal('memory'),
    /** % of the container's memory limit (of the host's memory when it has none). */
    thresholdPercent: z.number({ error: 'the threshold must be a number' }).gt(0, 'the threshold must be above 0 %').max(100, 'memory is at most 100 % of its limit'),
    forSeconds: seconds('the duration', 0, DAY),
  }),
  /** The container stopped with a non-zero exit code. */
  z.strictObject({ kind: z.literal('exit') }),
  /** The kernel's OOM killer killed a process of the container. */
  z.strictObject({ kind: z.literal('oom') }),
  z.strictObject({
    kind: z.literal('restart-loop'),
    restarts: z.number({ error: 'the number of restarts must be a number' }).int('the number of restarts must be a whole number').min(2, 'a loop needs at least 2 restarts').max(1000, 'at most 1000 restarts'),
    withinSeconds: seconds('the window', 10, DAY),
  }),
  /** The health check reported unhealthy. */
  z.strictObject({ kind: z.literal('unhealthy') }),
  /** The engine of the host cannot be reached. */
  z.strictObject({ kind: z.literal('engine-down'), forSeconds: seconds('the duration', 0, DAY) }),
  /** A wake-on-demand service could not be started (its start error in the alert); the next successful wake resolves it. */
  z.strictObject({ kind: z.literal('wake-failed') }),
]);

/** A rule's hostId for "every host": it watches each host of the registry, including hosts added later. */
export const ALL_HOSTS_RULE = '*';

const RuleFields = {
  name: z.string().trim().min(1, 'give the rule a name').max(80, 'a rule name may have at most 80 characters'),
  enabled: z.boolean().default(true),
  /** The host the rule watches, or ALL_HOSTS_RULE ('*') for every host (each target then is per host). */
  hostId: z.union([z.literal(ALL_HOSTS_RULE), HostIdSchema]),
  scope: AlertScopeSchema,
  condition: AlertConditionSchema,
  /** After an alert of this rule fires for a target, no new one for the same target during this time. */
  cooldownSeconds: seconds('the cool-down', 0, 7 * DAY).default(300),
  /** Desktop notification (Electron) / browser notification (serve). */
  desktop: z.boolean().default(true),
  /** Webhook channels to deliver to. */
  channelIds: z.array(z.string().min(1).max(64)).max(20, 'at most 20 channels per rule').default([]),
};

const checkRule = (r: { scope: { kind: string }; condition: { kind: string } }, ctx: z.RefinementCtx): void => {
  if (r.condition.kind === 'engine-down' && r.scope.kind !== 'host') {
    ctx.addIssue({ code: 'custom', path: ['scope', 'kind'], message: '"engine unreachable" watches the whole host: choose the host as the target' });
  }
  if (r.condition.kind === 'wake-failed' && r.scope.kind !== 'service') {
    ctx.addIssue({ code: 'custom', path: ['scope', 'kind'], message: '"wake failed" watches wake-on-demand services: choose a service (or every service) as the target' });
  }
  if (r.scope.kind === 'service' && r.condition.kind !== 'wake-failed') {
    ctx.addIssue({ code: 'custom', path: ['scope', 'kind'], message: 'a service can only be watched for "wake failed"; choose a container, a project or the host' });
  }
};

export const AlertRuleSchema = z.object({ id: z.string(), ...RuleFields, createdAt: z.number() }).superRefine(checkRule);
/** What alerts.rules.save takes: no id = a new rule. */
export const AlertRuleInputSchema = z.strictObject({ id: z.string().min(1).max(64).optional(), ...RuleFields }).superRefine(checkRule);

export const ChannelKindSchema = z.enum(['slack', 'discord', 'json']);

export const WebhookUrlSchema = z
  .string()
  .trim()
  .min(1, 'enter the webhook URL')
  .max(2048, 'the URL is too long')
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'the webhook URL must be an http:// or https:// address' },
  );

/** The outcome of one delivery (all its attempts). */
export const DeliveryResultSchema = z.object({
  ok: z.boolean(),
  /** Epoch ms of the last attempt's end. */
  at: z.number(),
  attempts: z.number(),
  /** HTTP status of the last attempt, if one answered. */
  status: z.number().optional(),
  error: z.string().optional(),
  ms: z.number(),
});

const ChannelFields = {
  name: z.string().trim().min(1, 'give the channel a name').max(80, 'a channel name may have at most 80 characters'),
  kind: ChannelKindSchema,
  url: WebhookUrlSchema,
  enabled: z.boolean().default(true),
  /** Also POST when an alert this channel was told about resolves (like Alertmanager's send_resolved).
   *  Optional with a default, so channels stored before it existed read as "on" without a migration. */
  sendResolved: z.boolean().default(true),
};

export const ChannelSchema = z.object({ id: z.string(), ...ChannelFields, lastResult: DeliveryResultSchema.optional() });
export const ChannelInputSchema = z.strictObject({ id: z.string().min(1).max(64).optional(), ...ChannelFields });

export const DeliverySchema = z.object({
  /** 'fire': the alert opened; 'resolve': it cleared. Records stored before resolve notices existed
   *  have no kind: they were fire deliveries. */
  kind: z.enum(['fire', 'resolve']).default('fire'),
  channelId: z.string(),
  channelName: z.string(),
  state: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number(),
  status: z.number().optional(),
  error: z.string().optional(),
  at: z.number(),
});

export const AlertTargetSchema = z.object({
  /** De-duplication key: one open alert per rule and key (hostId/containerName, or hostId). */
  key: z.string(),
  /** What the user reads: the container name or the host name. */
  label: z.string(),
  containerName: z.string().optional(),
  containerId: z.string().optional(),
  project: z.string().optional(),
  /** The wake-on-demand service (wake-failed). */
  service: z.string().optional(),
});

export const AlertSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  hostId: z.string(),
  condition: z.enum(['cpu', 'memory', 'exit', 'oom', 'restart-loop', 'unhealthy', 'engine-down', 'wake-failed']),
  target: AlertTargetSchema,
  state: z.enum(['open', 'resolved']),
  message: z.string(),
  /** The measured value that fired it (CPU %, memory %, exit code, restarts). */
  value: z.number().optional(),
  firedAt: z.number(),
  updatedAt: z.number(),
  resolvedAt: z.number().optional(),
  resolution: z.string().optional(),
  ackedAt: z.number().optional(),
  /** How many times the condition recurred while this alert was open (de-duplicated). */
  occurrences: z.number(),
  desktop: z.boolean(),
  /** Per channel a 'fire' delivery, and a 'resolve' one once the alert resolved (channels with sendResolved). */
  deliveries: z.array(DeliverySchema),
  /** When its notifications (channels, desktop) went out. Absent on records from before this field
   *  (they notified as they fired) and while held by the cool-down. */
  notifiedAt: z.number().optional(),
  /** Open inside the rule's cool-down: shown now, notified at this time if still open then. */
  heldUntil: z.number().optional(),
  /** What the alert is judged on after a core restart (restart loop: the starts in its window). */
  evidence: z.object({ starts: z.array(z.number()).optional() }).optional(),
});

export const AlertsEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), alerts: z.array(AlertSchema) }),
  z.object({ kind: z.literal('upsert'), alert: AlertSchema, fired: z.boolean() }),
  z.object({ kind: z.literal('removed'), ids: z.array(z.string()) }),
]);

const IdInput = z.strictObject({ id: z.string().min(1, 'id is required').max(64) });

export const alertsProcedures = {
  'alerts.rules.list': query(Empty, z.array(AlertRuleSchema), 'Alert rules'),
  'alerts.rules.save': command(AlertRuleInputSchema, AlertRuleSchema, 'Create (no id) or replace an alert rule'),
  'alerts.rules.delete': command(IdInput, Void, 'Delete an alert rule (its open alerts are resolved)'),
  'alerts.list': query(
    z.strictObject({ state: z.enum(['open', 'resolved', 'all']).default('all'), limit: z.number().int().min(1).max(1000).default(1000) }),
    z.array(AlertSchema),
    'Alert history, newest first',
  ),
  'alerts.watch': stream(Empty, AlertsEventSchema, 'The alert history, then every new or changed alert'),
  'alerts.ack': command(z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1, 'name at least one alert').max(1000) }), Void, 'Acknowledge alerts'),
  'alerts.clear': command(
    z.strictObject({ which: z.enum(['resolved', 'all']).default('resolved') }),
    z.object({ removed: z.number() }),
    'Remove alerts from the history (open alerts stay unless "all")',
  ),
  'channels.list': query(Empty, z.array(ChannelSchema), 'Delivery channels (webhooks)'),
  'channels.save': command(ChannelInputSchema, ChannelSchema, 'Create (no id) or replace a delivery channel'),
  'channels.delete': command(IdInput, Void, 'Delete a delivery channel (rules stop using it)'),
  'channels.test': command(ChannelInputSchema, DeliveryResultSchema, 'Send a test message to a channel (saved or not); a saved one records the result'),
} as const;

export type AlertScope = z.infer<typeof AlertScopeSchema>;
export type AlertCondition = z.infer<typeof AlertConditionSchema>;
export type AlertRule = z.infer<typeof AlertRuleSchema>;
export type AlertRuleInput = z.input<typeof AlertRuleInputSchema>;
export type ChannelKind = z.infer<typeof ChannelKindSchema>;
export type Channel = z.infer<typeof ChannelSchema>;
export type ChannelInput = z.input<typeof ChannelInputSchema>;
export type DeliveryResult = z.infer<typeof DeliveryResultSchema>;
export type Delivery = z.infer<typeof DeliverySchema>;
export type AlertTarget = z.infer<typeof AlertTargetSchema>;
export type Alert = z.infer<typeof AlertSchema>;
export type AlertsEvent = z.infer<typeof AlertsEventSchema>;
export type AlertConditionKind = AlertCondition['kind'];
