/**
 * The zod schemas of what each route answers (its 2xx body): the OpenAPI document describes every
 * response from these, and the routes' handlers must return what they accept.
 */
import { z } from 'zod';

const isoTime = z.string().describe('An ISO 8601 time');

export const lastTest = z.object({ ok: z.boolean(), testedAt: isoTime, summary: z.string() }).strict().describe('The last test of the secret');

export const secretView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    description: z.string(),
    origin: z.enum(['manual', 'connector']),
    owner: z.string().nullable(),
    params: z.record(z.string(), z.unknown()).describe("The kind's fields, each sensitive one masked '••••'; for a kind not loaded, only those it stored in clear"),
    kindKnown: z.boolean().describe('False when no loaded module or plugin declares the kind: it can be listed, shown and deleted, not used'),
    revision: z.number().int(),
    createdAt: isoTime,
    updatedAt: isoTime,
    lastTest: lastTest.nullable(),
  })
  .strict()
  .describe('A secret as a masked view, with its last test');

export const secretKindView = z
  .object({
    id: z.string(),
    label: z.string(),
    description: z.string(),
    fields: z.array(z.record(z.string(), z.unknown())).describe('Field declarations: name, label, type, required, sensitive, destination, default, options, help'),
    defaults: z.object({ encoding: z.enum(['json', 'form']), scopeFormat: z.enum(['tuple', 'plain', 'space']) }).strict(),
  })
  .strict();

export const testReport = z
  .object({
    ok: z.boolean(),
    status: z.number().int().optional().describe("The HTTP status of the token endpoint's answer, when there was one"),
    durationMs: z.number(),
    token: z.object({ type: z.string(), expiresInSeconds: z.number(), preview: z.string() }).strict().optional().describe('A description of the token, never the token'),
    diagnostics: z.array(z.object({ level: z.enum(['info', 'warning', 'error']), code: z.string(), message: z.string(), hint: z.string().optional() }).strict()),
  })
  .strict()
  .describe('What the token request did, in words an operator can act on');

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

export const pluginView = z
  .object({ name: z.string(), version: z.string(), specifier: z.string(), path: z.string(), secretKinds: z.array(z.string()) })
  .strict()
  .describe('A loaded plugin and the secret kinds it contributes');
