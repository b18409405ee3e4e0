/** The contract of the secret store: secrets are created, read as masked views, updated by revision and deleted. */
import type { SecretParams } from '../secrets/secret-kind.js';

export type SecretOrigin = 'manual' | 'connector';

export interface NewSecret {
  name: string;
  kind: string;
  params: Record<string, unknown>;
  description?: string;
  /** `connector` for secrets a connector maintains; default `manual`. */
  origin?: SecretOrigin;
  /** Who maintains it, e.g. `salesforce:main` for a connector instance. */
  owner?: string;
}

export interface SecretPatch {
  name?: string;
  description?: string;
  /** Merged into the current params; a sensitive field left out or sent as the mask keeps its value. */
  params?: Record<string, unknown>;
  /** Refuse the update unless the secret is still at this revision. */
  expectedRevision?: number;
}

/** What the store returns: never a sensitive value in clear. */
export interface SecretView {
  id: string;
  name: string;
  kind: string;
  description: string;
  origin: SecretOrigin;
  owner: string | null;
  /**
   * Params with every sensitive field replaced by `MASK`. For a kind that is not loaded, only the params
   * its kind stored in clear (its sensitive fields are sealed, and a view never opens them).
   */
  params: Record<string, unknown>;
  /** False when no loaded module or plugin declares the kind: the secret can be listed, shown and deleted, not used (`kind-not-loaded`). */
  kindKnown: boolean;
  /** Taken by every write, one that changes nothing included (a connector's claim). */
  revision: number;
  createdAt: string;
  /** When its name, description or params last changed: a write that changes nothing leaves it. */
  updatedAt: string;
}

/** The full, decrypted params: only for code that makes the token request. */
export interface RevealedSecret {
  id: string;
  name: string;
  kind: string;
  revision: number;
  params: SecretParams;
}

/**
 * `remote`: written by another instance sharing the database (heard through NOTIFY), which announces
 * only which secret changed: such a change always counts as `updated` with `paramsChanged`.
 */
export type SecretChange = { type: 'created' | 'updated' | 'deleted'; id: string; paramsChanged: boolean; remote?: boolean };

export interface RotationProgress {
  done: number;
  total: number;
}

/** Which secrets `list` returns: optionally those of one owner, origin or kind, and a page of them. */
export interface SecretListFilter {
  owner?: string;
  origin?: SecretOrigin;
  kind?: string;
  /** At most this many (1 to 1,000); every one when left out. */
  limit?: number;
  /** Only those whose name comes after this one: the last name of the previous page. */
  after?: string;
}

export interface SecretStore {
  create(input: NewSecret): Promise<SecretView>;
  get(id: string): Promise<SecretView>;
  /** Secrets ordered by name (by code point), optionally filtered and a page at a time: each page costs the same however many are stored. */
  list(filter?: SecretListFilter): Promise<SecretView[]>;
  update(id: string, patch: SecretPatch): Promise<SecretView>;
  /** With `expectedRevision`, deletes only that revision (`revision-mismatch` otherwise). */
  delete(id: string, options?: { expectedRevision?: number }): Promise<void>;
  reveal(id: string): Promise<RevealedSecret>;
  /**
   * The saved secret with unsaved param changes merged exactly as `update` would merge them (a masked
   * or missing sensitive value keeps the stored one, null clears a field), neither validated nor saved:
   * a draft for `SecretTester.test`, so an edit form can be tested without its sensitive values.
   */
  draftWithChanges(id: string, params: Record<string, unknown>): Promise<{ kind: string; params: Record<string, unknown> }>;
  /** Re-encrypts every value not under the primary key; safe to interrupt and run again. */
  rotateKeys(onProgress?: (progress: RotationProgress) => void): Promise<{ reencrypted: number; total: number }>;
  /** Called after every committed change; returns a function that unsubscribes. */
  onChange(listener: (change: SecretChange) => void): () => void;
}
