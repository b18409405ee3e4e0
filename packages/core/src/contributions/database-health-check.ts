/** The `database` health check core contributes: a trivial query on the storage in use. */
import type { Container } from 'inversify';
import type { ResolvedCoreOptions } from '../core-options.js';
import type { PostgresDatabase } from '../postgres/postgres-database.js';
import type { SqliteDatabase } from '../store/open-database.js';
import { CORE } from '../tokens.js';
import type { HealthCheck } from './health-check.js';

type Resolver = Pick<Container, 'get'>;

export function databaseHealthCheck(context: Resolver): HealthCheck {
  const onPostgres = context.get<ResolvedCoreOptions>(CORE.Options).storage === 'postgres';
  const ping = async (): Promise<unknown> =>
    onPostgres ? context.get<PostgresDatabase>(CORE.Postgres).query('SELECT 1') : context.get<SqliteDatabase>(CORE.Database).prepare('SELECT 1').get();
  return {
    name: 'database',
    check: async () => {
      try {
        await ping();
        return { state: 'ok', healthy: true };
      } catch {
        return { state: 'unavailable', healthy: false };
      }
    },
  };
}
