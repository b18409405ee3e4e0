/** The tables the webhooks package contributes to the storage statistics (`CORE.StoredTables`), per storage: PostgreSQL also keeps its queue in two tables. */
import type { StoredTables } from '@tessera/core';

export function webhookStoredTables(storage: 'sqlite' | 'memory' | 'postgres'): StoredTables {
  return {
    owner: 'webhooks',
    tables: [
      { name: 'webhook_endpoints' },
      { name: 'webhook_events' },
      // Delivery ids sort by creation time (sortableId): the oldest is the primary key's first entry.
      { name: 'webhook_deliveries', oldest: { createdAt: 'created_at', orderedBy: 'id' } },
      { name: 'webhook_attempts' },
      ...(storage === 'postgres' ? [{ name: 'webhook_due' }, { name: 'webhook_claims' }] : []),
    ],
  };
}
