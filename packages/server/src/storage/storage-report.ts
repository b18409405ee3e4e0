/**
 * The storage figures as `GET /api/storage` and `tessera db stats --json` give them: times in ISO 8601,
 * the oldest row's age counted to now, and how old the figures may be.
 */
import type { StorageFigures } from '@tessera/core';

export interface StorageReport {
  storage: 'sqlite' | 'postgres';
  measuredAt: string;
  /** The figures are measured again once they are this old. */
  maxAgeSeconds: number;
  bytes: number;
  freeBytes: number | null;
  tables: Array<{ table: string; owner: string; rows: number; exact: boolean; bytes: number | null; oldest?: { at: string; ageSeconds: number } | null }>;
}

export function storageReport(figures: StorageFigures, now: number, maxAgeMs: number): StorageReport {
  return {
    storage: figures.storage,
    measuredAt: new Date(figures.measuredAt).toISOString(),
    maxAgeSeconds: maxAgeMs / 1000,
    bytes: figures.bytes,
    freeBytes: figures.freeBytes,
    tables: figures.tables.map(({ oldestAt, ...table }) => ({
      ...table,
      ...(oldestAt !== undefined && { oldest: oldestAt === null ? null : { at: new Date(oldestAt).toISOString(), ageSeconds: Math.max(0, Math.round((now - oldestAt) / 1000)) } }),
    })),
  };
}
