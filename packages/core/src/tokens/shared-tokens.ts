/**
 * The seam through which instances sharing one database share each secret's token: a row per secret
 * holding the sealed token or the last failure (with its cool-down), and a single-flight lease with an
 * owner and a fencing counter, so the whole fleet makes one token request per secret per lifetime.
 */
import type { IssuedToken } from './access-token.js';
import type { TokenRequestError } from './token-request-error.js';

export interface SharedTokenState {
  /** The token another instance (or this one) obtained, if any is stored. */
  token: IssuedToken | undefined;
  /** The last failure and, on the instance clock, when its cool-down ends. */
  failure: { error: TokenRequestError; until: number } | undefined;
  /** Whether some instance holds an unexpired lease (is requesting a token now). */
  leased: boolean;
}

export interface SharedTokens {
  read(secretId: string): Promise<SharedTokenState>;
  /** Takes the lease if nobody holds an unexpired one; resolves with the fence to settle under, or undefined. */
  lease(secretId: string, owner: string, leaseMs: number): Promise<number | undefined>;
  /** Extends a lease still held; false when it was lost. */
  renew(secretId: string, owner: string, fence: number, leaseMs: number): Promise<boolean>;
  /** Stores the outcome and gives the lease up, only if it is still held under `fence` (else writes nothing). */
  settle(secretId: string, owner: string, fence: number, outcome: { token: IssuedToken } | { failure: TokenRequestError; until: number }): Promise<boolean>;
  /** Gives the lease up without an outcome (the request could not be made, e.g. the secret is gone). */
  release(secretId: string, owner: string, fence: number): Promise<void>;
  /** Compare-and-invalidate for the fleet: drops the stored token only if it is still `accessToken`. */
  invalidate(secretId: string, accessToken: string): Promise<boolean>;
  /** Resolves when the secret's row changes (a NOTIFY), or after `ms` (the polling backstop). */
  changed(secretId: string, ms: number): Promise<void>;
  /** Calls `listener` when another instance invalidated a secret's token. (A changed secret is heard through `SecretRecords.watch`.) */
  onDropped(listener: (secretId: string) => void): () => void;
  /** Calls `listener` when the notices of invalidations and changes may have been missed (a lost listening connection, now back): every copy must be read again. */
  onMissedNotices?(listener: () => void): () => void;
}
