/** Service identifiers of `@tessera/webhooks`. */
import type { ServiceIdentifier } from 'inversify';
import type { SqliteDatabase } from '@tessera/core';
import type { DeliveryLog } from './delivery/delivery-log.js';
import type { DeliveryQueue } from './delivery/delivery-queue.js';
import type { DeliverySender } from './delivery/delivery-sender.js';
import type { Dispatcher } from './delivery/dispatcher.js';
import type { Publisher } from './delivery/publisher.js';
import type { WebhookEvents } from './delivery/webhook-events.js';
import type { WorkerRegistry } from './delivery/worker-registry.js';
import type { EndpointRecords } from './endpoints/endpoint-records.js';
import type { EndpointStore } from './endpoints/endpoint-store.js';
import type { Pruner } from './retention/pruner.js';
import type { RetentionStore } from './retention/retention-store.js';
import type { ResolvedWebhooksOptions } from './webhooks-options.js';

function id<T>(name: string): ServiceIdentifier<T> {
  return Symbol.for(`tessera.webhooks.${name}`);
}

export const WEBHOOKS = {
  Options: id<ResolvedWebhooksOptions>('Options'),
  /** The core database with the webhooks schema applied. */
  Database: id<SqliteDatabase>('Database'),
  EndpointStore: id<EndpointStore>('EndpointStore'),
  /** Where endpoint rows live: SQLite or memory (`storage` option). */
  EndpointRecords: id<EndpointRecords>('EndpointRecords'),
  Publisher: id<Publisher>('Publisher'),
  DeliveryQueue: id<DeliveryQueue>('DeliveryQueue'),
  DeliverySender: id<DeliverySender>('DeliverySender'),
  Dispatcher: id<Dispatcher>('Dispatcher'),
  /** The background pruner of finished deliveries past their retention (`start()`, `stop()`, `prune()`). */
  Pruner: id<Pruner>('Pruner'),
  /** The pruner's storage: SQLite or PostgreSQL. */
  RetentionStore: id<RetentionStore>('RetentionStore'),
  DeliveryLog: id<DeliveryLog>('DeliveryLog'),
  Events: id<WebhookEvents>('Events'),
  /** Live dispatchers' heartbeats, so a dead one's claims are released at once. */
  WorkerRegistry: id<WorkerRegistry>('WorkerRegistry'),
} as const;
