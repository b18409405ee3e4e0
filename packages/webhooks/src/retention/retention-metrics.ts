/** The pruner's figures in `/metrics`: rows pruned by this process, by table, and its passes (the oldest delivery kept: `OldestDeliveryMetrics`). */
import { inject, injectable } from 'inversify';
import { metricFamily, type MetricsSource } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';
import type { Pruner } from './pruner.js';

@injectable()
export class RetentionMetrics implements MetricsSource {
  constructor(@inject(WEBHOOKS.Pruner) private readonly pruner: Pruner) {}

  render(): string[] {
    const totals = this.pruner.totals;
    return [
      ...metricFamily('tessera_webhook_pruned_rows_total', 'counter', 'Rows deleted by this process because their retention period ran out, by table.'),
      `tessera_webhook_pruned_rows_total{table="deliveries"} ${totals.deliveries}`,
      `tessera_webhook_pruned_rows_total{table="attempts"} ${totals.attempts}`,
      `tessera_webhook_pruned_rows_total{table="events"} ${totals.events}`,
      ...metricFamily('tessera_webhook_prune_passes_total', 'counter', 'Pruning passes this process made while holding the pruning lease.'),
      `tessera_webhook_prune_passes_total ${totals.passes}`,
    ];
  }
}
