/** The age of the oldest delivery kept (whatever its status), from core's storage statistics: what retention keeps in check. */
import { inject, injectable } from 'inversify';
import { CORE, metricFamily, type Clock, type MetricsSource, type StorageStatsCache } from '@tessera/core';

@injectable()
export class OldestDeliveryMetrics implements MetricsSource {
  constructor(
    @inject(CORE.StorageStatsCache) private readonly cache: StorageStatsCache,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  async render(): Promise<string[]> {
    const figures = await this.cache.current();
    const oldestAt = figures.tables.find((table) => table.table === 'webhook_deliveries')?.oldestAt;
    // The oldest row is looked up with the figures (at most 30 s ago); its age is counted to now. 0 when none is kept.
    const age = oldestAt === undefined || oldestAt === null ? 0 : Math.max(0, (this.clock.now() - oldestAt) / 1000);
    return [...metricFamily('tessera_webhook_oldest_delivery_age_seconds', 'gauge', 'Age of the oldest delivery kept, any status (0 when none).'), `tessera_webhook_oldest_delivery_age_seconds ${Math.round(age * 1000) / 1000}`];
  }
}
