/**
 * What the service accepts is what the OpenAPI document describes, field for field: every operation's
 * request body and query are closed objects in the document, the server refuses a field the document
 * does not list (400 naming it), and takes every field it does list as one it knows (never "unrecognized").
 * The answers side is test/server/api-responses.test.ts; a handler's answer that drifts from its schema
 * is refused by the server itself (test/server/contributions.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/start-test-server.js';

interface ObjectSchema {
  type?: string;
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
}

interface Operation {
  parameters?: Array<{ name: string; in: 'path' | 'query'; schema: unknown }>;
  requestBody?: { content: { 'application/json': { schema: ObjectSchema } } };
}

interface ErrorBody {
  error: { code: string; details?: { issues?: Array<{ field: string; message: string }> } };
}

/** Whether the server's answer says `name` is a field it does not know. */
function refusesAsUnknown(body: ErrorBody, name: string): boolean {
  return (body.error.details?.issues ?? []).some((issue) => /unrecognized/i.test(issue.message) && issue.message.includes(name));
}

describe('the API contract', () => {
  it('accepts exactly the request fields the document lists, for every operation', async () => {
    const server = await startTestServer();
    const document = (await server.api('GET', '/api/openapi.json')).json<{ paths: Record<string, Record<string, Operation>> }>();
    const bodies: string[] = [];
    let queries = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const url = path.replace(/\{[^}]+\}/g, 'sec_0000000000000000000000');
        const verb = method.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'DELETE';
        const where = `${verb} ${path}`;
        const body = operation.requestBody?.content['application/json'].schema;
        if (body === undefined && verb !== 'GET') {
          // An operation the document gives no body takes none either.
          const refused = await server.api(verb, url, { __undocumented: 1 });
          expect(refused.statusCode, where).toBe(400);
          expect(refusesAsUnknown(refused.json<ErrorBody>(), '__undocumented'), `${where}: ${refused.body}`).toBe(true);
        }
        if (body !== undefined) {
          bodies.push(where);
          expect(body.type, where).toBe('object');
          expect(body.additionalProperties, `${where}: the body is closed in the document`).toBe(false);
          const refused = await server.api(verb, url, { __undocumented: 1 });
          expect(refused.statusCode, where).toBe(400);
          expect(refusesAsUnknown(refused.json<ErrorBody>(), '__undocumented'), `${where}: ${refused.body}`).toBe(true);
          for (const name of Object.keys(body.properties ?? {})) {
            // A value of no field's type: refused, but never as a field the server does not know.
            const answer = await server.api(verb, url, { [name]: { __probe: [] } });
            expect(answer.statusCode, `${where} ${name}`).toBeGreaterThanOrEqual(400);
            if (answer.statusCode === 400) expect(refusesAsUnknown(answer.json<ErrorBody>(), name), `${where} takes ${name}: ${answer.body}`).toBe(false);
          }
        }
        const query = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
        if (query.length > 0 || verb === 'GET') {
          queries++;
          const refused = await server.api(verb, `${url}?__undocumented=1`);
          expect(refused.statusCode, `${where}?__undocumented`).toBe(400);
          expect(refusesAsUnknown(refused.json<ErrorBody>(), '__undocumented'), `${where}?__undocumented: ${refused.body}`).toBe(true);
          for (const { name } of query) {
            const answer = await server.api(verb, `${url}?${encodeURIComponent(name)}=%00`);
            if (answer.statusCode === 400) expect(refusesAsUnknown(answer.json<ErrorBody>(), name), `${where}?${name}: ${answer.body}`).toBe(false);
          }
        }
      }
    }
    // The operations with a body and the listings with a query were all seen.
    expect(bodies).toEqual(expect.arrayContaining(['POST /api/secrets', 'PATCH /api/secrets/{id}', 'POST /api/secrets/test', 'POST /api/webhooks', 'PATCH /api/webhooks/{id}', 'POST /api/events']));
    expect(queries).toBeGreaterThanOrEqual(5);
  });
});
