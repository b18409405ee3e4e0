/** The delivery log on PostgreSQL (what every instance of the fleet sees alike). */
import { NotFoundError, type Clock, type PostgresDatabase } from '@tessera/core';
import type { EndpointRecords } from '../endpoints/endpoint-records.js';
import { WORK_CHANNEL } from '../store/webhook-postgres-migrations.js';
import { ensureWebhookSchema } from '../store/ensure-webhook-schema.js';
import { inFlight, retryKind, detail, parseDeliveryFilter, parseSince, summary, type AttemptRow, type DeliveryDetail, type DeliveryFilter, type DeliveryLog, type DeliveryRow, type DeliverySummary } from './delivery-log.js';
import { activityWindow, buildActivity, type DeliveryActivity, type LatencyCountRow, type StatusCountRow } from './delivery-activity.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { DB_NOW_MS } from './postgres-delivery-queue.js';

/** A claimed delivery is 'pending' in its row, with a live claim in webhook_claims: the log calls it 'delivering'. */
const STATUS = `CASE WHEN d.status = 'pending' AND EXISTS (SELECT 1 FROM webhook_claims k WHERE k.delivery_id = d.id AND k.expires_at > ${DB_NOW_MS}) THEN 'delivering' ELSE d.status END`;
const SELECT = `SELECT d.id, d.event_id, d.endpoint_id, d.event_type, ${STATUS} AS status, d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.updated_at,
  (SELECT COUNT(*)::int FROM webhook_attempts a WHERE a.delivery_id = d.id) AS attempt_count FROM webhook_deliveries d`;

