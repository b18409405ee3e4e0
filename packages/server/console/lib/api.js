// @ts-check
// The HTTP API as the console calls it: JSON with the admin token of this browser tab, failures as ApiError.

const TOKEN_KEY = 'tessera.adminToken';

/** An API answer that was not a success: its status, its stable code and the field issues it names. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ error?: { code?: string, message?: string, details?: { issues?: Array<{ field: string, message: string }> } } } | undefined} body
   */
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.issues = body?.error?.details?.issues ?? [];
  }
}

/** @type {(message: string) => void} */
let signInNeeded = () => undefined;

/** What to do when the server no longer accepts the admin token (the sign-in view asks for it again). */
export function onSignInNeeded(/** @type {(message: string) => void} */ handler) {
  signInNeeded = handler;
}

export function adminToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function rememberAdminToken(/** @type {string} */ token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetAdminToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An id as one URL path segment. */
export function seg(/** @type {string} */ id) {
  return encodeURIComponent(id);
}

/**
 * Calls the API; resolves to the parsed answer (the caller states its type from api-bodies.d.ts), or
 * rejects with an ApiError. A 401 forgets the token and asks to sign in again.
 * @param {'GET' | 'POST' | 'PATCH' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<unknown>}
 */
export async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${adminToken() ?? ''}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (response.status === 401) {
    forgetAdminToken();
    signInNeeded('The admin token was not accepted. Sign in again.');
    throw new ApiError(401, parsed);
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** The status of a failed call, or undefined for an error that did not come from the API (the network, a bug). */
export function statusOf(/** @type {unknown} */ error) {
  return error instanceof ApiError ? error.status : undefined;
}

/**
 * The field issues of a refused call (or of a form the console refused itself, which carries them the same way).
 * @param {unknown} error
 * @returns {Array<{ field: string, message?: string }>}
 */
export function issuesOf(error) {
  return typeof error === 'object' && error !== null && 'issues' in error && Array.isArray(error.issues) ? error.issues : [];
}

/** What a failure says. */
export function messageOf(/** @type {unknown} */ error) {
  return error instanceof Error ? error.message : String(error);
}
