/** Service identifiers of `@tessera/core`: the only names other packages resolve from the container. */
import type { ServiceIdentifier } from 'inversify';
import type { Logger } from 'winston';
import type { CommandGroup } from './cli/command-group.js';
import type { Clock } from './clock/clock.js';
import type { RouteGroup } from './contributions/api-route-group.js';
import type { HealthCheck } from './contributions/health-check.js';
import type { Lifecycle } from './contributions/lifecycle.js';
import type { MetricsSource } from './contributions/metrics-source.js';
import type { SealedData } from './contributions/sealed-data.js';
import type { StoredTables } from './contributions/stored-tables.js';
import type { ResolvedCoreOptions } from './core-options.js';
import type { KeyRing } from './crypto/key-ring.js';
import type { HttpClient } from './http/http-client.js';
import type { NetworkGuard } from './http/network-guard.js';
import type { Redactor } from './logging/redactor.js';
import type { SecretKindRegistry } from './secrets/secret-kind-registry.js';
import type { SecretKind } from './secrets/secret-kind.js';
import type { PostgresDatabase } from './postgres/postgres-database.js';
import type { SqliteDatabase } from './store/open-database.js';
import type { SecretRecords } from './store/secret-records.js';
import type { SecretStore } from './store/secret-store.js';
import type { SecretUsage } from './store/secret-usage.js';
import type { StorageHealth } from './store/storage-health.js';
import type { StorageStats } from './store/storage-stats.js';
import type { StorageStatsCache } from './store/storage-stats-cache.js';
import type { SecretTester } from './tester/secret-tester.js';
import type { SharedTokens } from './tokens/shared-tokens.js';
import type { TokenClient } from './tokens/token-client.js';
import type { TokenActivityLog } from './tokens/token-activity.js';
import type { TokenEvents } from './tokens/token-events.js';
import type { TokenProvider } from './tokens/token-provider.js';

function id<T>(name: string): ServiceIdentifier<T> {
  return Symbol.for(`tessera.core.${name}`);
}

export const CORE = {
  /** Contribution point: what starts with a server and is drained when it stops (`Lifecycle`). */
  Lifecycle: id<Lifecycle>('Lifecycle'),
  /** Contribution point: the checks `/healthz` reports (`HealthCheck`). */
  HealthCheck: id<HealthCheck>('HealthCheck'),
  /** Contribution point: the HTTP API's route groups (`RouteGroup`), in the order bound. */
  RouteGroup: id<RouteGroup>('RouteGroup'),
  /** Contribution point: the metric families `/metrics` renders (`MetricsSource`). */
  MetricsSource: id<MetricsSource>('MetricsSource'),
  /** Contribution point: the CLI's command groups (`CommandGroup`), bound in a package's or plugin's container module of commands. */
  CommandGroup: id<CommandGroup>('CommandGroup'),
  /** Contribution point: values sealed with the key ring outside the secret store, re-encrypted by `tessera keys rotate` (`SealedData`). */
  SealedData: id<SealedData>('SealedData'),
  /** Contribution point: the tables a package owns, counted by the storage statistics (`StoredTables`). */
  StoredTables: id<StoredTables>('StoredTables'),
  /** Measures rows per table, the database's size and the oldest rows kept (SQLite or PostgreSQL). */
  StorageStats: id<StorageStats>('StorageStats'),
  /** The last storage measure, at most 30 s old: what a scrape or the API reads. */
  StorageStatsCache: id<StorageStatsCache>('StorageStatsCache'),
  Options: id<ResolvedCoreOptions>('Options'),
  Clock: id<Clock>('Clock'),
  Logger: id<Logger>('Logger'),
  Redactor: id<Redactor>('Redactor'),
  KeyRing: id<KeyRing>('KeyRing'),
  /** The SQLite database (not bound to a value when storing in PostgreSQL). */
  Database: id<SqliteDatabase>('Database'),
  /** The PostgreSQL pool, when `database` is a PostgreSQL URL. */
  Postgres: id<PostgresDatabase>('Postgres'),
  /** Whether the database's disk is full (set by writes refused for lack of space, cleared by the next that succeeds). */
  StorageHealth: id<StorageHealth>('StorageHealth'),
  /** Contribution point: bind one per kind; collected with `@multiInject`. */
  SecretKind: id<SecretKind>('SecretKind'),
  SecretKindRegistry: id<SecretKindRegistry>('SecretKindRegistry'),
  SecretRecords: id<SecretRecords>('SecretRecords'),
  SecretStore: id<SecretStore>('SecretStore'),
  /** Contribution point: who uses a secret; collected with `@multiInject`. */
  SecretUsage: id<SecretUsage>('SecretUsage'),
  NetworkGuard: id<NetworkGuard>('NetworkGuard'),
  HttpClient: id<HttpClient>('HttpClient'),
  TokenClient: id<TokenClient>('TokenClient'),
  TokenProvider: id<TokenProvider>('TokenProvider'),
  /** The fleet's token cache and single-flight lease (bound when storing in PostgreSQL). */
  SharedTokens: id<SharedTokens>('SharedTokens'),
  TokenEvents: id<TokenEvents>('TokenEvents'),
  TokenActivity: id<TokenActivityLog>('TokenActivity'),
  SecretTester: id<SecretTester>('SecretTester'),
} as const;
