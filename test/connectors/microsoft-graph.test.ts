/** The Microsoft Graph connector against a fake Graph API and token endpoint on 127.0.0.1. */
import { Readable } from 'node:stream';
import type { AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { MASK } from '@tessera/core';
import { CONNECTORS, connectorsModule, type ConnectorManager } from '@tessera/connectors';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { describeOnEachStorage } from '../support/storage-under-test.js';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';

async function startGraphWorld() {
  const world = await startTestTessera({}, [connectorsModule()]);
  const valid = new Set<string>();
  const graph = await new FakeHttpServer((request) => {
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!valid.has(token)) return { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } } };
    return { status: 200, body: { value: [{ id: 'u1', displayName: 'Ada' }] } };
  }).listen();
  world.onClose(() => graph.close());
  world.tokenServer.respond(() => {
    const answer = world.tokenServer.tokenResponse();
    valid.add((answer.body as { access_token: string }).access_token);
    return answer;
  });
  const manager = world.container.get<ConnectorManager>(CONNECTORS.Manager);
  const config = { tenantId: 'contoso', clientId: 'app-1', clientSecret: randomCredential('graph'), tokenUrl: world.tokenServer.tokenUrl, baseUrl: graph.url('/v1.0') };
  return { world, graph, valid, manager, config };
}

describe('Microsoft Graph connector', () => {
  it('creates its secret from the config and injects the bearer token', async () => {
    const { world, graph, manager, config } = await startGraphWorld();
    const { secretId, client } = await manager.connect<AxiosInstance>('microsoft-graph', 'main', config);
    const response = await client.get('/users');
    expect(response.data).toEqual({ value: [{ id: 'u1', displayName: 'Ada' }] });
    expect(graph.requests[0]!.headers.authorization).toBe(`Bearer ${world.tokenServer.issued[0]}`);
    expect(world.tokenServer.requests[0]!.body).toBe(
      `client_id=app-1&client_secret=${config.clientSecret}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials`,
    );
    expect(await world.secrets.get(secretId)).toMatchObject({
      name: 'microsoft-graph:main',
      kind: 'microsoft-graph',
      origin: 'connector',
      owner: 'microsoft-graph:main',
      params: { clientId: 'app-1', clientSecret: MASK },
    });
  });

  it('survives a revoked token: 401, one new token, success', async () => {
    const { world, valid, manager, config } = await startGraphWorld();
    const { client } = await manager.connect<AxiosInstance>('microsoft-graph', 'main', config);
    await client.get('/users');
    valid.clear();
    const response = await client.get('/users');
    expect(response.status).toBe(200);
    expect(world.tokenServer.count).toBe(2);
  });

  it('keeps the same secret and writes nothing for the same config; updates it and drops its token when credentials change', async () => {
    const { world, manager, config } = await startGraphWorld();
    const first = await manager.connect<AxiosInstance>('microsoft-graph', 'main', config);
    await first.client.get('/users');
    const before = await world.secrets.get(first.secretId);
    const again = await manager.connect<AxiosInstance>('microsoft-graph', 'main', config);
    expect(again.secretId).toBe(first.secretId);
    expect(await world.secrets.get(first.secretId)).toEqual(before);

    const rotated = await manager.connect<AxiosInstance>('microsoft-graph', 'main', { ...config, clientSecret: randomCredential('graph') });
    expect(rotated.secretId).toBe(first.secretId);
    expect((await world.secrets.get(first.secretId)).revision).toBe(before.revision + 1);
    await rotated.client.get('/users');
    expect(world.tokenServer.count).toBe(2);
  });

  it('rejects an invalid config field by field, naming the connector', async () => {
    const { manager, config } = await startGraphWorld();
    const error = await manager.connect('microsoft-graph', 'main', { tenantId: '', clientId: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'validation' });
    expect((error as Error).message).toMatch(/^The Microsoft Graph connector config \(microsoft-graph:main\) is invalid: config.tenantId: .*config.clientSecret/);
    await expect(manager.connect('microsoft-graph', 'main', { ...config, tokenUrl: 'https://user:pw@login.example.com/token' })).rejects.toThrow(
      /^The Microsoft Graph connector config \(microsoft-graph:main\) is invalid: secret.url: Token URL may not carry a user name or password/,
    );
    await expect(manager.connect('nope', 'main', {})).rejects.toThrow(/unknown connector 'nope'; bound connectors: salesforce, microsoft-graph/);
  });

  it('retries a 401 that a permissive validateStatus resolved, and refuses to resend a stream body', async () => {
    const { world, valid, manager, config } = await startGraphWorld();
    const { client } = await manager.connect<AxiosInstance>('microsoft-graph', 'main', config);
    await client.get('/users');
    valid.clear();
    const response = await client.get('/users', { validateStatus: () => true });
    expect(response.status).toBe(200);
    expect(world.tokenServer.count).toBe(2);
    valid.clear();
    await expect(client.post('/users', Readable.from(['{"displayName":"Bob"}']), { headers: { 'content-type': 'application/json' } })).rejects.toMatchObject({ response: { status: 401 } });
  });

  it('connects the same instance twice at once without two secrets', async () => {
    const { world, manager, config } = await startGraphWorld();
    const [a, b] = await Promise.all([manager.connect('microsoft-graph', 'main', config), manager.connect('microsoft-graph', 'main', config)]);
    expect(a.secretId).toBe(b.secretId);
    expect(await world.secrets.list({ owner: 'microsoft-graph:main' })).toHaveLength(1);
  });

  it('disconnects by deleting its secret', async () => {
    const { world, manager, config } = await startGraphWorld();
    const { secretId } = await manager.connect('microsoft-graph', 'main', config);
    await manager.disconnect('microsoft-graph', 'main');
    await expect(world.secrets.get(secretId)).rejects.toMatchObject({ code: 'not-found' });
  });
});

describeOnEachStorage('Microsoft Graph connector in a fleet', () => {
  it('connects the same instance from two instances of a fleet starting together: one secret, both connected', async () => {
    const { world, manager, config } = await startGraphWorld();
    // A second instance on the same database, as a fleet's do on their first start.
    const other = await startTestTessera({ database: world.databasePath, masterKey: world.masterKey }, [connectorsModule()]);
    world.onClose(() => other.close());
    const theirs = other.container.get<ConnectorManager>(CONNECTORS.Manager);
    const [a, b] = await Promise.all([manager.connect('microsoft-graph', 'main', config), theirs.connect('microsoft-graph', 'main', config)]);
    expect(a.secretId).toBe(b.secretId);
    expect(await world.secrets.list({ owner: 'microsoft-graph:main' })).toHaveLength(1);
  });
});
