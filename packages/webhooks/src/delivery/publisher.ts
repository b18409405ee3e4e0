/**
 * Publishes an event: persists the event and one delivery per matching endpoint in one transaction
 * before anything is sent (at-least-once), and is idempotent by event id. A publish refused for lack of
 * space is a `StorageFullError` (nothing of it was saved, so nothing was acknowledged).
 */
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { CORE, ConflictError, INPUT_LIMITS, ValidationError, canonicalJson, lazily, zodIssues, type Clock, type StorageHealth } from '@tessera/core';
import { EVENT_TYPE } from '../endpoints/event-filter.js';
import type { EndpointRecords } from '../endpoints/endpoint-records.js';
import { WEBHOOKS } from '../tokens.js';
import type { AppendResult, DeliveryQueue, EnabledEndpoints, NewEvent } from './delivery-queue.js';
import { eventBody } from './event-body.js';
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

// Built on first use (see lazily).
const inputSchema = lazily(() =>
  z
    .object({
      id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'id may contain letters, digits and _ . : - (at most 100)').optional(),
      type: z.string({ error: 'type is required' }).max(INPUT_LIMITS.eventType).regex(EVENT_TYPE, 'type is dot-separated words, e.g. invoice.paid'),
      data: z.unknown().refine((value) => value !== undefined, { message: 'data is required (any JSON value)' }),
      endpointId: z.string().min(1).optional(),
    })
    .strict(),
);

interface PendingEvent extends NewEvent {
  resolve: (ids: string[]) => void;
  reject: (error: unknown) => void;
}

@injectable()
export class Publisher {
  #batch: PendingEvent[] = [];

  constructor(
    @inject(WEBHOOKS.DeliveryQueue) private readonly queue: DeliveryQueue,
    @inject(WEBHOOKS.EndpointRecords) private readonly endpoints: EndpointRecords,
    @inject(CORE.Clock) private readonly clock: Clock,
    @inject(CORE.StorageHealth) private readonly storage: StorageHealth,
  ) {}

  /**
   * Returns the ids of the deliveries (one per matching endpoint); each is the `webhook-id` its requests
   * carry. It resolves once they are committed. Calls made in the same turn of the event loop share
   * one transaction (group commit), so concurrent publishers are not limited by one commit each.
   */
  async publish(input: PublishInput): Promise<string[]> {
    const parsed = inputSchema().safeParse(input);
    if (!parsed.success) throw new ValidationError('The event', zodIssues(parsed.error));
    const { type, data, endpointId } = parsed.data;
    if (endpointId !== undefined) {
      const target = await this.endpoints.find(endpointId);
      const problem = !target ? `webhook endpoint '${endpointId}' does not exist` : target.enabled !== 1 ? `webhook endpoint '${target.name}' is disabled; enable it first` : undefined;
      if (problem) throw new ValidationError('The event', [{ field: 'endpointId', message: problem }]);
    }
    const now = this.clock.now();
    const eventId = parsed.data.id ?? sortableId('evt', now);
    let dataJson: string | undefined;
    try {
      dataJson = JSON.stringify(data) as string | undefined;
    } catch (error) {
      throw new ValidationError('The event', [{ field: 'data', message: `data must be JSON-serialisable (${(error as Error).message})` }]);
    }
    if (dataJson === undefined) throw new ValidationError('The event', [{ field: 'data', message: 'data must be a JSON value (an object, say), not a function or a symbol' }]);
    const payload = eventBody(type, now, dataJson);
    return new Promise((resolve, reject) => {
      this.#batch.push({ eventId, type, endpointId, payload, data: dataJson, now, resolve, reject });
      if (this.#batch.length === 1) setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    let results: AppendResult[];
    try {
      // Endpoints kept in the queue's database are read in its transaction: exactly those enabled when
      // the event is committed, whichever process changed them.
      const endpoints: EnabledEndpoints = this.endpoints.inDatabase
        ? 'stored'
        : (await this.endpoints.enabled()).map((row) => ({ id: row.id, events: JSON.parse(row.events) as string[] }));
      results = await this.queue.append(batch, endpoints);
    } catch (error) {
      const failure = this.storage.failed(error);
      for (const event of batch) event.reject(failure);
      return;
    }
    // Something was written (not only ids published before): there was space for it.
    if (results.some((result) => result.inserted)) this.storage.succeeded();
    batch.forEach((event, i) => {
      const result = results[i] as AppendResult;
      const conflict = result.inserted ? undefined : this.#conflict(event, result.first);
      if (conflict) event.reject(conflict);
      // Sent to one endpoint that was disabled or deleted between the check above and the commit: nothing
      // will be sent, and the caller (a "Send test event") is told so rather than answered with no delivery.
      else if (result.inserted && event.endpointId !== undefined && result.deliveryIds.length === 0) {
        event.reject(new ValidationError('The event', [{ field: 'endpointId', message: `webhook endpoint '${event.endpointId}' was disabled or deleted just now; nothing was sent` }]));
      } else event.resolve(result.deliveryIds);
    });
  }

  /** Publishing an id again is idempotent only for the same event: another type or body under that id is refused. */
  #conflict(event: PendingEvent, first: { type: string; payload: string; targetEndpointId: string | null }): ConflictError | undefined {
    const sameData = canonicalJson((JSON.parse(first.payload) as { data: unknown }).data) === canonicalJson((JSON.parse(event.payload) as { data: unknown }).data);
    // Sent to one endpoint only, or to every matching one: that is part of the event too.
    const sameTarget = first.targetEndpointId === (event.endpointId ?? null);
    if (first.type === event.type && sameData && sameTarget) return undefined;
    const target = (id: string | null) => (id === null ? 'every matching endpoint' : `endpoint '${id}' only`);
    const what =
      first.type !== event.type
        ? `type '${event.type}' (it was '${first.type}')`
        : !sameData
          ? 'the same type with other data'
          : `another target: ${target(event.endpointId ?? null)} (it was ${target(first.targetEndpointId)})`;
    return new ConflictError(
      'event-id-conflict',
      `Event '${event.eventId}' was published before with other content; this one has ${what}. An event id names one event: reuse it only to publish that same event again, and give a new event a new id.`,
      { eventId: event.eventId },
    );
  }
}
