/** The overrides every secret kind accepts next to its own fields: encoding, scope format, extra body parameters, response field names, default lifetime. */
import { z } from 'zod';
import { INPUT_LIMITS } from '../input/input-limits.js';
import { lazily } from '../input/lazily.js';
import { withoutControls } from '../input/without-controls.js';
import { isSecretParamName } from '../logging/redactor.js';

export const BODY_ENCODINGS = ['json', 'form'] as const;
export const SCOPE_FORMATS = ['tuple', 'plain', 'space'] as const;
export type BodyEncoding = (typeof BODY_ENCODINGS)[number];
export type ScopeFormat = (typeof SCOPE_FORMATS)[number];

/** Fields of a token answer that hold credentials: never read as a lifetime or a token type (which are shown). */
const CREDENTIAL_FIELDS = ['access_token', 'refresh_token', 'id_token'];

function responseFieldsSchema() {
  // A lifetime or a token type is shown (the tester's report, its errors): read from a field that holds a
  // credential, it would show that credential to whoever may change the mapping but not read the secret.
  const shown = (name: string) => z.string().min(1).max(INPUT_LIMITS.entryName).refine((value) => !CREDENTIAL_FIELDS.includes(value), { message: `'${name}' cannot name ${CREDENTIAL_FIELDS.join(', ')}: they hold credentials` });
  return z
    .object({
      // The token sent as the bearer: never the long-lived refresh token, which would then go to every URL
      // the secret's tokens go to and keep working without Tessera. (An id_token may be one: Google's identity tokens are.)
      accessToken: z
        .string()
        .min(1)
        .max(INPUT_LIMITS.entryName)
        .refine((value) => value !== 'refresh_token', { message: "'accessToken' cannot name refresh_token: a refresh token is never sent as a bearer token" })
        .optional(),
      expiresIn: shown('expiresIn').optional(),
      tokenType: shown('tokenType').optional(),
    })
    .strict()
    .superRefine((fields, context) => {
      const token = fields.accessToken ?? 'access_token';
      for (const key of ['expiresIn', 'tokenType'] as const) {
        if (fields[key] === token && !CREDENTIAL_FIELDS.includes(token)) context.addIssue({ code: 'custom', path: [key], message: `'${key}' cannot name the access token's field ('${token}')` });
      }
    });
}

/** The schemas of the options, built on first use. */
export const tokenRequestOptionsShape = lazily(() => ({
  encoding: z.enum(BODY_ENCODINGS).optional(),
  scopeFormat: z.enum(SCOPE_FORMATS).optional(),
  extraParams: z
    .record(z.string().min(1).max(INPUT_LIMITS.entryName), z.string().max(INPUT_LIMITS.entryValue))
    .refine((extras) => Object.keys(extras).length <= INPUT_LIMITS.entries, { message: `at most ${INPUT_LIMITS.entries} extra parameters` })
    // Those kept in clear are shown (views, the CLI); a secret one is taken exactly as given.
    .refine((extras) => Object.entries(extras).every(([name, value]) => isSecretParamName(name) || withoutControls(value, { lines: true })), {
      message: 'extra parameters kept in clear may not contain control characters',
    })
    .optional(),
  responseFields: responseFieldsSchema().optional(),
  defaultLifetimeSeconds: z.number().int().positive().max(31_536_000).optional(),
}));

export type ResponseFields = z.infer<ReturnType<typeof responseFieldsSchema>>;

/** The names of the option keys, which are never sensitive. */
export const TOKEN_REQUEST_OPTION_KEYS: readonly string[] = ['encoding', 'scopeFormat', 'extraParams', 'responseFields', 'defaultLifetimeSeconds'] satisfies ReadonlyArray<keyof ReturnType<typeof tokenRequestOptionsShape>>;
