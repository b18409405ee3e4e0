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
  /** The batch looks at the next `limit` deliveries (whatever their state) in creation order after the delivery id `after`. */
  after: string | undefined;
  /** And below this id; by default the first id of `createdBefore` (`legacyIds` for the ids of older versions). */
  before?: string;
  limit: number;
}

export interface PruneBatch {
  /** Rows deleted in this batch. */
  deliveries: number;
  attempts: number;
  events: number;
  /** The last delivery looked at (the next batch starts after it); undefined when there was none. */
  last: string | undefined;
  /** true: the batch looked at `limit` deliveries, so more may follow `last`; false: it reached the bound. */
  more: boolean;
  /**
   * Set when the batch kept a finished delivery that expires within the hour (it finished a while after it
   * was created): the next pass must start after this (exclusive), not after `last`, or it would miss it.
   * (Work still pending, or under a period that ends later, waits for the hourly pass over everything.)
   */
  holdAfter?: string | undefined;
}

/** A finished delivery kept now but expiring within this is held for the next pass. */
export const HOLD_HORIZON_MS = 3_600_000;

/** A window's rows, in id order after `after`: those to delete, and where the next pass must start if one kept now expires soon. */
export function sortWindow<T extends { id: string; status: string; endpoint_id: string; updated_at: number }>(rows: readonly T[], request: PruneRequest): { doomed: T[]; holdAfter: string | undefined; held: boolean } {
  const doomed: T[] = [];
  let holdAfter: string | undefined;
  let held = false;
  let previous = request.after ?? '';
  for (const row of rows) {
    if (expired(row, request)) doomed.push(row);
    else if (!held && expiresSoon(row, request)) {
      held = true;
      holdAfter = previous;
    }
    previous = row.id;
  }
  return { doomed, holdAfter, held };
}

/** The earlier of two places the next pass must start after (a window's hold, the passed-over rows' hold). */
export function firstHold(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  return b === undefined || a < b ? a : b;
}

/** A finished delivery, kept now, that expires within the hour: the next pass must look at it again. */
export function expiresSoon(row: { status: string; endpoint_id: string; updated_at: number }, request: PruneRequest): boolean {
  return (row.status === 'succeeded' || row.status === 'failed') && expiresAt(row, request) - request.now < HOLD_HORIZON_MS;
}

/**
 * When a finished delivery expires: when it finished plus its period (its webhook's own, else the module's).
 * `SqliteRetentionStore`'s window computes the same rule in SQL (`expires_at`), so that no row has to
 * become a JavaScript object; the retention tests hold both to it, on each storage.
 */
function expiresAt(row: { status: string; endpoint_id: string; updated_at: number }, request: PruneRequest): number {
  const own = request.overrides.get(row.endpoint_id);
  return Number(row.updated_at) + (row.status === 'succeeded' ? (own?.succeededMs ?? request.succeededMs) : (own?.failedMs ?? request.failedMs));
}

export interface EventPruneRequest {
  createdBefore: number;
  /** The cursor the previous batch returned; undefined: from the oldest event. */
  after: string | undefined;
  limit: number;
}

export interface EventPruneBatch {
  events: number;
  /** Where the next batch starts; undefined when nothing was left to look at (the next pass starts where this one did). */
  last: string | undefined;
  /** true: more events may follow `last`. */
  more: boolean;
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
  return expiresAt(row, request) <= request.now;
}

/**
 * Where the delivery ids of versions before sortable ids (`msg_` and 24 random hex digits) lie that the
 * sweep in creation order never reaches: past every sortable id made until a day from `now`. A pass over
 * everything looks there too.
 */
export function legacyIds(now: number): { after: string; before: string } {
  return { after: firstIdAt(now + 86_400_000), before: 'msg_~' };
}

/** The smallest delivery id of a delivery created at `at` (ids sort by creation time: `sortableId`). */
export function firstIdAt(at: number): string {
  return `msg_${Math.max(0, Math.floor(at)).toString(16).padStart(12, '0')}`;
}
