/** Base class of every error Tessera throws on purpose: a stable `code` and a message that says what to do. */
export class TesseraError extends Error {
  readonly code: string;
  readonly details?: unknown;

  constructor(code: string, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options?.details !== undefined) this.details = options.details;
  }
}
