/** A named resource does not exist. */
import { TesseraError } from './tessera-error.js';

export class NotFoundError extends TesseraError {
  constructor(resource: string, id: string) {
    super('not-found', `${resource} '${id}' does not exist. Check the id, or list ${plural(resource)} to find it.`, {
      details: { resource, id },
    });
  }
}

/** `delivery` → `deliveries`, `secret` → `secrets`. */
function plural(noun: string): string {
  return /[^aeiou]y$/.test(noun) ? noun.slice(0, -1) + 'ies' : noun + 's';
}
