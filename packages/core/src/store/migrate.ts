/** Applies numbered schema migrations once each, in order, each in its own transaction. */
import type Database from 'better-sqlite3';

export interface Migration {
  /** Unique across all packages sharing the database, e.g. `core-001-secrets`. */
  readonly id: string;
  readonly sql: string;
}

export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const migration of migrations) {
    // IMMEDIATE, and checked again inside: when two processes start on one file, the second waits for
    // the first's migration and then skips it instead of failing on a table that now exists.
    db.transaction(() => {
      if (isApplied.get(migration.id) !== undefined) return;
      db.exec(migration.sql);
      record.run(migration.id, new Date().toISOString());
    }).immediate();
  }
}
