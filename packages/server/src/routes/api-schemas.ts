/** The zod schemas of the API's requests: they validate each route and describe it in `/api/openapi.json`. */
import { z } from 'zod';

export const idParams = z.object({ id: z.string().min(1) }).strict();

const params = z.record(z.string(), z.unknown()).describe("The kind's fields (see GET /api/secret-kinds); a masked value '••••' keeps the stored one.");

export const secretCreate = z
  .object({
    name: z.string().describe('Unique name, e.g. crm-hook'),
    kind: z.string().describe('A kind id from GET /api/secret-kinds, e.g. general'),
    description: z.string().optional(),
    params,
  })
  .strict();

export const secretPatch = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    params: params.optional(),
    expectedRevision: z.number().int().positive().optional().describe('Refuse the change with 409 if the secret changed since this revision'),
  })
  .strict();

export const secretList = z
  .object({
    kind: z.string().optional(),
    origin: z.enum(['manual', 'connector']).optional(),
  })
  .strict();

export const secretDraft = z.object({ kind: z.string(), params }).strict();

export const secretTestChanges = z
  .object({ params: params.optional().describe('Unsaved changes to test with the saved secret: masked values keep the stored ones, null clears a field') })
  .strict();

const events = z.array(z.string()).describe("Exact types, '*', or prefixes like invoice.*");
const headers = z.record(z.string(), z.string()).describe('Extra static headers; Authorization is refused (it comes from the secret)');

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
  })
  .strict();

export const eventPublish = z
  .object({
    id: z.string().optional().describe('Your event id: publishing it again creates no new deliveries'),
    type: z.string().describe('Dot-separated words, e.g. invoice.paid'),
    data: z.unknown(),
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
