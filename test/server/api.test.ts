/** The HTTP API through inject() on real SQLite: the admin-token guard, DESIGN §3's error shape, and the operator story end to end. */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { buildServer, createTesseraContainer, resolveServerConfig, startServer } from '@tessera/server';
import { Webhook } from 'standardwebhooks';
import { captureTransport, randomCredential } from '../support/start-test-tessera.js';
import { startTestServer, type TestServer } from '../support/start-test-server.js';
import { waitFor } from '../support/wait-for.js';

interface OpenApi {
  paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: unknown }> }; parameters: Array<{ name: string }> }>>;
}

/** Every route of DESIGN §3 under /api, with a placeholder id. */
const DESIGN_ROUTES = [
  ['GET', '/api/secret-kinds'],
  ['GET', '/api/secrets'],
  ['POST', '/api/secrets'],
  ['GET', '/api/secrets/:id'],
  ['PATCH', '/api/secrets/:id'],
  ['DELETE', '/api/secrets/:id'],
  ['POST', '/api/secrets/:id/test'],
  ['POST', '/api/secrets/test'],
  ['GET', '/api/webhooks'],
  ['POST', '/api/webhooks'],
  ['GET', '/api/webhooks/:id'],
  ['PATCH', '/api/webhooks/:id'],
  ['DELETE', '/api/webhooks/:id'],
  ['POST', '/api/webhooks/:id/test'],
  ['POST', '/api/events'],
  ['GET', '/api/deliveries'],
  ['GET', '/api/deliveries/:id'],
  ['POST', '/api/deliveries/:id/retry'],
] as const;

async function createSecret(server: TestServer, name = 'crm-hook') {
  const password = randomCredential('pw');
  const response = await server.api('POST', '/api/secrets', {
    name,
    kind: 'general',
    params: { url: server.tokenServer.tokenUrl, grantType: 'password', scope: 'read,write', username: 'svc-user', password },
  });
  expect(response.statusCode).toBe(201);
  return { secret: response.json<{ id: string; name: string; params: Record<string, unknown> }>(), password };
}

