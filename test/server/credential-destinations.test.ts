/**
 * A stored credential never goes to a destination it was not entered for: a change of a destination
 * field (token URL, login URL, audience) must give every stored sensitive value again, or it is refused
 * with 422 `credentials-required`, in the API, the saved and draft test routes and `SecretStore.update`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, CredentialsRequiredError, MASK, type SecretStore } from '@tessera/core';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { randomCredential } from '../support/start-test-tessera.js';
import { startTestServer, type TestServer } from '../support/start-test-server.js';

interface ErrorBody {
  error: { code: string; message: string; details: { fields: string[]; destinations: string[]; issues: Array<{ field: string }> } };
}

async function attacker(): Promise<FakeTokenServer> {
  const server = await FakeTokenServer.start();
  onTestFinished(() => server.close());
  return server;
}

async function generalSecret(server: TestServer, extraParams?: Record<string, string>) {
  const password = randomCredential('pw');
  const response = await server.api('POST', '/api/secrets', {
    name: 'crm-hook',
    kind: 'general',
    params: { url: server.tokenServer.tokenUrl, username: 'svc-user', password, ...(extraParams && { extraParams }) },
  });
  expect(response.statusCode).toBe(201);
  return { id: response.json<{ id: string }>().id, password };
}

describe('credentials and their destinations', () => {
  it('refuses to test a saved secret against a new token URL with its stored password, and sends nothing there', async () => {
    const server = await startTestServer();
    const evil = await attacker();
    const { id, password } = await generalSecret(server);

    for (const params of [{ url: evil.tokenUrl }, { url: evil.tokenUrl, password: MASK }]) {
      const refused = await server.api('POST', `/api/secrets/${id}/test`, { params });
      expect(refused.statusCode).toBe(422);
      const body = refused.json<ErrorBody>();
      expect(body.error.code).toBe('credentials-required');
      expect(body.error.details.fields).toEqual(['params.password']);
      expect(body.error.details.destinations).toEqual(['params.url']);
      expect(body.error.message).not.toContain(password);
    }
    expect(evil.count).toBe(0);

    // With the password given again, the test runs against the new URL; the stored one is never sent there.
    const retyped = randomCredential('pw');
    const tested = await server.api('POST', `/api/secrets/${id}/test`, { params: { url: evil.tokenUrl, password: retyped } });
    expect(tested.json<{ ok: boolean }>().ok).toBe(true);
    expect(evil.requests.map((r) => JSON.parse(r.body).password)).toEqual([retyped]);
    expect(evil.requests.some((r) => r.body.includes(password))).toBe(false);
    // The same URL, written differently only by spaces, is no change: the stored password may be used.
    expect((await server.api('POST', `/api/secrets/${id}/test`, { params: { url: ` ${server.tokenServer.tokenUrl} ` } })).json<{ ok: boolean }>().ok).toBe(true);
  });

  it('refuses a PATCH of the token URL alone, saves nothing, and accepts it with the password given again', async () => {
    const server = await startTestServer();
    const evil = await attacker();
    const { id, password } = await generalSecret(server);
    const secrets = server.container.get<SecretStore>(CORE.SecretStore);

    const refused = await server.api('PATCH', `/api/secrets/${id}`, { params: { url: evil.tokenUrl } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json<ErrorBody>().error.details.issues.map((i) => i.field)).toEqual(['params.password']);
    const stored = await secrets.reveal(id);
    expect(stored.params.url).toBe(server.tokenServer.tokenUrl);
    expect(stored.revision).toBe(1);

    // Other changes need no credential; the URL with the password again is saved.
    expect((await server.api('PATCH', `/api/secrets/${id}`, { params: { username: 'other' } })).statusCode).toBe(200);
    const retyped = randomCredential('pw');
    expect((await server.api('PATCH', `/api/secrets/${id}`, { params: { url: evil.tokenUrl, password: retyped } })).statusCode).toBe(200);
    expect((await secrets.reveal(id)).params).toMatchObject({ url: evil.tokenUrl, password: retyped, username: 'other' });
    expect(password).not.toBe(retyped);
  });

  it('counts secret extra parameters as credentials: left out or sent masked they block the move, sent again or dropped they do not', async () => {
    const server = await startTestServer();
    const evil = await attacker();
    const apiKey = randomCredential('key');
    const { id } = await generalSecret(server, { api_key: apiKey, audience: 'crm' });
    const secrets = server.container.get<SecretStore>(CORE.SecretStore);
    const password = randomCredential('pw');

    const kept = await secrets.update(id, { params: { url: evil.tokenUrl, password } }).catch((e: unknown) => e);
    expect(kept).toBeInstanceOf(CredentialsRequiredError);
    expect((kept as CredentialsRequiredError).fields).toEqual(['params.extraParams.api_key']);
    const masked = await secrets.update(id, { params: { url: evil.tokenUrl, password, extraParams: { api_key: MASK, audience: 'crm' } } }).catch((e: unknown) => e);
    expect((masked as CredentialsRequiredError).fields).toEqual(['params.extraParams.api_key']);
    await expect(secrets.draftWithChanges(id, { url: evil.tokenUrl, password })).rejects.toBeInstanceOf(CredentialsRequiredError);

    await secrets.update(id, { params: { url: evil.tokenUrl, password, extraParams: { audience: 'crm' } } });
    expect((await secrets.reveal(id)).params.extraParams).toEqual({ audience: 'crm' });
  });

  it('seals an extra parameter with a secret word anywhere in its name', async () => {
    const server = await startTestServer();
    const values = { client_secret_b64: randomCredential('b64'), api_key_v2: randomCredential('v2'), private_key_pem: randomCredential('pem'), resource: 'crm' };
    const { id } = await generalSecret(server, values);
    const view = (await server.api('GET', `/api/secrets/${id}`)).json<{ params: { extraParams: Record<string, string> } }>();
    expect(view.params.extraParams).toEqual({ client_secret_b64: MASK, api_key_v2: MASK, private_key_pem: MASK, resource: 'crm' });
    const evil = await attacker();
    const moved = await server.api('PATCH', `/api/secrets/${id}`, { params: { url: evil.tokenUrl, password: randomCredential('pw'), extraParams: view.params.extraParams } });
    expect(moved.json<ErrorBody>().error.details.fields).toEqual(['params.extraParams.client_secret_b64', 'params.extraParams.api_key_v2', 'params.extraParams.private_key_pem']);
  });

  it("applies the rule to a connector kind's own destinations: the Salesforce audience and token URL", async () => {
    const server = await startTestServer();
    // The kinds say which fields are destinations, so the console knows when to ask again.
    const kinds = (await server.api('GET', '/api/secret-kinds')).json<Array<{ id: string; fields: Array<{ name: string; destination: boolean }> }>>();
    const salesforce = kinds.find((k) => k.id === 'salesforce')!;
    expect(salesforce.fields.filter((f) => f.destination).map((f) => f.name)).toEqual(['url', 'audience']);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const secrets = server.container.get<SecretStore>(CORE.SecretStore);
    const secret = await secrets.create({
      name: 'sf-jwt',
      kind: 'salesforce',
      params: { flow: 'jwt-bearer', url: server.tokenServer.tokenUrl, clientId: 'consumer-key', username: 'api@example.com', privateKey: pem },
    });

    const audience = await secrets.update(secret.id, { params: { audience: 'https://evil.example.com' } }).catch((e: unknown) => e);
    expect(audience).toMatchObject({ code: 'credentials-required', fields: ['params.privateKey'], destinations: ['params.audience'] });
    const url = await server.api('PATCH', `/api/secrets/${secret.id}`, { params: { url: 'https://evil.example.com/services/oauth2/token' } });
    expect(url.json<ErrorBody>().error.details.fields).toEqual(['params.privateKey']);
    // Clearing the audience back to its default is no move.
    expect((await secrets.update(secret.id, { params: { audience: null } })).revision).toBe(2);
    expect((await secrets.update(secret.id, { params: { audience: 'https://test.salesforce.com', privateKey: pem } })).params.audience).toBe('https://test.salesforce.com');
  });
});
