/** A named resource does not exist. */
import { TesseraError } from './tessera-error.js';

export class NotFoundError extends TesseraError {
  constructor(resource: string, id: string) {
    super('not-found', `${resource} '${id}' does not exist. Check the id, or list ${resource}s to find it.`, {
      details: { resource, id },
    });
  }
}
