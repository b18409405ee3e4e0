/**
 * Every code a Tessera error carries, each with the HTTP status the API answers it with (a 500 is
 * answered `internal`, its details kept for the log). A new error code is added here, or it does not
 * compile.
 */
export const ERROR_STATUS = {
  // The request itself.
  validation: 400,
  'bad-request': 400,
  unauthorized: 401,
  'not-found': 404,
  'uri-too-long': 414,
  // The current state says no.
  'revision-mismatch': 409,
  'name-ambiguous': 409,
  'secret-name-taken': 409,
  'webhook-name-taken': 409,
  'secret-in-use': 409,
  'event-id-conflict': 409,
  'delivery-not-failed': 409,
  'delivery-in-flight': 409,
  // Understood, but cannot be done.
  'credentials-required': 422,
  'invalid-private-key': 422,
  'salesforce-session-rejected': 422,
  'kind-not-loaded': 422,
  'address-refused': 422,
  'connect-timeout': 422,
  timeout: 422,
  network: 422,
  http: 422,
  oauth: 422,
  'invalid-response': 422,
  'response-too-large': 422,
  'invalid-secret': 422,
  cooldown: 422,
  'salesforce-sign-in-failed': 422,
  'salesforce-no-instance-url': 422,
  // Tessera's own state or settings.
  'dispatcher-stopping': 503,
  'database-unavailable': 503,
  'storage-full': 503,
  'decrypt-failed': 500,
  'key-not-found': 500,
  'invalid-key-id': 500,
  'invalid-key-ring': 500,
  'invalid-master-key': 500,
  'master-key-missing': 500,
  'storage-conflict': 500,
  'invalid-setting': 500,
  'invalid-port': 500,
  'port-in-use': 500,
  'invalid-network-allow': 500,
  'admin-token-required': 500,
  'weak-admin-token': 500,
  'data-directory-busy': 500,
  'not-sqlite': 500,
  'not-postgres': 500,
  'plugin-load-failed': 500,
  'route-outside-api': 500,
  'invalid-stored-table': 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The HTTP status of an error code (DESIGN §3: 400 validation, 401, 404, 409 conflict, 422 unprocessable). */
export function statusOfCode(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
