/** Reads what happened to deliveries (with every attempt), and retries failed ones by hand with the same `webhook-id`. */
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { CORE, ConflictError, NotFoundError, ValidationError, zodIssues, type Clock, type SqliteDatabase } from '@tessera/core';
import type { EndpointRecords } from '../endpoints/endpoint-records.js';
import { WEBHOOKS } from '../tokens.js';
import type { DeliveryQueue } from './delivery-queue.js';
import type { DeliveryStatus } from './delivery-types.js';

export interface DeliveryFilter {
  endpointId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  /** ISO time or Date: created at or after. */
  since?: string | Date;
  /** ISO time or Date: created before. */
  until?: string | Date;
  /** Default 50, at most 1000 (as the HTTP API). */
  limit?: number;
  /** A delivery id: only deliveries listed after it (older, or as old with a smaller id), for the next page. */
  before?: string;
}

export interface DeliverySummary {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  status: DeliveryStatus;
  /** Requests recorded (an immediate retry after a 401/403 counts as one more). */
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptView {
  attemptedAt: string;
  status: number | null;
  latencyMs: number;
  errorCode: string | null;
  errorMessage: string | null;
  responseBody: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  payload: unknown;
  attemptLog: AttemptView[];
}

interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  status: DeliveryStatus;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  attempt_count: number;
}

const time = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => (v instanceof Date ? v.getTime() : Date.parse(v)));
const filterSchema = z
  .object({
    endpointId: z.string().optional(),
    status: z.enum(['pending', 'delivering', 'succeeded', 'failed']).optional(),
    eventType: z.string().optional(),
    since: time.optional(),
    until: time.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    before: z.string().min(1).optional(),
  })
  .strict();

const SELECT = `SELECT d.*, (SELECT COUNT(*) FROM webhook_attempts a WHERE a.delivery_id = d.id) AS attempt_count FROM webhook_deliveries d`;

@injectable()
export class DeliveryLog {
  constructor(
    @inject(WEBHOOKS.Database) private readonly db: SqliteDatabase,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(WEBHOOKS.EndpointRecords) private readonly endpoints: EndpointRecords,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  /** Newest first. */
  async list(filter: DeliveryFilter = {}): Promise<DeliverySummary[]> {
    const parsed = filterSchema.safeParse(filter);
    if (!parsed.success) throw new ValidationError('The delivery filter', zodIssues(parsed.error));
    const f = parsed.data;
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
    const payload = this.db.prepare('SELECT payload FROM webhook_events WHERE id = ?').pluck().get(row.event_id) as string;
    const attempts = this.db
      .prepare('SELECT attempted_at, status, latency_ms, error_code, error_message, response_body FROM webhook_attempts WHERE delivery_id = ? ORDER BY id')
      .all(id) as Array<{ attempted_at: number; status: number | null; latency_ms: number; error_code: string | null; error_message: string | null; response_body: string | null }>;
    return {
      ...summary(row),
      payload: JSON.parse(payload) as unknown,
      attemptLog: attempts.map((a) => ({
        attemptedAt: new Date(a.attempted_at).toISOString(),
        status: a.status,
        latencyMs: a.latency_ms,
        errorCode: a.error_code,
        errorMessage: a.error_message,
        responseBody: a.response_body,
      })),
    };
  }

  /** Sends a failed delivery again, now, with the same `webhook-id`; its retry schedule starts over. */
  async retry(id: string): Promise<DeliverySummary> {
    const row = this.#row(id);
    if (row.status !== 'failed') {
      throw new ConflictError('delivery-not-failed', `Delivery '${id}' is ${row.status}; only a failed delivery can be retried by hand.`);
    }
    this.#requeue('id = @id', { id });
    return summary(this.#row(id));
  }

  /** Retries every failed delivery of an endpoint created since `since`; returns how many. */
  async recover(endpointId: string, since: string | Date): Promise<number> {
    const from = time.safeParse(since);
    if (!from.success) throw new ValidationError('The recovery', [{ field: 'since', message: 'since must be an ISO time' }]);
    if (this.endpoints.find(endpointId) === undefined) throw new NotFoundError('webhook endpoint', endpointId);
    return this.#requeue('endpoint_id = @endpointId AND created_at >= @since', { endpointId, since: from.data });
  }

  #requeue(where: string, params: Record<string, unknown>): number {
    const now = this.clock.now();
    const changes = this.db
      .prepare(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, updated_at = @now WHERE status = 'failed' AND ${where}`)
      .run({ ...params, now }).changes;
    if (changes > 0) this.queue.notify();
    return changes;
  }

  #row(id: string): DeliveryRow {
    const row = this.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as DeliveryRow | undefined;
    if (!row) throw new NotFoundError('delivery', id);
    return row;
  }
}

function summary(row: DeliveryRow): DeliverySummary {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    endpointId: row.endpoint_id,
    status: row.status,
    attempts: row.attempt_count,
    nextAttemptAt: row.status === 'pending' ? new Date(row.next_attempt_at).toISOString() : null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
