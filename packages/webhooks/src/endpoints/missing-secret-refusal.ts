/**
 * The database's refusal of a webhook whose secret is gone (deleted while the webhook was being saved):
 * a SQLite trigger that RAISEs `SECRET_MISSING`, or the PostgreSQL foreign key `webhook_endpoints_secret_fk`.
 * `missingSecretRefusal` turns it into the validation error a missing secret gets before the write.
 */
import { ValidationError } from '@tessera/core';

export const SECRET_MISSING = 'secret-missing';
export const SECRET_FOREIGN_KEY = 'webhook_endpoints_secret_fk';
const FOREIGN_KEY_VIOLATION = '23503';

/** The write's failure as a validation error on `secretId` when the database refused it for a missing secret; anything else as it came. */
export function missingSecretRefusal(error: unknown, secretId: string): unknown {
  if (!(error instanceof Error)) return error;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  const refused = (code === 'SQLITE_CONSTRAINT_TRIGGER' && error.message === SECRET_MISSING) || (code === FOREIGN_KEY_VIOLATION && constraint === SECRET_FOREIGN_KEY);
  if (!refused) return error;
  return new ValidationError('The webhook endpoint', [{ field: 'secretId', message: `secret '${secretId}' does not exist (it was deleted meanwhile); pick an existing one` }]);
}
