/** `webhooksModule(options)`: the table of contents of `@tessera/webhooks`, on the core's storage (SQLite or PostgreSQL). */
import { ContainerModule, type ResolutionContext } from 'inversify';
import type { Logger } from 'winston';
import { ConfigurationError, CORE, migrate, type Clock, type HealthCheck, type Lifecycle, type PostgresDatabase, type ResolvedCoreOptions, type RouteGroup, type SealedData, type SqliteDatabase, type StorageHealth } from '@tessera/core';
import type { DeliveryLog } from './delivery/delivery-log.js';
import type { DeliveryQueue } from './delivery/delivery-queue.js';
import { DeliverySender } from './delivery/delivery-sender.js';
import { DeliveryMetrics } from './delivery/delivery-metrics.js';
import { OldestDeliveryMetrics } from './delivery/oldest-delivery-metrics.js';
import { webhookStoredTables } from './store/webhook-stored-tables.js';
import { webhookRouteGroup } from './http/webhook-route-group.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { PostgresDeliveryLog } from './delivery/postgres-delivery-log.js';
import { PostgresDeliveryQueue } from './delivery/postgres-delivery-queue.js';
import { PostgresWorkerRegistry } from './delivery/postgres-worker-registry.js';
import { Publisher } from './delivery/publisher.js';
import { SqliteDeliveryLog } from './delivery/sqlite-delivery-log.js';
import { SqliteDeliveryQueue } from './delivery/sqlite-delivery-queue.js';
import { SqliteWorkerRegistry } from './delivery/sqlite-worker-registry.js';
import { WebhookEvents } from './delivery/webhook-events.js';
import type { WorkerRegistry } from './delivery/worker-registry.js';
import { EndpointSecretUsage } from './endpoints/endpoint-secret-usage.js';
import type { EndpointRecords } from './endpoints/endpoint-records.js';
import type { EndpointStore } from './endpoints/endpoint-store.js';
import { EndpointStoreService } from './endpoints/endpoint-store-service.js';
import { MemoryEndpointRecords } from './endpoints/memory-endpoint-records.js';
import { PostgresEndpointRecords } from './endpoints/postgres-endpoint-records.js';
import { SqliteEndpointRecords } from './endpoints/sqlite-endpoint-records.js';
import { PostgresRetentionStore } from './retention/postgres-retention-store.js';
import { Pruner } from './retention/pruner.js';
import { RetentionMetrics } from './retention/retention-metrics.js';
import type { RetentionStore } from './retention/retention-store.js';
import { SqliteRetentionStore } from './retention/sqlite-retention-store.js';
import { webhookMigrations } from './store/webhook-migrations.js';
import { WEBHOOKS } from './tokens.js';
import { resolveWebhooksOptions, type ResolvedWebhooksOptions, type WebhooksOptions } from './webhooks-options.js';

