/**
 * The durable delivery queue on PostgreSQL, shared by every instance: due work is a row of the small
 * `webhook_due` table, a claim a row of `webhook_claims` (a pending delivery is in exactly one of them);
 * a claim is one short transaction in one round trip (the `tessera_claim_deliveries` function: claims
 * whose lease ran out, then due rows, `FOR UPDATE SKIP LOCKED`, the fleet-wide per-endpoint limit
 * checked under a per-endpoint advisory lock), committed before anything is sent; leases on the
 * database clock with an owner, renewed while held; outcomes fenced by owner and written in batches of
 * one call each (a HOT update of the delivery row, its attempts, a retry back on the due queue); a
 * publish NOTIFYs `tessera_work` so idle dispatchers on every instance wake at once.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'winston';
import type { PostgresDatabase, PostgresQueryable, StorageHealth } from '@tessera/core';
import { matchesEvent } from '../endpoints/event-filter.js';
import { REQUEUE_RELEASED, WORK_CHANNEL } from '../store/webhook-postgres-migrations.js';
import { ensureWebhookSchema } from '../store/ensure-webhook-schema.js';
import type { AppendResult, ClaimRequest, DeliveryQueue, EnabledEndpoints, NewEvent } from './delivery-queue.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryOutcome } from './delivery-types.js';
import { sortableId } from './sortable-id.js';
import { UnwrittenOutcomes } from './unwritten-outcomes.js';

const COMPLETION_BATCH = 64;
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

/** An event id seen as published before was gone when read back (pruned meanwhile). */
class PrunedMeanwhile extends Error {}

interface CandidateRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  attempts: number;
}


export class PostgresDeliveryQueue implements DeliveryQueue {
  readonly signals = new EventEmitter<{ work: [] }>();
  #completions: Completion[] = [];
  #flushSoon: NodeJS.Immediate | undefined;
  #flushing: Promise<void> | undefined;
  readonly #unwritten: UnwrittenOutcomes;
  #listening = false;

  constructor(
    private readonly db: PostgresDatabase,
    logger: Logger,
    storage: StorageHealth,
  ) {
    this.#unwritten = new UnwrittenOutcomes(logger, storage);
  }