export class PostgresDeliveryLog implements DeliveryLog {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly queue: DeliveryQueue,
    private readonly endpoints: EndpointRecords,
    private readonly clock: Clock,
  ) {}

  async #ready(): Promise<PostgresDatabase> {
    await ensureWebhookSchema(this.db);
    return this.db;
  }

  async list(filter: DeliveryFilter = {}): Promise<DeliverySummary[]> {
    const f = parseDeliveryFilter(filter);
    const db = await this.#ready();
    const before = f.before === undefined ? undefined : await this.#row(f.before);
    const rows = await db.query<DeliveryRow>(
      `${SELECT} WHERE ($1::text IS NULL OR d.endpoint_id = $1) AND ($2::text IS NULL OR ${STATUS} = $2)
       AND ($3::text IS NULL OR d.event_type = $3) AND ($4::bigint IS NULL OR d.created_at >= $4)
       AND ($5::bigint IS NULL OR d.created_at < $5)
       AND ($6::text IS NULL OR d.id < $6)
       ORDER BY d.id DESC LIMIT $7`,
      // Ids sort by creation time, then by their random part: newest first is by id (the primary key).
      [f.endpointId ?? null, f.status ?? null, f.eventType ?? null, f.since ?? null, f.until ?? null, before?.id ?? null, f.limit ?? 50],
    );
    return rows.map(summary);
  }

  async get(id: string): Promise<DeliveryDetail> {
    const row = await this.#row(id);
    const db = await this.#ready();
    const [event] = await db.query<{ payload: string }>('SELECT payload FROM webhook_events WHERE id = $1', [row.event_id]);
    const attempts = await db.query<AttemptRow>('SELECT attempted_at, status, latency_ms, error_code, error_message, response_body FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id', [id]);
    return detail(row, (event as { payload: string }).payload, attempts);
  }

  async retry(id: string): Promise<DeliverySummary> {
    if (retryKind(await this.#row(id)) === 'pending') return this.#sendNow(id);
    const db = await this.#ready();
    // The row as requeued, read in the same statement: a dispatcher may claim it a moment later.
    const [row] = await db.query<DeliveryRow>(
      `WITH requeued AS (
         UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1 WHERE status = 'failed' AND id = $2 RETURNING *
       ), queued AS (
         INSERT INTO webhook_due (delivery_id, endpoint_id, due_at) SELECT id, endpoint_id, next_attempt_at FROM requeued ON CONFLICT (delivery_id) DO NOTHING
       ) SELECT r.id, r.event_id, r.endpoint_id, r.event_type, r.status, r.next_attempt_at, r.last_status, r.last_error, r.created_at, r.updated_at,
           (SELECT COUNT(*)::int FROM webhook_attempts a WHERE a.delivery_id = r.id) AS attempt_count FROM requeued r`,
      [this.clock.now(), id],
    );
    if (!row) {
      // Changed by someone else meanwhile (retried, perhaps failed again): judged again as it is now.
      return retryKind(await this.#row(id)) === 'pending' ? this.#sendNow(id) : this.retry(id);
    }
    this.queue.notify();
    await db.notify(WORK_CHANNEL, '');
    return summary(row);
  }

  /**
   * A pending delivery waiting on the due queue, due now (its row locked by this update, so a claim skips
   * it until the commit); none when a dispatcher has claimed it meanwhile, which is judged again.
   */
  async #sendNow(id: string): Promise<DeliverySummary> {
    const db = await this.#ready();
    // The row as moved, read in the same statement: a dispatcher may claim it the moment this commits,
    // and what the caller is told is what the retry did (pending, due now), not what came after it.
    const [moved] = await db.query<DeliveryRow>(
      `WITH due AS (UPDATE webhook_due SET due_at = $1 WHERE delivery_id = $2 RETURNING delivery_id),
       moved AS (
         UPDATE webhook_deliveries d SET next_attempt_at = $1, updated_at = $1 FROM due WHERE d.id = due.delivery_id AND d.status = 'pending'
         RETURNING d.id, d.event_id, d.endpoint_id, d.event_type, d.status, d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.updated_at
       ) SELECT m.*, (SELECT COUNT(*)::int FROM webhook_attempts a WHERE a.delivery_id = m.id) AS attempt_count FROM moved m`,
      [this.clock.now(), id],
    );
    if (!moved) {
      if (retryKind(await this.#row(id)) === 'failed') return this.retry(id);
      // Pending but on no due row: a dispatcher claimed it meanwhile.
      throw inFlight(id);
    }
    this.queue.notify();
    await db.notify(WORK_CHANNEL, '');
    return summary(moved);
  }

  async recover(endpointId: string, since: string | Date): Promise<number> {
    const from = parseSince(since);
    if ((await this.endpoints.find(endpointId)) === undefined) throw new NotFoundError('webhook endpoint', endpointId);
    return this.#requeue('endpoint_id = $2 AND created_at >= $3', [endpointId, from]);
  }

  async activity(endpointId: string, options: { hours?: number } = {}): Promise<DeliveryActivity> {
    const window = activityWindow(this.clock.now(), options.hours);
    if ((await this.endpoints.find(endpointId)) === undefined) throw new NotFoundError('webhook endpoint', endpointId);
    const db = await this.#ready();
    // Ids sort by creation time: the (endpoint_id, id) index finds the window's rows.
    const params = [endpointId, window.from, window.to, `msg_${window.from.toString(16).padStart(12, '0')}`];
    const inWindow = `d.endpoint_id = $1 AND d.id >= $4 AND d.created_at >= $2 AND d.created_at <= $3`;
    const statuses = await db.query<StatusCountRow>(
      `SELECT ((d.created_at - $2) / 3600000)::int AS hour, ${STATUS} AS status, COUNT(*)::int AS n FROM webhook_deliveries d WHERE ${inWindow} GROUP BY 1, 2`,
      params,
    );
    const latencies = await db.query<LatencyCountRow>(
      `SELECT ((d.created_at - $2) / 3600000)::int AS hour, a.latency_ms AS ms, COUNT(*)::int AS n
       FROM webhook_deliveries d JOIN webhook_attempts a ON a.delivery_id = d.id WHERE ${inWindow} AND a.status IS NOT NULL GROUP BY 1, 2`,
      params,
    );
    return buildActivity(endpointId, window, statuses, latencies);
  }

  async #requeue(where: string, params: unknown[]): Promise<number> {
    const db = await this.#ready();
    const rows = await db.query(
      `WITH requeued AS (
         UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1 WHERE status = 'failed' AND ${where} RETURNING id, endpoint_id, next_attempt_at
       ), queued AS (
         INSERT INTO webhook_due (delivery_id, endpoint_id, due_at) SELECT id, endpoint_id, next_attempt_at FROM requeued ON CONFLICT (delivery_id) DO NOTHING
       ) SELECT 1 FROM requeued`,
      [this.clock.now(), ...params],
    );
    if (rows.length > 0) {
      this.queue.notify();
      await db.notify(WORK_CHANNEL, '');
    }
    return rows.length;
  }

  async #row(id: string): Promise<DeliveryRow> {
    const db = await this.#ready();
    const [row] = await db.query<DeliveryRow>(`${SELECT} WHERE d.id = $1`, [id]);
    if (!row) throw new NotFoundError('delivery', id);
    return row;
  }
}
