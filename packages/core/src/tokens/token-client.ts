/**
 * Makes the token request for a secret: builds it, sends it through the guarded HTTP client, reads the
 * answer, and retries what a retry can fix (network errors, timeouts, 408, 429, 5xx) with backoff.
 */
import { inject, injectable } from 'inversify';
import type { Clock } from '../clock/clock.js';
import type { ResolvedCoreOptions } from '../core-options.js';
import { SecretParamsError } from '../errors/secret-params-error.js';
import { AddressRefusedError } from '../http/address-refused-error.js';
import { isAxiosError } from '../http/axios-runtime.js';
import { ConnectTimeoutError, TotalTimeoutError, type HttpClient, type HttpPostResult } from '../http/http-client.js';
import { isTlsCode, networkFailure, networkReason, systemCodeOf, type NetworkFailure } from '../http/network-failure.js';
import { CredentialMasker } from '../logging/credential-masker.js';
import type { Redactor } from '../logging/redactor.js';
import type { SecretKindRegistry } from '../secrets/secret-kind-registry.js';
import type { SecretParams } from '../secrets/secret-kind.js';
import { CORE } from '../tokens.js';
import type { IssuedToken } from './access-token.js';
import { buildTokenRequest, type TokenHttpRequest } from './build-token-request.js';
import { describeUrl, readTokenResponse } from './read-token-response.js';
import { TokenRequestError } from './token-request-error.js';

export interface TokenRequestSubject {
  id?: string;
  kind: string;
  params: SecretParams;
}

/** One exchange with the endpoint, kept whole so the tester can diagnose it. */
export interface TokenExchange {
  /** Absent when the secret's params could not make a request (`invalid-secret`). */
  request?: TokenHttpRequest;
  sentAt: number;
  durationMs: number;
  response?: HttpPostResult;
  token?: IssuedToken;
  error?: TokenRequestError;
}

@injectable()
export class TokenClient {
  readonly #masker = new CredentialMasker();

  constructor(
    @inject(CORE.Options) private readonly options: ResolvedCoreOptions,
    @inject(CORE.HttpClient) private readonly http: HttpClient,
    @inject(CORE.SecretKindRegistry) private readonly kinds: SecretKindRegistry,
    @inject(CORE.Redactor) private readonly redactor: Redactor,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  /** Requests a token, retrying transient failures; throws the last `TokenRequestError`. */
  async requestToken(subject: TokenRequestSubject): Promise<IssuedToken> {
    const { maxAttempts, backoffBaseMs, backoffMaxMs } = this.options.tokens;
    for (let attempt = 1; ; attempt++) {
      const exchange = await this.exchange(subject);
      if (exchange.token) return exchange.token;
      const error = exchange.error as TokenRequestError;
      if (!error.retryable || attempt >= maxAttempts) throw error;
      const backoff = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await this.clock.sleep(error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, backoffMaxMs) : backoff);
    }
  }

  /** Exactly one request, never throwing for what the endpoint did: the outcome is in the exchange. */
  async exchange(subject: TokenRequestSubject): Promise<TokenExchange> {
    const kind = this.kinds.get(subject.kind);
    const scrub = this.#scrubber(subject);
    let request: TokenHttpRequest;
    try {
      request = await buildTokenRequest(kind, subject.params);
    } catch (error) {
      return { sentAt: this.clock.now(), durationMs: 0, error: this.#invalidSecret(error, subject, scrub) };
    }
    const sentAt = this.clock.now();
    const started = performance.now();
    let response: HttpPostResult | undefined;
    try {
      response = await this.http.post(request.url, request.body, request.headers);
      const token = readTokenResponse(response, { kind, params: subject.params, sentAt, scrub });
      this.redactor.register(token.accessToken);
      for (const [key, value] of Object.entries(token.metadata)) if (/token|secret/i.test(key) && typeof value === 'string') this.redactor.register(value);
      return { request, sentAt, durationMs: performance.now() - started, response, token };
    } catch (error) {
      const typed = error instanceof TokenRequestError ? error : toTokenError(error, request.url);
      if (subject.id !== undefined) typed.secretId = subject.id;
      return { request, sentAt, durationMs: performance.now() - started, ...(response && { response }), error: typed };
    }
  }

  /** The params could not make a request (a key that does not parse, say): no retry helps until the secret is changed. */
  #invalidSecret(error: unknown, subject: TokenRequestSubject, scrub: (text: string) => string): TokenRequestError {
    const known = error instanceof SecretParamsError;
    const message = known ? error.message : `The ${subject.kind} secret's parameters cannot make a token request (${scrub(error instanceof Error ? error.message : String(error))}). Check them and save the secret again.`;
    const typed = new TokenRequestError('invalid-secret', message, { retryable: false, reason: known ? error.code : 'invalid-secret' });
    if (subject.id !== undefined) typed.secretId = subject.id;
    return typed;
  }

