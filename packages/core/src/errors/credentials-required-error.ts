/** A change would send stored credentials to a new destination: they must be given again in the same request (422). */
import { TesseraError } from './tessera-error.js';
import type { FieldIssue } from './validation-error.js';

export class CredentialsRequiredError extends TesseraError {
  readonly fields: readonly string[];
  readonly destinations: readonly string[];

  /** `fields` and `destinations` are dotted paths, e.g. `params.password` and `params.url`. */
  constructor(what: string, destinations: readonly string[], fields: readonly string[]) {
    const issues: FieldIssue[] = fields.map((field) => ({ field, message: `give it again: ${destinations.join(', ')} changed` }));
    super(
      'credentials-required',
      `${what}: changing ${destinations.join(', ')} would send the stored ${fields.join(', ')} to a new destination. ` +
        'Give them again in the same request; a stored credential is only ever sent where it was entered for.',
      { details: { fields, destinations, issues } },
    );
    this.fields = fields;
    this.destinations = destinations;
  }
}
