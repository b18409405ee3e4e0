/** The schema of `@tessera/core`, as an append-only list of migrations. */
import type { Migration } from './migrate.js';

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
];
