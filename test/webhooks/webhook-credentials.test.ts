/**
 * Webhook credentials are secrets too: extra header values are sealed with the key ring, masked in
 * every view and in the log, kept out of stored answers, re-encrypted by key rotation, and needed again
 * when the URL moves; a URL carrying a user name or password is refused.
 */
import 'reflect-metadata';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Container } from 'inversify';
import type { Logger } from 'winston';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, MASK, coreModule, generateMasterKey, type SqliteDatabase } from '@tessera/core';
import { WEBHOOKS, webhooksModule, type EndpointStore } from '@tessera/webhooks';
import { randomCredential } from '../support/start-test-tessera.js';
import { startTestServer } from '../support/start-test-server.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

interface Delivery {
  status: string;
  attemptLog: Array<{ responseBody: string | null }>;
}

/** Every byte of the SQLite files of a data directory (the database, its WAL and shared memory). */
function databaseBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir)
      .filter((f) => /\.db(-wal|-shm)?$/.test(f))
      .map((f) => readFileSync(join(dir, f))),
  );
}

describe('webhook header values', () => {
  it('are masked in every view, sent in clear, kept out of stored answers and the log, and absent from the database files', async () => {
    const server = await startTestServer();
    // The receiver echoes every request header back, as a careless one might.
    server.receiver.respond((request) => ({ status: 200, body: JSON.stringify(request.headers) }));
    const apiKey = randomCredential('hdr');
    const secret = (await server.api('POST', '/api/secrets', { name: 'hook', kind: 'general', params: { url: server.tokenServer.tokenUrl, username: 'u', password: randomCredential('pw') } })).json<{ id: string }>();
    const created = await server.api('POST', '/api/webhooks', { url: server.receiver.url('/hook'), secretId: secret.id, headers: { 'X-Api-Key': apiKey, 'X-Region': 'eu-1' } });
    expect(created.statusCode).toBe(201);
    const { endpoint } = created.json<{ endpoint: { id: string; headers: Record<string, string> } }>();
    expect(endpoint.headers).toEqual({ 'X-Api-Key': MASK, 'X-Region': MASK });
    expect((await server.api('GET', '/api/webhooks')).json()).toEqual([expect.objectContaining({ headers: { 'X-Api-Key': MASK, 'X-Region': MASK } })]);
    expect((await server.api('GET', `/api/webhooks/${endpoint.id}`)).body).not.toContain(apiKey);

    const [id] = (await server.api('POST', '/api/events', { type: 'order.paid', data: { n: 1 } })).json<{ deliveryIds: string[] }>().deliveryIds;
    await waitFor(async () => (await server.api('GET', `/api/deliveries/${id}`)).json<Delivery>().status === 'succeeded', 15_000);
    expect(server.receiver.requests[0]!.headers['x-api-key']).toBe(apiKey);
    const delivery = await server.api('GET', `/api/deliveries/${id}`);
    // Every header value is a credential, the short one too: the stored answer keeps neither.
    expect(delivery.json<Delivery>().attemptLog[0]!.responseBody).toContain('"x-api-key":"[REDACTED]","x-region":"[REDACTED]"');
    expect(delivery.body).not.toContain(apiKey);

    server.container.get<Logger>(CORE.Logger).warn(`receiver said: key ${apiKey} rejected`);
    expect(server.logs.at(-1)!.message).toBe('receiver said: key [REDACTED] rejected');
    expect(JSON.stringify(server.logs)).not.toContain(apiKey);

    server.container.get<SqliteDatabase>(CORE.Database).pragma('wal_checkpoint(TRUNCATE)');
    const bytes = databaseBytes(server.config.dataDir);
    expect(bytes.includes('eu-1')).toBe(false);
    expect(bytes.includes(apiKey)).toBe(false);
    expect(bytes.includes('X-Api-Key')).toBe(true); // the scan sees clear text: the names are not secret
  });

  it('keeps no form of them in a stored answer: JSON-escaped, escaped as other encoders do, or cut at 4 KB', async () => {
    const world = await startTestWebhooks();
    const quoted = `ab"cd\\ef-${randomCredential('q')}`;
    const latin = `clé-secrète-${randomCredential('l')}`;
    const plus = `a+b/c+${randomCredential('p')}`;
    const cut = randomCredential('cut');
    const umlaut = `geheim-${randomCredential('u')}-Schlüssel`;
    const { endpoint } = await world.createEndpoint({ headers: { 'X-Quoted': quoted, 'X-Latin': latin, 'X-Plus': plus, 'X-Cut': cut, 'X-Umlaut': umlaut }, retrySchedule: [] });
    const asciiJson = (value: string) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const answers = [
      // A receiver that echoes the headers it got as JSON: as Python writes it, as .NET does (\u002B, upper-case hex), and percent-encoded.
      `{"echo":[${asciiJson(quoted)},${asciiJson(latin)},${JSON.stringify(latin)},"${plus.replace(/\+/g, '\\u002B').replace(/\//g, '\\/')}","${encodeURIComponent(latin).toLowerCase()}","${asciiJson(umlaut).slice(1, -1).replace(/\\u([0-9a-f]{4})/g, (_m, hex: string) => `\\u${hex.toUpperCase()}`)}"]}`,
      // A long answer whose 4 KB cut falls inside a credential.
      `${'x'.repeat(4_096 - 10)}${cut} and more`,
      // …and one whose cut falls inside a two-byte character of one.
      `${'y'.repeat(4_096 - Buffer.byteLength(umlaut) + 3)}${umlaut}`,
    ];
    world.receiver.respond((_request, index) => ({ status: 500, body: answers[index % answers.length] }));
    world.dispatcher.start();
    const ids: string[] = [];
    for (let n = 0; n < answers.length; n++) ids.push(...(await world.publisher.publish({ type: 'a.b', data: n })));
    const bodies: string[] = [];
    for (const id of ids) {
      await waitFor(async () => (await world.deliveries.get(id)).status === 'failed', 10_000);
      bodies.push((await world.deliveries.get(id)).attemptLog[0]!.responseBody ?? '');
    }
    // Sent as the operator typed it (Latin-1 on the wire).
    expect(world.receiver.requests[0]!.headers['x-latin']).toBe(latin);
    expect(bodies[0]).toBe('{"echo":["[REDACTED]","[REDACTED]","[REDACTED]","[REDACTED]","[REDACTED]","[REDACTED]"]}');
    expect(bodies[1]).toBe('x'.repeat(4_096 - 10));
    expect(bodies[2]).toMatch(/^y+$/);
    for (const value of [quoted, latin, plus, cut, umlaut]) for (const body of bodies) expect(body).not.toContain(value.slice(0, 8));
    expect(endpoint.headers).toEqual({ 'X-Quoted': MASK, 'X-Latin': MASK, 'X-Plus': MASK, 'X-Cut': MASK, 'X-Umlaut': MASK });
  });

  it('refuses a webhook URL that carries a user name or password, pointing at headers or the secret instead', async () => {
    const world = await startTestWebhooks();
    const secret = await world.createGeneralSecret();
    const password = randomCredential('userinfo');
    for (const url of [`http://svc:${password}@127.0.0.1/hook`, 'https://token@hooks.example.com/in']) {
      const refused = await world.endpoints.create({ url, secretId: secret.id }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'validation', issues: [{ field: 'url', message: expect.stringContaining("may not carry a user name or password; send a credential in a header (headers) or through the endpoint's secret instead") }] });
      expect(JSON.stringify(refused)).not.toContain(password);
    }
    expect(await world.endpoints.list()).toEqual([]);
  });

  it("keeps a value sent masked, and needs every stored value again when the URL moves", async () => {
    const world = await startTestWebhooks();
    const apiKey = randomCredential('hdr');
    const { endpoint } = await world.createEndpoint({ headers: { 'X-Api-Key': apiKey } });
    await world.endpoints.update(endpoint.id, { headers: { 'X-Api-Key': MASK, 'X-Trace': 'on' } });
    expect((await world.endpoints.target(endpoint.id))?.headers).toEqual({ 'X-Api-Key': apiKey, 'X-Trace': 'on' });
    await expect(world.endpoints.update(endpoint.id, { headers: { 'X-New': MASK } })).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'headers.X-New' }] });

    const elsewhere = world.receiver.url('/elsewhere');
    await expect(world.endpoints.update(endpoint.id, { url: elsewhere })).rejects.toMatchObject({ code: 'credentials-required', fields: ['headers.X-Api-Key', 'headers.X-Trace'], destinations: ['url'] });
    await expect(world.endpoints.update(endpoint.id, { url: elsewhere, headers: { 'X-Api-Key': MASK, 'X-Trace': 'on' } })).rejects.toMatchObject({ fields: ['headers.X-Api-Key'] });
    expect((await world.endpoints.target(endpoint.id))?.url).toBe(world.receiver.url('/hook'));
    const retyped = randomCredential('hdr');
    await world.endpoints.update(endpoint.id, { url: elsewhere, headers: { 'X-Api-Key': retyped, 'X-Trace': 'on' } });
    expect(await world.endpoints.target(endpoint.id)).toMatchObject({ url: elsewhere, headers: { 'X-Api-Key': retyped, 'X-Trace': 'on' } });
    // Without header values, a URL moves freely.
    const { endpoint: plain } = await world.createEndpoint({ path: '/plain' });
    expect((await world.endpoints.update(plain.id, { url: elsewhere })).url).toBe(elsewhere);
  });

  it('are re-encrypted by key rotation, and values an older version left in clear are sealed', async () => {
    const dir = (await startTestWebhooks()).dir;
    const database = join(dir, 'rotation.db');
    const first = generateMasterKey();
    const second = generateMasterKey();
    const open = (keyRing: { primary: string; keys: Record<string, string> }) => {
      const container = new Container();
      container.load(coreModule({ database, keyRing, network: { allowPrivate: true }, logging: { level: 'error' } }), webhooksModule());
      onTestFinished(() => container.unbindAllAsync());
      return container;
    };
    const before = open({ primary: 'k1', keys: { k1: first } });
    const secret = await before.get(CORE.SecretStore).create({ name: 's', kind: 'general', params: { url: 'https://auth.example.com/token', username: 'u', password: randomCredential('pw') } });
    const apiKey = randomCredential('hdr');
    const { endpoint } = await before.get<EndpointStore>(WEBHOOKS.EndpointStore).create({ url: 'https://hooks.example.com/in', secretId: secret.id, headers: { 'X-Api-Key': apiKey } });
    const legacyKey = randomCredential('legacy');
    const { endpoint: legacy } = await before.get<EndpointStore>(WEBHOOKS.EndpointStore).create({ url: 'https://hooks.example.com/old', secretId: secret.id });
    const db = before.get<SqliteDatabase>(CORE.Database);
    // As an older version wrote it: the value in clear in the headers column, nothing sealed.
    db.prepare('UPDATE webhook_endpoints SET headers = ?, sealed_headers = NULL WHERE id = ?').run(JSON.stringify({ 'X-Old-Key': legacyKey }), legacy.id);
    await before.unbindAllAsync();

    const after = open({ primary: 'k2', keys: { k1: first, k2: second } });
    const endpoints = after.get<EndpointStore>(WEBHOOKS.EndpointStore);
    expect(await endpoints.get(legacy.id)).toMatchObject({ headers: { 'X-Old-Key': MASK } });
    expect(await endpoints.resealSigningSecrets()).toBe(2);
    const rows = after.get<SqliteDatabase>(CORE.Database).prepare('SELECT id, headers, sealed_headers FROM webhook_endpoints ORDER BY created_at').all() as Array<{ id: string; headers: string; sealed_headers: string }>;
    for (const row of rows) {
      expect(row.sealed_headers).toMatch(/^tsr1:k2:/);
      expect(row.headers).not.toContain('key-');
    }
    expect((await endpoints.target(endpoint.id))?.headers).toEqual({ 'X-Api-Key': apiKey });
    expect((await endpoints.target(legacy.id))?.headers).toEqual({ 'X-Old-Key': legacyKey });
    // A second pass finds nothing left under the old key.
    expect(await endpoints.resealSigningSecrets()).toBe(0);
    // An older version that removes the headers leaves the envelope behind: the names decide, none are sent.
    after.get<SqliteDatabase>(CORE.Database).prepare("UPDATE webhook_endpoints SET headers = '{}', revision = revision + 1 WHERE id = ?").run(endpoint.id);
    // Another process's change reaches the cache within a millisecond (the change counter).
    await waitFor(async () => Object.keys((await endpoints.target(endpoint.id))?.headers ?? { pending: '' }).length === 0, 5_000);
    expect((await endpoints.target(endpoint.id))?.headers).toEqual({});
    expect(existsSync(database)).toBe(true);
  });
});
