/**
 * Publishes an event: persists the event and one delivery per matching endpoint in one transaction
 * before anything is sent (at-least-once), and is idempotent by event id.
 */
import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { CORE, ValidationError, zodIssues, type Clock, type SqliteDatabase } from '@tessera/core';
import type { EndpointStore } from '../endpoints/endpoint-store.js';
import { EVENT_TYPE } from '../endpoints/event-filter.js';
import { WEBHOOKS } from '../tokens.js';
import type { DeliveryQueue } from './delivery-queue.js';

export interface PublishInput {
  /** Your event id; publishing the same id again creates no new deliveries. Default: generated. */
  id?: string;
  type: string;
  data: unknown;
}

const inputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'id may contain letters, digits and _ . : - (at most 100)').optional(),
    type: z.string({ error: 'type is required' }).max(200).regex(EVENT_TYPE, 'type is dot-separated words, e.g. invoice.paid'),
    data: z.unknown().refine((value) => value !== undefined, { message: 'data is required (any JSON value)' }),
  })
  .strict();

@injectable()
export class Publisher {
  readonly #insertEvent;
  readonly #insertDelivery;
  readonly #existing;

  constructor(
    @inject(WEBHOOKS.Database) private readonly db: SqliteDatabase,
    @inject(WEBHOOKS.EndpointStore) private readonly endpoints: EndpointStore,
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {
    this.#insertEvent = db.prepare('INSERT OR IGNORE INTO webhook_events (id, type, payload, created_at) VALUES (?, ?, ?, ?)');
    this.#insertDelivery = db.prepare(
      `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
    );
    this.#existing = db.prepare('SELECT id FROM webhook_deliveries WHERE event_id = ? ORDER BY id').pluck();
  }

  /** Returns the ids of the deliveries (one per matching endpoint); each is the `webhook-id` its requests carry. */
  async publish(input: PublishInput): Promise<string[]> {
    const parsed = inputSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError('The event', zodIssues(parsed.error));
    const { type, data } = parsed.data;
    const eventId = parsed.data.id ?? 'evt_' + randomBytes(12).toString('hex');
    const now = this.clock.now();
    let payload: string;
    try {
      payload = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
    } catch (error) {
      throw new ValidationError('The event', [{ field: 'data', message: `data must be JSON-serialisable (${(error as Error).message})` }]);
    }
    const targets = this.endpoints.matching(type);
    const ids = this.db.transaction(() => {
      if (this.#insertEvent.run(eventId, type, payload, now).changes === 0) return this.#existing.all(eventId) as string[];
      return targets.map((target) => {
        const id = 'msg_' + randomBytes(12).toString('hex');
        this.#insertDelivery.run(id, eventId, target.id, type, now, now, now);
        return id;
      });
    })();
    if (ids.length > 0) this.queue.notify();
    return ids;
  }
}
