/**
 * The delivery log's contract (what happened to deliveries, with every attempt; failed ones retried by
 * hand with the same `webhook-id`) and what both storages share: the filter's validation and the row's summary.
 */
import { z } from 'zod';
import { ConflictError, ValidationError, lazily, zodIssues } from '@tessera/core';
import type { DeliveryActivity } from './delivery-activity.js';
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

/** A delivery row as both storages read it, with its attempt count. */
export interface DeliveryRow {
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

/** An instant as a `Date` or an ISO time with its offset, in ms (built on first use, as is the filter's schema). */
const time = lazily(() => z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => (v instanceof Date ? v.getTime() : Date.parse(v))));
/** The largest page `list` returns. */
export const DELIVERY_PAGE_MAX = 1_000;

const filterSchema = lazily(() =>
  z
    .object({
      endpointId: z.string().optional(),
      status: z.enum(['pending', 'delivering', 'succeeded', 'failed']).optional(),
      eventType: z.string().optional(),
      since: time().optional(),
      until: time().optional(),
      limit: z.number().int().min(1).max(DELIVERY_PAGE_MAX).optional(),
      before: z.string().min(1).optional(),
    })
    .strict(),
);

export interface DeliveryLog {
  /** Newest first. */
  list(filter?: DeliveryFilter): Promise<DeliverySummary[]>;
  get(id: string): Promise<DeliveryDetail>;
  /**
   * Sends a delivery now, with the same `webhook-id`: a failed one again (its retry schedule starts
   * over), a pending one instead of at its next attempt (its schedule goes on). One being sent right now
   * is `delivery-in-flight`, one that succeeded `delivery-not-failed`. Answers with the delivery as the
   * retry left it (pending, due now), even when a dispatcher claims it the moment after.
   */
  retry(id: string): Promise<DeliverySummary>;
  /** Retries every failed delivery of an endpoint created since `since`; returns how many. */
  recover(endpointId: string, since: string | Date): Promise<number>;
  /** An endpoint's deliveries of the last `hours` hours (default 24), per hour: where they are now, and their latency percentiles. */
  activity(endpointId: string, options?: { hours?: number }): Promise<DeliveryActivity>;
}

export type ParsedDeliveryFilter = z.output<ReturnType<typeof filterSchema>>;

export function parseDeliveryFilter(filter: DeliveryFilter): ParsedDeliveryFilter {
  const parsed = filterSchema().safeParse(filter);
  if (!parsed.success) throw new ValidationError('The delivery filter', zodIssues(parsed.error));
  return parsed.data;
}

export function parseSince(since: string | Date): number {
  const from = time().safeParse(since);
  if (!from.success) throw new ValidationError('The recovery', [{ field: 'since', message: 'since must be an ISO time' }]);
  return from.data;
}

/** A delivery a dispatcher is sending right now: nothing to retry until its outcome is in. */
export function inFlight(id: string): ConflictError {
  return new ConflictError('delivery-in-flight', `Delivery '${id}' is being sent right now; its outcome is in a moment (tessera deliveries show ${id}).`);
}

/** What a retry by hand does with a delivery: queue a failed one again, or send a pending one now; the others cannot be retried. */
export function retryKind(row: Pick<DeliveryRow, 'id' | 'status'>): 'failed' | 'pending' {
  if (row.status === 'failed' || row.status === 'pending') return row.status;
  if (row.status === 'delivering') throw inFlight(row.id);
  throw new ConflictError('delivery-not-failed', `Delivery '${row.id}' has succeeded; only a failed or waiting delivery can be retried by hand.`);
}

export function summary(row: DeliveryRow): DeliverySummary {
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

/** An attempt row as both storages read it. */
export interface AttemptRow {
  attempted_at: number;
  status: number | null;
  latency_ms: number;
  error_code: string | null;
  error_message: string | null;
  response_body: string | null;
}

export function detail(row: DeliveryRow, payload: string, attempts: readonly AttemptRow[]): DeliveryDetail {
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
