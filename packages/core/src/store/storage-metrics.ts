/**
 * Core's storage metrics: rows per contributed table, the database's size and (SQLite) its free bytes, from
 * `StorageStatsCache`, so the figures are up to 30 s old and a scrape counts no table more often than that.
 */
import { inject, injectable } from 'inversify';
import { metricFamily, type MetricsSource } from '../contributions/metrics-source.js';
import { CORE } from '../tokens.js';
import type { StorageStatsCache } from './storage-stats-cache.js';

@injectable()
export class StorageMetrics implements MetricsSource {
  constructor(@inject(CORE.StorageStatsCache) private readonly cache: StorageStatsCache) {}

  async render(): Promise<string[]> {
    const figures = await this.cache.current();
    return [
      ...metricFamily('tessera_storage_rows', 'gauge', 'Rows per table, measured at most every 30 s: counted, or on PostgreSQL above 100,000 rows the planner estimate.'),
      ...figures.tables.map((table) => `tessera_storage_rows{table="${table.table}",owner="${table.owner}"} ${table.rows}`),
      ...metricFamily('tessera_storage_bytes', 'gauge', "The database's size: SQLite the file and its WAL; PostgreSQL Tessera's tables with their indexes."),
      `tessera_storage_bytes{storage="${figures.storage}"} ${figures.bytes}`,
      ...(figures.freeBytes === null ? [] : [...metricFamily('tessera_storage_free_bytes', 'gauge', 'Free pages in the SQLite file, reused before it grows.'), `tessera_storage_free_bytes ${figures.freeBytes}`]),
    ];
  }
}
