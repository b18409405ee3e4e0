/** Base class of every error Tessera throws on purpose: a stable `code` (one of `ERROR_STATUS`) and a message that says what to do. */
import type { ErrorCode } from './error-codes.js';

export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options?.details !== undefined) this.details = options.details;
  }
}
