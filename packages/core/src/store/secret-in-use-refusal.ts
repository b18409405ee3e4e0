/**
 * How a package that refers to secrets from its own tables refuses, inside the database, to let a secret
 * in use be deleted: a SQLite trigger that RAISEs `SECRET_IN_USE_REFUSAL`, or a PostgreSQL foreign key.
 * The secret records turn either into `secret-in-use`; `SecretUsage` names the users for the message.
 */
import { ConflictError } from '../errors/conflict-error.js';

export const SECRET_IN_USE_REFUSAL = 'secret-in-use';
const FOREIGN_KEY_VIOLATION = '23503';

/** The deletion's failure as `secret-in-use` when the database refused it for a row that refers to the secret; anything else as it came. */
export function secretInUseRefusal(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const refused = (code === 'SQLITE_CONSTRAINT_TRIGGER' && error.message === SECRET_IN_USE_REFUSAL) || code === FOREIGN_KEY_VIOLATION;
  return refused ? new ConflictError('secret-in-use', 'The secret is still in use: something stored in the database refers to it.') : error;
}
