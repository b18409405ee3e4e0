/** The delivery log on SQLite. */
import { inject, injectable } from 'inversify';
import { CORE, NotFoundError, type Clock, type SqliteDatabase } from '@tessera/core';
import type { EndpointRecords } from '../endpoints/endpoint-records.js';
import { WEBHOOKS } from '../tokens.js';
import { retryKind, detail, parseDeliveryFilter, parseSince, summary, type AttemptRow, type DeliveryDetail, type DeliveryFilter, type DeliveryLog, type DeliveryRow, type DeliverySummary } from './delivery-log.js';
import { storedBody } from './event-body.js';
import { activityWindow, buildActivity, type DeliveryActivity, type LatencyCountRow, type StatusCountRow } from './delivery-activity.js';
import type { DeliveryQueue } from './delivery-queue.js';

const SELECT = `SELECT d.*, (SELECT COUNT(*) FROM webhook_attempts a WHERE a.delivery_id = d.id) AS attempt_count FROM webhook_deliveries d`;

@injectable()
export class SqliteDeliveryLog implements DeliveryLog {
  constructor(
    @inject(WEBHOOKS.Database) private readonly db: SqliteDatabase,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(WEBHOOKS.EndpointRecords) private readonly endpoints: EndpointRecords,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  async list(filter: DeliveryFilter = {}): Promise<DeliverySummary[]> {
    const f = parseDeliveryFilter(filter);
    const rows = this.db
      .prepare(
        `${SELECT} WHERE (@endpointId IS NULL OR d.endpoint_id = @endpointId) AND (@status IS NULL OR d.status = @status)
         AND (@eventType IS NULL OR d.event_type = @eventType) AND (@since IS NULL OR d.created_at >= @since)
         AND (@until IS NULL OR d.created_at < @until)
         AND (@beforeAt IS NULL OR d.created_at < @beforeAt OR (d.created_at = @beforeAt AND d.id < @beforeId))
         ORDER BY d.created_at DESC, d.id DESC LIMIT @limit`,
      )
      .all({
        endpointId: f.endpointId ?? null,
        status: f.status ?? null,
        eventType: f.eventType ?? null,
        since: f.since ?? null,
        until: f.until ?? null,
        limit: f.limit ?? 50,
        beforeAt: f.before === undefined ? null : this.#row(f.before).created_at,
        beforeId: f.before ?? null,
      }) as DeliveryRow[];
    return rows.map(summary);
  }

  async get(id: string): Promise<DeliveryDetail> {
    const row = this.#row(id);
    const payload = storedBody(this.db.prepare('SELECT type, created_at, payload, data FROM webhook_events WHERE id = ?').get(row.event_id) as Parameters<typeof storedBody>[0]);
    const attempts = this.db
      .prepare('SELECT attempted_at, status, latency_ms, error_code, error_message, response_body FROM webhook_attempts WHERE delivery_id = ? ORDER BY id')
      .all(id) as AttemptRow[];
    return detail(row, payload, attempts);
  }

  async retry(id: string): Promise<DeliverySummary> {
    // The change and the row read back in one transaction: a dispatcher of another process may claim the
    // delivery the moment it commits, and what the caller is told is what the retry did.
    const sent = this.db
      .transaction((): DeliveryRow | undefined => {
        if (retryKind(this.#row(id)) === 'failed') {
          this.#requeueOnly('id = @id', { id });
          return this.#row(id);
        }
        // Waiting for its next attempt, and not taken by a dispatcher meanwhile (that would make it 'delivering'): due now.
        const now = this.clock.now();
        const changes = this.db.prepare(`UPDATE webhook_deliveries SET next_attempt_at = @now, updated_at = @now WHERE id = @id AND status = 'pending'`).run({ id, now }).changes;
        return changes === 0 ? undefined : this.#row(id);
      })
      .immediate();
    // Taken or finished meanwhile: judged again as it is now.
    if (sent === undefined) return this.retry(id);
    this.queue.notify();
    return summary(sent);
  }

  async recover(endpointId: string, since: string | Date): Promise<number> {
    const from = parseSince(since);
    if ((await this.endpoints.find(endpointId)) === undefined) throw new NotFoundError('webhook endpoint', endpointId);
    return this.#requeue('endpoint_id = @endpointId AND created_at >= @since', { endpointId, since: from });
  }

  async activity(endpointId: string, options: { hours?: number } = {}): Promise<DeliveryActivity> {
    const window = activityWindow(this.clock.now(), options.hours);
    if ((await this.endpoints.find(endpointId)) === undefined) throw new NotFoundError('webhook endpoint', endpointId);
    const params = { endpointId, from: window.from, to: window.to };
    const statuses = this.db
      .prepare(
        `SELECT CAST((created_at - @from) / 3600000 AS INTEGER) AS hour, status, COUNT(*) AS n FROM webhook_deliveries
         WHERE endpoint_id = @endpointId AND created_at >= @from AND created_at <= @to GROUP BY hour, status`,
      )
      .all(params) as StatusCountRow[];
    const latencies = this.db
      .prepare(
        `SELECT CAST((d.created_at - @from) / 3600000 AS INTEGER) AS hour, CAST(ROUND(a.latency_ms) AS INTEGER) AS ms, COUNT(*) AS n
         FROM webhook_deliveries d JOIN webhook_attempts a ON a.delivery_id = d.id
         WHERE d.endpoint_id = @endpointId AND d.created_at >= @from AND d.created_at <= @to AND a.status IS NOT NULL GROUP BY hour, ms`,
      )
      .all(params) as LatencyCountRow[];
    return buildActivity(endpointId, window, statuses, latencies);
  }

  #requeue(where: string, params: Record<string, unknown>): number {
    const changes = this.#requeueOnly(where, params);
    if (changes > 0) this.queue.notify();
    return changes;
  }

  /** Failed deliveries back on the queue, due now, their schedule started again (without waking the dispatcher). */
  #requeueOnly(where: string, params: Record<string, unknown>): number {
    const now = this.clock.now();
    return this.db
      .prepare(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, updated_at = @now WHERE status = 'failed' AND ${where}`)
      .run({ ...params, now }).changes;
  }

  #row(id: string): DeliveryRow {
    const row = this.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as DeliveryRow | undefined;
    if (!row) throw new NotFoundError('delivery', id);
    return row;
  }
}

