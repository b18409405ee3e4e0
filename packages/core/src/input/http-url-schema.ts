/** The one check of a URL an operator enters: absolute http(s), at most 2,048 characters, no user name or password in it. */
import { z } from 'zod';
import { INPUT_LIMITS } from './input-limits.js';
import { withoutControls } from './without-controls.js';
import { textError } from './text-error.js';

/** `label` names the field in messages; `userinfoHint` says where credentials go instead. */
export function httpUrlSchema(label: string, userinfoHint: string) {
  return z
    .string({ error: textError(label) })
    .trim()
    .max(INPUT_LIMITS.url, `${label} must be at most ${INPUT_LIMITS.url} characters`)
    .refine((url) => withoutControls(url), { message: `${label} may not contain control characters` })
    .refine(isHttpUrl, { message: `${label} must be an absolute http:// or https:// URL` })
    .refine((url) => !hasUserinfo(url), { message: `${label} may not carry a user name or password; ${userinfoHint}` });
}

function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function hasUserinfo(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return url.username !== '' || url.password !== '';
}