describe('admin token', () => {
  it('refuses every /api route without the admin token, or with a wrong one, and leaks nothing', async () => {
    const server = await startTestServer();
    const { secret, password } = await createSecret(server);
    const document = (await server.api('GET', '/api/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => [m.toUpperCase(), path.replace('{id}', ':id')]));
    // The OpenAPI document lists every route of DESIGN §3 (and the guard below covers each one it lists).
    for (const route of DESIGN_ROUTES) expect(documented).toContainEqual([...route]);
    for (const [method, path] of [...documented, ['GET', '/api/openapi.json']] as Array<[string, string]>) {
      const url = path.replace(':id', secret.id);
      for (const headers of [{}, { authorization: 'Bearer wrong-token-of-the-same-shape' }, { authorization: `Basic ${server.adminToken}` }]) {
        const response = await server.app.inject({ method: method as 'GET', url, headers, ...(method !== 'GET' && method !== 'DELETE' && { payload: {} }) });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="tessera"');
        const body = response.json<{ error: { code: string; message: string } }>();
        expect(Object.keys(body)).toEqual(['error']);
        expect(body.error.code).toBe('unauthorized');
        for (const leak of [secret.name, secret.id, password, 'svc-user', server.tokenServer.tokenUrl, server.adminToken]) expect(response.body).not.toContain(leak);
      }
    }
    // Nothing was changed by the refused calls.
    expect((await server.api('GET', '/api/secrets')).json()).toHaveLength(1);
  });

  it('guards the API whatever the spelling of its path: encoded, doubled, absolute-form, any case of the scheme name', async () => {
    const server = await startTestServer();
    const { secret } = await createSecret(server);
    const spellings = ['/%61pi/secrets', '/ap%69/secrets', '/%2561pi/secrets', '//api/secrets', '/api/secrets/', `/api/secrets/${secret.id}?x=1`, '/API/secrets', '/%41PI/secrets', '/api'];
    for (const url of spellings) {
      for (const method of ['GET', 'HEAD', 'POST', 'OPTIONS'] as const) {
        const response = await server.app.inject({ method, url, ...(method === 'POST' && { payload: {} }) });
        expect([401, 404], `${method} ${url}`).toContain(response.statusCode);
        expect(response.body, `${method} ${url}`).not.toContain(secret.id);
      }
    }
    // Through a real socket, with an absolute-form request target.
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (server.app.server.address() as { port: number }).port;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(`GET http://127.0.0.1:${port}/api/secrets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 401/);
    expect(raw).not.toContain(secret.id);
    // The scheme name is case-insensitive (RFC 7235); a token with stray Unicode spaces is not the token.
    expect((await server.app.inject({ method: 'GET', url: '/api/secrets', headers: { authorization: `bearer ${server.adminToken}` } })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/api/secrets', headers: { authorization: 'Bearer \u00a0' } })).statusCode).toBe(401);
  });

  it('serves /healthz and /metrics without the token, and the console with a strict content security policy', async () => {
    const server = await startTestServer();
    const health = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', database: 'ok', dispatcher: 'running' });
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const family of ['tessera_token_requests_total', 'tessera_token_cache_hits_total', 'tessera_webhook_deliveries_total', 'tessera_webhook_delivery_latency_seconds', 'tessera_webhook_queue_depth']) {
      expect(metrics.body).toContain(`# TYPE ${family} `);
    }
    const page = await server.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });
});

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1 and describes each request with the schema that validates it', async () => {
    const server = await startTestServer();
    const document = (await server.api('GET', '/api/openapi.json')).json<OpenApi>();
    const result = await validate(structuredClone(document) as unknown as Parameters<typeof validate>[0]);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    const create = document.paths['/api/secrets']!.post!;
    expect(create.requestBody.content['application/json']!.schema).toMatchObject({ type: 'object', required: ['name', 'kind', 'params'], additionalProperties: false });
    const list = document.paths['/api/deliveries']!.get!;
    expect(list.parameters.find((p) => p.name === 'status')).toMatchObject({ in: 'query', required: false, schema: { enum: ['pending', 'delivering', 'succeeded', 'failed'] } });
    // The schema is the validator: what it forbids, the route refuses.
    expect((await server.api('POST', '/api/secrets', { name: 'x', kind: 'general' })).json()).toMatchObject({ error: { details: { issues: [{ field: 'params' }] } } });
  });
});

