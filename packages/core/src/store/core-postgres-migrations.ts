/** The schema of `@tessera/core` on PostgreSQL, as an append-only list of migrations (the SQLite list is `coreMigrations`). */
import type { PostgresMigration } from '../postgres/postgres-database.js';

export const corePostgresMigrations: readonly PostgresMigration[] = [
  {
    id: 'core-pg-001-secrets',
    sql: `
      CREATE TABLE secrets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
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
      CREATE UNIQUE INDEX secrets_name_key ON secrets (name_key);
      CREATE INDEX secrets_owner ON secrets (owner);
    `,
  },
  {
    // Tokens shared by the fleet: the sealed token (bound to its secret), the last failure and its
    // cool-down, and the single-flight lease (owner, until, on the database clock in ms) with its fence.
    id: 'core-pg-002-token-cache',
    sql: `
      CREATE TABLE token_cache (
        secret_id TEXT PRIMARY KEY,
        sealed TEXT,
        token_hash TEXT,
        failure TEXT,
        failure_until BIGINT,
        lease_owner TEXT,
        lease_until BIGINT,
        fence BIGINT NOT NULL DEFAULT 0,
        updated_at BIGINT
      );
    `,
  },
  {
    // Secrets listed a page at a time, in code-point order (`list`'s `after` and `limit`): an index of that order.
    id: 'core-pg-003-secret-name-order',
    sql: 'CREATE INDEX secrets_name_order ON secrets (name COLLATE "C")',
  },
];
