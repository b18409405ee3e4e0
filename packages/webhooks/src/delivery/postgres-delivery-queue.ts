/**
 * The durable delivery queue on PostgreSQL, shared by every instance: claims are one short transaction
 * (candidates `FOR UPDATE SKIP LOCKED`, the fleet-wide per-endpoint limit checked under a per-endpoint
 * advisory lock, one batched `UPDATE … RETURNING`), committed before anything is sent; leases on the
 * database clock with an owner, renewed while held; outcomes fenced by owner and written in batches;
 * a publish NOTIFYs `tessera_work` so idle dispatchers on every instance wake at once.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'winston';
import type { PostgresDatabase, PostgresQueryable } from '@tessera/core';
import { matchesEvent } from '../endpoints/event-filter.js';
import { WORK_CHANNEL, webhookPostgresMigrations } from '../store/webhook-postgres-migrations.js';
import type { AppendResult, ClaimRequest, DeliveryQueue, EnabledEndpoints, NewEvent } from './delivery-queue.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryOutcome } from './delivery-types.js';
import { sortableId } from './sortable-id.js';

const COMPLETION_BATCH = 64;
const COMPLETION_DELAY_MS = 4;
/** The database clock in milliseconds: leases are judged on it, whatever each instance's clock says. */
export const DB_NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

interface Completion {
  id: string;
  owner: string;
  attempts: readonly AttemptRecord[];
  outcome: DeliveryOutcome;
  now: number;
  settled: (applied: boolean) => void;
}

interface CandidateRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  attempts: number;
}

/** A stable 32-bit key per endpoint for its advisory lock (hashtext is PostgreSQL's own). */
const ENDPOINT_LOCKS = `SELECT pg_advisory_xact_lock(hashtext('tessera-endpoint:' || e)) FROM unnest($1::text[]) AS e ORDER BY hashtext('tessera-endpoint:' || e)`;

export class PostgresDeliveryQueue implements DeliveryQueue {
  readonly signals = new EventEmitter<{ work: [] }>();
  #completions: Completion[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #listening = false;

  constructor(
    private readonly db: PostgresDatabase,
    private readonly logger: Logger,
  ) {}

