/**
 * Hands out bearer tokens per secret and owns every rule of their lifecycle: reuse until expiry,
 * early background refresh inside a margin, single flight, compare-and-invalidate, cool-down after
 * a failure, and dropping the token when the secret's params change.
 */
import { inject, injectable } from 'inversify';
import type { Logger } from 'winston';
import type { Clock } from '../clock/clock.js';
import type { ResolvedCoreOptions } from '../core-options.js';
import type { SecretStore } from '../store/secret-store.js';
import { CORE } from '../tokens.js';
import type { AccessToken, IssuedToken } from './access-token.js';
import type { TokenClient } from './token-client.js';
import type { TokenEvents } from './token-events.js';
import { TokenRequestError } from './token-request-error.js';

const MAX_RETRY_AFTER_COOLDOWN_MS = 300_000;

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

  constructor(
    @inject(CORE.Options) options: ResolvedCoreOptions,
    @inject(CORE.SecretStore) private readonly store: SecretStore,
    @inject(CORE.TokenClient) private readonly client: TokenClient,
    @inject(CORE.TokenEvents) private readonly events: TokenEvents,
    @inject(CORE.Clock) private readonly clock: Clock,
    @inject(CORE.Logger) private readonly logger: Logger,
  ) {
    this.#options = options.tokens;
    store.onChange((change) => {
      if (change.paramsChanged) this.drop(change.id);
      if (change.type === 'deleted') this.#states.delete(change.id);
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
        return cached.promise;
      }
      if (now < cached.expiresAt) {
        this.#stats.cacheHits++;
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
    this.#stats.requests++;
    const request = this.#request(secretId).then(
      (issued) => {
        // Frozen: every caller shares this object, and compare-and-invalidate relies on it not changing.
        const token: AccessToken = Object.freeze({
          accessToken: issued.accessToken,
          tokenType: issued.tokenType,
          expiresAt: issued.expiresAt,
          metadata: Object.freeze({ ...issued.metadata }),
        });
        if (state.generation === generation) {
          state.cached = { token, promise: Promise.resolve(token), ...this.#schedule(issued) };
          state.failure = undefined;
          if (state.inflight === request) state.inflight = undefined;
        }
        this.events.emit(reason, { secretId, expiresAt: issued.expiresAt, durationMs: this.clock.now() - started });
        this.logger.debug('token issued', { secretId, reason, expiresAt: issued.expiresAt.toISOString() });
        return token;
      },
      (error: unknown) => {
        if (state.generation === generation) {
          if (error instanceof TokenRequestError) state.failure = { error, until: this.clock.now() + this.#cooldownMs(error) };
          if (state.inflight === request) state.inflight = undefined;
          // An unknown or unreadable secret leaves nothing behind (no state grows per bad id).
          if (!(error instanceof TokenRequestError) && state.cached === undefined && state.inflight === undefined) this.#states.delete(secretId);
        }
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
      },
    );
    state.inflight = request;
    return request;
  }

  async #request(secretId: string): Promise<IssuedToken> {
    const secret = await this.store.reveal(secretId);
    return this.client.requestToken({ id: secretId, kind: secret.kind, params: secret.params });
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
    const state: SecretTokenState = { cached: undefined, inflight: undefined, failure: undefined, generation: 0 };
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
