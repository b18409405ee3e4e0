/** The zod schemas of the API's requests: they validate each route and describe it in `/api/openapi.json`. */
import { z } from 'zod';
import { INPUT_LIMITS, SECRET_PAGE_MAX } from '@tessera/core';

export { idParams } from '@tessera/core';

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
    limit: z.coerce.number().int().min(1).max(SECRET_PAGE_MAX).optional().describe('At most this many; every secret when left out'),
    after: z.string().max(INPUT_LIMITS.name).optional().describe('A secret name: the page after it (pass the last name of the previous page)'),
  })
  .strict();

export const secretDraft = z.object({ kind: z.string(), params }).strict();

export const secretTestChanges = z
  .object({ params: params.optional().describe('Unsaved changes to test with the saved secret: masked values keep the stored ones, null clears a field') })
  .strict();

