/** Where endpoint rows are kept: the one seam between the endpoint store's rules and its storage (SQLite or memory). */

/**
 * A stored endpoint: lists and maps as JSON; signing secrets and extra header values sealed with the
 * core key ring (`headers` holds the header names, each with a null value, `sealed_headers` the values).
 */
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
  sealed_headers: string | null;
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
  /** Throws `ConflictError` (`webhook-name-taken`) when the name is in use, whatever its case. */
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
  /** The endpoint with this name, whatever its case. */
  byName(name: string): { id: string; name: string } | undefined;
  /** A number that moves whenever any process creates, changes or deletes an endpoint (not for failing periods). */
  version(): number;
}

export function nameTaken(name: string, existing = name): { code: string; message: string } {
  const which = existing === name ? `'${name}'` : `'${existing}' (names are the same whatever their case)`;
  return { code: 'webhook-name-taken', message: `A webhook named ${which} already exists. Choose another name or change that webhook.` };
}
