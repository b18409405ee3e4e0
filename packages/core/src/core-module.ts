/** `coreModule(options)`: the table of contents of `@tessera/core`, binding every service it offers. */
import { ContainerModule } from 'inversify';
import { systemClock } from './clock/clock.js';
import { resolveCoreOptions, type CoreOptions, type ResolvedCoreOptions } from './core-options.js';
import { defaultKeyFile, loadKeyRing } from './crypto/load-key-ring.js';
import { HttpClient } from './http/http-client.js';
import { NetworkGuard } from './http/network-guard.js';
import { createLogger } from './logging/create-logger.js';
import { Redactor } from './logging/redactor.js';
import { generalKind } from './secrets/kinds/general-kind.js';
import { microsoftGraphKind } from './secrets/kinds/microsoft-graph-kind.js';
import { SecretKindRegistry } from './secrets/secret-kind-registry.js';
import { ConfigurationError } from './errors/configuration-error.js';
import { displayDatabase } from './postgres/database-url.js';
import { PostgresDatabase } from './postgres/postgres-database.js';
import { openDatabase, type SqliteDatabase } from './store/open-database.js';
import { freeSpaceProbe } from './store/free-space-probe.js';
import { StorageHealth } from './store/storage-health.js';
import { PostgresSecretRecords } from './store/postgres-secret-records.js';
import { MemorySecretRecords } from './store/memory-secret-records.js';
import { SecretStoreService } from './store/secret-store-service.js';
import { SqliteSecretRecords } from './store/sqlite-secret-records.js';
import { SecretTester } from './tester/secret-tester.js';
import { TokenClient } from './tokens/token-client.js';
import { TokenActivityLog } from './tokens/token-activity.js';
import { TokenEvents } from './tokens/token-events.js';
import { PostgresSharedTokens } from './tokens/postgres-shared-tokens.js';
import { TokenProvider } from './tokens/token-provider.js';
import { databaseHealthCheck } from './contributions/database-health-check.js';
import { TokenMetrics } from './tokens/token-metrics.js';
import { PostgresStorageStats } from './store/postgres-storage-stats.js';
import { SqliteStorageStats } from './store/sqlite-storage-stats.js';
import { StorageMetrics } from './store/storage-metrics.js';
import { StorageStatsCache } from './store/storage-stats-cache.js';
import { CORE } from './tokens.js';

