/**
 * The OpenAPI document describes what each operation answers, from the same zod schemas the routes
 * must return: every operation that answers a body has its schema, and the bodies the real server
 * sends for each one validate against it (Ajv, JSON Schema 2020-12, no extra fields allowed).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { startTestServer } from '../support/start-test-server.js';
import { waitFor } from '../support/wait-for.js';

interface Operation {
  responses: Record<string, { content?: { 'application/json': { schema: object } } }>;
}

describe('OpenAPI responses', () => {
  it('gives every operation its response schema, and every answer of the server validates against it', async () => {
    const server = await startTestServer();
    const document = (await server.api('GET', '/api/openapi.json')).json<{ paths: Record<string, Record<string, Operation>> }>();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const checked = new Set<string>();
    /** Calls an operation and validates its answer against the document's schema for its status. */
    const call = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, url: string, body?: unknown): Promise<T> => {
      const response = await server.api(method, url, body);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
      const operation = document.paths[path]?.[method.toLowerCase()];
      expect(operation, `${method} ${path} is documented`).toBeDefined();
      const answer = operation!.responses[String(response.statusCode)];
      expect(answer, `${method} ${path} documents ${response.statusCode}`).toBeDefined();
      checked.add(`${method} ${path}`);
      if (response.statusCode === 204) {
        expect(answer!.content).toBeUndefined();
        return undefined as T;
      }
      const schema = answer!.content?.['application/json'].schema;
      expect(schema, `${method} ${path} describes its ${response.statusCode} body`).toBeDefined();
      const valid = ajv.validate(schema!, response.json());
      expect(valid ? [] : ajv.errors, `${method} ${path}`).toEqual([]);
      return response.json<T>();
    };

    await call('GET', '/api/secret-kinds', '/api/secret-kinds');
    await call('GET', '/api/plugins', '/api/plugins');
    await call('GET', '/api/storage', '/api/storage');
    const params = { url: server.tokenServer.tokenUrl, username: 'svc-user', password: randomCredential('pw') };
    await call('POST', '/api/secrets/test', '/api/secrets/test', { kind: 'general', params });
    const secret = await call<{ id: string }>('POST', '/api/secrets', '/api/secrets', { name: 'crm', kind: 'general', params });
    await call('GET', '/api/secrets', '/api/secrets');
    await call('GET', '/api/secrets/{id}', `/api/secrets/${secret.id}`);
    await call('PATCH', '/api/secrets/{id}', `/api/secrets/${secret.id}`, { description: 'the CRM' });
    await call('POST', '/api/secrets/{id}/test', `/api/secrets/${secret.id}/test`);

    const failing = await new FakeHttpServer(() => ({ status: 500, body: 'down' })).listen();
    const created = await call<{ endpoint: { id: string } }>('POST', '/api/webhooks', '/api/webhooks', { url: failing.url('/hook'), secretId: secret.id, retrySchedule: [] });
    const hook = created.endpoint.id;
    await call('GET', '/api/webhooks', '/api/webhooks');
    await call('GET', '/api/webhooks/{id}', `/api/webhooks/${hook}`);
    await call('PATCH', '/api/webhooks/{id}', `/api/webhooks/${hook}`, { timeoutMs: 5_000 });
    await call('POST', '/api/webhooks/{id}/rotate-signing-secret', `/api/webhooks/${hook}/rotate-signing-secret`, { graceSeconds: 60 });
    await call('POST', '/api/webhooks/{id}/test', `/api/webhooks/${hook}/test`);
    const { deliveryIds } = await call<{ deliveryIds: string[] }>('POST', '/api/events', '/api/events', { type: 'invoice.paid', data: { invoice: 1 } });
    const id = deliveryIds[0]!;
    await waitFor(async () => (await server.api('GET', `/api/deliveries/${id}`)).json<{ status: string }>().status === 'failed', 10_000);
    await call('GET', '/api/deliveries', '/api/deliveries');
    const activity = await call<{ totals: { failed: number; answered: number } }>('GET', '/api/webhooks/{id}/activity', `/api/webhooks/${hook}/activity?hours=24`);
    expect(activity.totals.failed).toBeGreaterThanOrEqual(1);
    expect(activity.totals.answered).toBeGreaterThanOrEqual(1);
    // The dispatcher got the webhook's token from the provider: issued once, then from the cache.
    const tokens = await call<{ totals: { issued: number } }>('GET', '/api/secrets/{id}/token-activity', `/api/secrets/${secret.id}/token-activity`);
    expect(tokens.totals.issued).toBe(1);
    await call('GET', '/api/deliveries/{id}', `/api/deliveries/${id}`);
    await call('POST', '/api/deliveries/{id}/retry', `/api/deliveries/${id}/retry`);
    await call('POST', '/api/webhooks/{id}/recover', `/api/webhooks/${hook}/recover`, { since: new Date(0).toISOString() });
    await call('DELETE', '/api/webhooks/{id}', `/api/webhooks/${hook}`);
    await call('DELETE', '/api/secrets/{id}', `/api/secrets/${secret.id}`);
    await failing.close();

    // Every documented operation was called, and answered as described.
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect([...checked].sort()).toEqual(documented.sort());
  });
});
