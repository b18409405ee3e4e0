/** Where endpoint rows are kept: the one seam between the endpoint store's rules and its storage (SQLite or memory). */

/** A stored endpoint: lists and maps as JSON, signing secrets sealed with the core key ring. */
export interface EndpointRow {
  id: string;
  name: string;
  url: string;
  secret_id: string;
  events: string;
  enabled: number;
  disabled_reason: string | null;
  timeout_ms: number;
  retry_schedule: string | null;
  headers: string;
  signing_secret: string | null;
  previous_signing_secret: string | null;
  previous_signing_expires_at: number | null;
  failing_since: number | null;
  last_failed_at: number | null;
  revision: number;
  created_at: number;
  updated_at: number;
}

export interface EndpointRecords {
  insert(row: EndpointRow): void;
  find(id: string): EndpointRow | undefined;
  /** Ordered by creation. */
  all(): EndpointRow[];
  /** Enabled endpoints and their filters, read as of now (the publisher calls it inside its transaction). */
  enabled(): Array<{ id: string; events: string }>;
  /**
   * Writes `row` only if the stored revision is still `row.revision - 1`; false otherwise. Leaves the
   * failing period (`failing_since`, `last_failed_at`) as stored: only `markFailing` changes it.
   */
  replace(row: EndpointRow): boolean;
  remove(id: string): void;
  /**
   * A failure starts a failing period, or continues it if the previous one was within `gapMs`; a
   * success ends it. Returns when the period started (null: not failing; undefined: no such endpoint).
   */
  markFailing(id: string, failing: boolean, now: number, gapMs: number): number | null | undefined;
  /** Endpoints authorised by `secretId`, by name. */
  usingSecret(secretId: string): Array<{ id: string; name: string }>;
}
