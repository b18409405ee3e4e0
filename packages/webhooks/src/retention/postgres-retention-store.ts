/**
 * Pruning on PostgreSQL, by batched deletes: each batch reads the next deliveries in id order, then in
 * one short transaction locks those that expired (`FOR UPDATE SKIP LOCKED`, and only if still finished
 * and unchanged since they were read, so a retry by hand wins) and deletes them with their attempts,
 * then their events left with no delivery. Autovacuum makes the space reusable. Not time partitions:
 * a partition could only be dropped once every delivery in it has expired, which per-webhook periods,
 * failed deliveries kept longer and old pending work rarely allow, and `UNIQUE (event_id, endpoint_id)`
 * would have to include the partition key, so publishing an event twice could no longer be refused.
 */
import type { PostgresDatabase } from '@tessera/core';
import { DB_NOW_MS } from '../delivery/postgres-delivery-queue.js';
import { ensureWebhookSchema } from '../store/ensure-webhook-schema.js';
import { expiresSoon, firstHold, firstIdAt, sortWindow, HOLD_HORIZON_MS, PRUNER_LEASE, type EventPruneBatch, type EventPruneRequest, type PruneBatch, type PruneRequest, type RetentionStore } from './retention-store.js';

interface WindowRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: string;
  updated_at: string | number;
}

export class PostgresRetentionStore implements RetentionStore {
  constructor(private readonly db: PostgresDatabase) {}

