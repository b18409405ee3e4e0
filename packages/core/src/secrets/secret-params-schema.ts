/** Derives the zod schema of a kind's params from its field declarations plus the common overrides. */
import { z } from 'zod';
import { httpUrlSchema } from '../input/http-url-schema.js';
import { INPUT_LIMITS } from '../input/input-limits.js';
import { withoutControls } from '../input/without-controls.js';
import { textError } from '../input/text-error.js';
import type { FieldDeclaration } from './field-declaration.js';
import type { SecretKind } from './secret-kind.js';
import { tokenRequestOptionsShape } from './token-request-options.js';

export function secretParamsSchema(kind: SecretKind) {
  const shape: Record<string, z.ZodType> = { ...tokenRequestOptionsShape() };
  for (const declaration of kind.fields) shape[declaration.name] = fieldSchema(declaration);
  return z.object(shape).strict();
}

function fieldSchema(declaration: FieldDeclaration): z.ZodType {
  const max = declaration.sensitive ? INPUT_LIMITS.sensitiveText : INPUT_LIMITS.text;
  const text = z.string({ error: textError(declaration.label) }).max(max, `${declaration.label} must be at most ${max} characters`);
  // Credentials are taken exactly as given: a leading or trailing space may be part of a password.
  // What is not sensitive is shown (views, the CLI): no control characters but line breaks and tabs.
  let value: z.ZodType<string> = declaration.sensitive
    ? text
    : text.trim().refine((v) => withoutControls(v, { lines: true }), { message: `${declaration.label} may not contain control characters` });
  if (declaration.type === 'url') value = httpUrlSchema(declaration.label, 'put credentials in their own fields');
  if (declaration.type === 'select' && declaration.options) {
    const options = declaration.options;
    value = value.refine((v) => options.includes(v), { message: `${declaration.label} must be one of: ${options.join(', ')}` });
  }
  if (declaration.required) {
    const required = value.refine((v) => v.length > 0, { message: `${declaration.label} is required` });
    return declaration.default === undefined ? required : z.preprocess((v) => (v === undefined || v === '' ? declaration.default : v), required);
  }
  return declaration.default === undefined ? value.optional() : value.optional().default(declaration.default);
}
