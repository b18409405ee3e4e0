/** The request contradicts the current state (a duplicate name, a stale revision, a resource in use). */
import type { ErrorCode } from './error-codes.js';
import { TesseraError } from './tessera-error.js';

export class ConflictError extends TesseraError {
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(code, message, { details });
  }
}
