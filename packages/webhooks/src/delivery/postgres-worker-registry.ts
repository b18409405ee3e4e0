/** The worker registry on PostgreSQL: heartbeats and their expiry on the database clock, so instances with skewed clocks agree on who is dead. */
import type { PostgresDatabase } from '@tessera/core';
import { REQUEUE_RELEASED } from '../store/webhook-postgres-migrations.js';
import { ensureWebhookSchema } from '../store/ensure-webhook-schema.js';
import { DB_NOW_MS } from './postgres-delivery-queue.js';
import { MISSED_HEARTBEATS, processGone, thisMachine, type DeadWorkers, type WorkerRegistry, type WorkerRow } from './worker-registry.js';

export class PostgresWorkerRegistry implements WorkerRegistry {
  readonly machine = thisMachine();

  constructor(private readonly db: PostgresDatabase) {}

  async #ready(): Promise<PostgresDatabase> {
    await ensureWebhookSchema(this.db);
    return this.db;
  }

  async register(workerId: string, _now: number, intervalMs: number): Promise<void> {
    const db = await this.#ready();
    await db.query(
      `INSERT INTO webhook_workers (id, machine, pid, started_at, heartbeat_at, expires_at) VALUES ($1, $2, $3, ${DB_NOW_MS}, ${DB_NOW_MS}, ${DB_NOW_MS} + $4)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at`,
      [workerId, this.machine, process.pid, MISSED_HEARTBEATS * intervalMs],
    );
  }

  async beat(workerId: string, now: number, intervalMs: number): Promise<boolean> {
    const db = await this.#ready();
    const rows = await db.query(`UPDATE webhook_workers SET heartbeat_at = ${DB_NOW_MS}, expires_at = ${DB_NOW_MS} + $2 WHERE id = $1 RETURNING 1`, [workerId, MISSED_HEARTBEATS * intervalMs]);
    if (rows.length > 0) return true;
    await this.register(workerId, now, intervalMs);
    return false;
  }

  async leave(workerId: string): Promise<void> {
    const db = await this.#ready();
    await db.query('DELETE FROM webhook_workers WHERE id = $1', [workerId]);
  }

  async releaseDead(self: string, _now: number): Promise<DeadWorkers> {
    const db = await this.#ready();
    const others = await db.query<WorkerRow & { expired: boolean }>(`SELECT id, machine, pid, expires_at, expires_at < ${DB_NOW_MS} AS expired FROM webhook_workers WHERE id <> $1`, [self]);
    const expired = others.filter((worker) => worker.expired).map((worker) => worker.id);
    const exited = others.filter((worker) => !worker.expired && processGone(worker, this.machine)).map((worker) => worker.id);
    if (expired.length === 0 && exited.length === 0) return { workers: 0, released: 0 };
    return db.transaction(async (tx) => {
      // Whoever deletes a worker's row releases its claims: two instances finding it dead release them once.
      // Expired is judged again as the row is deleted: a worker that beat since the read above is alive
      // (its process gone from this machine is final, and needs no second look).
      const gone = (
        await tx.query<{ id: string }>(`DELETE FROM webhook_workers WHERE (id = ANY($1::text[]) AND expires_at < ${DB_NOW_MS}) OR id = ANY($2::text[]) RETURNING id`, [expired, exited])
      ).map((row) => row.id);
      if (gone.length === 0) return { workers: 0, released: 0 };
      const [released] = await tx.query<{ n: number }>(
        `WITH released AS (DELETE FROM webhook_claims WHERE owner = ANY($1::text[]) RETURNING delivery_id, endpoint_id), requeued AS (${REQUEUE_RELEASED})
         SELECT COUNT(*)::int AS n FROM released`,
        [gone],
      );
      return { workers: gone.length, released: released?.n ?? 0 };
    });
  }
}
