/** What the delivery machinery reports, for logs and (later) metrics. */
import { EventEmitter } from 'node:events';

export interface DeliveryAttemptEvent {
  deliveryId: string;
  endpointId: string;
  outcome: 'succeeded' | 'retrying' | 'failed';
  status: number | null;
  latencyMs: number;
  errorCode: string | null;
}

export interface WebhookEventMap {
  attempt: [DeliveryAttemptEvent];
  'endpoint-disabled': [{ endpointId: string; reason: string }];
}

export class WebhookEvents extends EventEmitter<WebhookEventMap> {}
