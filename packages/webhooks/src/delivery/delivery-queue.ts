/**
 * The durable delivery queue, the seam between the delivery rules and their storage (SQLite or
 * PostgreSQL): events and their deliveries are written before anything is sent; workers claim due
 * deliveries with a lease, and a lease that runs out makes the work claimable again, so a worker that
 * dies mid-delivery loses nothing. Outcomes are fenced: only the worker still holding a claim records one.
 */
import type { EventEmitter } from 'node:events';
import type { AttemptRecord, ClaimedDelivery, DeliveryOutcome } from './delivery-types.js';

/** An event to store, with the deliveries it makes. */
export interface NewEvent {
  eventId: string;
  type: string;
  /** Only this endpoint, whatever its filter; else every enabled endpoint whose filter matches. */
  endpointId: string | undefined;
  /** The body sent (`eventBody(type, now, data)`). */
  payload: string;
  /** The event's `data` as JSON, which SQLite keeps instead of the whole body. */
  data: string;
  now: number;
}

/** Per event: the deliveries made now, or (an id published before) the first event as stored and its deliveries. */
export type AppendResult =
  | { inserted: true; deliveryIds: string[] }
  | { inserted: false; first: { type: string; payload: string; targetEndpointId: string | null }; deliveryIds: string[] };

/** Enabled endpoints and their filters; `'stored'`: read them in the queue's own transaction (they are in its database). */
export type EnabledEndpoints = ReadonlyArray<{ id: string; events: string[] }> | 'stored';

export interface ClaimRequest {
  owner: string;
  limit: number;
  now: number;
  leaseMs: number;
  /** Endpoints to leave alone (disabled, or this worker holds enough of theirs already). */
  excluded: readonly string[];
  /** How many more of an endpoint's deliveries this worker may take. */
  capacity: (endpointId: string) => number;
  /**
   * The least `capacity` of any endpoint not excluded: when it is at least `limit`, no endpoint's limit
   * can turn a due delivery away, so a scan of `limit` rows is enough.
   */
  minCapacity: number;
  /** The per-endpoint concurrency limit; storage shared by several workers holds it for all of them together. */
  perEndpoint: number;
}

export interface DeliveryQueue {
  /** Emits `work` when new deliveries are due now, so an idle dispatcher wakes at once (other instances' too, on PostgreSQL). */
  readonly signals: EventEmitter<{ work: [] }>;
  /** Stores events and their deliveries in one transaction; one result per event, in order. */
  append(events: readonly NewEvent[], endpoints: EnabledEndpoints): Promise<AppendResult[]>;
  /** Claims due deliveries (pending and due, or claimed with an expired lease) for `owner`, with a lease. */
  claim(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /**
   * Records the attempts of one try and moves the delivery on, if `owner` still holds its claim.
   * Outcomes are committed in groups; `settled` is called right after the commit with whether the
   * outcome was applied. A failed commit is retried; if the process dies first, the delivery is sent
   * again under the same `webhook-id` when its claim is released.
   */
  complete(
    delivery: Pick<ClaimedDelivery, 'id' | 'seq'>,
    owner: string,
    attempts: readonly AttemptRecord[],
    outcome: DeliveryOutcome,
    now: number,
    settled: (applied: boolean) => void,
  ): void;
  /** Commits the completions not yet written (also called at once on stop). */
  flush(): Promise<void>;
  /** Extends the claims `owner` still holds on `ids`, so long deliveries are not taken over. */
  renew(owner: string, ids: readonly string[], expires: number, leaseMs: number): Promise<void>;
  /** Gives a claimed delivery back untouched (graceful stop, or its endpoint was disabled meanwhile). */
  release(id: string, owner: string, now: number): Promise<void>;
  /** When the earliest pending delivery of an endpoint not `excluded` is due, if any. */
  nextDueAt(excluded?: readonly string[]): Promise<number | undefined>;
  /** Fails every waiting or claimed delivery of a deleted endpoint; a claim in flight loses its fence and records nothing. Resolves with how many failed. */
  failEndpoint(endpointId: string, now: number): Promise<number>;
  /** Deliveries by status, for health and metrics. */
  depth(): Promise<Record<string, number>>;
  notify(): void;
}
