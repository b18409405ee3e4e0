/** The request contradicts the current state (a duplicate name, a stale revision, a resource in use). */
import { TesseraError } from './tessera-error.js';

export class ConflictError extends TesseraError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, { details });
  }
}
