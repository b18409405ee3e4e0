/** Reads a token endpoint's answer into an issued token, or a `TokenRequestError` that says what to fix. */
import type { HttpPostResult } from '../http/http-client.js';
import { maskControls } from '../input/without-controls.js';
import type { SecretKind, SecretParams } from '../secrets/secret-kind.js';
import type { ResponseFields } from '../secrets/token-request-options.js';
import type { IssuedToken } from './access-token.js';
import { TokenRequestError } from './token-request-error.js';

/** OAuth errors that no retry can fix. */
const PERMANENT_OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
]);
/** Longer lifetimes are treated as a malformed answer (they would overflow dates). */
const MAX_LIFETIME_SECONDS = 31_536_000;
const SECRET_RESPONSE_FIELDS = new Set(['access_token', 'refresh_token', 'id_token']);
/** What a token type looks like (RFC 6749 §7.1 names: `Bearer`, `MAC`, `DPoP`, Azure's `N_A`): letters, `_` and `-`, short. */
const TOKEN_TYPE = /^[A-Za-z][A-Za-z_-]{0,19}$/;
/** Reported instead of a token type that does not look like one (it might be anything the endpoint sent). */
export const NON_STANDARD_TYPE = 'non-standard';
/** A lifetime that is not a number is quoted only when this short: a long string may be a credential. */
const QUOTED_LIFETIME_CHARS = 16;
/** An OAuth error code as RFC 6749 §5.2 allows it (printable ASCII but `"` and `\`), and short: anything else is not repeated. */
const OAUTH_ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/;
/** How much of the endpoint's own words (an error description) a message repeats; the rest is cut. */
const DESCRIPTION_CHARS = 500;
/** How many of an answer's field names a message lists, each cut to NAME_CHARS. */
const LISTED_NAMES = 20;
const NAME_CHARS = 40;

export interface ReadContext {
  kind: SecretKind;
  params: SecretParams;
  sentAt: number;
  /** Text that must not appear in an error message (the secret's sensitive values). */
  scrub: (text: string) => string;
}

export function readTokenResponse(response: HttpPostResult, context: ReadContext): IssuedToken {
  // For messages only: parsing the URL is left to an answer that needs one.
  const where = () => describeUrl(String(context.params.url));
  const { status } = response;
  const json = parseJsonObject(response.body);
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  const transient = status === 408 || status === 429 || status >= 500;

  const rawError = json && typeof json.error === 'string' ? json.error : undefined;
  if (rawError !== undefined && (status >= 400 || json?.access_token === undefined)) {
    // The endpoint's own words: masked like any answer (an endpoint may echo the request), and bounded.
    const oauthError = OAUTH_ERROR_CODE.test(rawError) ? context.scrub(rawError) : NON_STANDARD_TYPE;
    const description = typeof json?.error_description === 'string' ? remoteText(context.scrub(json.error_description), DESCRIPTION_CHARS) : undefined;
    const retryable = transient && !PERMANENT_OAUTH_ERRORS.has(rawError);
    throw new TokenRequestError(
      'oauth',
      `The token endpoint ${where()} refused the request with HTTP ${status} and OAuth error '${oauthError}'${description ? ` (${description})` : ''}. ${oauthHint(oauthError)}`,
      { status, oauthError, ...(description !== undefined && { oauthErrorDescription: description }), retryable, ...(retryAfterMs !== undefined && { retryAfterMs }) },
    );
  }
  if (status < 200 || status >= 300) {
    throw new TokenRequestError('http', `The token endpoint ${where()} answered HTTP ${status}. ${statusHint(status)}`, {
      status,
      retryable: transient,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  if (!json) {
    throw new TokenRequestError('invalid-response', `The token endpoint ${where()} answered HTTP ${status} with ${describeBody(response)} instead of a JSON object. ${notJsonHint(response)}`, {
      status,
      retryable: false,
      reason: looksLikeHtml(response) ? 'html-response' : 'not-json',
    });
  }

  const names = responseFieldNames(context.params.responseFields as ResponseFields | undefined);
  const accessToken = json[names.accessToken];
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new TokenRequestError(
      'invalid-response',
      `The token endpoint ${where()} answered HTTP ${status} without a non-empty '${names.accessToken}' string (fields present: ${fieldList(Object.keys(json), context.scrub)}). If the token is under another name, set responseFields.accessToken.`,
      { status, retryable: false, reason: 'missing-access-token' },
    );
  }
  const lifetimeSeconds = readLifetime(json[names.expiresIn], names.expiresIn, context, where, status);
  const tokenType = json[names.tokenType];
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (!SECRET_RESPONSE_FIELDS.has(key) && key !== names.accessToken && key !== names.expiresIn && key !== names.tokenType) metadata[key] = value;
  }
  const lifetimeMs = lifetimeSeconds.value * 1000;
  return {
    accessToken,
    // Shown by the tester and in logs: a value that does not look like a token type (`Bearer`, `DPoP`, `N_A`) is not repeated.
    tokenType: typeof tokenType !== 'string' || tokenType.length === 0 ? 'Bearer' : TOKEN_TYPE.test(tokenType) ? tokenType : NON_STANDARD_TYPE,
    expiresAt: new Date(context.sentAt + lifetimeMs),
    metadata,
    sentAt: context.sentAt,
    lifetimeMs,
    defaultLifetime: lifetimeSeconds.isDefault,
  };
}

function readLifetime(raw: unknown, name: string, context: ReadContext, where: () => string, status: number): { value: number; isDefault: boolean } {
  if (raw === undefined || raw === null || raw === '') {
    const fromSecret = context.params.defaultLifetimeSeconds as number | undefined;
    const fallback = fromSecret ?? (context.kind.lifetime.requireExpiresIn ? undefined : context.kind.lifetime.defaultSeconds);
    if (fallback !== undefined) return { value: fallback, isDefault: true };
    throw new TokenRequestError(
      'invalid-response',
      `The token endpoint ${where()} answered HTTP ${status} without '${name}', so the token's lifetime is unknown. If the endpoint never sends it, set defaultLifetimeSeconds on the secret.`,
      { status, retryable: false, reason: 'missing-expires-in' },
    );
  }
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(value) || value <= 0 || value > MAX_LIFETIME_SECONDS) {
    throw new TokenRequestError(
      'invalid-response',
      `The token endpoint ${where()} answered HTTP ${status} with '${name}' = ${shownLifetime(raw)}, which is not a positive number of seconds up to one year.`,
      { status, retryable: false, reason: 'invalid-expires-in' },
    );
  }
  return { value, isDefault: false };
}

