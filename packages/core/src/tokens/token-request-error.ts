/** The typed error of a token request: what failed, whether a retry can help, and what the endpoint said. */
import { TesseraError } from '../errors/tessera-error.js';

export type TokenErrorCode =
  | 'network'
  | 'timeout'
  | 'http'
  | 'oauth'
  | 'invalid-response'
  | 'response-too-large'
  | 'address-refused'
  | 'invalid-secret'
  | 'cooldown';

export interface TokenErrorInfo {
  retryable: boolean;
  status?: number;
  oauthError?: string;
  oauthErrorDescription?: string;
  /** The system error code of a network failure (ENOTFOUND, ECONNREFUSED, …). */
  networkCode?: string;
  /** From `Retry-After`, when the endpoint sent one. */
  retryAfterMs?: number;
  secretId?: string;
  /** A finer reason within the code, e.g. `missing-access-token` for `invalid-response`. */
  reason?: string;
  cause?: unknown;
}

export class TokenRequestError extends TesseraError {
  declare readonly code: TokenErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly oauthError?: string;
  readonly oauthErrorDescription?: string;
  readonly networkCode?: string;
  readonly retryAfterMs?: number;
  readonly reason?: string;
  secretId?: string;

  constructor(code: TokenErrorCode, message: string, info: TokenErrorInfo) {
    super(code, message, { cause: info.cause });
    this.retryable = info.retryable;
    if (info.status !== undefined) this.status = info.status;
    if (info.oauthError !== undefined) this.oauthError = info.oauthError;
    if (info.oauthErrorDescription !== undefined) this.oauthErrorDescription = info.oauthErrorDescription;
    if (info.networkCode !== undefined) this.networkCode = info.networkCode;
    if (info.retryAfterMs !== undefined) this.retryAfterMs = info.retryAfterMs;
    if (info.secretId !== undefined) this.secretId = info.secretId;
    if (info.reason !== undefined) this.reason = info.reason;
  }
}
