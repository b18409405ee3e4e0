/** A write failed for lack of space where the database lives: nothing of it was saved, and the message says how to make room. */
import { TesseraError } from './tessera-error.js';

/** What a client is told to wait before trying again (the `Retry-After` of the 503). */
export const STORAGE_FULL_RETRY_AFTER_SECONDS = 30;

export class StorageFullError extends TesseraError {
  readonly retryAfterSeconds = STORAGE_FULL_RETRY_AFTER_SECONDS;

  /** `where`: the database as shown to an operator (a file path, or a PostgreSQL URL with its password masked): for the log, not the answer, which names no path or host. */
  constructor(
    readonly where: string,
    options?: { cause?: unknown },
  ) {
    super(
      'storage-full',
      "The disk of Tessera's database is full: this write was refused and nothing of it was saved. " +
        'Free disk space there, or keep less history with a shorter retention (--retention-succeeded, --retention-failed); ' +
        'Tessera resumes by itself once there is space again, so try again later.',
      options,
    );
  }
}
