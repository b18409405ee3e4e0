/** The `database` health check core contributes: a trivial query on the storage in use. */
import type { HealthCheck } from './health-check.js';

/** `ping` runs the trivial query (`SELECT 1` on SQLite or PostgreSQL); a failure is reported, not thrown. */
export function databaseHealthCheck(ping: () => Promise<unknown>): HealthCheck {
  return {
    name: 'database',
    check: async () => {
      try {
        await ping();
        return { state: 'ok', healthy: true };
      } catch {
        return { state: 'unavailable', healthy: false };
      }
    },
  };
}
