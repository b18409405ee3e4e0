/** Turns any error into DESIGN §3's `{ error: { code, message, details? } }` with the right status, never leaking internals. */
import { ConfigurationError, ConflictError, NotFoundError, TesseraError, TokenRequestError, ValidationError } from '@tessera/core';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Status by stable code, for errors whose class does not already say it. */
const STATUS_BY_CODE: Record<string, number> = {
  unauthorized: 401,
  'dispatcher-stopping': 503,
};

/** The server's own trouble (its keys, its configuration): a 500 whose details stay in the log. */
const SERVER_SIDE = new Set(['decrypt-failed', 'key-not-found']);

const INTERNAL: ErrorBody = { error: { code: 'internal', message: 'Something went wrong inside Tessera; the server log has the details.' } };

export function errorReply(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ConfigurationError || (error instanceof TesseraError && SERVER_SIDE.has(error.code))) return { status: 500, body: INTERNAL };
  if (error instanceof ValidationError) return reply(400, error);
  if (error instanceof NotFoundError) return reply(404, error);
  if (error instanceof ConflictError) return reply(409, error);
  if (error instanceof TokenRequestError) return reply(422, error);
  if (error instanceof TesseraError) return reply(STATUS_BY_CODE[error.code] ?? 422, error);
  // Fastify's own errors: a body that is not JSON, a body too large, an unknown content type.
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = status === 413 ? 'body-too-large' : status === 415 ? 'unsupported-media-type' : 'bad-request';
    return { status, body: { error: { code, message: (error as Error).message } } };
  }
  return { status: 500, body: INTERNAL };
}

function reply(status: number, error: TesseraError): { status: number; body: ErrorBody } {
  return { status, body: { error: { code: error.code, message: error.message, ...(error.details !== undefined && { details: error.details }) } } };
}
