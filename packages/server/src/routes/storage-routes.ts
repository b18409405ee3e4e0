/** `/api/storage`: rows per table, the database's size and the oldest delivery kept, from the storage figures measured at most 30 s ago. */
import type { Container } from 'inversify';
import { CORE, type ApiRouteRegistrar, type Clock, type StorageStatsCache } from '@tessera/core';
import { storageReport } from '../storage/storage-report.js';
import { storageView } from './api-responses.js';

export function storageRoutes(routes: ApiRouteRegistrar, container: Container): void {
  const cache = container.get<StorageStatsCache>(CORE.StorageStatsCache);
  const clock = container.get<Clock>(CORE.Clock);
  routes.add({
    method: 'GET',
    url: '/api/storage',
    tag: 'storage',
    summary: "Rows per table, the database's size and the oldest delivery kept",
    description: 'The figures /metrics shows too, measured at most every 30 s (measuredAt says when): exact counts, except PostgreSQL tables above 100,000 rows, which give the planner estimate (exact: false).',
    response: storageView,
    handler: async () => storageReport(await cache.current(), clock.now(), cache.maxAgeMs),
  });
}
