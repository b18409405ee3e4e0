/** The webhooks package's metrics: delivery attempts by outcome, their latency as a histogram, and the queue's depth by status. */
import { inject, injectable } from 'inversify';
import { metricFamily, type MetricsSource } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';
import type { DeliveryQueue } from './delivery-queue.js';
import type { WebhookEvents } from './webhook-events.js';

/** Upper bounds of the latency buckets, in seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

@injectable()
export class DeliveryMetrics implements MetricsSource {
  readonly #deliveries = new Map<string, number>([
    ['succeeded', 0],
    ['retrying', 0],
    ['failed', 0],
  ]);
  readonly #latencyCounts = LATENCY_BUCKETS.map(() => 0);
  #latencyCount = 0;
  #latencySum = 0;

  constructor(
    @inject(WEBHOOKS.Events) events: WebhookEvents,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
  ) {
    events.on('attempt', (event) => {
      this.#deliveries.set(event.outcome, (this.#deliveries.get(event.outcome) ?? 0) + 1);
      const seconds = event.latencyMs / 1000;
      this.#latencyCount++;
      this.#latencySum += seconds;
      LATENCY_BUCKETS.forEach((bound, i) => {
        if (seconds <= bound) this.#latencyCounts[i]!++;
      });
    });
  }

  async render(): Promise<string[]> {
    const depth = await this.queue.depth();
    return [
      ...metricFamily('tessera_webhook_deliveries_total', 'counter', 'Delivery attempts finished by this process, by outcome.'),
      ...[...this.#deliveries].map(([outcome, n]) => `tessera_webhook_deliveries_total{outcome="${outcome}"} ${n}`),
      ...metricFamily('tessera_webhook_delivery_latency_seconds', 'histogram', 'Time from sending a delivery to its answer.'),
      ...LATENCY_BUCKETS.map((bound, i) => `tessera_webhook_delivery_latency_seconds_bucket{le="${bound}"} ${this.#latencyCounts[i]}`),
      `tessera_webhook_delivery_latency_seconds_bucket{le="+Inf"} ${this.#latencyCount}`,
      `tessera_webhook_delivery_latency_seconds_sum ${Math.round(this.#latencySum * 1e6) / 1e6}`,
      `tessera_webhook_delivery_latency_seconds_count ${this.#latencyCount}`,
      ...metricFamily('tessera_webhook_queue_depth', 'gauge', 'Deliveries in the queue, by status.'),
      ...['pending', 'delivering', 'succeeded', 'failed'].map((status) => `tessera_webhook_queue_depth{status="${status}"} ${depth[status] ?? 0}`),
    ];
  }
}
