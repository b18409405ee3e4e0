/** The `database` health check core contributes: a trivial query on the storage in use, and whether its disk is full. */
import type { StorageHealth } from '../store/storage-health.js';
import type { HealthCheck } from './health-check.js';

/**
 * `ping` runs the trivial query (`SELECT 1` on SQLite or PostgreSQL); a failure is reported, not thrown.
 * While `storage` says the disk is full, the database answers but refuses writes: `storage-full`, degraded.
 */
export function databaseHealthCheck(ping: () => Promise<unknown>, storage?: StorageHealth): HealthCheck {
  return {
    name: 'database',
    check: async () => {
      try {
        await ping();
      } catch {
        return { state: 'unavailable', healthy: false };
      }
      const reason = storage?.reason;
      return reason === undefined ? { state: 'ok', healthy: true } : { state: 'storage-full', healthy: true, degraded: true, reason };
    },
  };
}
