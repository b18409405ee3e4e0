/** Error codes are one typed list in core, each with its HTTP status beside it; the API answers by that list, hiding the server's own 500s. */
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, TesseraError, type ErrorCode } from '@tessera/core';
import { errorReply } from '../../packages/server/src/http/error-reply.js';

describe('error codes', () => {
  it('answers each code with the status declared next to it, and a 500 as internal without its details', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS) as Array<[ErrorCode, number]>) {
      const reply = errorReply(new TesseraError(code, `message of ${code}`, { details: { secret: 'kept in the log' } }));
      expect(reply.status, code).toBe(status);
      if (status === 500) expect(reply.body, code).toEqual({ error: { code: 'internal', message: expect.stringContaining('server log') } });
      else expect(reply.body, code).toEqual({ error: { code, message: `message of ${code}`, details: { secret: 'kept in the log' } } });
    }
  });

  it('keeps DESIGN §3: 400 validation, 401, 404, 409 conflict, 422 unprocessable', () => {
    expect([ERROR_STATUS.validation, ERROR_STATUS.unauthorized, ERROR_STATUS['not-found'], ERROR_STATUS['revision-mismatch'], ERROR_STATUS['kind-not-loaded']]).toEqual([400, 401, 404, 409, 422]);
    // Every token error code is unprocessable input from the caller's side (the endpoint refused, or could not be reached).
    for (const code of ['network', 'timeout', 'http', 'oauth', 'invalid-response', 'cooldown'] as const) expect(ERROR_STATUS[code], code).toBe(422);
    expect(ERROR_STATUS['database-unavailable']).toBe(503);
  });
});