  async #ready(): Promise<PostgresDatabase> {
    await ensureWebhookSchema(this.db);
    if (!this.#listening) {
      this.#listening = true;
      this.db.listen(WORK_CHANNEL, () => this.signals.emit('work'));
    }
    return this.db;
  }

  async append(events: readonly NewEvent[], endpoints: EnabledEndpoints): Promise<AppendResult[]> {
    // An event id published before may be pruned between its insert (not made: the id was there) and the
    // read of it: then it is new after all, and the whole batch is written again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#append(events, endpoints);
      } catch (error) {
        if (!(error instanceof PrunedMeanwhile) || attempt === 3) throw error;
      }
    }
  }

  async #append(events: readonly NewEvent[], endpoints: EnabledEndpoints): Promise<AppendResult[]> {
    const db = await this.#ready();
    const results = await db.transaction(async (tx) => {
      const enabled =
        endpoints === 'stored'
          ? (await tx.query<{ id: string; events: string }>('SELECT id, events FROM webhook_endpoints WHERE enabled = 1')).map((row) => ({ id: row.id, events: JSON.parse(row.events) as string[] }))
          : endpoints;
      // Each event's deliveries, made as if its id were new (only the first of an id in the batch); the one
      // statement below writes the events, the deliveries of those whose id was new, their due rows and
      // the NOTIFY, and hands back the ids it inserted (the others were published before).
      const deliveries: Array<{ id: string; eventId: string; endpointId: string; type: string; now: number }> = [];
      const planned: Array<string[] | undefined> = [];
      const firstInBatch = new Set<string>();
      for (const event of events) {
        if (firstInBatch.has(event.eventId)) {
          planned.push(undefined);
          continue;
        }
        firstInBatch.add(event.eventId);
        const chosen = event.endpointId === undefined ? enabled.filter((endpoint) => matchesEvent(endpoint.events, event.type)) : enabled.filter((endpoint) => endpoint.id === event.endpointId);
        planned.push(
          chosen.map((target) => {
            const id = sortableId('msg', event.now);
            deliveries.push({ id, eventId: event.eventId, endpointId: target.id, type: event.type, now: event.now });
            return id;
          }),
        );
      }
      const inserted = new Set(
        (
          await tx.query<{ id: string }>(
            `WITH event AS (
               INSERT INTO webhook_events (id, type, payload, created_at, target_endpoint_id)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) ON CONFLICT (id) DO NOTHING RETURNING id
             ), delivery AS (
               INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
               SELECT d.id, d.event_id, d.endpoint_id, d.event_type, 'pending', 0, d.at, d.at, d.at FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[]) AS d(id, event_id, endpoint_id, event_type, at)
               WHERE d.event_id IN (SELECT id FROM event)
               RETURNING id, endpoint_id, next_attempt_at
             ), due AS (
               INSERT INTO webhook_due (delivery_id, endpoint_id, due_at) SELECT id, endpoint_id, next_attempt_at FROM delivery RETURNING 1
             ), notified AS (
               SELECT pg_notify($11::text, '') FROM (SELECT 1 FROM due LIMIT 1) AS made WHERE $11::text IS NOT NULL
             )
             -- A CTE that only reads runs when something reads it: the NOTIFY is read here, once.
             SELECT id, (SELECT count(*) FROM notified) AS notified FROM event`,
            [
              events.map((e) => e.eventId),
              events.map((e) => e.type),
              events.map((e) => e.payload),
              events.map((e) => e.now),
              events.map((e) => e.endpointId ?? null),
              deliveries.map((d) => d.id),
              deliveries.map((d) => d.eventId),
              deliveries.map((d) => d.endpointId),
              deliveries.map((d) => d.type),
              deliveries.map((d) => d.now),
              db.notifyChannel(WORK_CHANNEL),
            ],
          )
        ).map((row) => row.id),
      );
      const results = events.map((event, i): AppendResult | undefined => {
        const ids = planned[i];
        return ids !== undefined && inserted.has(event.eventId) ? { inserted: true, deliveryIds: ids } : undefined;
      });
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
        const first = stored.get(event.eventId);
        if (first === undefined) throw new PrunedMeanwhile();
        return { inserted: false, ...first };
      });
    });
    if (results.some((result) => result.inserted && result.deliveryIds.length > 0)) this.signals.emit('work');
    return results;
  }

  /**
   * One round trip (`tessera_complete_and_claim`): due work without a live claim (a claim whose lease ran
   * out is taken over), at most `perEndpoint` claimed per endpoint by the whole fleet (which also bounds
   * this worker's own `capacity`), leased on the database clock.
   */
  async claim({ owner, limit, now, leaseMs, excluded, perEndpoint }: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const db = await this.#ready();
    // Outcomes waiting to be written ride along (one round trip frees their slots and fills them again);
    // not while a write of theirs is under way or being retried, so their order and fate stay plain.
    const batch = this.#flushing === undefined && !this.#unwritten.retrying ? this.#completions.splice(0, COMPLETION_BATCH) : [];
    let rows: Array<CandidateRow & { applied: boolean; payload: string }>;
    try {
      rows = await db.query(
        'SELECT * FROM tessera_complete_and_claim($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)',
        [...outcomeArguments(batch), owner, limit, now, leaseMs, excluded, perEndpoint],
      );
    } catch (error) {
      if (batch.length > 0) this.#retry(batch, error);
      throw error;
    }
    if (batch.length > 0) this.#settle(batch, new Set(rows.filter((row) => row.applied).map((row) => row.id)));
    return rows
      .filter((row) => !row.applied)
      .map((row) => ({ id: row.id, seq: 0, eventId: row.event_id, endpointId: row.endpoint_id, eventType: row.event_type, attempts: row.attempts, payload: row.payload }));
  }

  complete(delivery: Pick<ClaimedDelivery, 'id' | 'seq'>, owner: string, attempts: readonly AttemptRecord[], outcome: DeliveryOutcome, now: number, settled: (applied: boolean) => void): void {
    this.#completions.push({ id: delivery.id, owner, attempts, outcome, now, settled });
    // Written at once when nothing is being written (a claimed delivery holds its endpoint's fleet-wide
    // slot until then); what arrives during a write goes in the next, in one statement.
    if (this.#unwritten.retrying || this.#flushing !== undefined) return;
    if (this.#flushSoon === undefined) {
      this.#flushSoon = setImmediate(() => {
        this.#flushSoon = undefined;
        void this.flush();
      });
    }
  }

  /** One batch at a time; what arrives meanwhile goes in the next. */
  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing.then(() => this.flush());
    const batch = this.#completions.splice(0, COMPLETION_BATCH);
    if (batch.length === 0) return Promise.resolve();
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
      if (this.#completions.length > 0 && !this.#unwritten.retrying) void this.flush();
    });
    return this.#flushing;
  }

  async #write(batch: Completion[]): Promise<void> {
    let applied: Set<string>;
    try {
      applied = await this.#apply(await this.#ready(), batch);
    } catch (error) {
      this.#retry(batch, error);
      return;
    }
    this.#settle(batch, applied);
  }

  /** A write failed: the outcomes wait and are tried again shortly (the claims stay held, renewed, meanwhile). */
  #retry(batch: Completion[], error: unknown): void {
    this.#completions = this.#unwritten.failed(batch, this.#completions.splice(0), error, this.db.closed, () => void this.flush());
  }

  #settle(batch: readonly Completion[], applied: ReadonlySet<string>): void {
    if (batch.length > 0) this.#unwritten.written();
    for (const completion of batch) completion.settled(applied.has(completion.id));
    if (batch.some(({ outcome, now }) => outcome.kind === 'retry' && outcome.nextAttemptAt <= now)) this.signals.emit('work');
  }

  /** One call of `tessera_record_outcomes`: fenced, and the attempts of the outcomes applied recorded with them. */
  async #apply(db: PostgresQueryable, batch: readonly Completion[]): Promise<Set<string>> {
    const applied = await db.query<{ id: string }>('SELECT id FROM tessera_record_outcomes($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)', outcomeArguments(batch));
    return new Set(applied.map((row) => row.id));
  }

  async renew(owner: string, ids: readonly string[], _expires: number, leaseMs: number): Promise<void> {
    if (ids.length === 0) return;
    const db = await this.#ready();
    await db.query(`UPDATE webhook_claims SET expires_at = ${DB_NOW_MS} + $3 WHERE owner = $1 AND delivery_id = ANY($2::text[])`, [owner, ids, leaseMs]);
  }

  async release(id: string, owner: string, _now: number): Promise<void> {
    const db = await this.#ready();
    await db.query(`WITH released AS (DELETE FROM webhook_claims WHERE delivery_id = $1 AND owner = $2 RETURNING delivery_id, endpoint_id) ${REQUEUE_RELEASED}`, [id, owner]);
  }

  async nextDueAt(excluded: readonly string[] = []): Promise<number | undefined> {
    const db = await this.#ready();
    // Claimed work is not due for this worker: the earliest pending delivery without a live claim.
    // (A claim whose lease ran out is due now for a claim, whichever clock says so.)
    const [row] = await db.query<{ at: number | null }>(
      `SELECT LEAST(
         (SELECT q.due_at FROM webhook_due q WHERE NOT (q.endpoint_id = ANY($1::text[])) ORDER BY q.due_at LIMIT 1),
         (SELECT MIN(d.next_attempt_at) FROM webhook_claims k JOIN webhook_deliveries d ON d.id = k.delivery_id
            WHERE k.expires_at <= ${DB_NOW_MS} AND NOT (k.endpoint_id = ANY($1::text[])))
       ) AS at`,
      [excluded],
    );
    return row?.at ?? undefined;
  }

  async failEndpoint(endpointId: string, now: number): Promise<number> {
    const db = await this.#ready();
    // A claim in flight loses its row, so its outcome is fenced out.
    const [row] = await db.query<{ failed: number }>(
      `WITH failed AS (
         UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint-deleted', updated_at = $2 WHERE endpoint_id = $1 AND status = 'pending' RETURNING id
       ), unqueued AS (
         DELETE FROM webhook_due WHERE delivery_id IN (SELECT id FROM failed)
       ), unclaimed AS (
         DELETE FROM webhook_claims WHERE delivery_id IN (SELECT id FROM failed)
       ) SELECT COUNT(*)::int AS failed FROM failed`,
      [endpointId, now],
    );
    return row?.failed ?? 0;
  }

  async depth(): Promise<Record<string, number>> {
    const db = await this.#ready();
    const rows = await db.query<{ status: string; n: number }>(
      `SELECT status, COUNT(*)::int AS n FROM webhook_deliveries GROUP BY status
       UNION ALL SELECT 'delivering', COUNT(*)::int FROM webhook_claims k JOIN webhook_deliveries d ON d.id = k.delivery_id AND d.status = 'pending' WHERE k.expires_at > ${DB_NOW_MS}`,
    );
    const depth = Object.fromEntries(rows.map((row) => [row.status, row.n]));
    // A claimed delivery is 'pending' in its row: counted once, as delivering.
    if (depth.pending !== undefined) depth.pending -= depth.delivering ?? 0;
    return depth;
  }

  notify(): void {
    this.signals.emit('work');
  }
}

/** The fourteen arrays `tessera_record_outcomes` takes: one entry per outcome, then one per attempt. */
function outcomeArguments(batch: readonly Completion[]): unknown[] {
  const attempts = batch.flatMap((c) => c.attempts.map((a) => ({ id: c.id, ...a })));
  const last = (c: Completion) => c.attempts.at(-1);
  return [
    batch.map((c) => c.id),
    batch.map((c) => c.owner),
    batch.map((c) => (c.outcome.kind === 'succeeded' ? 'succeeded' : c.outcome.kind === 'failed' ? 'failed' : 'pending')),
    batch.map((c) => (c.outcome.kind === 'retry' ? c.outcome.nextAttemptAt : c.now)),
    batch.map((c) => last(c)?.status ?? null),
    batch.map((c) => (c.outcome.kind === 'failed' ? c.outcome.reason : (last(c)?.errorCode ?? null))),
    batch.map((c) => c.now),
    attempts.map((a) => a.id),
    attempts.map((a) => a.attemptedAt),
    attempts.map((a) => a.status),
    attempts.map((a) => Math.round(a.latencyMs)),
    attempts.map((a) => a.errorCode),
    attempts.map((a) => a.errorMessage),
    attempts.map((a) => a.responseBody),
  ];
}