/** A lifetime that could not be read, as a message may show it: numbers and short strings as they are, others by their size. */
function shownLifetime(raw: unknown): string {
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw === 'string') return raw.length <= QUOTED_LIFETIME_CHARS ? JSON.stringify(raw) : `a string of ${raw.length} characters`;
  return Array.isArray(raw) ? 'an array' : 'an object';
}

function responseFieldNames(overrides: ResponseFields | undefined): Required<ResponseFields> {
  return {
    accessToken: overrides?.accessToken ?? 'access_token',
    expiresIn: overrides?.expiresIn ?? 'expires_in',
    tokenType: overrides?.tokenType ?? 'token_type',
  };
}

export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function looksLikeHtml(response: HttpPostResult): boolean {
  return /html/i.test(response.headers['content-type'] ?? '') || /^\s*</.test(response.body);
}

function describeBody(response: HttpPostResult): string {
  if (response.body.trim() === '') return 'an empty body';
  if (looksLikeHtml(response)) return 'an HTML page';
  return `a body of type ${remoteText(response.headers['content-type'] ?? 'unknown', NAME_CHARS)} that is not a JSON object`;
}

/** Text from a remote answer as a message may repeat it: control characters replaced, cut at `max` characters. */
function remoteText(text: string, max: number): string {
  // Control characters are never repeated from a remote answer: they could drive the terminal a message is printed on.
  const clean = maskControls(text);
  return clean.length > max ? `${clean.slice(0, max)}… (${clean.length - max} more characters)` : clean;
}

/** An answer's field names for a message: masked, bounded, at most LISTED_NAMES of them. */
function fieldList(names: readonly string[], scrub: (text: string) => string): string {
  if (names.length === 0) return 'none';
  const listed = names.slice(0, LISTED_NAMES).map((name) => remoteText(scrub(name), NAME_CHARS));
  return names.length > LISTED_NAMES ? `${listed.join(', ')} and ${names.length - LISTED_NAMES} more` : listed.join(', ');
}

function notJsonHint(response: HttpPostResult): string {
  return looksLikeHtml(response)
    ? 'The URL probably points at a web page or a login page rather than the token endpoint: check the token URL.'
    : 'Check that the URL is the token endpoint.';
}

/** Origin and path of a URL, without query or credentials, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname;
  } catch {
    return '(invalid URL)';
  }
}

export function statusHint(status: number): string {
  if (status === 401 || status === 403) return 'The endpoint rejected the credentials: check the username and password, or the client id and secret, of this secret.';
  if (status === 404) return 'Nothing answers at that path: check the token URL.';
  if (status === 405) return 'The URL does not accept POST: check the token URL.';
  if (status === 400 || status === 415) return "The endpoint rejected the request's format: check the parameters, and try encoding 'form' if it expects a form body (or 'json' if it expects JSON).";
  if (status === 408 || status === 429) return 'The endpoint is busy or rate-limiting; Tessera retries with backoff.';
  if (status >= 500) return 'The endpoint is failing; Tessera retries with backoff. If it persists, contact its operator.';
  if (status >= 300 && status < 400) return 'Redirects are not followed for token requests: use the final URL of the token endpoint.';
  return 'Check the token URL and parameters.';
}

function oauthHint(error: string): string {
  switch (error) {
    case 'invalid_grant':
      return 'The credentials or grant were rejected: check the username and password (or the assertion) and that the account is allowed to sign in.';
    case 'invalid_client':
    case 'unauthorized_client':
      return 'The client was not recognised or is not allowed this grant: check the client id and secret.';
    case 'invalid_scope':
      return 'Check the scope and its format (scopeFormat).';
    case 'unsupported_grant_type':
      return 'Check the grant type.';
    case 'invalid_request':
      return "Check the parameters; if the endpoint expects another body encoding, set encoding to 'form' or 'json'.";
    default:
      return 'See the endpoint’s documentation for this error.';
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
