/** Rejected input, with one entry per offending field so a form or a CLI can point at it. */
import { TesseraError } from './tessera-error.js';

export interface FieldIssue {
  /** Dotted path of the field, e.g. `params.url`. */
  field: string;
  message: string;
  /** A finer code for the tester's diagnostic (e.g. `invalid-private-key`); default `invalid-params`. */
  code?: string;
}

export class ValidationError extends TesseraError {
  readonly issues: readonly FieldIssue[];

  constructor(what: string, issues: readonly FieldIssue[]) {
    const list = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    super('validation', `${what} is invalid: ${list}. Correct these fields and try again.`, { details: { issues } });
    this.issues = issues;
  }
}
