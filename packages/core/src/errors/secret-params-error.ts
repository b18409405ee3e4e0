/**
 * A saved secret's params cannot make a token request (a private key that does not parse, say): thrown
 * by a kind's `bodyParameters`, reported by the tester with its own code and never retried.
 */
import type { ErrorCode } from './error-codes.js';
import { TesseraError } from './tessera-error.js';

export class SecretParamsError extends TesseraError {
  /** The field at fault, e.g. `privateKey`. */
  readonly field: string;

  /** `code` is the diagnostic an operator sees, e.g. `invalid-private-key`; the message must not quote the value. */
  constructor(field: string, code: ErrorCode, message: string) {
    super(code, message, { details: { field } });
    this.field = field;
  }
}
