/** Where secret rows are kept: the one seam between the secret store's rules and its storage (SQLite, PostgreSQL or memory). */
import type { ErrorCode } from '../errors/error-codes.js';
import type { SecretOrigin } from './secret-store.js';

/** A stored secret: non-sensitive params as JSON, sensitive ones sealed in one envelope. */
export interface SecretRecord {
  id: string;
  name: string;
  kind: string;
  description: string;
  origin: SecretOrigin;
  owner: string | null;
  params: string;
  sealed: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface SecretRecordFilter {
  owner?: string | undefined;
  origin?: string | undefined;
  kind?: string | undefined;
  /** At most this many, in name order. */
  limit?: number | undefined;
  /** Names after this one only. */
  after?: string | undefined;
}

/** One sealed envelope, as key rotation reads it. */
export interface SealedValue {
  id: string;
  sealed: string;
  /** Opaque: passed as `after`, the next page starts after this row. */
  cursor: string;
}

export interface SecretRecords {
  /** Throws `ConflictError` (`secret-name-taken`) when the name is in use, whatever its case. */
  insert(record: SecretRecord): Promise<void>;
  find(id: string): Promise<SecretRecord | undefined>;
  /** Ordered by name (by code point, whatever the database's collation). */
  list(filter: SecretRecordFilter): Promise<SecretRecord[]>;
  /**
   * Writes `record` only if the stored revision is still `expectedRevision`; false otherwise.
   * `paramsChanged`: the write changes what a token request sends, so a token shared by the fleet is dropped with it.
   */
  replace(record: SecretRecord, expectedRevision: number, paramsChanged?: boolean): Promise<boolean>;
  /** False when there is no such row, or (with `expectedRevision`) its revision is another. */
  remove(id: string, expectedRevision?: number): Promise<boolean>;
  /**
   * Sealed envelopes for key rotation, in the order cheapest to rewrite (SQLite: the table's own, so a
   * page of rewrites touches neighbouring pages, not one page per row): `limit` of them after the
   * `cursor` of the last row of the page before, `after` (every one without).
   */
  sealedValues(page?: { after?: string; limit?: number }): Promise<SealedValue[]>;
  /** Replaces envelopes atomically, each only if it is still `from`. */
  reseal(changes: Array<{ id: string; from: string; to: string }>): Promise<void>;
  /**
   * Runs a data task once per database (a step a schema migration cannot take, as it needs the key
   * ring): skipped when done before; recorded as done only when `work` says it finished everything.
   */
  once(task: string, work: () => Promise<boolean>): Promise<void>;
  /** Storage shared by several instances: calls `listener` with the id of each secret written (by any instance, this one included). */
  watch?(listener: (id: string) => void): () => void;
}

/** `existing`: the name as stored, when it differs from `name` only in case. */
export function nameTaken(name: string, existing = name): { code: ErrorCode; message: string } {
  const which = existing === name ? `'${name}'` : `'${existing}' (names are the same whatever their case)`;
  return { code: 'secret-name-taken', message: `A secret named ${which} already exists. Choose another name or update that secret.` };
}
