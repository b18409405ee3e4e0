/**
 * Prometheus metrics of this process: token requests by outcome, token cache hits, deliveries by
 * outcome, a delivery latency histogram and the queue depth, rendered in the text exposition format.
 */
import { inject, injectable } from 'inversify';
import { CORE, type TokenEvents, type TokenProvider } from '@tessera/core';
import { WEBHOOKS, type DeliveryQueue, type WebhookEvents } from '@tessera/webhooks';

/** Upper bounds of the latency buckets, in seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

@injectable()
export class Metrics {
  readonly #tokenRequests = new Map<string, number>([
    ['issued', 0],
    ['refreshed', 0],
    ['failed', 0],
  ]);
  readonly #deliveries = new Map<string, number>([
    ['succeeded', 0],
    ['retrying', 0],
    ['failed', 0],
  ]);
  readonly #latencyCounts = LATENCY_BUCKETS.map(() => 0);
  #latencyCount = 0;
  #latencySum = 0;

  constructor(
    @inject(CORE.TokenEvents) tokenEvents: TokenEvents,
    @inject(CORE.TokenProvider) private readonly tokens: TokenProvider,
    @inject(WEBHOOKS.Events) webhookEvents: WebhookEvents,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
  ) {
    const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    tokenEvents.on('issued', () => count(this.#tokenRequests, 'issued'));
    tokenEvents.on('refreshed', () => count(this.#tokenRequests, 'refreshed'));
    tokenEvents.on('failed', () => count(this.#tokenRequests, 'failed'));
    webhookEvents.on('attempt', (event) => {
      count(this.#deliveries, event.outcome);
      const seconds = event.latencyMs / 1000;
      this.#latencyCount++;
      this.#latencySum += seconds;
      LATENCY_BUCKETS.forEach((bound, i) => {
        if (seconds <= bound) this.#latencyCounts[i]!++;
      });
    });
  }

  /** The text exposition format (`text/plain; version=0.0.4`). */
  async render(): Promise<string> {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family('tessera_token_requests_total', 'counter', 'Token requests made by this process, by outcome.');
    for (const [outcome, n] of this.#tokenRequests) lines.push(`tessera_token_requests_total{outcome="${outcome}"} ${n}`);
    family('tessera_token_cache_hits_total', 'counter', 'getToken calls answered from the cache.');
    lines.push(`tessera_token_cache_hits_total ${this.tokens.stats().cacheHits}`);

    family('tessera_webhook_deliveries_total', 'counter', 'Delivery attempts finished by this process, by outcome.');
    for (const [outcome, n] of this.#deliveries) lines.push(`tessera_webhook_deliveries_total{outcome="${outcome}"} ${n}`);
    family('tessera_webhook_delivery_latency_seconds', 'histogram', 'Time from sending a delivery to its answer.');
    LATENCY_BUCKETS.forEach((bound, i) => lines.push(`tessera_webhook_delivery_latency_seconds_bucket{le="${bound}"} ${this.#latencyCounts[i]}`));
    lines.push(`tessera_webhook_delivery_latency_seconds_bucket{le="+Inf"} ${this.#latencyCount}`);
    lines.push(`tessera_webhook_delivery_latency_seconds_sum ${round(this.#latencySum)}`);
    lines.push(`tessera_webhook_delivery_latency_seconds_count ${this.#latencyCount}`);

    family('tessera_webhook_queue_depth', 'gauge', 'Deliveries in the queue, by status.');
    const depth = await this.queue.depth();
    for (const status of ['pending', 'delivering', 'succeeded', 'failed']) lines.push(`tessera_webhook_queue_depth{status="${status}"} ${depth[status] ?? 0}`);
    return lines.join('\n') + '\n';
  }
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
