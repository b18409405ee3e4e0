/** The shapes shared by the queue, the dispatcher and the delivery log. */

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed';

/** A delivery claimed by a worker, with the exact bytes to send. */
export interface ClaimedDelivery {
  id: string;
  /** The row's rowid in the queue table, so the outcome is written without an index lookup. */
  seq: number;
  eventId: string;
  endpointId: string;
  eventType: string;
  payload: string;
  /** Tries so far under the current schedule. */
  attempts: number;
}

/** One HTTP try (or a token failure before it), as recorded. */
export interface AttemptRecord {
  attemptedAt: number;
  status: number | null;
  latencyMs: number;
  errorCode: string | null;
  errorMessage: string | null;
  /** The first 4 KB of the answer. */
  responseBody: string | null;
}

export type DeliveryOutcome =
  | { kind: 'succeeded' }
  | { kind: 'retry'; nextAttemptAt: number }
  | { kind: 'failed'; reason: string };
