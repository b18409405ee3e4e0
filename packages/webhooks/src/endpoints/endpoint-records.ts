/** Where endpoint rows are kept: the one seam between the endpoint store's rules and its storage (SQLite, PostgreSQL or memory). */
import type { ErrorCode } from '@tessera/core';

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
  /** This webhook's own retention periods, JSON `{ "succeededMs"?: n, "failedMs"?: n }`; null: the module's. */
  retention: string | null;
}

export interface EndpointRecords {
  /** True when the rows live in the database the delivery queue uses, so a publish reads them inside its transaction. */
  readonly inDatabase: boolean;
  /** Throws `ConflictError` (`webhook-name-taken`) when the name is in use, whatever its case. */
  insert(row: EndpointRow): Promise<void>;
  find(id: string): Promise<EndpointRow | undefined>;
  /** Ordered by creation. */
  all(): Promise<EndpointRow[]>;
  /** Enabled endpoints and their filters, read as of now (the publisher calls it inside its transaction). */
  enabled(): Promise<Array<{ id: string; events: string }>>;
  /**
   * Writes `row` only if the stored revision is still `row.revision - 1`; false otherwise. Leaves the
   * failing period (`failing_since`, `last_failed_at`) as stored: only `markFailing` changes it.
   */
  replace(row: EndpointRow): Promise<boolean>;
  remove(id: string): Promise<void>;
  /**
   * A failure starts a failing period, or continues it if the previous one was within `gapMs`; a
   * success ends it. Returns when the period started (null: not failing; undefined: no such endpoint).
   */
  markFailing(id: string, failing: boolean, now: number, gapMs: number): Promise<number | null | undefined>;
  /** Endpoints authorised by `secretId`, by name. */
  usingSecret(secretId: string): Promise<Array<{ id: string; name: string }>>;
  /** The endpoint with this name, whatever its case. */
  byName(name: string): Promise<{ id: string; name: string } | undefined>;
  /**
   * A number that moves whenever any process creates, changes or deletes an endpoint (not for failing
   * periods). SQLite reads it each time; PostgreSQL keeps it up to date from NOTIFYs, reading it at
   * least once per poll interval as a backstop.
   */
  version(): Promise<number>;
}

export function nameTaken(name: string, existing = name): { code: ErrorCode; message: string } {
  const which = existing === name ? `'${name}'` : `'${existing}' (names are the same whatever their case)`;
  return { code: 'webhook-name-taken', message: `A webhook named ${which} already exists. Choose another name or change that webhook.` };
}