export function webhooksModule(options: WebhooksOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const onPostgres = (context: ResolutionContext) => context.get<ResolvedCoreOptions>(CORE.Options).storage === 'postgres';
    const postgres = (context: ResolutionContext) => context.get<PostgresDatabase>(CORE.Postgres);
    bind(WEBHOOKS.Options).toConstantValue(resolveWebhooksOptions(options));
    bind<SqliteDatabase>(WEBHOOKS.Database)
      .toDynamicValue((context) => {
        const db = context.get<SqliteDatabase>(CORE.Database);
        const logger = context.get<Logger>(CORE.Logger);
        for (const note of migrate(db, webhookMigrations)) logger.warn(note);
        return db;
      })
      .inSingletonScope();
    bind<EndpointRecords>(WEBHOOKS.EndpointRecords)
      .toDynamicValue((context) => {
        if (onPostgres(context)) return new PostgresEndpointRecords(postgres(context));
        const core = context.get<ResolvedCoreOptions>(CORE.Options).storage;
        const storage = options.storage ?? core;
        if (storage === 'sqlite' && core === 'memory') {
          // The database checks that a stored webhook's secret is stored there too (migration webhooks-012).
          throw new ConfigurationError('storage-conflict', "webhooks storage: 'sqlite' needs the secrets in SQLite too, but the core's storage is 'memory': use one storage for both.");
        }
        return storage === 'memory' ? new MemoryEndpointRecords() : new SqliteEndpointRecords(context.get<SqliteDatabase>(WEBHOOKS.Database));
      })
      .inSingletonScope();
    bind(WEBHOOKS.EndpointStore).to(EndpointStoreService).inSingletonScope();
    // Contribution to core: a secret used by an endpoint cannot be deleted.
    bind(CORE.SecretUsage).to(EndpointSecretUsage).inSingletonScope();
    bind(WEBHOOKS.Events).toConstantValue(new WebhookEvents());
    bind<DeliveryQueue>(WEBHOOKS.DeliveryQueue)
      .toDynamicValue((context) =>
        onPostgres(context)
          ? new PostgresDeliveryQueue(postgres(context), context.get<Logger>(CORE.Logger), context.get<StorageHealth>(CORE.StorageHealth))
          : new SqliteDeliveryQueue(context.get<SqliteDatabase>(WEBHOOKS.Database), context.get<Logger>(CORE.Logger), context.get<StorageHealth>(CORE.StorageHealth)),
      )
      .inSingletonScope();
    bind<WorkerRegistry>(WEBHOOKS.WorkerRegistry)
      .toDynamicValue((context) => (onPostgres(context) ? new PostgresWorkerRegistry(postgres(context)) : new SqliteWorkerRegistry(context.get<SqliteDatabase>(WEBHOOKS.Database))))
      .inSingletonScope();
    bind<DeliverySender>(WEBHOOKS.DeliverySender)
      .to(DeliverySender)
      .inSingletonScope()
      .onDeactivation((sender) => sender.close());
    bind(WEBHOOKS.Publisher).to(Publisher).inSingletonScope();
    bind<Dispatcher>(WEBHOOKS.Dispatcher)
      .to(Dispatcher)
      .inSingletonScope()
      .onDeactivation(async (dispatcher) => {
        await dispatcher.stop();
      });
    // Contributions to the server: its API routes, the dispatcher (run while the server runs, drained
    // when it stops), its state in /healthz and the delivery metrics.
    bind<Lifecycle>(CORE.Lifecycle)
      .toDynamicValue((context) => {
        const dispatcher = context.get<Dispatcher>(WEBHOOKS.Dispatcher);
        return { name: 'dispatcher', start: () => dispatcher.start(), stop: (deadlineMs: number) => dispatcher.stop(deadlineMs) };
      })
      .inSingletonScope();
    bind(CORE.MetricsSource).to(DeliveryMetrics).inSingletonScope();
    // Retention: the pruner runs while the server runs (unless retention.prune is false), and its figures are in /metrics.
    bind<RetentionStore>(WEBHOOKS.RetentionStore)
      .toDynamicValue((context) => (onPostgres(context) ? new PostgresRetentionStore(postgres(context)) : new SqliteRetentionStore(context.get<SqliteDatabase>(WEBHOOKS.Database))))
      .inSingletonScope();
    bind<Pruner>(WEBHOOKS.Pruner)
      .to(Pruner)
      .inSingletonScope()
      .onDeactivation(async (pruner) => {
        await pruner.stop();
      });
    bind<Lifecycle>(CORE.Lifecycle)
      .toDynamicValue((context) => {
        const pruner = context.get<Pruner>(WEBHOOKS.Pruner);
        const prune = context.get<ResolvedWebhooksOptions>(WEBHOOKS.Options).retention.prune;
        return { name: 'pruner', start: () => (prune ? pruner.start() : undefined), stop: (deadlineMs: number) => pruner.stop(deadlineMs) };
      })
      .inSingletonScope();
    bind(CORE.MetricsSource).to(RetentionMetrics).inSingletonScope();
    // Its tables in the storage statistics, and the oldest delivery's age in /metrics.
    bind(CORE.StoredTables).toDynamicValue((context) => webhookStoredTables(context.get<ResolvedCoreOptions>(CORE.Options).storage));
    bind(CORE.MetricsSource).to(OldestDeliveryMetrics).inSingletonScope();
    // Signing secrets and header values are sealed with the key ring: re-encrypted by a key rotation.
    bind<SealedData>(CORE.SealedData)
      .toDynamicValue((context) => {
        const endpoints = context.get<EndpointStore>(WEBHOOKS.EndpointStore);
        return { name: 'webhooks', reseal: () => endpoints.resealSigningSecrets() };
      })
      .inSingletonScope();
    bind<RouteGroup>(CORE.RouteGroup).toConstantValue(webhookRouteGroup);
    bind<HealthCheck>(CORE.HealthCheck)
      .toDynamicValue((context) => {
        const dispatcher = context.get<Dispatcher>(WEBHOOKS.Dispatcher);
        return { name: 'dispatcher', check: async () => ({ state: dispatcher.running ? 'running' : 'stopped', healthy: true }) };
      })
      .inSingletonScope();
    bind<DeliveryLog>(WEBHOOKS.DeliveryLog)
      .toDynamicValue((context) => {
        const queue = context.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue);
        const records = context.get<EndpointRecords>(WEBHOOKS.EndpointRecords);
        const clock = context.get<Clock>(CORE.Clock);
        return onPostgres(context) ? new PostgresDeliveryLog(postgres(context), queue, records, clock) : new SqliteDeliveryLog(context.get<SqliteDatabase>(WEBHOOKS.Database), queue, records, clock);
      })
      .inSingletonScope();
  });
}