describe('errors', () => {
  it('answers validation errors in the DESIGN §3 shape, field by field, with nothing written', async () => {
    const server = await startTestServer();
    const bad = await server.api('POST', '/api/secrets', { name: 'x', kind: 'general', params: { url: 'not a url', username: 'u' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: {
        code: 'validation',
        message: expect.stringContaining('params.url'),
        details: { issues: expect.arrayContaining([{ field: 'params.url', message: expect.any(String) }, { field: 'params.password', message: expect.any(String) }]) },
      },
    });
    const unknownField = await server.api('POST', '/api/secrets', { name: 'x', kind: 'general', params: {}, colour: 'red' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json()).toMatchObject({ error: { code: 'validation', details: { issues: [{ field: '(root)' }] } } });
    const badQuery = await server.api('GET', '/api/deliveries?status=lost');
    expect(badQuery.json()).toMatchObject({ error: { code: 'validation', details: { issues: [{ field: 'status' }] } } });
    const badJson = await server.app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, payload: '{nope' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ error: { code: 'bad-request' } });
    expect((await server.api('GET', '/api/secrets')).json()).toEqual([]);
  });

  it('answers 404 for a missing resource and 409 for a conflict, in the same shape', async () => {
    const server = await startTestServer();
    expect((await server.api('GET', '/api/secrets/sec_missing')).json()).toEqual({
      error: { code: 'not-found', message: expect.stringContaining("secret 'sec_missing' does not exist"), details: { resource: 'secret', id: 'sec_missing' } },
    });
    expect((await server.api('GET', '/api/nowhere')).statusCode).toBe(404);
    const { secret } = await createSecret(server);
    expect((await server.api('POST', '/api/secrets', { name: 'crm-hook', kind: 'general', params: { url: 'https://a.example/t', username: 'u', password: 'p' } })).statusCode).toBe(409);
    const hook = await server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId: secret.id });
    expect(hook.statusCode).toBe(201);
    const inUse = await server.api('DELETE', `/api/secrets/${secret.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json()).toMatchObject({ error: { code: 'secret-in-use', message: expect.stringContaining('webhook endpoint') } });
  });
});

describe('listing secrets', () => {
  it('gives a page at a time in name order (the last name of a page starts the next), and refuses a page size out of range', async () => {
    const server = await startTestServer();
    for (const name of ['delta', 'alpha', 'charlie', 'bravo', 'echo']) await createSecret(server, name);
    const names = async (query: string) => (await server.api('GET', `/api/secrets${query}`)).json<Array<{ name: string }>>().map((s) => s.name);
    expect(await names('')).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    expect(await names('?limit=2')).toEqual(['alpha', 'bravo']);
    expect(await names('?limit=2&after=bravo')).toEqual(['charlie', 'delta']);
    expect(await names('?limit=2&after=delta')).toEqual(['echo']);
    expect(await names('?limit=2&after=echo')).toEqual([]);
    for (const limit of ['0', '1001', 'two']) {
      const refused = await server.api('GET', `/api/secrets?limit=${limit}`);
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: { code: 'validation', details: { issues: [{ field: 'limit' }] } } });
    }
  });
});

describe('server-side trouble and shutdown', () => {
  it('answers 500 with no detail when the server lacks the key of a stored value it must use, and logs why', async () => {
    const server = await startTestServer();
    const { secret } = await createSecret(server);
    const other = createTesseraContainer({ ...server.config, masterKey: generateMasterKey() }, { logTransports: [captureTransport((line) => server.logs.push(line))] });
    const app = await buildServer(other, { adminToken: server.adminToken });
    onTestFinished(async () => {
      await app.close();
      await other.unbindAllAsync();
    });
    // The masked view needs no key, so one unreadable secret does not hide the others; using it does.
    const view = await app.inject({ method: 'GET', url: `/api/secrets/${secret.id}`, headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(view.statusCode).toBe(200);
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/secrets/${secret.id}`,
      headers: { authorization: `Bearer ${server.adminToken}` },
      payload: { params: { username: 'someone-else' } },
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal', message: 'Something went wrong inside Tessera; the server log has the details.' } });
    expect(server.logs).toContainEqual(expect.objectContaining({ message: 'request failed', code: 'key-not-found' }));
  });

  it('stops within its deadline although a client left a request half-sent', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-stop-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = resolveServerConfig({ dataDir, port: 0 }, { TESSERA_ADMIN_TOKEN: 'stop-test-admin-token', TESSERA_MASTER_KEY: generateMasterKey() });
    const running = await startServer(config, { handleSignals: false, print: () => undefined, logTransports: [captureTransport(() => undefined)] });
    const port = (running.app.server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await running.stop(500);
    expect(Date.now() - started).toBeLessThan(3_000);
    socket.destroy();
  });
});

