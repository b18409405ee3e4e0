/** The token request and response formats of DESIGN §1, byte for byte, against a real loopback endpoint. */
import { describe, expect, it } from 'vitest';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';

async function firstRequestOf(kind: string, params: Record<string, unknown>) {
  const world = await startTestTessera();
  const secret = await world.secrets.create({ name: 'wire', kind, params: { url: world.tokenServer.tokenUrl, ...params } });
  await world.tokens.getToken(secret.id);
  expect(world.tokenServer.count).toBe(1);
  return world.tokenServer.requests[0]!;
}

describe('general kind', () => {
  const credentials = { grantType: 'password', scope: 'read,write', username: 'alice', password: 's3cr3t-Pass' };

  it('sends JSON with the tuple scope by default, byte for byte', async () => {
    const request = await firstRequestOf('general', credentials);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/oauth/token');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toBe(`{"username": "alice", "password": "s3cr3t-Pass", "grant_type": "password", "scope": "('read,write',)"}`);
  });

  it('sends the form encoding when asked, with the tuple scope', async () => {
    const request = await firstRequestOf('general', { ...credentials, encoding: 'form' });
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toBe('username=alice&password=s3cr3t-Pass&grant_type=password&scope=%28%27read%2Cwrite%27%2C%29');
  });

  it.each([
    ['plain', 'read,write'],
    ['space', 'read write'],
  ])('renders scopeFormat %s as %j', async (scopeFormat, wire) => {
    const request = await firstRequestOf('general', { ...credentials, scopeFormat });
    expect(JSON.parse(request.body)).toEqual({ username: 'alice', password: 's3cr3t-Pass', grant_type: 'password', scope: wire });
  });

  it('escapes non-ASCII characters the way existing endpoints expect', async () => {
    const request = await firstRequestOf('general', { ...credentials, password: 'pässwörd-€' });
    expect(request.body).toContain(`"password": "p\\u00e4ssw\\u00f6rd-\\u20ac"`);
    expect(JSON.parse(request.body).password).toBe('pässwörd-€');
  });

  it('appends extra static parameters after the declared ones', async () => {
    const request = await firstRequestOf('general', { ...credentials, extraParams: { audience: 'crm', client_id: 'abc' } });
    expect(request.body).toBe(
      `{"username": "alice", "password": "s3cr3t-Pass", "grant_type": "password", "scope": "('read,write',)", "audience": "crm", "client_id": "abc"}`,
    );
  });

  it('omits the scope when none is set', async () => {
    const request = await firstRequestOf('general', { username: 'alice', password: 's3cr3t-Pass' });
    expect(request.body).toBe(`{"username": "alice", "password": "s3cr3t-Pass", "grant_type": "password"}`);
  });
});

