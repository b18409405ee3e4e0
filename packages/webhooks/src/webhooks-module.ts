/** `webhooksModule(options)`: the table of contents of `@tessera/webhooks`. */
import { ContainerModule } from 'inversify';
import type { Logger } from 'winston';
import { CORE, migrate, type ResolvedCoreOptions, type SqliteDatabase } from '@tessera/core';
import { DeliveryLog } from './delivery/delivery-log.js';
import { DeliveryQueue } from './delivery/delivery-queue.js';
import { DeliverySender } from './delivery/delivery-sender.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { Publisher } from './delivery/publisher.js';
import { WebhookEvents } from './delivery/webhook-events.js';
import { WorkerRegistry } from './delivery/worker-registry.js';
import { EndpointSecretUsage } from './endpoints/endpoint-secret-usage.js';
import type { EndpointRecords } from './endpoints/endpoint-records.js';
import { EndpointStoreService } from './endpoints/endpoint-store-service.js';
import { MemoryEndpointRecords } from './endpoints/memory-endpoint-records.js';
import { SqliteEndpointRecords } from './endpoints/sqlite-endpoint-records.js';
import { webhookMigrations } from './store/webhook-migrations.js';
import { WEBHOOKS } from './tokens.js';
import { resolveWebhooksOptions, type WebhooksOptions } from './webhooks-options.js';

export function webhooksModule(options: WebhooksOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
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
        const storage = options.storage ?? context.get<ResolvedCoreOptions>(CORE.Options).storage;
        return storage === 'memory' ? new MemoryEndpointRecords() : new SqliteEndpointRecords(context.get<SqliteDatabase>(WEBHOOKS.Database));
      })
      .inSingletonScope();
    bind(WEBHOOKS.EndpointStore).to(EndpointStoreService).inSingletonScope();
    // Contribution to core: a secret used by an endpoint cannot be deleted.
    bind(CORE.SecretUsage).to(EndpointSecretUsage).inSingletonScope();
    bind(WEBHOOKS.Events).toConstantValue(new WebhookEvents());
    bind(WEBHOOKS.DeliveryQueue).to(DeliveryQueue).inSingletonScope();
    bind(WEBHOOKS.WorkerRegistry).to(WorkerRegistry).inSingletonScope();
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
    bind(WEBHOOKS.DeliveryLog).to(DeliveryLog).inSingletonScope();
  });
}
