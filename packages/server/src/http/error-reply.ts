/** Turns any error into DESIGN §3's `{ error: { code, message, details? } }` with the right status, never leaking internals. */
import { StorageFullError, statusOfCode, TesseraError } from '@tessera/core';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const INTERNAL: ErrorBody = { error: { code: 'internal', message: 'Something went wrong inside Tessera; the server log has the details.' } };

/** `headers`: what the answer carries besides its body (`Retry-After` while the disk is full). */
export function errorReply(error: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (error instanceof StorageFullError) return { ...reply(statusOfCode(error.code), error), headers: { 'retry-after': String(error.retryAfterSeconds) } };
  // Each code's status is declared with the code (core's ERROR_STATUS); a 500 is the server's own
  // trouble (its keys, its settings), whose details stay in the log.
  if (error instanceof TesseraError) {
    const status = statusOfCode(error.code);
    return status === 500 ? { status, body: INTERNAL } : reply(status, error);
  }
  // Fastify's own errors (a body too large, an unknown content type, a bad URL): our words, never an echo of the request.
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, body: { error: FRAMEWORK_ERRORS[(error as { code?: string }).code ?? ''] ?? byStatus(status) } };
  return { status: 500, body: INTERNAL };
}

/** Fastify's error codes in DESIGN §3's words. */
const FRAMEWORK_ERRORS: Record<string, ErrorBody['error']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body-too-large', message: 'The request body is larger than this route accepts (--body-limit or TESSERA_BODY_LIMIT for the API).' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported-media-type', message: 'Send the request body as JSON, with Content-Type: application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad-request', message: 'The Content-Length header does not match the body sent.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'bad-request', message: 'The body is empty although Content-Type says application/json: send a JSON object, or no Content-Type.' },
  FST_ERR_BAD_URL: { code: 'bad-request', message: 'The URL is not valid (it holds a malformed %-escape).' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'uri-too-long', message: 'A part of the URL path is longer than any id or name can be.' },
};

function byStatus(status: number): ErrorBody['error'] {
  if (status === 413) return FRAMEWORK_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE as ErrorBody['error'];
  if (status === 415) return FRAMEWORK_ERRORS.FST_ERR_CTP_INVALID_MEDIA_TYPE as ErrorBody['error'];
  if (status === 414) return { code: 'uri-too-long', message: 'The URL is too long.' };
  return { code: 'bad-request', message: 'The request could not be read.' };
}

function reply(status: number, error: TesseraError): { status: number; body: ErrorBody } {
  return { status, body: { error: { code: error.code, message: error.message, ...(error.details !== undefined && { details: error.details }) } } };
}
