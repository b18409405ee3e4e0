/**
 * Hands out bearer tokens per secret and owns every rule of their lifecycle: reuse until expiry,
 * early background refresh inside a margin, single flight, compare-and-invalidate, cool-down after
 * a failure, and dropping the token when the secret's params change. With `SharedTokens` (PostgreSQL)
 * the same rules hold for the whole fleet: the request is made by whichever instance takes the lease.
 */
import { randomBytes } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import type { Logger } from 'winston';
import type { Clock } from '../clock/clock.js';
import type { ResolvedCoreOptions } from '../core-options.js';
import type { SecretStore } from '../store/secret-store.js';
import { CORE } from '../tokens.js';
import type { AccessToken, IssuedToken } from './access-token.js';
import type { SharedTokens } from './shared-tokens.js';
import type { TokenClient } from './token-client.js';
import type { TokenEvents } from './token-events.js';
import { TokenRequestError } from './token-request-error.js';

const MAX_RETRY_AFTER_COOLDOWN_MS = 300_000;
/** How often an instance waiting for another's token request looks at the shared row when it hears no NOTIFY. */
const SHARED_POLL_MS = 100;
/** A lease outlives the token request it covers by this much, and is renewed while the request runs. */
const LEASE_MARGIN_MS = 5_000;
/** An adopted token already inside its refresh margin is looked at again this often, not on every call. */
const ADOPTED_RECHECK_MS = 1_000;

/** How one request for a token ended, here or on another instance. */
type Outcome =
  | { kind: 'token'; issued: IssuedToken; requested: boolean; recheckAt?: number }
  | { kind: 'failure'; error: TokenRequestError; until: number; requested: boolean };

interface CachedToken {
  token: AccessToken;
  /** The same resolved promise for every hit, so the hot path allocates nothing. */
  promise: Promise<AccessToken>;
  refreshAt: number;
  expiresAt: number;
}

interface SecretTokenState {
  cached: CachedToken | undefined;
  inflight: Promise<AccessToken> | undefined;
  failure: { error: TokenRequestError; until: number } | undefined;
  /** Bumped when the secret changes, so an answer to a request made with old params is not cached. */
  generation: number;
  /** A fleet-wide invalidation still being written: the next request waits for it before reading the shared row. */
  invalidating: Promise<unknown> | undefined;
}

export interface TokenProviderStats {
  cacheHits: number;
  requests: number;
}

@injectable()
export class TokenProvider {
  readonly #states = new Map<string, SecretTokenState>();
  readonly #stats: TokenProviderStats = { cacheHits: 0, requests: 0 };
  readonly #options: ResolvedCoreOptions['tokens'];
  readonly #leaseMs: number;
  /** Who holds a shared lease: this provider. */
  readonly #owner = 'tp_' + randomBytes(8).toString('hex');