  #scrubber(subject: TokenRequestSubject): (text: string) => string {
    const values = this.kinds.sensitiveValues(subject.kind, subject.params);
    // Saved secrets registered theirs when revealed; a draft's values are registered here.
    if (subject.id === undefined) for (const value of values) this.redactor.register(value);
    // The token endpoint's answer is a remote party's text: one that holds a value too short to mask is withheld whole.
    return (text) => this.#masker.mask(text, values, { shortValues: 'withhold' });
  }
}

/** Maps what the HTTP layer threw to a typed token error. */
function toTokenError(error: unknown, url: string): TokenRequestError {
  const where = describeUrl(url);
  if (error instanceof AddressRefusedError || (isAxiosError(error) && error.cause instanceof AddressRefusedError)) {
    const refused = error instanceof AddressRefusedError ? error : (error.cause as AddressRefusedError);
    return new TokenRequestError('address-refused', refused.message, { retryable: false, cause: refused });
  }
  if (error instanceof TotalTimeoutError || error instanceof ConnectTimeoutError || (isAxiosError(error) && error.cause instanceof ConnectTimeoutError)) {
    const what = error instanceof TotalTimeoutError ? 'did not answer in time' : 'did not accept the connection in time';
    return new TokenRequestError('timeout', `The token endpoint ${where} ${what} (${(error instanceof Error ? error.message : '').trim()}). Check that the URL is reachable from this server.`, {
      retryable: true,
      networkCode: 'ETIMEDOUT',
      cause: isAxiosError(error) ? bareCause(error) : error,
    });
  }
  if (isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
      return new TokenRequestError('timeout', `The token endpoint ${where} did not answer in time. Check that the URL is reachable from this server.`, {
        retryable: true,
        networkCode: 'ETIMEDOUT',
        cause: bareCause(error),
      });
    }
    if (/maxContentLength/.test(error.message)) {
      return new TokenRequestError('response-too-large', `The token endpoint ${where} sent an answer larger than the limit for token responses. Check the token URL: a token response is a small JSON object.`, {
        retryable: false,
        cause: bareCause(error),
      });
    }
    const code = systemCodeOf(error);
    return new TokenRequestError('network', `Could not reach the token endpoint ${where}: ${networkReason(code, error.message)}.${TOKEN_URL_HINTS[networkFailure(code)]}`, {
      retryable: code !== 'ENOTFOUND' && !isTlsCode(code),
      ...(code !== undefined && { networkCode: code }),
      cause: bareCause(error),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TokenRequestError('network', `The token request to ${where} failed: ${message}`, { retryable: false, cause: bareCause(error) });
}

/**
 * The cause kept on a token error: name, message and system code only. An axios error carries the
 * request (its body holds the credentials), so it is never attached as it is.
 */
function bareCause(error: unknown): Error {
  const source = error as { name?: string; message?: string; code?: string; cause?: { code?: string; syscall?: string } };
  const bare = new Error(source.message ?? String(error));
  bare.name = source.name ?? 'Error';
  const code = source.cause?.code ?? source.code;
  if (code !== undefined) Object.assign(bare, { code });
  if (source.cause?.syscall !== undefined) Object.assign(bare, { syscall: source.cause.syscall });
  return bare;
}

/** What to check, after the reason, for each kind of failed connection to a token endpoint. */
const TOKEN_URL_HINTS: Record<NetworkFailure, string> = {
  'dns-failure': ' Check the host in the token URL.',
  'connection-refused': ' Check the URL and port.',
  'connection-reset': ' Retrying.',
  'host-unreachable': ' Check the network path and firewall.',
  'tls-error': " Check the URL's host name and the endpoint's certificate.",
  'network-error': '',
};