describe('microsoft-graph kind', () => {
  const credentials = { grantType: 'client_credentials', scope: 'read,write', clientId: 'client-1', clientSecret: 'cl13nt-s3cret' };

  it('sends a form body with the plain scope by default, byte for byte', async () => {
    const request = await firstRequestOf('microsoft-graph', credentials);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toBe('client_id=client-1&client_secret=cl13nt-s3cret&scope=read%2Cwrite&grant_type=client_credentials');
  });

  it('sends JSON when asked', async () => {
    const request = await firstRequestOf('microsoft-graph', { ...credentials, encoding: 'json' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toBe(`{"client_id": "client-1", "client_secret": "cl13nt-s3cret", "scope": "read,write", "grant_type": "client_credentials"}`);
  });

  it.each([
    ['tuple', "('read,write',)"],
    ['space', 'read write'],
  ])('renders scopeFormat %s as %j', async (scopeFormat, wire) => {
    const request = await firstRequestOf('microsoft-graph', { ...credentials, scopeFormat });
    expect(new URLSearchParams(request.body).get('scope')).toBe(wire);
  });

  it('defaults grant type and scope to the Graph client-credentials values', async () => {
    const request = await firstRequestOf('microsoft-graph', { clientId: 'client-1', clientSecret: 'cl13nt-s3cret' });
    expect(request.body).toBe('client_id=client-1&client_secret=cl13nt-s3cret&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials');
  });
});

describe('transport', () => {
  it('reuses one keep-alive connection for successive token requests', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    for (let i = 0; i < 3; i++) {
      const token = await world.tokens.getToken(secret.id);
      world.tokens.invalidate(secret.id, token.accessToken);
    }
    expect(world.tokenServer.count).toBe(3);
    expect(world.tokenServer.connections).toBe(1);
  });

  it('does not follow a redirect from the token endpoint', async () => {
    const world = await startTestTessera({ tokens: { maxAttempts: 1 } });
    world.tokenServer.respond((request) => (request.path === '/oauth/token' ? { status: 302, headers: { location: '/elsewhere' }, body: '' } : world.tokenServer.tokenResponse()));
    const secret = await world.createGeneralSecret();
    await expect(world.tokens.getToken(secret.id)).rejects.toMatchObject({ code: 'http', status: 302, message: expect.stringMatching(/Redirects are not followed/) });
    expect(world.tokenServer.count).toBe(1);
  });
});

describe('token response', () => {
  it('returns an access_token containing %3D verbatim, never decoded', async () => {
    const world = await startTestTessera();
    world.tokenServer.respond(() => ({ body: { access_token: 'abc%3D%3Ddef+/=', expires_in: 3600, token_type: 'bearer' } }));
    const secret = await world.createGeneralSecret();
    const token = await world.tokens.getToken(secret.id);
    expect(token.accessToken).toBe('abc%3D%3Ddef+/=');
    expect(token.tokenType).toBe('bearer');
  });

  it('accepts expires_in as a numeric string and measures expiry from when the request was sent', async () => {
    const world = await startTestTessera();
    world.tokenServer.respond(() => ({ body: { access_token: world.tokenServer.newToken(), expires_in: '1800' } }));
    const secret = await world.createGeneralSecret();
    const before = Date.now();
    const token = await world.tokens.getToken(secret.id);
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 1_800_000);
    expect(token.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 1_800_000);
    expect(token.tokenType).toBe('Bearer');
  });

  it('reads renamed response fields and keeps the other fields as metadata', async () => {
    const world = await startTestTessera();
    const issued = world.tokenServer.newToken();
    world.tokenServer.respond(() => ({ body: { token: issued, ttl: 120, kind: 'Bearer', instance_url: 'https://x.example' } }));
    const secret = await world.createGeneralSecret({ responseFields: { accessToken: 'token', expiresIn: 'ttl', tokenType: 'kind' } });
    const token = await world.tokens.getToken(secret.id);
    expect(token.accessToken).toBe(issued);
    expect(token.metadata).toEqual({ instance_url: 'https://x.example' });
  });

  it('never shows a credential of the answer as its lifetime or token type, whatever the response fields name', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    // The fields that hold credentials cannot be named: changing the mapping asks for no credential, so it must reveal none.
    for (const [field, name] of [['tokenType', 'refresh_token'], ['expiresIn', 'access_token'], ['tokenType', 'id_token']] as const) {
      await expect(world.secrets.update(secret.id, { params: { responseFields: { [field]: name } } })).rejects.toMatchObject({
        code: 'validation',
        issues: [expect.objectContaining({ field: `params.responseFields.${field}`, message: expect.stringContaining('hold credentials') })],
      });
    }
    // Nor is a refresh token ever the bearer: it would go wherever the secret's tokens go, and outlive them.
    await expect(world.secrets.update(secret.id, { params: { responseFields: { accessToken: 'refresh_token' } } })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'params.responseFields.accessToken', message: expect.stringContaining('never sent as a bearer token') })],
    });
    await expect(world.secrets.update(secret.id, { params: { responseFields: { accessToken: 'token', tokenType: 'token' } } })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'params.responseFields.tokenType', message: "'tokenType' cannot name the access token's field ('token')" })],
    });
    // Another field of the answer, named as either: a value that does not look like a token type or a lifetime is not repeated.
    const session = randomCredential('session');
    world.tokenServer.respond(() => ({ body: { access_token: world.tokenServer.newToken(), expires_in: 3600, session } }));
    await world.secrets.update(secret.id, { params: { responseFields: { tokenType: 'session' } } });
    expect((await world.tokens.getToken(secret.id)).tokenType).toBe('non-standard');
    world.tokens.invalidate(secret.id, (await world.tokens.getToken(secret.id)).accessToken);
    await world.secrets.update(secret.id, { params: { responseFields: { expiresIn: 'session' } } });
    const error = (await world.tokens.getToken(secret.id).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`'session' = a string of ${session.length} characters, which is not a positive number of seconds`);
    expect(error.message).not.toContain(session.slice(0, 8));
  });
});
