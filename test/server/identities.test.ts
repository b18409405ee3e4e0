/**
 * Identities are unambiguous: secret and webhook names are unique whatever their case (409 on a clash;
 * clashes already stored are reported by the migration, not refused), and an event id names one event
 * (publishing it again with another type or body is 409 `event-id-conflict`).
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, coreModule, generateMasterKey, type SecretStore, type SqliteDatabase } from '@tessera/core';
import { WEBHOOKS, webhooksModule, type EndpointStore, type Publisher } from '@tessera/webhooks';
import { captureTransport, randomCredential, startTestTessera } from '../support/start-test-tessera.js';
import { startTestServer, type TestServer } from '../support/start-test-server.js';

interface ErrorBody {
  error: { code: string; message: string };
}

function secretBody(server: TestServer, name: string) {
  return { name, kind: 'general', params: { url: server.tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } };
}

describe('names', () => {
  it('are unique whatever their case, for secrets and webhooks alike', async () => {
    const server = await startTestServer();
    const crm = (await server.api('POST', '/api/secrets', secretBody(server, 'CRM-Hook'))).json<{ id: string }>();
    for (const name of ['crm-hook', 'CRM-HOOK']) {
      const clash = await server.api('POST', '/api/secrets', secretBody(server, name));
      expect(clash.statusCode).toBe(409);
      expect(clash.json<ErrorBody>().error).toEqual({ code: 'secret-name-taken', message: "A secret named 'CRM-Hook' (names are the same whatever their case) already exists. Choose another name or update that secret." });
    }
    const other = (await server.api('POST', '/api/secrets', secretBody(server, 'billing'))).json<{ id: string }>();
    expect((await server.api('PATCH', `/api/secrets/${other.id}`, { name: 'crm-HOOK' })).statusCode).toBe(409);
    // A secret may change the case of its own name.
    expect((await server.api('PATCH', `/api/secrets/${crm.id}`, { name: 'crm-hook' })).json()).toMatchObject({ name: 'crm-hook' });

    const webhook = (body: Record<string, unknown>) => server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId: crm.id, ...body });
    expect((await webhook({ name: 'Orders' })).statusCode).toBe(201);
    const clash = await webhook({ name: 'orders' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json<ErrorBody>().error.code).toBe('webhook-name-taken');
    // Unnamed webhooks to one host get the host, then the host with a number.
    const host = new URL(server.receiver.url('/')).host;
    expect((await webhook({})).json()).toMatchObject({ endpoint: { name: host } });
    expect((await webhook({})).json()).toMatchObject({ endpoint: { name: `${host}-2` } });
  });

  it('holds in memory storage too', async () => {
    const world = await startTestTessera({ storage: 'memory' });
    await world.createGeneralSecret({}, 'Main');
    await expect(world.createGeneralSecret({}, 'MAIN')).rejects.toMatchObject({ code: 'secret-name-taken' });
  });

  it('reports names that already clash when the migration runs, and keeps every row usable', async () => {
    const world = await startTestTessera();
    const secrets = world.secrets;
    const endpoints = (() => {
      world.container.load(webhooksModule());
      return world.container.get<EndpointStore>(WEBHOOKS.EndpointStore);
    })();
    const first = await secrets.create({ name: 'crm', kind: 'general', params: { url: world.tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
    const second = await secrets.create({ name: 'crm-2', kind: 'general', params: { url: world.tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } });
    await endpoints.create({ name: 'Orders', url: 'https://hooks.example.com/a', secretId: first.id });
    await endpoints.create({ name: 'orders-2', url: 'https://hooks.example.com/b', secretId: first.id });
    // The database as the previous version left it: names that differ only in case, no name keys.
    const db = world.container.get<SqliteDatabase>(CORE.Database);
    db.exec(`
      DROP TRIGGER secrets_name_key_required; DROP INDEX secrets_name_key; ALTER TABLE secrets DROP COLUMN name_key; UPDATE secrets SET name = 'CRM' WHERE name = 'crm-2';
      DROP TRIGGER webhook_endpoints_name_key_required; DROP INDEX webhook_endpoints_name_key; ALTER TABLE webhook_endpoints DROP COLUMN name_key;
      UPDATE webhook_endpoints SET name = 'orders' WHERE name = 'orders-2';
      DELETE FROM schema_migrations WHERE id IN ('core-002-secret-name-key', 'webhooks-003-endpoint-name-key');
    `);
    await world.container.unbindAllAsync();

    const logs: Array<Record<string, unknown>> = [];
    const container = new Container();
    container.load(
      coreModule({ database: world.databasePath, masterKey: world.masterKey, logging: { level: 'warn', transports: [captureTransport((line) => logs.push(line))] } }),
      webhooksModule(),
    );
    onTestFinished(() => container.unbindAllAsync());
    const reopened = container.get<SecretStore>(CORE.SecretStore);
    expect((await reopened.list()).map((s) => s.name)).toEqual(['CRM', 'crm']);
    expect((await container.get<EndpointStore>(WEBHOOKS.EndpointStore).list()).map((e) => e.name).sort()).toEqual(['Orders', 'orders']);
    expect(logs.map((l) => l.message)).toEqual([
      // Oldest first; these were created in the same millisecond, so either may be.
      expect.stringMatching(/^Secrets '(crm|CRM)' and '(crm|CRM)' differ only in case: names are now unique whatever their case, so rename all but one \(tessera secrets update <name> --name <new name>, or PATCH \/api\/secrets\/:id\)\.$/),
      expect.stringMatching(/^Webhooks '(Orders|orders)' and '(Orders|orders)' differ only in case: .* \(PATCH \/api\/webhooks\/:id with a new name\)\.$/),
    ]);
    // Both clashing rows still change; a third name of the same spelling is refused; a rename settles it.
    expect((await reopened.update(second.id, { description: 'the later one' })).description).toBe('the later one');
    await expect(reopened.create({ name: 'Crm', kind: 'general', params: { url: world.tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } })).rejects.toMatchObject({ code: 'secret-name-taken' });
    expect((await reopened.update(second.id, { name: 'crm-legacy' })).name).toBe('crm-legacy');
    await expect(reopened.update(second.id, { name: 'CRM' })).rejects.toMatchObject({ code: 'secret-name-taken' });
    // A row written without a key (by a process of the older version) is refused, and says why.
    expect(() =>
      container
        .get<SqliteDatabase>(CORE.Database)
        .prepare(`INSERT INTO secrets (id, name, kind, description, origin, params, revision, created_at, updated_at) VALUES ('sec_old', 'old', 'general', '', 'manual', '{}', 1, '', '')`)
        .run(),
    ).toThrow('this database was upgraded by a newer version of Tessera; upgrade this process too');
  });
});

describe('event ids', () => {
  it('name one event: the same event again adds nothing, another type or body under the id is 409', async () => {
    const server = await startTestServer();
    const secret = (await server.api('POST', '/api/secrets', secretBody(server, 'events'))).json<{ id: string }>();
    await server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId: secret.id });
    const publish = (body: Record<string, unknown>) => server.api('POST', '/api/events', { id: 'inv-1001-paid', ...body });
    const first = await publish({ type: 'invoice.paid', data: { invoice: 1001, amount: { value: 12, currency: 'EUR' } } });
    const ids = first.json<{ deliveryIds: string[] }>().deliveryIds;
    expect(ids).toHaveLength(1);
    // The same event, its keys written in another order: the first event's deliveries, nothing new.
    expect((await publish({ type: 'invoice.paid', data: { amount: { currency: 'EUR', value: 12 }, invoice: 1001 } })).json()).toEqual({ deliveryIds: ids });

    const otherBody = await publish({ type: 'invoice.paid', data: { invoice: 1001, amount: { value: 13, currency: 'EUR' } } });
    expect(otherBody.statusCode).toBe(409);
    expect(otherBody.json<ErrorBody>().error).toMatchObject({ code: 'event-id-conflict', message: expect.stringContaining("Event 'inv-1001-paid' was published before with other content; this one has the same type with other data.") });
    const otherType = await publish({ type: 'invoice.voided', data: { invoice: 1001, amount: { value: 12, currency: 'EUR' } } });
    expect(otherType.json<ErrorBody>().error.message).toContain("this one has type 'invoice.voided' (it was 'invoice.paid')");
    expect((await server.api('GET', '/api/deliveries')).json()).toHaveLength(1);
  });

  it('conflict alone within one group commit: the other events of the batch are published', async () => {
    const world = await startTestTessera({ masterKey: generateMasterKey() }, [webhooksModule()]);
    const publisher = world.container.get<Publisher>(WEBHOOKS.Publisher);
    await publisher.publish({ id: 'evt-a', type: 'a.b', data: 1 });
    const [conflict, fresh] = await Promise.allSettled([publisher.publish({ id: 'evt-a', type: 'a.b', data: 2 }), publisher.publish({ id: 'evt-b', type: 'a.b', data: 2 })]);
    expect(conflict).toMatchObject({ status: 'rejected', reason: { code: 'event-id-conflict' } });
    expect(fresh.status).toBe('fulfilled');
    const stored = world.container.get<SqliteDatabase>(CORE.Database).prepare('SELECT id FROM webhook_events ORDER BY id').pluck().all();
    expect(stored).toEqual(['evt-a', 'evt-b']);
  });

  it('counts the one endpoint an event was sent to as part of it', async () => {
    const world = await startTestTessera({}, [webhooksModule()]);
    const endpoints = world.container.get<EndpointStore>(WEBHOOKS.EndpointStore);
    const secret = await world.createGeneralSecret();
    const a = (await endpoints.create({ url: 'https://a.example.com/in', secretId: secret.id })).endpoint;
    const b = (await endpoints.create({ url: 'https://b.example.com/in', secretId: secret.id })).endpoint;
    const publisher = world.container.get<Publisher>(WEBHOOKS.Publisher);
    const first = await publisher.publish({ id: 'test-1', type: 'tessera.test', data: {}, endpointId: a.id });
    expect(await publisher.publish({ id: 'test-1', type: 'tessera.test', data: {}, endpointId: a.id })).toEqual(first);
    await expect(publisher.publish({ id: 'test-1', type: 'tessera.test', data: {}, endpointId: b.id })).rejects.toMatchObject({
      code: 'event-id-conflict',
      message: expect.stringContaining(`this one has another target: endpoint '${b.id}' only (it was endpoint '${a.id}' only)`),
    });
    // The other way round too: an event sent to every matching endpoint is not the one sent to one.
    await expect(publisher.publish({ id: 'test-1', type: 'tessera.test', data: {} })).rejects.toMatchObject({ code: 'event-id-conflict' });
    await publisher.publish({ id: 'broadcast-1', type: 'tessera.test', data: {} });
    await expect(publisher.publish({ id: 'broadcast-1', type: 'tessera.test', data: {}, endpointId: a.id })).rejects.toMatchObject({
      message: expect.stringContaining(`(it was every matching endpoint)`),
    });
  });
});
