/** The Salesforce connector, with the real jsforce client, against a fake Salesforce on 127.0.0.1. */
import { inspect } from 'node:util';
import type { Connection } from 'jsforce';
import { describe, expect, it } from 'vitest';
import { MASK } from '@tessera/core';
import { decodeJwt } from 'jose';
import { CONNECTORS, connectorsModule, defaultAudience, salesforceConfigSchema, salesforceConnector, type ConnectorManager } from '@tessera/connectors';
import { FakeSalesforce } from '../support/fake-salesforce.js';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';

async function startSalesforceWorld() {
  const world = await startTestTessera({}, [connectorsModule()]);
  const salesforce = await FakeSalesforce.start();
  world.onClose(() => salesforce.server.close());
  const manager = world.container.get<ConnectorManager>(CONNECTORS.Manager);
  const passwordConfig = {
    flow: 'password',
    loginUrl: salesforce.origin,
    clientId: salesforce.clientId,
    clientSecret: salesforce.clientSecret,
    username: salesforce.username,
    password: salesforce.password,
    securityToken: salesforce.securityToken,
  };
  return { world, salesforce, manager, passwordConfig };
}

describe('Salesforce connector', () => {
  it('queries and creates through connect(...).client, the real jsforce Connection', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    const result = await client.query<{ Id: string; Name: string }>('SELECT Id, Name FROM Account');
    expect(result.records.map((r) => r.Name)).toEqual(['Acme']);
    const created = await client.sobject('Account').create({ Name: 'Globex' });
    expect(created).toMatchObject({ success: true });
    expect(salesforce.accounts.map((a) => a.Name)).toEqual(['Acme', 'Globex']);
  });

  it('keeps its secret in the store with origin connector and masked fields, and the session metadata on the token', async () => {
    const { world, manager, passwordConfig, salesforce } = await startSalesforceWorld();
    const { secretId } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    const view = await world.secrets.get(secretId);
    expect(view).toMatchObject({ kind: 'salesforce', origin: 'connector', owner: 'salesforce:main' });
    expect(view.params).toMatchObject({ flow: 'password', clientSecret: MASK, password: MASK, securityToken: MASK, username: salesforce.username, defaultLifetimeSeconds: 7200 });
    const token = await world.tokens.getToken(secretId);
    expect(token.metadata).toMatchObject({ instance_url: salesforce.origin, issued_at: expect.any(String) });
  });

  it('refreshes a session revoked mid-run transparently, with exactly one token request', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    await client.query('SELECT Id FROM Account');
    salesforce.revokeAll();
    const result = await client.query<{ Name: string }>('SELECT Id, Name FROM Account');
    expect(result.totalSize).toBe(1);
    expect(salesforce.tokenRequests).toHaveLength(2);
  });

  it("fails the call, not the process, when a listener of the connection's 'refresh' event throws; the next call works", async () => {
    const { world, salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    await client.query('SELECT Id FROM Account');
    const broken = () => {
      throw new Error('a bug in the product');
    };
    client.on('refresh', broken);
    salesforce.revokeAll();
    await expect(client.query('SELECT Id FROM Account')).rejects.toThrow('a bug in the product');
    client.off('refresh', broken);
    expect((await client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect(world.logs).toContainEqual(expect.objectContaining({ message: "a listener of the Salesforce connection's 'refresh' event threw", error: 'a bug in the product' }));
  });

  it('makes one token request when 20 concurrent queries find the session expired', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    salesforce.revokeAll();
    const results = await Promise.all(Array.from({ length: 20 }, () => client.query('SELECT Id FROM Account')));
    expect(results.every((r) => r.totalSize === 1)).toBe(true);
    expect(salesforce.tokenRequests).toHaveLength(2);
  });

  it('says which flow failed and what Salesforce answered for a wrong password, without the password in the error or the logs', async () => {
    const { world, manager, passwordConfig } = await startSalesforceWorld();
    const wrongPassword = randomCredential('Wrong-Passw0rd');
    const wrong = { ...passwordConfig, password: wrongPassword };
    const error = (await manager.connect('salesforce', 'main', wrong).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'salesforce-sign-in-failed' });
    expect(error.message).toBe("Salesforce sign-in with the username-password flow failed. Salesforce answered invalid_grant: authentication failure. Check the connector's credentials.");
    expect(JSON.stringify(world.logs)).not.toContain(wrongPassword);
    expect(inspect(error, { depth: 10 })).not.toContain(wrongPassword);
  });

  it('revokes its session at Salesforce and deletes its secret on disconnect', async () => {
    const { world, salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { secretId, client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    await client.query('SELECT Id FROM Account');
    await manager.disconnect('salesforce', 'main');
    expect(salesforce.revoked).toHaveLength(1);
    expect(salesforce.sessions.size).toBe(0);
    await expect(world.secrets.get(secretId)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('makes one token request when two connections of one instance, 10 queries each, find the session expired', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const first = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    const second = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    salesforce.revokeAll();
    const queries = [first, second].flatMap(({ client }) => Array.from({ length: 10 }, () => client.query('SELECT Id FROM Account')));
    expect((await Promise.all(queries)).every((r) => r.totalSize === 1)).toBe(true);
    expect(salesforce.tokenRequests).toHaveLength(2);
  });

  it('recovers on both connections when the session one of them just refreshed to is revoked too, with one token request per revocation', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const first = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    const second = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    salesforce.revokeAll();
    expect((await first.client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect(salesforce.tokenRequests).toHaveLength(2);
    // The first connection's new session is revoked as well: the second is handed it from the cache,
    // sees it rejected, and requests another instead of taking it for a session Salesforce refuses.
    salesforce.revokeAll();
    expect((await second.client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect(salesforce.tokenRequests).toHaveLength(3);
    // The first connection's own new session was rejected, but a newer one is there to take: no request.
    expect((await first.client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect(salesforce.tokenRequests).toHaveLength(3);
  });

  it('gives up on each connection after one session of its own is rejected, when Salesforce rejects every new session', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const first = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    const second = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    salesforce.rejectEverySession = true;
    await expect(first.client.query('SELECT Id FROM Account')).rejects.toThrow(/Salesforce rejected a session it had just issued/);
    expect(salesforce.tokenRequests).toHaveLength(2);
    // The second is handed the first's rejected session from the cache: not its own, so it requests
    // one more, and gives up when that one is rejected too.
    await expect(second.client.query('SELECT Id FROM Account')).rejects.toThrow(/Salesforce rejected a session it had just issued/);
    expect(salesforce.tokenRequests).toHaveLength(3);
  });

  it('retries a query through a short Salesforce outage as jsforce does, and never resends a create', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    salesforce.unavailableFor = 2;
    expect((await client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect(salesforce.dataPaths).toHaveLength(3);
    salesforce.unavailableFor = 1;
    await expect(client.sobject('Account').create({ Name: 'Globex' })).rejects.toThrow();
    expect(salesforce.dataPaths).toHaveLength(4);
    expect(salesforce.accounts.map((a) => a.Name)).toEqual(['Acme']);
  });

  it('keeps one deadline over all retries, and the retry settings of a call, as jsforce does', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    salesforce.unavailableFor = 1_000;
    const started = Date.now();
    await expect(client.request({ method: 'GET', url: '/services/data/v62.0/limits' }, { timeout: 1_200 })).rejects.toThrow(/aborted after 1200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
    // 0.5 s, then 1 s between attempts: the deadline falls in the second wait.
    expect(salesforce.dataPaths).toHaveLength(2);
    await expect(client.request({ method: 'GET', url: '/services/data/v62.0/limits' }, { retry: { maxRetries: 0 } })).rejects.toThrow();
    expect(salesforce.dataPaths).toHaveLength(3);
  });

  it('reports a failed sign-in as such however often it is retried, not as a rejected session', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    salesforce.revokeAll();
    salesforce.refuseSignIn = true;
    for (let n = 0; n < 5; n++) await expect(client.query('SELECT Id FROM Account')).rejects.toThrow(/sign-in .*failed.*invalid_grant/);
  });

  it('gives up too when two connections keep handing each other rejected sessions', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const a = (await manager.connect<Connection>('salesforce', 'main', passwordConfig)).client;
    const b = (await manager.connect<Connection>('salesforce', 'main', passwordConfig)).client;
    salesforce.rejectEverySession = true;
    // What jsforce does on INVALID_SESSION_ID, in the order that lets each connection see only
    // sessions the other one obtained or that the cache has moved past.
    const refresh = (client: Connection) => client._refreshDelegate!.refresh(Date.now()).then(() => 'refreshed', () => 'gave up');
    const outcomes = [await refresh(a), await refresh(b)];
    for (let round = 0; round < 5 && !outcomes.includes('gave up'); round++) outcomes.push(await refresh(b), await refresh(a), await refresh(a), await refresh(b));
    // At most three refreshes a connection within the grace period, then the clear error.
    expect(outcomes).toContain('gave up');
    expect(outcomes.filter((o) => o === 'refreshed').length).toBeLessThanOrEqual(6);
    expect(salesforce.tokenRequests.length).toBeLessThanOrEqual(7);
  });

  it('gives up with a clear error instead of refreshing forever when Salesforce rejects every new session', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    salesforce.rejectEverySession = true;
    await expect(client.query('SELECT Id FROM Account')).rejects.toThrow(/Salesforce rejected a session it had just issued/);
    expect(salesforce.tokenRequests.length).toBeLessThanOrEqual(2);
  });

  it('uses the configured API version', async () => {
    const { salesforce, manager, passwordConfig } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'main', { ...passwordConfig, apiVersion: '59.0' });
    await client.query('SELECT Id FROM Account');
    expect(salesforce.dataPaths[0]).toMatch(/^\/services\/data\/v59\.0\/query\?q=/);
  });

  it('leaves nothing saved when the first connect cannot sign in, and restores the working credentials after a bad change', async () => {
    const { world, salesforce, manager, passwordConfig } = await startSalesforceWorld();
    await expect(manager.connect('salesforce', 'main', { ...passwordConfig, password: randomCredential('typo') })).rejects.toMatchObject({ code: 'salesforce-sign-in-failed' });
    expect(await world.secrets.list()).toEqual([]);

    const { secretId } = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    await expect(manager.connect('salesforce', 'main', { ...passwordConfig, password: randomCredential('typo') })).rejects.toMatchObject({ code: 'salesforce-sign-in-failed' });
    expect((await world.secrets.reveal(secretId)).params.password).toBe(salesforce.password);
    const again = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    expect((await again.client.query('SELECT Id FROM Account')).totalSize).toBe(1);
  });

  it('updates its secret when credentials change and writes nothing for the same config', async () => {
    const { world, manager, passwordConfig } = await startSalesforceWorld();
    const first = await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    const before = await world.secrets.get(first.secretId);
    await manager.connect<Connection>('salesforce', 'main', passwordConfig);
    expect(await world.secrets.get(first.secretId)).toEqual(before);
    await manager.connect<Connection>('salesforce', 'main', { ...passwordConfig, sessionLifetimeSeconds: 3_600 });
    expect(await world.secrets.get(first.secretId)).toMatchObject({ revision: before.revision + 1, params: { defaultLifetimeSeconds: 3_600 } });
  });

  it('requires the My Domain URL for the client-credentials flow', async () => {
    const { manager, salesforce } = await startSalesforceWorld();
    await expect(manager.connect('salesforce', 'cc', { flow: 'client-credentials', clientId: salesforce.clientId, clientSecret: salesforce.clientSecret })).rejects.toThrow(/config.loginUrl: loginUrl is required for the client-credentials flow/);
  });

  it('signs in with the client-credentials flow', async () => {
    const { salesforce, manager } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'cc', { flow: 'client-credentials', loginUrl: salesforce.origin, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret });
    expect((await client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect(new URLSearchParams(salesforce.tokenRequests[0]!.body).get('grant_type')).toBe('client_credentials');
  });

  it('signs in with the JWT bearer flow: an RS256 assertion the server verifies with the public key', async () => {
    const { salesforce, manager } = await startSalesforceWorld();
    const { client } = await manager.connect<Connection>('salesforce', 'jwt', { flow: 'jwt-bearer', loginUrl: salesforce.origin, audience: salesforce.origin, clientId: salesforce.clientId, username: salesforce.username, privateKey: salesforce.privateKeyPem });
    expect((await client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    const form = new URLSearchParams(salesforce.tokenRequests[0]!.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(form.get('assertion')!.split('.')).toHaveLength(3);
  });

  it('signs the JWT bearer assertion for the audience Salesforce expects of the login URL, with iat and a fresh jti each time', async () => {
    const { salesforce, manager, world } = await startSalesforceWorld();
    // No audience given: the fake (like an Experience Cloud site) verifies aud = its own origin.
    const jwt = { loginUrl: salesforce.origin, clientId: salesforce.clientId, username: salesforce.username, privateKey: salesforce.privateKeyPem };
    const { client, secretId } = await manager.connect<Connection>('salesforce', 'jwt', { flow: 'urn:ietf:params:oauth:grant-type:jwt-bearer', ...jwt });
    expect((await client.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect((await world.secrets.get(secretId)).params).toMatchObject({ flow: 'jwt-bearer', audience: salesforce.origin });
    // Two sign-ins in the same second: two different assertions.
    await world.tokens.invalidate(secretId, (await world.tokens.getToken(secretId)).accessToken);
    await world.tokens.getToken(secretId);
    const claims = salesforce.tokenRequests.map((request) => decodeJwt(new URLSearchParams(request.body).get('assertion')!));
    expect(claims).toHaveLength(2);
    for (const claim of claims) expect(claim).toMatchObject({ iss: salesforce.clientId, sub: salesforce.username, aud: salesforce.origin, iat: expect.any(Number), jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(claims[0]!.jti).not.toBe(claims[1]!.jti);
    expect(claims[0]!.exp! - claims[0]!.iat!).toBe(180);
  });

  it('defaults the audience to test.salesforce.com for sandboxes and login.salesforce.com for production and My Domain', async () => {
    const cases: Array<[string, string]> = [
      ['https://test.salesforce.com', 'https://test.salesforce.com'],
      ['https://acme--uat.sandbox.my.salesforce.com', 'https://test.salesforce.com'],
      ['https://login.salesforce.com', 'https://login.salesforce.com'],
      ['https://acme.my.salesforce.com/', 'https://login.salesforce.com'],
      ['https://acme.my.site.com', 'https://acme.my.site.com'],
    ];
    for (const [loginUrl, audience] of cases) expect(defaultAudience(loginUrl), loginUrl).toBe(audience);
    const sandbox = salesforceConfigSchema.parse({ flow: 'jwt-bearer', loginUrl: 'https://test.salesforce.com', clientId: 'c', username: 'u@acme.test', privateKey: 'k' });
    expect((await salesforceConnector.toSecret(sandbox)).params).toMatchObject({ url: 'https://test.salesforce.com/services/oauth2/token', audience: 'https://test.salesforce.com' });
    const given = salesforceConfigSchema.parse({ flow: 'jwt-bearer', loginUrl: 'https://test.salesforce.com', audience: 'https://login.salesforce.com', clientId: 'c', username: 'u', privateKey: 'k' });
    expect((await salesforceConnector.toSecret(given)).params.audience).toBe('https://login.salesforce.com');
    expect(salesforceConfigSchema.parse({ flow: 'client_credentials', loginUrl: 'https://acme.my.salesforce.com', clientId: 'c', clientSecret: 's' }).flow).toBe('client-credentials');
  });

  it('rejects a config missing what its flow needs, field by field', async () => {
    const { manager, salesforce } = await startSalesforceWorld();
    await expect(manager.connect('salesforce', 'jwt', { flow: 'jwt-bearer', loginUrl: salesforce.origin, clientId: 'x' })).rejects.toThrow(
      /The Salesforce connector config \(salesforce:jwt\) is invalid: config.username: username is required for the JWT bearer flow; config.privateKey: privateKey is required for the JWT bearer flow/,
    );
  });
});

describe('Salesforce connector and the SSRF guard', () => {
  it('refuses an instance_url that points at a refused address', async () => {
    const world = await startTestTessera({ network: { allowPrivate: false, allow: ['127.0.0.1'] } }, [connectorsModule()]);
    const salesforce = await FakeSalesforce.start();
    world.onClose(() => salesforce.server.close());
    salesforce.instanceUrl = 'http://169.254.169.254';
    const manager = world.container.get<ConnectorManager>(CONNECTORS.Manager);
    await expect(
      manager.connect('salesforce', 'main', { flow: 'client-credentials', loginUrl: salesforce.origin, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret }),
    ).rejects.toMatchObject({ code: 'address-refused', message: expect.stringMatching(/169\.254\.169\.254: it is a cloud metadata address/) });
    expect(salesforce.dataPaths).toEqual([]);
  });
});
