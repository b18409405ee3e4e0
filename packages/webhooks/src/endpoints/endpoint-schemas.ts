/** The zod schemas of endpoint input: what a webhook may point at, filter on and send along (built on first use). */
import { z } from 'zod';
import { INPUT_LIMITS, MASK, httpUrlSchema, lazily } from '@tessera/core';
import { EVENT_PATTERN } from './event-filter.js';
import { SIGNING_SECRET } from './signing-secret.js';

const RESERVED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'content-type',
  'content-length',
  'host',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);

/** What a header value may hold: printable Latin-1 and tabs; no control characters, line breaks (CR, LF, U+2028) or anything past U+00FF. */
const HEADER_VALUE = /^[\t\x20-\x7e\xa0-\xff]*$/;
/** The longest retention period a webhook may set: ten years. */
export const RETENTION_MAX_MS = 10 * 365 * 86_400_000;

/** `newEndpoint` (a new webhook) and `endpointPatch` (a change to one). */
export const endpointSchemas = lazily(() => {
  /**
   * Any letters, joiners included (Persian, Indic, emoji sequences), but nothing that controls how text
   * reads: control characters, line and paragraph separators, bidirectional overrides and isolates, a BOM.
   */
  const nameSchema = z
    .string()
    .trim()
    .min(1)
    .max(INPUT_LIMITS.name)
    .regex(/^[^\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069\ufeff]*$/u, 'name may not contain control, line-separator or text-direction characters');
  const urlSchema = httpUrlSchema('url', "send a credential in a header (headers) or through the endpoint's secret instead");
  const eventsSchema = z
    .array(
      z
        .string()
        .max(INPUT_LIMITS.eventType, `an event filter is at most ${INPUT_LIMITS.eventType} characters`)
        .regex(EVENT_PATTERN, "each event filter is an event type (invoice.paid), '*', or a prefix (invoice.*)"),
    )
    .min(1, 'events needs at least one filter')
    .max(100, 'at most 100 event filters');
  const headersSchema = z
    .record(
      z.string().max(INPUT_LIMITS.entryName, `header names are at most ${INPUT_LIMITS.entryName} characters`).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'header names are tokens'),
      z
        .string()
        .max(INPUT_LIMITS.entryValue, `header values are at most ${INPUT_LIMITS.entryValue} characters`)
        // The mask itself keeps a stored value (a change sends back what a view showed).
        .refine((value) => value === MASK || HEADER_VALUE.test(value), {
          message: 'header values may hold only printable Latin-1 characters: no control characters, no line breaks (CR, LF, U+2028), nothing past U+00FF',
        }),
    )
    .refine((headers) => Object.keys(headers).length <= INPUT_LIMITS.entries, { message: `at most ${INPUT_LIMITS.entries} headers` })
    .refine((headers) => !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization'), {
      message: "an Authorization header is refused: it comes from the endpoint's secret",
    })
    .refine((headers) => !Object.keys(headers).some((name) => RESERVED_HEADERS.has(name.toLowerCase()) && name.toLowerCase() !== 'authorization'), {
      message: `headers may not set ${[...RESERVED_HEADERS].filter((h) => h !== 'authorization').join(', ')}`,
    });
  const scheduleSchema = z.array(z.number().nonnegative().max(7 * 86_400)).max(50);
  // A webhook's own retention periods: from a second to ten years; null (or left out) is the module's.
  const period = z.number().int().min(1_000, 'a retention period is at least 1,000 ms').max(RETENTION_MAX_MS, 'a retention period is at most ten years').nullable().optional();
  const retentionSchema = z.object({ succeededMs: period, failedMs: period }).strict();

  const newEndpoint = z
    .object({
      name: nameSchema.optional(),
      url: urlSchema,
      secretId: z.string({ error: 'secretId is required' }).min(1, 'secretId is required').max(100, 'secretId is at most 100 characters'),
      events: eventsSchema.optional(),
      enabled: z.boolean().optional(),
      timeoutMs: z.number().int().min(100).max(120_000).optional(),
      retrySchedule: scheduleSchema.optional(),
      headers: headersSchema.optional(),
      retention: retentionSchema.optional(),
      signing: z
        .union([z.literal('generate'), z.literal('none'), z.object({ secret: z.string().regex(SIGNING_SECRET, 'a signing secret looks like whsec_ followed by base64') }).strict()])
        .optional(),
    })
    .strict();

  const endpointPatch = z
    .object({
      name: nameSchema.optional(),
      url: urlSchema.optional(),
      secretId: z.string().min(1).max(100, 'secretId is at most 100 characters').optional(),
      events: eventsSchema.optional(),
      enabled: z.boolean().optional(),
      timeoutMs: z.number().int().min(100).max(120_000).optional(),
      retrySchedule: scheduleSchema.nullable().optional(),
      headers: headersSchema.optional(),
      retention: retentionSchema.nullable().optional(),
      expectedRevision: z.number().int().positive().optional(),
    })
    .strict();
  return { newEndpoint, endpointPatch };
});
