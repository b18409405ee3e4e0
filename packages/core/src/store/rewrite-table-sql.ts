/**
 * The migration step that replaces part of a table's stored definition in place (SQLite's documented
 * procedure for changing a CHECK constraint), for a change every stored row already satisfies.
 */
import type Database from 'better-sqlite3';

/**
 * Replaces `from` by `to` in `table`'s CREATE TABLE text, inside the caller's transaction, and says whether
 * it was there. Only for a definition that means the same for every stored row (an equivalent CHECK, say):
 * SQLite checks nothing here. Defensive mode, which forbids writing the schema, is lifted for this step alone.
 */
export function rewriteTableSql(db: Database.Database, table: string, from: string, to: string): boolean {
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(table) as string | undefined;
  if (sql === undefined || !sql.includes(from)) return false;
  const version = db.pragma('schema_version', { simple: true }) as number;
  db.unsafeMode(true);
  try {
    db.pragma('writable_schema = ON');
    db.prepare("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?").run(sql.replace(from, to), table);
    // A new schema version makes every connection, this one included, read the definition again.
    db.pragma(`schema_version = ${version + 1}`);
  } finally {
    db.pragma('writable_schema = OFF');
    db.unsafeMode(false);
  }
  return true;
}
