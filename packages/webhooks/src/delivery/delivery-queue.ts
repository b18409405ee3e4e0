/**
 * The durable delivery queue on SQLite: events and their deliveries are written before anything is
 * sent; workers claim due deliveries with a lease, and a lease that runs out makes the work claimable
 * again, so a worker that dies mid-delivery loses nothing.
 */
import { EventEmitter } from 'node:events';
import { inject, injectable } from 'inversify';
import type { SqliteDatabase } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryOutcome } from './delivery-types.js';

interface ClaimRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  attempts: number;
  payload: string;
}

@injectable()
export class DeliveryQueue {
  /** Emits `work` when new deliveries are due now, so an idle dispatcher wakes at once. */
  readonly signals = new EventEmitter<{ work: [] }>();
  readonly #candidates;
  readonly #lease;
  readonly #payload;
  readonly #insertAttempt;
  readonly #finish;
  readonly #release;
  readonly #nextDue;

  constructor(@inject(WEBHOOKS.Database) private readonly db: SqliteDatabase) {
    this.#candidates = db.prepare(
      `SELECT d.id, d.endpoint_id FROM webhook_deliveries d
       JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1
       WHERE ((d.status = 'pending' AND d.next_attempt_at <= @now) OR (d.status = 'delivering' AND d.lease_expires_at <= @now))
         AND d.endpoint_id NOT IN (SELECT value FROM json_each(@saturated))
       ORDER BY d.next_attempt_at LIMIT @scan`,
    );
    this.#lease = db.prepare(
      `UPDATE webhook_deliveries SET status = 'delivering', lease_owner = @owner, lease_expires_at = @expires, updated_at = @now
       WHERE id = @id AND ((status = 'pending' AND next_attempt_at <= @now) OR (status = 'delivering' AND lease_expires_at <= @now))
       RETURNING id, event_id, endpoint_id, event_type, attempts`,
    );
    this.#payload = db.prepare('SELECT payload FROM webhook_events WHERE id = ?').pluck();
    this.#insertAttempt = db.prepare(
      `INSERT INTO webhook_attempts (delivery_id, attempted_at, status, latency_ms, error_code, error_message, response_body)
       VALUES (@deliveryId, @attemptedAt, @status, @latencyMs, @errorCode, @errorMessage, @responseBody)`,
    );
    this.#finish = db.prepare(
      `UPDATE webhook_deliveries SET status = @status, attempts = attempts + 1, next_attempt_at = @next, lease_owner = NULL,
         lease_expires_at = NULL, last_status = @lastStatus, last_error = @lastError, updated_at = @now
       WHERE id = @id`,
    );
    this.#release = db.prepare(
      `UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
       WHERE id = @id AND lease_owner = @owner AND status = 'delivering'`,
    );
    this.#nextDue = db.prepare(`SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'`).pluck();
  }

  /**
   * Claims up to `limit` due deliveries for `owner`, at most `capacity(endpointId)` per endpoint; the
   * `saturated` endpoints (no capacity left) are skipped in SQL so their backlog cannot crowd out others.
   */
  claim(owner: string, limit: number, now: number, leaseMs: number, saturated: readonly string[], capacity: (endpointId: string) => number): ClaimedDelivery[] {
    if (limit <= 0) return [];
    return this.db
      .transaction(() => {
        const taken = new Map<string, number>();
        const claimed: ClaimedDelivery[] = [];
        const rows = this.#candidates.all({ now, saturated: JSON.stringify(saturated), scan: limit * 4 }) as Array<{ id: string; endpoint_id: string }>;
        for (const row of rows) {
          if (claimed.length >= limit) break;
          const used = taken.get(row.endpoint_id) ?? 0;
          if (used >= capacity(row.endpoint_id)) continue;
          const leased = this.#lease.get({ id: row.id, owner, expires: now + leaseMs, now }) as Omit<ClaimRow, 'payload'> | undefined;
          if (!leased) continue;
          taken.set(row.endpoint_id, used + 1);
          claimed.push({
            id: leased.id,
            eventId: leased.event_id,
            endpointId: leased.endpoint_id,
            eventType: leased.event_type,
            attempts: leased.attempts,
            payload: this.#payload.get(leased.event_id) as string,
          });
        }
        return claimed;
      })
      .immediate();
  }

  /** Records the attempts of one try and moves the delivery on. */
  complete(id: string, attempts: readonly AttemptRecord[], outcome: DeliveryOutcome, now: number): void {
    const last = attempts.at(-1);
    this.db.transaction(() => {
      for (const attempt of attempts) this.#insertAttempt.run({ deliveryId: id, ...attempt });
      this.#finish.run({
        id,
        status: outcome.kind === 'succeeded' ? 'succeeded' : outcome.kind === 'failed' ? 'failed' : 'pending',
        next: outcome.kind === 'retry' ? outcome.nextAttemptAt : now,
        lastStatus: last?.status ?? null,
        lastError: outcome.kind === 'failed' ? outcome.reason : (last?.errorCode ?? null),
        now,
      });
    })();
    if (outcome.kind === 'retry' && outcome.nextAttemptAt <= now) this.signals.emit('work');
  }

  /** Gives a claimed delivery back untouched (graceful stop, or its endpoint was disabled meanwhile). */
  release(id: string, owner: string, now: number): void {
    this.#release.run({ id, owner, now });
  }

  /** When the earliest pending delivery is due, if any. */
  nextDueAt(): number | undefined {
    const value = this.#nextDue.get() as number | null;
    return value ?? undefined;
  }

  /** Deliveries by status, for health and metrics. */
  depth(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status').all() as Array<{ status: string; n: number }>;
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  notify(): void {
    this.signals.emit('work');
  }
}
