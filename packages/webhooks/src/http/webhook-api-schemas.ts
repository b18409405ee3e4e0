/** The zod schemas of the webhooks package's API: what its routes take (validated, documented) and what they answer. */
import { z } from 'zod';
import { MAX_ACTIVITY_HOURS } from '../delivery/delivery-activity.js';

const isoTime = z.string().describe('An ISO 8601 time');

const events = z.array(z.string()).describe("Exact types, '*', or prefixes like invoice.*");
const headers = z.record(z.string(), z.string()).describe('Extra static headers; Authorization is refused (it comes from the secret)');
const retentionPeriod = z.number().int().nullable().optional();
const retention = z
  .object({
    succeededMs: retentionPeriod.describe("How long this webhook's succeeded deliveries are kept, in ms; null: the server's (--retention-succeeded)"),
    failedMs: retentionPeriod.describe("How long this webhook's failed deliveries are kept, in ms; null: the server's (--retention-failed)"),
  })
  .strict();

export const webhookCreate = z
  .object({
    name: z.string().optional(),
    url: z.string(),
    secretId: z.string().describe('The secret whose bearer token authorises every request'),
    events: events.optional(),
    enabled: z.boolean().optional(),
    timeoutMs: z.number().int().optional(),
    retrySchedule: z.array(z.number()).optional().describe('Delays after failed attempts, in seconds'),
    headers: headers.optional(),
    retention: retention.optional().describe("This webhook's own retention periods"),
    signing: z
      .union([z.literal('generate'), z.literal('none'), z.object({ secret: z.string() }).strict()])
      .optional()
      .describe("'generate' (default): a whsec_ signing secret, shown once in the answer"),
  })
  .strict();

export const webhookPatch = z
  .object({
    name: z.string().optional(),
    url: z.string().optional(),
    secretId: z.string().optional(),
    events: events.optional(),
    enabled: z.boolean().optional(),
    timeoutMs: z.number().int().optional(),
    retrySchedule: z.array(z.number()).nullable().optional(),
    headers: headers.optional(),
    retention: retention.nullable().optional().describe("Replaces this webhook's own retention periods; null: the server's for both"),
    expectedRevision: z.number().int().positive().optional().describe('Refuse the change with 409 revision-mismatch if the webhook changed since this revision'),
  })
  .strict();

/** At most 30 days: a grace period longer than that keeps a leaked secret valid for too long. */
const MAX_GRACE_SECONDS = 30 * 86_400;

export const signingRotation = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_GRACE_SECONDS)
      .optional()
      .describe("How long receivers still get the old secret's signature too, in seconds (default the server's grace period, 24 h); 0 ends the old ones at once, after a leak"),
  })
  .strict();

export const recovery = z.object({ since: isoTime.describe('Retry the failed deliveries created at or after this time') }).strict();
export const recovered = z.object({ recovered: z.number().int().describe('How many failed deliveries were queued again') }).strict();

export const eventPublish = z
  .object({
    id: z.string().optional().describe('Your event id: publishing it again creates no new deliveries'),
    type: z.string().describe('Dot-separated words, e.g. invoice.paid'),
    data: z.unknown().nonoptional({ error: "data is required: the event's content, any JSON value (an object, say)" }).describe("The event's content, any JSON value"),
  })
  .strict();

export const deliveryList = z
  .object({
    endpointId: z.string().optional(),
    status: z.enum(['pending', 'delivering', 'succeeded', 'failed']).optional(),
    eventType: z.string().optional(),
    since: z.string().optional().describe('ISO time: created at or after'),
    until: z.string().optional().describe('ISO time: created before'),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    before: z.string().optional().describe('A delivery id: the page after it (pass the last id of the previous page)'),
  })
  .strict();

export const endpointView = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    secretId: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    timeoutMs: z.number().int(),
    retrySchedule: z.array(z.number()).nullable(),
    headers: z.record(z.string(), z.string()).describe("Header names, each value masked '••••'"),
    signing: z.object({ enabled: z.boolean(), preview: z.string().nullable(), previousValidUntil: isoTime.nullable() }).strict(),
    failingSince: isoTime.nullable(),
    retention: z
      .object({ succeededMs: z.number().int().nullable(), failedMs: z.number().int().nullable() })
      .strict()
      .describe("This webhook's own retention periods in ms, null where it keeps the server's"),
    revision: z.number().int(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .strict()
  .describe('A webhook endpoint; header values and the signing secret never in clear');

export const endpointWithSecret = z
  .object({ endpoint: endpointView, signingSecret: z.string().optional().describe('The signing secret, shown this once') })
  .strict();

const deliveryStatus = z.enum(['pending', 'delivering', 'succeeded', 'failed']);

export const deliverySummary = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    endpointId: z.string(),
    status: deliveryStatus,
    attempts: z.number().int(),
    nextAttemptAt: isoTime.nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .strict();

export const deliveryDetail = deliverySummary
  .extend({
    payload: z.unknown().describe('The event as sent: { type, timestamp, data }'),
    attemptLog: z.array(
      z
        .object({
          attemptedAt: isoTime,
          status: z.number().int().nullable(),
          latencyMs: z.number(),
          errorCode: z.string().nullable(),
          errorMessage: z.string().nullable(),
          responseBody: z.string().nullable(),
        })
        .strict(),
    ),
  })
  .strict();

export const deliveryIds = z.object({ deliveryIds: z.array(z.string()) }).strict().describe('The deliveries made, one per matching endpoint');
export const oneDelivery = z.object({ deliveryId: z.string().optional() }).strict();

export const activityQuery = z
  .object({ hours: z.coerce.number().int().min(1).max(MAX_ACTIVITY_HOURS).optional().describe(`Whole hours ending with the current one, 1 to ${MAX_ACTIVITY_HOURS} (default 24)`) })
  .strict();

const latencyPercentiles = z
  .object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() })
  .strict()
  .describe('Milliseconds, nearest rank, over the attempts the receiver answered; null when none was');

const deliveryCounts = {
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  delivering: z.number().int(),
  answered: z.number().int().describe('Attempts the receiver answered (any HTTP status)'),
  latencyMs: latencyPercentiles,
};

export const deliveryActivity = z
  .object({
    endpointId: z.string(),
    from: isoTime,
    to: isoTime,
    hours: z.array(z.object({ start: isoTime, ...deliveryCounts }).strict()).describe('One per hour, oldest first; deliveries by the hour they were created, counted where they are now'),
    totals: z.object(deliveryCounts).strict(),
  })
  .strict()
  .describe("An endpoint's recent deliveries for its chart");
