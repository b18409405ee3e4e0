/** The overrides every secret kind accepts next to its own fields: encoding, scope format, extra body parameters, response field names, default lifetime. */
import { z } from 'zod';
import { INPUT_LIMITS } from '../input/input-limits.js';

export const BODY_ENCODINGS = ['json', 'form'] as const;
export const SCOPE_FORMATS = ['tuple', 'plain', 'space'] as const;
export type BodyEncoding = (typeof BODY_ENCODINGS)[number];
export type ScopeFormat = (typeof SCOPE_FORMATS)[number];

export const responseFieldsSchema = z
  .object({
    accessToken: z.string().min(1).max(INPUT_LIMITS.entryName).optional(),
    expiresIn: z.string().min(1).max(INPUT_LIMITS.entryName).optional(),
    tokenType: z.string().min(1).max(INPUT_LIMITS.entryName).optional(),
  })
  .strict();

export const tokenRequestOptionsShape = {
  encoding: z.enum(BODY_ENCODINGS).optional(),
  scopeFormat: z.enum(SCOPE_FORMATS).optional(),
  extraParams: z
    .record(z.string().min(1).max(INPUT_LIMITS.entryName), z.string().max(INPUT_LIMITS.entryValue))
    .refine((extras) => Object.keys(extras).length <= INPUT_LIMITS.entries, { message: `at most ${INPUT_LIMITS.entries} extra parameters` })
    .optional(),
  responseFields: responseFieldsSchema.optional(),
  defaultLifetimeSeconds: z.number().int().positive().max(31_536_000).optional(),
};

export type ResponseFields = z.infer<typeof responseFieldsSchema>;

/** The names of the option keys, which are never sensitive. */
export const TOKEN_REQUEST_OPTION_KEYS = Object.keys(tokenRequestOptionsShape);
