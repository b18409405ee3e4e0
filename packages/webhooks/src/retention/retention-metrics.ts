/** The pruner's figures in `/metrics`: rows pruned by this process, by table, its passes, and the age of the oldest delivery kept as of its last pass. */
import { inject, injectable } from 'inversify';
import { CORE, metricFamily, type Clock, type MetricsSource } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';
import type { Pruner } from './pruner.js';

@injectable()
export class RetentionMetrics implements MetricsSource {
  constructor(
    @inject(WEBHOOKS.Pruner) private readonly pruner: Pruner,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  render(): string[] {
    const totals = this.pruner.totals;
    const oldest = totals.oldestDeliveryAt;
    return [
      ...metricFamily('tessera_webhook_pruned_rows_total', 'counter', 'Rows deleted by this process because their retention period ran out, by table.'),
      `tessera_webhook_pruned_rows_total{table="deliveries"} ${totals.deliveries}`,
      `tessera_webhook_pruned_rows_total{table="attempts"} ${totals.attempts}`,
      `tessera_webhook_pruned_rows_total{table="events"} ${totals.events}`,
      ...metricFamily('tessera_webhook_prune_passes_total', 'counter', 'Pruning passes this process made while holding the pruning lease.'),
      `tessera_webhook_prune_passes_total ${totals.passes}`,
      ...metricFamily('tessera_webhook_oldest_kept_delivery_age_seconds', 'gauge', "Age of the oldest delivery kept, as of this process's last pruning pass (0 when none is kept)."),
      `tessera_webhook_oldest_kept_delivery_age_seconds ${oldest === undefined ? 0 : Math.max(0, Math.round((this.clock.now() - oldest) / 1000))}`,
    ];
  }
}