describe('operator story', () => {
  it('creates a secret, tests it, attaches it to a webhook, sends a test event and sees the delivery succeed', async () => {
    const server = await startTestServer();
    const kinds = (await server.api('GET', '/api/secret-kinds')).json<Array<{ id: string; label: string; fields: Array<{ name: string; sensitive: boolean }> }>>();
    expect(kinds.map((k) => k.label)).toEqual(expect.arrayContaining(['General – username and password', 'Microsoft Graph REST API v1.0']));
    expect(kinds.find((k) => k.id === 'general')?.fields.find((f) => f.name === 'password')?.sensitive).toBe(true);

    // A draft is tested before it is saved.
    const draft = await server.api('POST', '/api/secrets/test', { kind: 'general', params: { url: server.tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
    expect(draft.json()).toMatchObject({ ok: true, status: 200 });

    const { secret, password } = await createSecret(server);
    expect(secret.params.password).toBe('••••');
    expect(JSON.stringify((await server.api('GET', `/api/secrets/${secret.id}`)).json())).not.toContain(password);
    const report = await server.api('POST', `/api/secrets/${secret.id}/test`);
    expect(report.json()).toMatchObject({ ok: true, token: { type: 'Bearer' } });
    expect(report.body).not.toContain(server.tokenServer.issued.at(-1));
    const listed = (await server.api('GET', '/api/secrets')).json<Array<{ lastTest: { ok: boolean; summary: string } }>>();
    expect(listed[0]!.lastTest).toMatchObject({ ok: true, summary: 'token issued (HTTP 200)' });

    const created = await server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId: secret.id, events: ['order.*'] });
    const { endpoint, signingSecret } = created.json<{ endpoint: { id: string }; signingSecret: string }>();
    expect(signingSecret).toMatch(/^whsec_/);
    expect((await server.api('GET', `/api/webhooks/${endpoint.id}`)).body).not.toContain(signingSecret.slice(6));

    const sent = await server.api('POST', `/api/webhooks/${endpoint.id}/test`);
    expect(sent.statusCode).toBe(202);
    const { deliveryId } = sent.json<{ deliveryId: string }>();
    await waitFor(async () => (await server.api('GET', `/api/deliveries/${deliveryId}`)).json<{ status: string }>().status === 'succeeded');
    const request = server.receiver.requests[0]!;
    expect(request.headers.authorization).toBe(`Bearer ${server.tokenServer.issued.at(-1)}`);
    expect(new Webhook(signingSecret).verify(request.body, request.headers as Record<string, string>)).toMatchObject({ type: 'tessera.test' });

    // A published event reaches the endpoint whose filter matches it.
    const published = await server.api('POST', '/api/events', { type: 'order.created', data: { id: 42 } });
    expect(published.statusCode).toBe(202);
    const [orderDelivery] = published.json<{ deliveryIds: string[] }>().deliveryIds;
    await waitFor(async () => (await server.api('GET', `/api/deliveries/${orderDelivery}`)).json<{ status: string }>().status === 'succeeded');
    const detail = (await server.api('GET', `/api/deliveries/${orderDelivery}`)).json<{ payload: unknown; attemptLog: Array<{ status: number }> }>();
    expect(detail.payload).toMatchObject({ type: 'order.created', data: { id: 42 } });
    expect(detail.attemptLog).toEqual([expect.objectContaining({ status: 200 })]);
    const list = (await server.api('GET', `/api/deliveries?endpointId=${endpoint.id}&status=succeeded`)).json<unknown[]>();
    expect(list).toHaveLength(2);

    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('tessera_webhook_deliveries_total{outcome="succeeded"} 2');
    expect(metrics).toMatch(/tessera_token_requests_total\{outcome="issued"\} [1-9]/);
    expect(metrics).toContain('tessera_webhook_queue_depth{status="succeeded"} 2');
    expect(metrics).toContain('tessera_webhook_delivery_latency_seconds_count 2');
  });

  it('keeps as the last test the one begun last, when two overlap and the earlier one finishes later', async () => {
    const server = await startTestServer();
    const { secret } = await createSecret(server);
    let answerFirst = (): void => undefined;
    const firstAnswered = new Promise<void>((resolve) => (answerFirst = resolve));
    server.tokenServer.respond(async (_request, index) => {
      if (index > 0) return server.tokenServer.tokenResponse();
      await firstAnswered;
      return { status: 400, body: { error: 'invalid_client' } };
    });
    const earlier = server.api('POST', `/api/secrets/${secret.id}/test`);
    // The later test begins once the earlier one's request is out, and at a later millisecond.
    await waitFor(() => server.tokenServer.requests.length === 1 && Date.now() > server.tokenServer.requests[0]!.receivedAt);
    expect((await server.api('POST', `/api/secrets/${secret.id}/test`)).json()).toMatchObject({ ok: true });
    answerFirst();
    expect((await earlier).json()).toMatchObject({ ok: false });
    expect((await server.api('GET', `/api/secrets/${secret.id}`)).json()).toMatchObject({ lastTest: { ok: true, summary: 'token issued (HTTP 200)' } });
  });

  it('tests a saved secret with unsaved changes: masked values kept on the server, nothing saved', async () => {
    const server = await startTestServer();
    const { secret, password } = await createSecret(server);
    server.tokenServer.respond((request) => (request.body.includes('other-user') ? { status: 401, body: '{"error":"invalid_client"}' } : server.tokenServer.tokenResponse()));
    // The token URL stays: a stored password may be used (moving it needs the password again, see credential-destinations).
    const changed = await server.api('POST', `/api/secrets/${secret.id}/test`, { params: { username: 'other-user', password: '••••', scope: null } });
    expect(changed.json()).toMatchObject({ ok: false, status: 401 });
    const sent = server.tokenServer.requests.at(-1)!;
    expect(JSON.parse(sent.body)).toEqual({ username: 'other-user', password, grant_type: 'password' });
    // Nothing was saved, and a test of changes does not count as the saved secret's last test.
    expect((await server.api('GET', `/api/secrets/${secret.id}`)).json()).toMatchObject({ revision: 1, params: { url: server.tokenServer.tokenUrl, username: 'svc-user', scope: 'read,write' }, lastTest: null });
    expect(changed.body).not.toContain(password);
  });

  it('retries a failed delivery by hand with the same webhook-id, and changes and deletes what it created', async () => {
    const server = await startTestServer();
    server.receiver.respond(() => ({ status: 500 }));
    const { secret } = await createSecret(server);
    const { endpoint } = (await server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId: secret.id, retrySchedule: [] })).json<{ endpoint: { id: string } }>();
    const [id] = (await server.api('POST', '/api/events', { type: 'ping', data: {} })).json<{ deliveryIds: string[] }>().deliveryIds;
    await waitFor(async () => (await server.api('GET', `/api/deliveries/${id}`)).json<{ status: string }>().status === 'failed');
    expect((await server.api('POST', `/api/deliveries/${id}/retry`)).statusCode).toBe(202);
    server.receiver.respond(() => ({ status: 204 }));
    await waitFor(async () => (await server.api('GET', `/api/deliveries/${id}`)).json<{ status: string }>().status === 'succeeded');
    expect(server.receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([id, id]);
    // Retrying a delivery that did not fail is a conflict.
    expect((await server.api('POST', `/api/deliveries/${id}/retry`)).statusCode).toBe(409);

    const patched = await server.api('PATCH', `/api/webhooks/${endpoint.id}`, { enabled: false });
    expect(patched.json()).toMatchObject({ enabled: false, disabledReason: 'disabled by an operator', revision: 2 });
    // A form read at revision 1 is refused, and what it would have undone stays.
    const stale = await server.api('PATCH', `/api/webhooks/${endpoint.id}`, { enabled: true, timeoutMs: 5_000, expectedRevision: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'revision-mismatch' } });
    expect((await server.api('GET', `/api/webhooks/${endpoint.id}`)).json()).toMatchObject({ enabled: false, revision: 2 });
    expect((await server.api('PATCH', `/api/webhooks/${endpoint.id}`, { timeoutMs: 5_000, expectedRevision: 2 })).json()).toMatchObject({ timeoutMs: 5_000, revision: 3 });
    const renamed = await server.api('PATCH', `/api/secrets/${secret.id}`, { name: 'crm-hook-2', expectedRevision: 1 });
    expect(renamed.json()).toMatchObject({ name: 'crm-hook-2', revision: 2 });
    expect((await server.api('PATCH', `/api/secrets/${secret.id}`, { description: 'stale', expectedRevision: 1 })).statusCode).toBe(409);
    expect((await server.api('DELETE', `/api/webhooks/${endpoint.id}`)).statusCode).toBe(204);
    expect((await server.api('DELETE', `/api/secrets/${secret.id}`)).statusCode).toBe(204);
    expect((await server.api('GET', '/api/secrets')).json()).toEqual([]);
  });
});
