// COMMON: container and compose-project logs. One follow stream per view: history (last N lines or a
// since/until range), then live lines, kept across restarts of the container; batched events.
import { z } from 'zod';
import { command, query, stream } from '../define';
import { HostIdSchema, Target } from '../inputs';

/** A point in time: epoch seconds (fractions allowed) or an ISO 8601 / RFC 3339 date. */
export const LogTimeSchema = z.union([
  z.number().nonnegative(),
  z
    .string()
    .trim()
    .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'use epoch seconds or an ISO date such as 2024-05-01T12:00:00Z' }),
]);

export const LogStreamNameSchema = z.enum(['stdout', 'stderr']);

export const LogLineSchema = z.object({
  /** Epoch ms, from the engine's own timestamp of the line. */
  ts: z.number(),
  stream: LogStreamNameSchema,
  /** The line as the container wrote it (ANSI escapes kept, invalid UTF-8 as U+FFFD), without its newline. */
  text: z.string(),
  /** Increasing within one subscription: a stable key for views. */
  seq: z.number().optional(),
  /** Project logs: the service (or container) the line came from. */
  src: z.string().optional(),
});

export const LogSourceSchema = z.object({ id: z.string(), name: z.string(), service: z.string(), src: z.string(), tty: z.boolean() });

export const LogEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lines'), lines: z.array(LogLineSchema) }),
  /** First event of every subscription (also after a transport reconnect resubscribes): start afresh. */
  z.object({ kind: z.literal('hello'), sources: z.array(LogSourceSchema), tail: z.union([z.number(), z.literal('all')]) }),
  /** Project logs: a container joined the project (the full list of sources). */
  z.object({ kind: z.literal('sources'), sources: z.array(LogSourceSchema) }),
  /** The history part is complete; what follows is live. */
  z.object({ kind: z.literal('caught-up') }),
  z.object({
    kind: z.literal('state'),
    /** running: following live; exited: waiting for a start; removed: the container is gone; complete: an until-range was fully read. */
    state: z.enum(['running', 'exited', 'removed', 'complete']),
    at: z.number(),
    exitCode: z.number().optional(),
    src: z.string().optional(),
  }),
  /** The container started again; lines after this one are from the new run. */
  z.object({ kind: z.literal('restart'), at: z.number(), src: z.string().optional() }),
]);

const tailSchema = z.union([z.number().int().min(0).max(1_000_000), z.literal('all')]);

export const logsProcedures = {
  'logs.follow': stream(
    Target.extend({
      /** Lines of history before following (default: the logTail setting; 'all' when since is set). */
      tail: tailSchema.optional(),
      since: LogTimeSchema.optional(),
      /** With until, the stream reads the range and ends (no following). */
      until: LogTimeSchema.optional(),
    }),
    LogEventSchema,
    'Last N lines of a container, then its live lines, kept across restarts (batched)',
  ),
  'logs.followProject': stream(
    z.strictObject({
      hostId: HostIdSchema,
      project: z.string().min(1).max(256),
      services: z.array(z.string().min(1).max(256)).max(200).optional(),
      tail: tailSchema.optional(),
    }),
    LogEventSchema,
    'Logs of every container of a compose project, interleaved by timestamp and tagged by service',
  ),
  'logs.earlier': query(
    Target.extend({
      /** Epoch ms of the oldest line the caller holds: lines at or before this millisecond… */
      before: z.number().nonnegative(),
      /** …minus the last `have` of them: the lines at exactly `before` the caller already holds. */
      have: z.number().int().min(0).max(1_000_000).default(0),
      limit: z.number().int().min(1).max(50_000).default(1000),
    }),
    z.object({ lines: z.array(LogLineSchema), more: z.boolean() }),
    'Up to limit lines before a time, for "load earlier"',
  ),
  'logs.saveToFile': command(
    Target.extend({ timestamps: z.boolean().default(true) }),
    z.object({ path: z.string().nullable(), bytes: z.number() }),
    'Desktop: ask where to save, then stream the whole log there (path null when the user cancelled)',
  ),
} as const;
