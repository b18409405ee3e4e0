/** The schema of `@tessera/core`, as an append-only list of migrations. */
import type { Migration } from './migrate.js';
import { addNameKeyColumn } from './name-key-column.js';

export const coreMigrations: readonly Migration[] = [
  {
    id: 'core-001-secrets',
    sql: `
      CREATE TABLE secrets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL CHECK (origin IN ('manual', 'connector')),
        owner TEXT,
        params TEXT NOT NULL,
        sealed TEXT,
        revision INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX secrets_owner ON secrets (owner);
    `,
  },
  {
    // Names unique whatever their case: a key column with a unique index. Rows that already clash are
    // reported, not refused: the later ones keep a key of their own until they are renamed.
    id: 'core-002-secret-name-key',
    run: (db) => addNameKeyColumn(db, 'secrets', 'Secrets', 'tessera secrets update <name> --name <new name>, or PATCH /api/secrets/:id'),
  },
];
