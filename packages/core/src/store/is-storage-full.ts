/** The one recognition of a write that failed for lack of space, whichever storage reported it. */

/**
 * SQLite: `SQLITE_FULL` ("database or disk is full"), and `SQLITE_IOERR_WRITE`, which is how SQLite
 * reports a preallocation (`fallocate`) refused by a full disk. PostgreSQL: SQLSTATE 53100 `disk_full`
 * and the bare class code 53000 `insufficient_resources` (not 53200/53300/53400: memory, connections
 * and limits are no matter of space). The file system itself: `ENOSPC`, `EDQUOT` (a quota is full).
 */
const FULL_CODES = new Set(['SQLITE_FULL', 'SQLITE_IOERR_WRITE', '53100', '53000', 'ENOSPC', 'EDQUOT']);

export function isStorageFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // A code decides (PostgreSQL's "too many clients" is no full disk whatever its text); the words only without one.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return FULL_CODES.has(code);
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /database or disk is full|no space left on device/i.test(message);
}
