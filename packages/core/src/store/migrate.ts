/** Applies numbered schema migrations once each, in order, each in its own transaction, and hands back what they had to report. */
import type Database from 'better-sqlite3';

export interface Migration {
  /** Unique across all packages sharing the database, e.g. `core-001-secrets`. */
  readonly id: string;
  /** The schema change; a migration may instead (or also) `run` code. */
  readonly sql?: string;
  /**
   * Runs after `sql`, in the same transaction, for what SQL alone cannot do (keys computed in
   * JavaScript, say). Returns what an operator must hear about (names that clash), never throws for it.
   */
  readonly run?: (db: Database.Database) => string[];
}

/** Returns the notes of the migrations applied now (an empty list when the schema was already current). */
export function migrate(db: Database.Database, migrations: readonly Migration[]): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  const notes: string[] = [];
  for (const migration of migrations) {
    // IMMEDIATE, and checked again inside: when two processes start on one file, the second waits for
    // the first's migration and then skips it instead of failing on a table that now exists.
    db.transaction(() => {
      if (isApplied.get(migration.id) !== undefined) return;
      if (migration.sql !== undefined) db.exec(migration.sql);
      notes.push(...(migration.run?.(db) ?? []));
      record.run(migration.id, new Date().toISOString());
    }).immediate();
  }
  return notes;
}
