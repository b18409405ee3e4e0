/** How Tessera uses a PostgreSQL database: pool size, statement timeout, and whether changes are announced with NOTIFY. */

export interface PostgresOptions {
  /** Connections in this process's pool. Default 10. */
  poolSize?: number;
  /** A statement running longer than this is cancelled by the server. Default 30,000 ms. */
  statementTimeoutMs?: number;
  /** Time to open a connection. Default 10,000 ms. */
  connectTimeoutMs?: number;
  /**
   * Announce new work and changed secrets and endpoints with `LISTEN`/`NOTIFY` (default true). Set false
   * behind PgBouncer in transaction mode, which cannot hold a `LISTEN`: instances then learn of changes by polling.
   */
  notify?: boolean;
  /** How often an instance looks for changes and new work when it hears no NOTIFY (and as a backstop). Default 1,000 ms. */
  pollIntervalMs?: number;
}

export type ResolvedPostgresOptions = Required<PostgresOptions>;

export function resolvePostgresOptions(options: PostgresOptions = {}): ResolvedPostgresOptions {
  return {
    poolSize: options.poolSize ?? 10,
    statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    notify: options.notify ?? true,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
  };
}
