/** Turns zod's issues into Tessera's field-by-field form. */
import type { z } from 'zod';
import type { FieldIssue } from './validation-error.js';

export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') || '(root)', message: issue.message };
  });
}
