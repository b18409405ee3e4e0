/** The public API of `@tessera/webhooks`. */
export { webhooksModule } from './webhooks-module.js';
export { WEBHOOKS } from './tokens.js';
export { DEFAULT_RETENTION, DEFAULT_RETRY_SCHEDULE_SECONDS, type RetentionOptions, type WebhooksOptions } from './webhooks-options.js';
export type { EndpointDeletion, EndpointStore, EndpointView, EndpointWithSecret, EndpointPatch, EndpointRetention, NewEndpoint } from './endpoints/endpoint-store.js';
export type { Pruner, PruneResult, PrunerTotals } from './retention/pruner.js';
export type { RetentionStore } from './retention/retention-store.js';
export type { EndpointRecords, EndpointRow } from './endpoints/endpoint-records.js';
export type { Publisher, PublishInput } from './delivery/publisher.js';
export type { Dispatcher, StopResult } from './delivery/dispatcher.js';
export type { DeliveryLog, DeliveryFilter, DeliverySummary, DeliveryDetail, AttemptView } from './delivery/delivery-log.js';
export type { DeliveryActivity, DeliveryActivityHour, DeliveryCounts, LatencyPercentiles } from './delivery/delivery-activity.js';
export type { DeliveryStatus } from './delivery/delivery-types.js';
export type { WebhookEvents, DeliveryAttemptEvent } from './delivery/webhook-events.js';
export type { DeliveryQueue } from './delivery/delivery-queue.js';
export { TEST_EVENT_TYPE } from './http/test-event.js';
export { webhookRouteGroup } from './http/webhook-route-group.js';
export { webhookCommandsModule } from './cli/webhook-commands-module.js';
