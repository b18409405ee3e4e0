/** The pruner's seam (`SqliteRetentionStore`, `PostgresRetentionStore`): what expired is deleted in small batches, and one process at a time holds the job. */
import type { RetentionPeriods } from './endpoint-retention.js';

export interface PruneRequest {
  now: number;
  /** The module's periods. */
  succeededMs: number;
  failedMs: number;
  /** The webhooks that set their own periods, by endpoint id. */
  overrides: ReadonlyMap<string, RetentionPeriods>;
  /** Deliveries created at or after this are not looked at: none of them can have expired yet. */
  createdBefore: number;
  /** The batch looks at the next `limit` deliveries in creation order after the delivery id `after`. */
  after: string | undefined;
  limit: number;
}

export interface PruneBatch {
  /** Rows deleted in this batch. */
  deliveries: number;
  attempts: number;
  events: number;
  /** The last delivery looked at (the next batch starts after it); undefined when nothing was left to look at. */
  last: string | undefined;
}

export interface EventPruneRequest {
  createdBefore: number;
  /** The cursor the previous batch returned; undefined: from the oldest event. */
  after: string | undefined;
  limit: number;
}

export interface EventPruneBatch {
  events: number;
  /** Where the next batch starts; undefined when nothing was left to look at. */
  last: string | undefined;
}

export interface RetentionStore {
  /**
   * One short transaction: of the next `limit` deliveries, those finished (succeeded or failed, never
   * pending or delivering) longer ago than their period are deleted with their attempts, and so is each
   * of their events that has no delivery left.
   */
  pruneDeliveries(request: PruneRequest): Promise<PruneBatch>;
  /** Of the next `limit` events created before `createdBefore` (in creation order after the cursor `after`), those with no delivery at all: a publish no webhook matched, or one whose deliveries went one by one. */
  pruneEvents(request: EventPruneRequest): Promise<EventPruneBatch>;
  /** Takes or renews the pruning lease (true: this owner holds it until `now + ttlMs`). */
  acquireLease(owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(owner: string): Promise<void>;
  /** When the oldest delivery kept was created (ms), undefined when there is none. */
  oldestDeliveryAt(): Promise<number | undefined>;
  /** Hands space the deletes freed back to the file system where the storage needs that asked (SQLite); pages returned. */
  reclaimSpace(): Promise<number>;
}

/** The lease's name in `webhook_maintenance_leases`. */
export const PRUNER_LEASE = 'pruner';

/** Whether a finished delivery has outlived its period (its endpoint's own, else the module's). */
export function expired(row: { status: string; endpoint_id: string; updated_at: number }, request: PruneRequest): boolean {
  if (row.status !== 'succeeded' && row.status !== 'failed') return false;
  const own = request.overrides.get(row.endpoint_id);
  const period = row.status === 'succeeded' ? (own?.succeededMs ?? request.succeededMs) : (own?.failedMs ?? request.failedMs);
  return Number(row.updated_at) <= request.now - period;
}

/** The smallest delivery id of a delivery created at `at` (ids sort by creation time: `sortableId`). */
export function firstIdAt(at: number): string {
  return `msg_${Math.max(0, Math.floor(at)).toString(16).padStart(12, '0')}`;
}