  async #ready(): Promise<PostgresDatabase> {
    await ensureWebhookSchema(this.db);
    return this.db;
  }

  async pruneDeliveries(request: PruneRequest): Promise<PruneBatch> {
    const db = await this.#ready();
    const after = request.after ?? '';
    const bound = request.before ?? firstIdAt(request.createdBefore);
    // The batch's span: the next `limit` deliveries in id order, whatever their state (index only).
    const [span] = await db.query<{ last: string | null; looked: number }>(
      'SELECT max(id) AS last, count(*)::int AS looked FROM (SELECT id FROM webhook_deliveries WHERE id > $1 AND id < $2 ORDER BY id LIMIT $3) AS span',
      [after, bound, request.limit],
    );
    const last = span?.last ?? undefined;
    const more = span?.looked === request.limit;
    if (last === undefined) return { deliveries: 0, attempts: 0, events: 0, last, more: false };
    // Of the span, only finished rows that can have expired come back: those finished since `createdBefore`
    // (the shortest period ago), which every pass would otherwise read again until they expire, stay in the server.
    const rows = await db.query<WindowRow>(
      "SELECT id, event_id, endpoint_id, status, updated_at FROM webhook_deliveries WHERE id > $1 AND id <= $2 AND updated_at <= $3 AND status IN ('succeeded', 'failed') ORDER BY id",
      [after, last, request.createdBefore],
    );
    const sorted = sortWindow(
      rows.map((row) => ({ ...row, updated_at: Number(row.updated_at) })),
      request,
    );
    const holdAfter = firstHold(sorted.held ? sorted.holdAfter : undefined, await this.#passedOver(db, request, last));
    const hold = holdAfter === undefined ? {} : { holdAfter };
    const { doomed } = sorted;
    if (doomed.length === 0) return { deliveries: 0, attempts: 0, events: 0, last, more, ...hold };
    return db.transaction(async (tx) => {
      const [counts] = await tx.query<{ attempts: number; deliveries: number; events: string[] | null }>(
        `WITH doomed AS (
           SELECT d.id FROM unnest($1::text[], $2::bigint[]) AS u(id, updated_at)
           JOIN webhook_deliveries d ON d.id = u.id AND d.updated_at = u.updated_at AND d.status IN ('succeeded', 'failed')
           FOR UPDATE OF d SKIP LOCKED
         ), attempts AS (
           DELETE FROM webhook_attempts a USING doomed WHERE a.delivery_id = doomed.id RETURNING 1
         ), deliveries AS (
           DELETE FROM webhook_deliveries d USING doomed WHERE d.id = doomed.id RETURNING d.event_id
         )
         SELECT (SELECT COUNT(*)::int FROM attempts) AS attempts, (SELECT COUNT(*)::int FROM deliveries) AS deliveries,
           (SELECT array_agg(DISTINCT event_id) FROM deliveries) AS events`,
        [doomed.map((row) => row.id), doomed.map((row) => Number(row.updated_at))],
      );
      const eventIds = counts?.events ?? [];
      // A statement later, so it sees the deliveries deleted above.
      const events =
        eventIds.length === 0
          ? []
          : await tx.query('DELETE FROM webhook_events e WHERE e.id = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id) RETURNING 1', [eventIds]);
      return { deliveries: counts?.deliveries ?? 0, attempts: counts?.attempts ?? 0, events: events.length, last, more, ...hold };
    });
  }

  /** Before the first finished delivery of the span up to `last` that the window passed over (finished since `createdBefore`) and that expires within the hour. */
  async #passedOver(db: PostgresDatabase, request: PruneRequest, last: string): Promise<string | undefined> {
    const soon = await db.query<WindowRow>(
      "SELECT id, event_id, endpoint_id, status, updated_at FROM webhook_deliveries WHERE id > $1 AND id <= $2 AND updated_at > $3 AND updated_at < $4 AND status IN ('succeeded', 'failed') ORDER BY id",
      [request.after ?? '', last, request.createdBefore, request.createdBefore + HOLD_HORIZON_MS],
    );
    const first = soon.find((row) => expiresSoon({ ...row, updated_at: Number(row.updated_at) }, request));
    if (first === undefined) return undefined;
    const [before] = await db.query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE id < $1 ORDER BY id DESC LIMIT 1', [first.id]);
    return before?.id ?? '';
  }

  async pruneEvents(request: EventPruneRequest): Promise<EventPruneBatch> {
    const db = await this.#ready();
    const [at, id] = request.after === undefined ? [-1, ''] : (JSON.parse(request.after) as [number, string]);
    const rows = await db.query<{ id: string; created_at: string | number }>(
      'SELECT id, created_at FROM webhook_events WHERE (created_at, id) > ($1::bigint, $2::text) AND created_at < $3 ORDER BY created_at, id LIMIT $4',
      [at, id, request.createdBefore, request.limit],
    );
    const last = rows.at(-1);
    if (last === undefined) return { events: 0, last: undefined, more: false };
    const deleted = await db.query('DELETE FROM webhook_events e WHERE e.id = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id) RETURNING 1', [
      rows.map((row) => row.id),
    ]);
    return { events: deleted.length, last: JSON.stringify([Number(last.created_at), last.id]), more: rows.length === request.limit };
  }

  async acquireLease(owner: string, _now: number, ttlMs: number): Promise<boolean> {
    const db = await this.#ready();
    const held = await db.query(
      `INSERT INTO webhook_maintenance_leases (name, owner, expires_at) VALUES ($1, $2, ${DB_NOW_MS} + $3)
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE webhook_maintenance_leases.owner = EXCLUDED.owner OR webhook_maintenance_leases.expires_at <= ${DB_NOW_MS}
       RETURNING owner`,
      [PRUNER_LEASE, owner, ttlMs],
    );
    return held.length > 0;
  }

  async releaseLease(owner: string): Promise<void> {
    const db = await this.#ready();
    await db.query('DELETE FROM webhook_maintenance_leases WHERE name = $1 AND owner = $2', [PRUNER_LEASE, owner]);
  }

  async oldestDeliveryAt(): Promise<number | undefined> {
    const db = await this.#ready();
    const [row] = await db.query<{ created_at: string | number }>('SELECT created_at FROM webhook_deliveries ORDER BY id LIMIT 1');
    return row === undefined ? undefined : Number(row.created_at);
  }

  async reclaimSpace(): Promise<number> {
    // Autovacuum marks the deleted rows' space reusable; the files keep their size for new rows.
    return 0;
  }
}
