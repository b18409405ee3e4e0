/** The overrides every secret kind accepts next to its own fields: encoding, scope format, extra body parameters, response field names, default lifetime. */
import { z } from 'zod';
import { INPUT_LIMITS } from '../input/input-limits.js';
import { lazily } from '../input/lazily.js';

export const BODY_ENCODINGS = ['json', 'form'] as const;
export const SCOPE_FORMATS = ['tuple', 'plain', 'space'] as const;
export type BodyEncoding = (typeof BODY_ENCODINGS)[number];
export type ScopeFormat = (typeof SCOPE_FORMATS)[number];

function responseFieldsSchema() {
  return z
    .object({
      accessToken: z.string().min(1).max(INPUT_LIMITS.entryName).optional(),
      expiresIn: z.string().min(1).max(INPUT_LIMITS.entryName).optional(),
      tokenType: z.string().min(1).max(INPUT_LIMITS.entryName).optional(),
    })
    .strict();
}

/** The schemas of the options, built on first use. */
export const tokenRequestOptionsShape = lazily(() => ({
  encoding: z.enum(BODY_ENCODINGS).optional(),
  scopeFormat: z.enum(SCOPE_FORMATS).optional(),
  extraParams: z
    .record(z.string().min(1).max(INPUT_LIMITS.entryName), z.string().max(INPUT_LIMITS.entryValue))
    .refine((extras) => Object.keys(extras).length <= INPUT_LIMITS.entries, { message: `at most ${INPUT_LIMITS.entries} extra parameters` })
    .optional(),
  responseFields: responseFieldsSchema().optional(),
  defaultLifetimeSeconds: z.number().int().positive().max(31_536_000).optional(),
}));

export type ResponseFields = z.infer<ReturnType<typeof responseFieldsSchema>>;

/** The names of the option keys, which are never sensitive. */
export const TOKEN_REQUEST_OPTION_KEYS: readonly string[] = ['encoding', 'scopeFormat', 'extraParams', 'responseFields', 'defaultLifetimeSeconds'] satisfies ReadonlyArray<keyof ReturnType<typeof tokenRequestOptionsShape>>;