  async #ready(): Promise<PostgresDatabase> {
    await this.db.ensureSchema('webhooks', webhookPostgresMigrations);
    if (!this.#listening) {
      this.#listening = true;
      this.db.listen(WORK_CHANNEL, () => this.signals.emit('work'));
    }
    return this.db;
  }

  async append(events: readonly NewEvent[], endpoints: EnabledEndpoints): Promise<AppendResult[]> {
    const db = await this.#ready();
    const results = await db.transaction(async (tx) => {
      const enabled =
        endpoints === 'stored'
          ? (await tx.query<{ id: string; events: string }>('SELECT id, events FROM webhook_endpoints WHERE enabled = 1')).map((row) => ({ id: row.id, events: JSON.parse(row.events) as string[] }))
          : endpoints;
      // One statement for the events: those whose id is new come back; the others were published before.
      const inserted = new Set(
        (
          await tx.query<{ id: string }>(
            `INSERT INTO webhook_events (id, type, payload, created_at, target_endpoint_id)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) ON CONFLICT (id) DO NOTHING RETURNING id`,
            [events.map((e) => e.eventId), events.map((e) => e.type), events.map((e) => e.payload), events.map((e) => e.now), events.map((e) => e.endpointId ?? null)],
          )
        ).map((row) => row.id),
      );
      const deliveries: Array<{ id: string; eventId: string; endpointId: string; type: string; now: number }> = [];
      const results: Array<AppendResult | undefined> = [];
      const firstInBatch = new Map<string, number>();
      events.forEach((event, i) => {
        const earlier = firstInBatch.get(event.eventId);
        if (!inserted.has(event.eventId) || earlier !== undefined) {
          results.push(undefined);
          return;
        }
        firstInBatch.set(event.eventId, i);
        const chosen = event.endpointId === undefined ? enabled.filter((endpoint) => matchesEvent(endpoint.events, event.type)) : enabled.filter((endpoint) => endpoint.id === event.endpointId);
        const ids = chosen.map((target) => {
          const id = sortableId('msg', event.now);
          deliveries.push({ id, eventId: event.eventId, endpointId: target.id, type: event.type, now: event.now });
          return id;
        });
        results.push({ inserted: true, deliveryIds: ids });
      });
      if (deliveries.length > 0) {
        await tx.query(
          `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
           SELECT d.id, d.event_id, d.endpoint_id, d.event_type, 'pending', 0, d.at, d.at, d.at FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS d(id, event_id, endpoint_id, event_type, at)`,
          [deliveries.map((d) => d.id), deliveries.map((d) => d.eventId), deliveries.map((d) => d.endpointId), deliveries.map((d) => d.type), deliveries.map((d) => d.now)],
        );
        await db.notify(WORK_CHANNEL, '', tx);
      }
      // Ids published before (or twice in this batch): the first event as stored, and its deliveries.
      const again = [...new Set(events.filter((_, i) => results[i] === undefined).map((e) => e.eventId))];
      const stored = new Map<string, { first: { type: string; payload: string; targetEndpointId: string | null }; deliveryIds: string[] }>();
      if (again.length > 0) {
        for (const row of await tx.query<{ id: string; type: string; payload: string; target: string | null; deliveries: string[] | null }>(
          `SELECT e.id, e.type, e.payload, e.target_endpoint_id AS target,
             (SELECT array_agg(d.id ORDER BY d.id) FROM webhook_deliveries d WHERE d.event_id = e.id) AS deliveries
           FROM webhook_events e WHERE e.id = ANY($1::text[])`,
          [again],
        )) {
          stored.set(row.id, { first: { type: row.type, payload: row.payload, targetEndpointId: row.target }, deliveryIds: row.deliveries ?? [] });
        }
      }
      return events.map((event, i): AppendResult => {
        const result = results[i];
        if (result !== undefined) return result;
        const first = stored.get(event.eventId) as { first: { type: string; payload: string; targetEndpointId: string | null }; deliveryIds: string[] };
        return { inserted: false, ...first };
      });
    });
    if (results.some((result) => result.inserted && result.deliveryIds.length > 0)) this.signals.emit('work');
    return results;
  }

  async claim({ owner, limit, now, leaseMs, excluded, capacity, perEndpoint }: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const db = await this.#ready();
    return db.transaction(async (tx) => {
      const scan = limit * 2;
      // Candidates: claims whose lease ran out (rare), then due pending work; rows another claimer holds
      // are skipped, and so are endpoints at their limit across the fleet, so their backlog cannot fill the scan.
      const busy = `SELECT endpoint_id FROM webhook_deliveries WHERE status = 'delivering' AND lease_expires_at > ${DB_NOW_MS} GROUP BY endpoint_id HAVING COUNT(*) >= $3`;
      const expired = await tx.query<CandidateRow>(
        `SELECT id, event_id, endpoint_id, event_type, attempts FROM webhook_deliveries
         WHERE status = 'delivering' AND lease_expires_at <= ${DB_NOW_MS} AND NOT (endpoint_id = ANY($1::text[])) AND endpoint_id NOT IN (${busy})
         LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [excluded, scan, perEndpoint],
      );
      const due = await tx.query<CandidateRow>(
        `SELECT id, event_id, endpoint_id, event_type, attempts FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $4 AND NOT (endpoint_id = ANY($1::text[])) AND endpoint_id NOT IN (${busy})
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [excluded, Math.max(0, scan - expired.length), perEndpoint, now],
      );
      const candidates = [...expired, ...due];
      if (candidates.length === 0) return [];
      // The fleet-wide limit: claimers of one endpoint take their turns (advisory locks in one order, so
      // none waits on another in a cycle), then count what the whole fleet holds of it now.
      const endpointIds = [...new Set(candidates.map((row) => row.endpoint_id))];
      await tx.query(ENDPOINT_LOCKS, [endpointIds]);
      const held = new Map(
        (
          await tx.query<{ endpoint_id: string; n: number }>(
            `SELECT endpoint_id, COUNT(*)::int AS n FROM webhook_deliveries
             WHERE status = 'delivering' AND lease_expires_at > ${DB_NOW_MS} AND endpoint_id = ANY($1::text[]) GROUP BY endpoint_id`,
            [endpointIds],
          )
        ).map((row) => [row.endpoint_id, row.n]),
      );
      const taken = new Map<string, number>();
      const chosen: CandidateRow[] = [];
      for (const row of candidates) {
        if (chosen.length >= limit) break;
        const mine = taken.get(row.endpoint_id) ?? 0;
        if (mine >= capacity(row.endpoint_id) || (held.get(row.endpoint_id) ?? 0) + mine >= perEndpoint) continue;
        taken.set(row.endpoint_id, mine + 1);
        chosen.push(row);
      }
      if (chosen.length === 0) return [];
      await tx.query(
        `UPDATE webhook_deliveries SET status = 'delivering', lease_owner = $2, lease_expires_at = ${DB_NOW_MS} + $3, updated_at = $4 WHERE id = ANY($1::text[])`,
        [chosen.map((row) => row.id), owner, leaseMs, now],
      );
      const payloads = new Map(
        (await tx.query<{ id: string; payload: string }>('SELECT id, payload FROM webhook_events WHERE id = ANY($1::text[])', [[...new Set(chosen.map((row) => row.event_id))]])).map((row) => [
          row.id,
          row.payload,
        ]),
      );
      return chosen.map((row) => ({
        id: row.id,
        seq: 0,
        eventId: row.event_id,
        endpointId: row.endpoint_id,
        eventType: row.event_type,
        attempts: row.attempts,
        payload: payloads.get(row.event_id) as string,
      }));
    });
  }

  complete(delivery: Pick<ClaimedDelivery, 'id' | 'seq'>, owner: string, attempts: readonly AttemptRecord[], outcome: DeliveryOutcome, now: number, settled: (applied: boolean) => void): void {
    this.#completions.push({ id: delivery.id, owner, attempts, outcome, now, settled });
    if (this.#retryTimer !== undefined || this.#flushing !== undefined) return;
    if (this.#completions.length >= COMPLETION_BATCH) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
      void this.flush();
    } else {
      this.#flushTimer ??= setTimeout(() => void this.flush(), COMPLETION_DELAY_MS);
    }
  }

  /** One batch at a time; what arrives meanwhile goes in the next. */
  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing.then(() => this.flush());
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const batch = this.#completions;
    this.#completions = [];
    if (batch.length === 0) return Promise.resolve();
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
      if (this.#completions.length > 0 && this.#retryTimer === undefined) this.#flushTimer ??= setTimeout(() => void this.flush(), COMPLETION_DELAY_MS);
    });
    return this.#flushing;
  }

  async #write(batch: Completion[]): Promise<void> {
    let applied: Set<string>;
    try {
      const db = await this.#ready();
      applied = await db.transaction((tx) => this.#apply(tx, batch));
    } catch (error) {
      this.logger.error('recording delivery outcomes failed; retrying', { count: batch.length, error: (error as Error).message });
      this.#completions = [...batch, ...this.#completions];
      this.#retryTimer ??= setTimeout(() => {
        this.#retryTimer = undefined;
        void this.flush();
      }, 200);
      return;
    }
    for (const completion of batch) completion.settled(applied.has(completion.id));
    if (batch.some(({ outcome, now }) => outcome.kind === 'retry' && outcome.nextAttemptAt <= now)) this.signals.emit('work');
  }

  /** Fenced: only a claim still held by its owner takes the outcome; the attempts of those are recorded. */
  async #apply(tx: PostgresQueryable, batch: readonly Completion[]): Promise<Set<string>> {
    const rows = batch.map(({ id, owner, attempts, outcome, now }) => {
      const last = attempts.at(-1);
      return {
        id,
        owner,
        status: outcome.kind === 'succeeded' ? 'succeeded' : outcome.kind === 'failed' ? 'failed' : 'pending',
        next: outcome.kind === 'retry' ? outcome.nextAttemptAt : now,
        lastStatus: last?.status ?? null,
        lastError: outcome.kind === 'failed' ? outcome.reason : (last?.errorCode ?? null),
        now,
      };
    });
    const applied = new Set(
      (
        await tx.query<{ id: string }>(
          `UPDATE webhook_deliveries d SET status = o.status, attempts = d.attempts + 1, next_attempt_at = o.next, lease_owner = NULL, lease_expires_at = NULL,
             last_status = o.last_status, last_error = o.last_error, updated_at = o.now
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::bigint[]) AS o(id, owner, status, next, last_status, last_error, now)
           WHERE d.id = o.id AND d.lease_owner = o.owner AND d.status = 'delivering' RETURNING d.id`,
          [rows.map((r) => r.id), rows.map((r) => r.owner), rows.map((r) => r.status), rows.map((r) => r.next), rows.map((r) => r.lastStatus), rows.map((r) => r.lastError), rows.map((r) => r.now)],
        )
      ).map((row) => row.id),
    );
    const attempts = batch.filter((c) => applied.has(c.id)).flatMap((c) => c.attempts.map((a) => ({ id: c.id, ...a })));
    if (attempts.length > 0) {
      await tx.query(
        `INSERT INTO webhook_attempts (delivery_id, attempted_at, status, latency_ms, error_code, error_message, response_body)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[])`,
        [
          attempts.map((a) => a.id),
          attempts.map((a) => a.attemptedAt),
          attempts.map((a) => a.status),
          attempts.map((a) => Math.round(a.latencyMs)),
          attempts.map((a) => a.errorCode),
          attempts.map((a) => a.errorMessage),
          attempts.map((a) => a.responseBody),
        ],
      );
    }
    return applied;
  }

  async renew(owner: string, ids: readonly string[], _expires: number, leaseMs: number): Promise<void> {
    if (ids.length === 0) return;
    const db = await this.#ready();
    await db.query(`UPDATE webhook_deliveries SET lease_expires_at = ${DB_NOW_MS} + $3 WHERE lease_owner = $1 AND status = 'delivering' AND id = ANY($2::text[])`, [owner, ids, leaseMs]);
  }

  async release(id: string, owner: string, now: number): Promise<void> {
    const db = await this.#ready();
    await db.query(`UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'delivering'`, [
      id,
      owner,
      now,
    ]);
  }

  async nextDueAt(excluded: readonly string[] = []): Promise<number | undefined> {
    const db = await this.#ready();
    const [row] = await db.query<{ at: number | null }>(`SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending' AND NOT (endpoint_id = ANY($1::text[]))`, [excluded]);
    return row?.at ?? undefined;
  }

  async failEndpoint(endpointId: string, now: number): Promise<void> {
    const db = await this.#ready();
    await db.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint-deleted', lease_owner = NULL, lease_expires_at = NULL, updated_at = $2
       WHERE endpoint_id = $1 AND status IN ('pending', 'delivering')`,
      [endpointId, now],
    );
  }

  async depth(): Promise<Record<string, number>> {
    const db = await this.#ready();
    const rows = await db.query<{ status: string; n: number }>('SELECT status, COUNT(*)::int AS n FROM webhook_deliveries GROUP BY status');
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  notify(): void {
    this.signals.emit('work');
  }
}
