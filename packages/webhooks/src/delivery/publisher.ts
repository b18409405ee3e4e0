/**
 * Publishes an event: persists the event and one delivery per matching endpoint in one transaction
 * before anything is sent (at-least-once), and is idempotent by event id.
 */
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { CORE, ConflictError, INPUT_LIMITS, ValidationError, canonicalJson, zodIssues, type Clock, type SqliteDatabase } from '@tessera/core';
import { EVENT_TYPE, matchesEvent } from '../endpoints/event-filter.js';
import type { EndpointRecords } from '../endpoints/endpoint-records.js';
import { WEBHOOKS } from '../tokens.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { sortableId } from './sortable-id.js';

export interface PublishInput {
  /** Your event id; publishing the same id again creates no new deliveries. Default: generated. */
  id?: string;
  type: string;
  data: unknown;
  /**
   * Only this endpoint, whatever its event filter (a test event, "Send test event"). It must exist and
   * be enabled, else a `ValidationError` names the field.
   */
  endpointId?: string;
}

const inputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'id may contain letters, digits and _ . : - (at most 100)').optional(),
    type: z.string({ error: 'type is required' }).max(INPUT_LIMITS.eventType).regex(EVENT_TYPE, 'type is dot-separated words, e.g. invoice.paid'),
    data: z.unknown().refine((value) => value !== undefined, { message: 'data is required (any JSON value)' }),
    endpointId: z.string().min(1).optional(),
  })
  .strict();

interface PendingEvent {
  eventId: string;
  type: string;
  endpointId: string | undefined;
  payload: string;
  now: number;
  resolve: (ids: string[]) => void;
  reject: (error: unknown) => void;
}

@injectable()
export class Publisher {
  #batch: PendingEvent[] = [];
  readonly #insertEvent;
  readonly #insertDelivery;
  readonly #existing;
  readonly #stored;

  constructor(
    @inject(WEBHOOKS.Database) private readonly db: SqliteDatabase,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(WEBHOOKS.EndpointRecords) private readonly endpoints: EndpointRecords,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {
    this.#insertEvent = db.prepare('INSERT OR IGNORE INTO webhook_events (id, type, payload, created_at, target_endpoint_id) VALUES (?, ?, ?, ?, ?)');
    this.#insertDelivery = db.prepare(
      `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
    );
    this.#existing = db.prepare('SELECT id FROM webhook_deliveries WHERE event_id = ? ORDER BY id').pluck();
    this.#stored = db.prepare('SELECT type, payload, target_endpoint_id FROM webhook_events WHERE id = ?');
  }

  /**
   * Returns the ids of the deliveries (one per matching endpoint); each is the `webhook-id` its requests
   * carry. It resolves once they are committed. Calls made in the same turn of the event loop share
   * one transaction (group commit), so concurrent publishers are not limited by one commit each.
   */
  publish(input: PublishInput): Promise<string[]> {
    const parsed = inputSchema.safeParse(input);
    if (!parsed.success) return Promise.reject(new ValidationError('The event', zodIssues(parsed.error)));
    const { type, data, endpointId } = parsed.data;
    if (endpointId !== undefined) {
      const target = this.endpoints.find(endpointId);
      const problem = !target ? `webhook endpoint '${endpointId}' does not exist` : target.enabled !== 1 ? `webhook endpoint '${target.name}' is disabled; enable it first` : undefined;
      if (problem) return Promise.reject(new ValidationError('The event', [{ field: 'endpointId', message: problem }]));
    }
    const now = this.clock.now();
    const eventId = parsed.data.id ?? sortableId('evt', now);
    let payload: string;
    try {
      payload = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
    } catch (error) {
      return Promise.reject(new ValidationError('The event', [{ field: 'data', message: `data must be JSON-serialisable (${(error as Error).message})` }]));
    }
    return new Promise((resolve, reject) => {
      this.#batch.push({ eventId, type, endpointId, payload, now, resolve, reject });
      if (this.#batch.length === 1) setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    let results: Array<string[] | ConflictError>;
    try {
      // IMMEDIATE: take the write lock before reading, so another process's commit waits in the busy
      // timeout instead of failing this batch with SQLITE_BUSY when a read transaction turns into a write.
      results = this.db
        .transaction(() => {
          // Read inside the transaction: exactly the endpoints enabled when the event is committed,
          // whichever process changed them.
          const endpoints = this.endpoints.enabled().map((row) => ({ id: row.id, events: JSON.parse(row.events) as string[] }));
          return batch.map((event) => this.#insert(event, endpoints));
        })
        .immediate();
    } catch (error) {
      for (const event of batch) event.reject(error);
      return;
    }
    batch.forEach((event, i) => {
      const result = results[i] as string[] | ConflictError;
      if (result instanceof ConflictError) event.reject(result);
      else event.resolve(result);
    });
    if (results.some((ids) => Array.isArray(ids) && ids.length > 0)) this.queue.notify();
  }

  /** The deliveries of a new event; for an id published before, the first event's deliveries, if it is the same event. */
  #insert(event: PendingEvent, endpoints: ReadonlyArray<{ id: string; events: string[] }>): string[] | ConflictError {
    if (this.#insertEvent.run(event.eventId, event.type, event.payload, event.now, event.endpointId ?? null).changes === 0) {
      const conflict = this.#conflict(event);
      return conflict ?? (this.#existing.all(event.eventId) as string[]);
    }
    const chosen = event.endpointId === undefined ? endpoints.filter((endpoint) => matchesEvent(endpoint.events, event.type)) : endpoints.filter((endpoint) => endpoint.id === event.endpointId);
    return chosen.map((target) => {
      const id = sortableId('msg', event.now);
      this.#insertDelivery.run(id, event.eventId, target.id, event.type, event.now, event.now, event.now);
      return id;
    });
  }

  /** Publishing an id again is idempotent only for the same event: another type or body under that id is refused. */
  #conflict(event: PendingEvent): ConflictError | undefined {
    const first = this.#stored.get(event.eventId) as { type: string; payload: string; target_endpoint_id: string | null } | undefined;
    if (!first) return undefined;
    const sameData = canonicalJson((JSON.parse(first.payload) as { data: unknown }).data) === canonicalJson((JSON.parse(event.payload) as { data: unknown }).data);
    // Sent to one endpoint only, or to every matching one: that is part of the event too.
    const sameTarget = first.target_endpoint_id === (event.endpointId ?? null);
    if (first.type === event.type && sameData && sameTarget) return undefined;
    const target = (id: string | null) => (id === null ? 'every matching endpoint' : `endpoint '${id}' only`);
    const what =
      first.type !== event.type
        ? `type '${event.type}' (it was '${first.type}')`
        : !sameData
          ? 'the same type with other data'
          : `another target: ${target(event.endpointId ?? null)} (it was ${target(first.target_endpoint_id)})`;
    return new ConflictError(
      'event-id-conflict',
      `Event '${event.eventId}' was published before with other content; this one has ${what}. An event id names one event: reuse it only to publish that same event again, and give a new event a new id.`,
      { eventId: event.eventId },
    );
  }
}
