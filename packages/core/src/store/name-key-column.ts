/**
 * The `name_key` column that makes names unique whatever their case, for any table with `id`, `name`
 * and `created_at`: the migration step that adds it, and the check a unique index cannot make.
 */
import type Database from 'better-sqlite3';
import { ConflictError } from '../errors/conflict-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { assignNameKeys, nameKey } from '../input/name-key.js';

/** Adds and fills `name_key` with a unique index; returns a note per clash already stored (see `assignNameKeys`). */
export function addNameKeyColumn(db: Database.Database, table: string, what: string, howToRename: string): string[] {
  db.exec(`ALTER TABLE ${table} ADD COLUMN name_key TEXT`);
  const rows = db.prepare(`SELECT id, name FROM ${table} ORDER BY created_at, id`).all() as Array<{ id: string; name: string }>;
  const { keys, notes } = assignNameKeys(rows, what, howToRename);
  const write = db.prepare(`UPDATE ${table} SET name_key = ? WHERE id = ?`);
  for (const [id, key] of keys) write.run(key, id);
  db.exec(`CREATE UNIQUE INDEX ${table}_name_key ON ${table} (name_key)`);
  // A process of an older version (an upgrade must stop them all first) would write rows without a key,
  // which no index can check: it is refused, and says why.
  db.exec(`CREATE TRIGGER ${table}_name_key_required BEFORE INSERT ON ${table} WHEN NEW.name_key IS NULL
    BEGIN SELECT RAISE(ABORT, 'this database was upgraded by a newer version of Tessera; upgrade this process too'); END`);
  return notes;
}

/** What a store says when a name is taken: `existing` is the name as stored (it may differ in case). */
export type NameTaken = (name: string, existing: string | undefined) => { code: ErrorCode; message: string };

/**
 * Runs `write` (an insert, or an update that may rename) so that a name taken whatever its case is a
 * `ConflictError`, also against a row that kept a key of its own from before (`renaming`: check those too).
 */
export function writeUniqueName<T>(db: Database.Database, table: string, row: { id: string; name: string }, renaming: boolean, taken: NameTaken, write: () => T): T {
  const conflict = (existing: string | undefined) => {
    const { code, message } = taken(row.name, existing);
    return new ConflictError(code, message);
  };
  const legacy = renaming ? nameInLegacyClash(db, table, row.name, row.id) : undefined;
  if (legacy !== undefined) throw conflict(legacy);
  try {
    return write();
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE')) throw error;
    throw conflict(db.prepare(`SELECT name FROM ${table} WHERE name_key = ?`).pluck().get(nameKey(row.name)) as string | undefined);
  }
}

/**
 * The name of another row that clashed with `name` before names were case-insensitive: such a row keeps
 * a key of its own (`<key>\0<id>`) until renamed, which the unique index cannot see.
 */
export function nameInLegacyClash(db: Database.Database, table: string, name: string, id: string): string | undefined {
  const key = nameKey(name);
  return db.prepare(`SELECT name FROM ${table} WHERE name_key >= ? AND name_key < ? AND id <> ? LIMIT 1`).pluck().get(`${key}\u0000`, `${key}\u0001`, id) as string | undefined;
}