  constructor(
    @inject(CORE.Options) options: ResolvedCoreOptions,
    @inject(CORE.SecretStore) private readonly store: SecretStore,
    @inject(CORE.TokenClient) private readonly client: TokenClient,
    @inject(CORE.TokenEvents) private readonly events: TokenEvents,
    @inject(CORE.Clock) private readonly clock: Clock,
    @inject(CORE.Logger) private readonly logger: Logger,
    @inject(CORE.SharedTokens) @optional() private readonly shared: SharedTokens | undefined = undefined,
  ) {
    this.#options = options.tokens;
    // Longer than a whole token request with its retries may take.
    this.#leaseMs = options.http.timeoutMs * options.tokens.maxAttempts + options.tokens.backoffMaxMs + LEASE_MARGIN_MS;
    store.onChange((change) => {
      // A shared token went with the change, in its transaction (SecretRecords.replace).
      if (change.paramsChanged) this.drop(change.id);
      if (change.type === 'deleted') this.#states.delete(change.id);
    });
    // Another instance invalidated a token (a 401) or the secret changed: stop handing out our copy.
    shared?.onDropped((secretId) => {
      const state = this.#states.get(secretId);
      if (state !== undefined) state.cached = undefined;
    });
    // Invalidations and changes announced while this instance could not hear them: every token is read
    // from the shared row again at its next use (one query each; the row is current, whatever was missed).
    // Forgotten as a change heard would have it (a cool-down of a secret fixed meanwhile, an answer in flight for old params).
    shared?.onMissedNotices?.(() => {
      for (const secretId of this.#states.keys()) this.drop(secretId);
    });
  }

  /** A valid token for the secret: cached until it expires, requested once for any number of callers. */
  getToken(secretId: string): Promise<AccessToken> {
    const state = this.#states.get(secretId);
    const cached = state?.cached;
    if (cached !== undefined) {
      const now = this.clock.now();
      if (now < cached.refreshAt) {
        this.#stats.cacheHits++;
        this.events.emit('cacheHit', secretId);
        return cached.promise;
      }
      if (now < cached.expiresAt) {
        this.#stats.cacheHits++;
        this.events.emit('cacheHit', secretId);
        this.#refreshInBackground(secretId, state as SecretTokenState, now);
        return cached.promise;
      }
      (state as SecretTokenState).cached = undefined;
    }
    return this.#fetch(secretId, state);
  }

  /** The cached token if it is still valid, without requesting one (e.g. to revoke it). */
  peek(secretId: string): AccessToken | undefined {
    const cached = this.#states.get(secretId)?.cached;
    return cached !== undefined && this.clock.now() < cached.expiresAt ? cached.token : undefined;
  }

  /**
   * Compare-and-invalidate: drops the cached token only if it is still `accessToken`, so a burst of
   * 401s for one token causes one new request. Returns whether a token was dropped.
   */
  invalidate(secretId: string, accessToken: string): boolean {
    const state = this.#states.get(secretId);
    if (this.shared !== undefined) {
      // Fleet-wide too, and before this instance reads the shared row again: only if it still holds that token.
      const target = state ?? this.#newState(secretId);
      const previous = target.invalidating;
      const invalidating = Promise.resolve(previous)
        .then(() => this.shared?.invalidate(secretId, accessToken))
        .catch((error: unknown) => this.logger.warn('invalidating the shared token failed', { secretId, error: (error as Error).message }))
        .finally(() => {
          if (target.invalidating === invalidating) target.invalidating = undefined;
        });
      target.invalidating = invalidating;
    }
    if (state?.cached?.token.accessToken !== accessToken) return false;
    state.cached = undefined;
    return true;
  }

  /** Forgets everything about a secret's token (its params changed, or it was deleted). */
  drop(secretId: string): void {
    const state = this.#states.get(secretId);
    if (!state) return;
    state.cached = undefined;
    state.inflight = undefined;
    state.failure = undefined;
    state.generation++;
  }

  stats(): TokenProviderStats {
    return { ...this.#stats };
  }

  #fetch(secretId: string, existing: SecretTokenState | undefined): Promise<AccessToken> {
    const state = existing ?? this.#newState(secretId);
    if (state.inflight !== undefined) return state.inflight;
    const now = this.clock.now();
    if (state.failure !== undefined && now < state.failure.until) return Promise.reject(this.#cooldownError(state.failure, now));
    return this.#start(secretId, state, 'issued');
  }

  #refreshInBackground(secretId: string, state: SecretTokenState, now: number): void {
    if (state.inflight !== undefined || (state.failure !== undefined && now < state.failure.until)) return;
    // Callers keep the current token; a failed refresh is recorded (cool-down) and logged, not thrown.
    this.#start(secretId, state, 'refreshed').catch(() => undefined);
  }

  #start(secretId: string, state: SecretTokenState, reason: 'issued' | 'refreshed'): Promise<AccessToken> {
    const generation = state.generation;
    const started = this.clock.now();
    const request = this.#obtain(secretId, state, reason === 'refreshed').then(
      (outcome) => {
        if (outcome.kind === 'failure') {
          if (state.generation === generation) state.failure = { error: outcome.error, until: outcome.until };
          throw outcome.requested ? outcome.error : this.#cooldownError({ error: outcome.error, until: outcome.until }, this.clock.now());
        }
        const { issued } = outcome;
        // Frozen: every caller shares this object, and compare-and-invalidate relies on it not changing.
        const token: AccessToken = Object.freeze({
          accessToken: issued.accessToken,
          tokenType: issued.tokenType,
          expiresAt: issued.expiresAt,
          metadata: Object.freeze({ ...issued.metadata }),
        });
        if (state.generation === generation) {
          const schedule = this.#schedule(issued);
          if (outcome.recheckAt !== undefined) schedule.refreshAt = outcome.recheckAt;
          state.cached = { token, promise: Promise.resolve(token), ...schedule };
          state.failure = undefined;
          if (state.inflight === request) state.inflight = undefined;
        }
        if (outcome.requested) {
          this.events.emit(reason, { secretId, expiresAt: issued.expiresAt, durationMs: this.clock.now() - started });
          this.logger.debug('token issued', { secretId, reason, expiresAt: issued.expiresAt.toISOString() });
        }
        return token;
      },
    ).catch((error: unknown) => {
      if (state.generation === generation) {
        if (state.inflight === request) state.inflight = undefined;
        // An unknown or unreadable secret leaves nothing behind (no state grows per bad id).
        if (!(error instanceof TokenRequestError) && state.cached === undefined && state.inflight === undefined) this.#states.delete(secretId);
      }
      if (error instanceof TokenRequestError && error.code === 'cooldown') throw error;
      const code = error instanceof TokenRequestError ? error.code : error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
      const message = error instanceof Error ? error.message : String(error);
      this.events.emit('failed', {
        secretId,
        code,
        ...(error instanceof TokenRequestError && error.status !== undefined && { status: error.status }),
        durationMs: this.clock.now() - started,
        message,
      });
      this.logger.warn('token request failed', { secretId, reason, code, message });
      throw error;
    });
    state.inflight = request;
    return request;
  }

  /** A token or a failure: requested here, or (sharing a database) taken from whichever instance requested it. */
  async #obtain(secretId: string, state: SecretTokenState, background: boolean): Promise<Outcome> {
    if (this.shared === undefined) return this.#requestHere(secretId);
    await state.invalidating;
    const shared = this.shared;
    for (;;) {
      const row = await shared.read(secretId);
      const now = this.clock.now();
      if (row.token !== undefined && now < row.token.expiresAt.getTime()) {
        const { refreshAt } = this.#schedule(row.token);
        if (now < refreshAt) return { kind: 'token', issued: row.token, requested: false };
        // Inside its refresh margin: refresh it (below) unless another instance is already at it.
        if (row.leased) return { kind: 'token', issued: row.token, requested: false, recheckAt: now + ADOPTED_RECHECK_MS };
      }
      if (row.failure !== undefined && now < row.failure.until) return { kind: 'failure', error: row.failure.error, until: row.failure.until, requested: false };
      if (!row.leased) {
        const fence = await shared.lease(secretId, this.#owner, this.#leaseMs);
        if (fence !== undefined) return this.#requestUnderLease(secretId, fence);
      }
      // Another instance is requesting it: a background refresh keeps the current token; a caller waits.
      if (background && row.token !== undefined && now < row.token.expiresAt.getTime()) return { kind: 'token', issued: row.token, requested: false, recheckAt: now + ADOPTED_RECHECK_MS };
      await shared.changed(secretId, SHARED_POLL_MS);
    }
  }

  /** Holding the fleet's lease for this secret: the one request, renewed while it runs, its outcome stored for all. */
  async #requestUnderLease(secretId: string, fence: number): Promise<Outcome> {
    const shared = this.shared as SharedTokens;
    const renewal = setInterval(() => {
      // A renewal that fails (the database briefly away) is tried again at the next tick; told, because another
      // instance may take the lease over if it runs out meanwhile.
      shared.renew(secretId, this.#owner, fence, this.#leaseMs).catch((error: unknown) => this.logger.warn('renewing the shared token request lease failed', { secretId, error: (error as Error).message }));
    }, Math.floor(this.#leaseMs / 3));
    renewal.unref();
    let outcome: Outcome;
    try {
      outcome = await this.#requestHere(secretId);
    } catch (error) {
      clearInterval(renewal);
      await shared.release(secretId, this.#owner, fence).catch(() => undefined);
      throw error;
    }
    clearInterval(renewal);
    try {
      await shared.settle(secretId, this.#owner, fence, outcome.kind === 'token' ? { token: outcome.issued } : { failure: outcome.error, until: outcome.until });
    } catch (error) {
      // This instance still has its answer; the others request again when the lease runs out.
      this.logger.warn('storing the shared token failed', { secretId, error: (error as Error).message });
    }
    return outcome;
  }

  /** The token request itself, made by this instance. */
  async #requestHere(secretId: string): Promise<Outcome> {
    this.#stats.requests++;
    const secret = await this.store.reveal(secretId);
    try {
      return { kind: 'token', issued: await this.client.requestToken({ id: secretId, kind: secret.kind, params: secret.params }), requested: true };
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      return { kind: 'failure', error, until: this.clock.now() + this.#cooldownMs(error), requested: true };
    }
  }

  #schedule(issued: IssuedToken): { refreshAt: number; expiresAt: number } {
    const expiresAt = issued.expiresAt.getTime();
    const margin = Math.min(this.#options.refreshMarginMaxMs, issued.lifetimeMs * this.#options.refreshMarginRatio);
    return { refreshAt: expiresAt - margin, expiresAt };
  }

  /** The cool-down lasts at least as long as the endpoint asked with `Retry-After` (up to 5 minutes). */
  #cooldownMs(error: TokenRequestError): number {
    return Math.max(this.#options.cooldownMs, Math.min(error.retryAfterMs ?? 0, MAX_RETRY_AFTER_COOLDOWN_MS));
  }

  #newState(secretId: string): SecretTokenState {
    const state: SecretTokenState = { cached: undefined, inflight: undefined, failure: undefined, generation: 0, invalidating: undefined };
    this.#states.set(secretId, state);
    return state;
  }

  #cooldownError(failure: { error: TokenRequestError; until: number }, now: number): TokenRequestError {
    const { error } = failure;
    const seconds = Math.ceil((failure.until - now) / 1000);
    return new TokenRequestError('cooldown', `${error.message} (Not retried for another ${seconds} s to spare the token endpoint.)`, {
      retryable: error.retryable,
      ...(error.status !== undefined && { status: error.status }),
      ...(error.oauthError !== undefined && { oauthError: error.oauthError }),
      ...(error.oauthErrorDescription !== undefined && { oauthErrorDescription: error.oauthErrorDescription }),
      ...(error.secretId !== undefined && { secretId: error.secretId }),
      retryAfterMs: failure.until - now,
      cause: error,
    });
  }
}