export function coreModule(options: CoreOptions = {}): ContainerModule {
  const resolved = resolveCoreOptions(options);
  // Keys and logger are settled now, so a misconfiguration fails at load, not at first use.
  const redactor = new Redactor();
  const logger = options.logger ?? createLogger(redactor, options.logging);
  if (resolved.storage === 'postgres' && !options.keyRing && !options.masterKey && !process.env.TESSERA_MASTER_KEY && !options.keyFile) {
    // An invented key would seal shared rows that no other instance can open.
    throw new ConfigurationError(
      'master-key-missing',
      `A PostgreSQL database is shared by every instance, and each needs the same key: pass masterKey, keyRing or keyFile to coreModule(), or set TESSERA_MASTER_KEY.`,
    );
  }
  const keyRing = loadKeyRing(
    {
      masterKey: options.masterKey ?? process.env.TESSERA_MASTER_KEY,
      keyRing: options.keyRing,
      keyFile: options.keyFile ?? (resolved.storage === 'sqlite' ? defaultKeyFile(resolved.database) : undefined),
      production: resolved.production,
    },
    logger,
  );

  return new ContainerModule(({ bind }) => {
    bind(CORE.Options).toConstantValue(resolved);
    bind(CORE.Clock).toConstantValue(options.clock ?? systemClock);
    bind(CORE.Redactor).toConstantValue(redactor);
    bind(CORE.Logger).toConstantValue(logger);
    bind(CORE.KeyRing).toConstantValue(keyRing);
    // Whether the database's disk is full: every store's refused writes set it, their next success clears it.
    bind<StorageHealth>(CORE.StorageHealth)
      .toDynamicValue((context) => {
        const probe = resolved.storage === 'sqlite' && resolved.database !== ':memory:' ? freeSpaceProbe(resolved.database) : undefined;
        return new StorageHealth(displayDatabase(resolved.database), logger, context.get(CORE.Clock), probe);
      })
      .inSingletonScope()
      .onDeactivation((health) => health.close());
    bind<SqliteDatabase>(CORE.Database)
      .toDynamicValue(() => {
        if (resolved.storage === 'postgres') {
          throw new ConfigurationError('not-sqlite', `The SQLite database was asked for, but this container stores in PostgreSQL (${displayDatabase(resolved.database)}); use CORE.Postgres.`);
        }
        return openDatabase(resolved.database, undefined, (note) => logger.warn(note));
      })
      .inSingletonScope()
      .onDeactivation((db) => {
        db.close();
      });
    bind<PostgresDatabase>(CORE.Postgres)
      .toDynamicValue((context) => {
        if (resolved.storage !== 'postgres') throw new ConfigurationError('not-postgres', 'PostgreSQL was asked for, but this container stores in SQLite: give coreModule() a postgres:// URL as database.');
        return new PostgresDatabase(resolved.database, resolved.postgres, logger, redactor, context.get<StorageHealth>(CORE.StorageHealth));
      })
      .inSingletonScope()
      .onDeactivation((db) => db.close());

    // Contribution point of /metrics: token requests and cache hits.
    bind(CORE.MetricsSource).to(TokenMetrics).inSingletonScope();
    // Storage statistics over the tables each package contributes (core's: secrets; the fleet's token cache on PostgreSQL).
    bind(CORE.StoredTables).toConstantValue({ owner: 'core', tables: resolved.storage === 'postgres' ? [{ name: 'secrets' }, { name: 'token_cache' }] : [{ name: 'secrets' }] });
    bind(CORE.StorageStats).to(resolved.storage === 'postgres' ? PostgresStorageStats : SqliteStorageStats).inSingletonScope();
    bind(CORE.StorageStatsCache).to(StorageStatsCache).inSingletonScope();
    bind(CORE.MetricsSource).to(StorageMetrics).inSingletonScope();
    // Contribution point of /healthz: the database answers a trivial query, and its disk is not full.
    bind(CORE.HealthCheck)
      .toDynamicValue((context) => {
        const storage = context.get<StorageHealth>(CORE.StorageHealth);
        if (context.get<ResolvedCoreOptions>(CORE.Options).storage === 'postgres') {
          const db = context.get<PostgresDatabase>(CORE.Postgres);
          return databaseHealthCheck(() => db.query('SELECT 1'), storage);
        }
        const db = context.get<SqliteDatabase>(CORE.Database);
        return databaseHealthCheck(async () => db.prepare('SELECT 1').get(), storage);
      })
      .inSingletonScope();

    // Contribution point: other packages add kinds with bind(CORE.SecretKind).
    bind(CORE.SecretKind).toConstantValue(generalKind);
    bind(CORE.SecretKind).toConstantValue(microsoftGraphKind);
    bind(CORE.SecretKindRegistry).to(SecretKindRegistry).inSingletonScope();

    if (resolved.storage === 'postgres') {
      bind(CORE.SecretRecords)
        .toDynamicValue((context) => new PostgresSecretRecords(context.get<PostgresDatabase>(CORE.Postgres)))
        .inSingletonScope();
      bind(CORE.SharedTokens)
        .toDynamicValue((context) => new PostgresSharedTokens(context.get<PostgresDatabase>(CORE.Postgres), keyRing))
        .inSingletonScope();
    } else {
      bind(CORE.SecretRecords)
        .to(resolved.storage === 'memory' ? MemorySecretRecords : SqliteSecretRecords)
        .inSingletonScope();
    }
    bind(CORE.SecretStore).to(SecretStoreService).inSingletonScope();
    bind(CORE.NetworkGuard).to(NetworkGuard).inSingletonScope();
    bind<HttpClient>(CORE.HttpClient)
      .to(HttpClient)
      .inSingletonScope()
      .onDeactivation((client) => {
        client.close();
      });
    bind(CORE.TokenEvents).toConstantValue(new TokenEvents());
    bind(CORE.TokenActivity).to(TokenActivityLog).inSingletonScope();
    bind(CORE.TokenClient).to(TokenClient).inSingletonScope();
    bind(CORE.TokenProvider).to(TokenProvider).inSingletonScope();
    bind(CORE.SecretTester).to(SecretTester).inSingletonScope();
  });
}
