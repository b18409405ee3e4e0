/**
 * Bad input gets a diagnostic, never a 500: a private key that does not parse, header values a request
 * could not carry, JSON nested too deep or reaching for a prototype, and values over their length caps
 * are refused at the edge with a message that names the field; a saved secret that still holds a bad
 * key is reported by the tester, not crashed on.
 */
import { describe, expect, it } from 'vitest';
import { CORE, INPUT_LIMITS, type KeyRing, type SecretStore, type TokenProvider } from '@tessera/core';
import { randomCredential } from '../support/start-test-tessera.js';
import { startTestServer, type TestServer } from '../support/start-test-server.js';

interface Issue {
  field: string;
  message: string;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: Issue[] } };
}

const NOT_A_KEY = 'not a pem key';

async function jwtParams(server: TestServer, privateKey: string) {
  return { flow: 'jwt-bearer', url: server.tokenServer.tokenUrl, clientId: 'consumer-key', username: 'api@example.com', privateKey };
}

async function generalSecret(server: TestServer): Promise<string> {
  const response = await server.api('POST', '/api/secrets', { name: 'crm', kind: 'general', params: { url: server.tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
  return response.json<{ id: string }>().id;
}

describe('bad input', () => {
  it('refuses a Salesforce JWT secret whose private key does not parse, and the tester reports invalid-private-key', async () => {
    const server = await startTestServer();
    const refused = await server.api('POST', '/api/secrets', { name: 'sf', kind: 'salesforce', params: await jwtParams(server, NOT_A_KEY) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<ErrorBody>().error.details?.issues).toEqual([{ field: 'params.privateKey', message: expect.stringContaining('privateKey is not a PEM private key'), code: 'invalid-private-key' }]);
    expect(refused.body).not.toContain(NOT_A_KEY);
    expect((await server.api('GET', '/api/secrets')).json()).toEqual([]);

    // A key jose would refuse to sign with (RS256 needs 2048 bits) is refused when saved, not at every token request.
    const { generateKeyPairSync } = await import('node:crypto');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const weak = await server.api('POST', '/api/secrets', { name: 'sf-weak', kind: 'salesforce', params: await jwtParams(server, small) });
    expect(weak.json<ErrorBody>().error.details?.issues).toEqual([{ field: 'params.privateKey', message: expect.stringContaining('1024-bit RSA key; RS256 needs 2048 bits'), code: 'invalid-private-key' }]);

    const draft = await server.api('POST', '/api/secrets/test', { kind: 'salesforce', params: await jwtParams(server, NOT_A_KEY) });
    expect(draft.statusCode).toBe(200);
    expect(draft.json()).toMatchObject({ ok: false, diagnostics: [{ level: 'error', code: 'invalid-private-key' }] });
    expect(server.tokenServer.count).toBe(0);
  });

  it('tests a saved secret that holds a bad key from an older version: a diagnostic, not a 500, and no token request', async () => {
    const server = await startTestServer();
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const secrets = server.container.get<SecretStore>(CORE.SecretStore);
    const saved = await secrets.create({ name: 'sf-old', kind: 'salesforce', params: await jwtParams(server, pem) });
    // A row as an older version, which did not check the key, could have written it.
    const records = server.container.get(CORE.SecretRecords);
    const keys = server.container.get<KeyRing>(CORE.KeyRing);
    const row = (await records.find(saved.id))!;
    const sealed = JSON.parse(keys.decrypt(row.sealed!, saved.id)) as Record<string, unknown>;
    expect(await records.replace({ ...row, sealed: keys.encrypt(JSON.stringify({ ...sealed, privateKey: NOT_A_KEY }), saved.id), revision: 2 }, 1)).toBe(true);

    const tested = await server.api('POST', `/api/secrets/${saved.id}/test`);
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ ok: false, diagnostics: [{ code: 'invalid-private-key', hint: expect.any(String) }] });
    await expect(server.container.get<TokenProvider>(CORE.TokenProvider).getToken(saved.id)).rejects.toMatchObject({ name: 'TokenRequestError', code: 'invalid-secret', reason: 'invalid-private-key', retryable: false });
    expect(server.tokenServer.count).toBe(0);
  });

  it('refuses header values with NUL, CR, LF, U+2028 or characters past Latin-1 when the webhook is created or changed', async () => {
    const server = await startTestServer();
    const secretId = await generalSecret(server);
    for (const value of ['a\u0000b', 'a\rb', 'a\nb', 'a\u2028b', 'price in €', 'tab\u007fdel', 'c1\u0085']) {
      const created = await server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId, headers: { 'X-Tenant': value } });
      expect(created.statusCode, JSON.stringify(value)).toBe(400);
      expect(created.json<ErrorBody>().error.details?.issues).toEqual([{ field: 'headers.X-Tenant', message: expect.stringContaining('printable Latin-1') }]);
    }
    const ok = await server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId, headers: { 'X-Tenant': 'Zürich\tcafé' } });
    expect(ok.statusCode).toBe(201);
    const id = ok.json<{ endpoint: { id: string } }>().endpoint.id;
    expect((await server.api('PATCH', `/api/webhooks/${id}`, { headers: { 'X-Tenant': 'a\u2028b' } })).statusCode).toBe(400);
  });

  it('answers deep JSON and __proto__ keys with a validation message naming where', async () => {
    const server = await startTestServer();
    const post = (url: string, payload: string) =>
      server.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, payload });
    const deep = await post('/api/events', `{"type":"a.b","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(deep.statusCode).toBe(400);
    expect(deep.json<ErrorBody>().error).toMatchObject({ code: 'validation', details: { issues: [{ field: '(root)', message: 'nests 100001 levels deep; at most 64 are accepted' }] } });
    const proto = await post('/api/events', '{"type":"a.b","data":{"order":{"__proto__":{"admin":true}}}}');
    expect(proto.statusCode).toBe(400);
    expect(proto.json<ErrorBody>().error).toMatchObject({ code: 'validation', details: { issues: [{ field: 'data.order.__proto__', message: 'a key named __proto__ is refused' }] } });
    const constructor = await post('/api/secrets', '{"name":"x","kind":"general","params":{"constructor":{"prototype":{"x":1}}}}');
    expect(constructor.json<ErrorBody>().error.details?.issues).toEqual([{ field: 'params.constructor', message: 'a key named constructor with a prototype is refused' }]);
    // A body full of them costs no more to answer than to send: the first few are named, shortened.
    const many = await post('/api/events', `{"type":"a.b","data":{"${'k'.repeat(100_000)}":[${Array.from({ length: 30_000 }, () => '{"__proto__":0}').join(',')}]}}`);
    const issues = many.json<ErrorBody>().error.details?.issues ?? [];
    expect(issues).toHaveLength(5);
    expect(issues[0]).toEqual({ field: `data.${'k'.repeat(40)}….0.__proto__`, message: 'a key named __proto__ is refused' });
    expect(many.body.length).toBeLessThan(2_000);
    // Strings that look like nesting are not nesting.
    const quoted = await post('/api/events', JSON.stringify({ type: 'a.b', data: { text: '['.repeat(1_000) } }));
    expect(quoted.statusCode).toBe(202);
  });

  it('says what is missing in words: a required field, an event without data', async () => {
    const server = await startTestServer();
    const missing = await server.api('POST', '/api/secrets', { name: 'crm', kind: 'general', params: { url: server.tokenServer.tokenUrl, username: 'u' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: { details: { issues: [{ field: 'params.password', message: 'Password is required' }] } } });
    const notText = await server.api('POST', '/api/secrets', { name: 'crm', kind: 'general', params: { url: server.tokenServer.tokenUrl, username: 'u', password: 42 } });
    expect(notText.json()).toMatchObject({ error: { details: { issues: [{ field: 'params.password', message: 'Password must be text' }] } } });
    const noData = await server.api('POST', '/api/events', { type: 'invoice.paid' });
    expect(noData.statusCode).toBe(400);
    expect(noData.json()).toMatchObject({ error: { details: { issues: [{ field: 'data', message: "data is required: the event's content, any JSON value (an object, say)" }] } } });
    // null is a JSON value like any other.
    expect((await server.api('POST', '/api/events', { type: 'invoice.paid', data: null })).statusCode).toBe(202);
  });

  it('caps names at 200, URLs at 2,048 and event types at 200 characters', async () => {
    const server = await startTestServer();
    const secretId = await generalSecret(server);
    const long = (n: number) => 'a'.repeat(n);
    const secret = (name: string, url = server.tokenServer.tokenUrl) => server.api('POST', '/api/secrets', { name, kind: 'general', params: { url, username: 'u', password: randomCredential('pw') } });
    expect((await secret(long(INPUT_LIMITS.name))).statusCode).toBe(201);
    expect((await secret(long(201))).json<ErrorBody>().error.details?.issues).toEqual([{ field: 'name', message: 'name must be at most 200 characters' }]);
    const longUrl = `${server.tokenServer.tokenUrl}?${long(2_049 - server.tokenServer.tokenUrl.length - 1)}`;
    expect(longUrl).toHaveLength(2_049);
    expect((await secret('long-url', longUrl)).json<ErrorBody>().error.details?.issues).toEqual([{ field: 'params.url', message: 'Token URL must be at most 2048 characters' }]);

    const webhook = (body: Record<string, unknown>) => server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId, ...body });
    expect((await webhook({ name: long(200) })).statusCode).toBe(201);
    for (const name of ['crm\u0000x', 'line\u2028break', 'bidi\u202eevil', 'tab\tname']) expect((await webhook({ name })).statusCode, JSON.stringify(name)).toBe(400);
    for (const name of ['Zürich orders ✓', 'سفارش\u200cها', '👨\u200d💻 devs']) expect((await webhook({ name })).statusCode, name).toBe(201);
    expect((await webhook({ name: long(201) })).statusCode).toBe(400);
    expect((await webhook({ url: `${server.receiver.url('/hook')}?${long(2_100)}` })).json<ErrorBody>().error.details?.issues).toEqual([{ field: 'url', message: 'url must be at most 2048 characters' }]);
    expect((await webhook({ events: [`${long(199)}.*`] })).statusCode).toBe(400);
    expect((await server.api('POST', '/api/events', { type: long(201), data: {} })).json<ErrorBody>().error.details?.issues).toEqual([{ field: 'type', message: expect.any(String) }]);
  });
});
