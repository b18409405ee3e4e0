/** Secret kinds are contributions: a new kind is a binding, and its declaration drives validation, masking and the lifetime policy. */
import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { CORE, field, isDestinationField, MASK, type SecretKind, type SecretKindRegistry } from '@tessera/core';
import { FakeClock } from '../support/fake-clock.js';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';
import { describeOnEachStorage } from '../support/storage-under-test.js';

/** A kind like a connector would contribute: an API key, and sessions without expires_in. */
const apiKeyKind: SecretKind = {
  id: 'api-key-session',
  label: 'API key session',
  fields: [
    { name: 'url', label: 'Session URL', type: 'url', required: true, sensitive: false },
    { name: 'apiKey', label: 'API key', type: 'text', required: true, sensitive: true },
    { name: 'region', label: 'Region', type: 'select', required: true, sensitive: false, default: 'eu', options: ['eu', 'us'] },
  ],
  defaults: { encoding: 'json', scopeFormat: 'plain' },
  lifetime: { requireExpiresIn: false, defaultSeconds: 7_200 },
  bodyParameters: (params) => ({ api_key: field(params, 'apiKey'), region: field(params, 'region') }),
};

const contribution = new ContainerModule(({ bind }) => {
  bind(CORE.SecretKind).toConstantValue(apiKeyKind);
});

describe('secret kind contributions', () => {
  it('adds a kind with one binding, next to the built-in ones', async () => {
    const world = await startTestTessera({}, [contribution]);
    const registry = world.container.get<SecretKindRegistry>(CORE.SecretKindRegistry);
    expect(registry.list().map((k) => [k.id, k.label])).toEqual([
      ['general', 'General – username and password'],
      ['microsoft-graph', 'Microsoft Graph REST API v1.0'],
      ['api-key-session', 'API key session'],
    ]);
  });

  it("derives validation, defaults and masking from the kind's field declarations", async () => {
    const world = await startTestTessera({}, [contribution]);
    await expect(world.secrets.create({ name: 'k', kind: 'api-key-session', params: { url: world.tokenServer.tokenUrl, apiKey: 'k', region: 'mars' } })).rejects.toThrow(
      /params.region: Region must be one of: eu, us/,
    );
    const secret = await world.secrets.create({ name: 'k', kind: 'api-key-session', params: { url: world.tokenServer.tokenUrl, apiKey: randomCredential('key') } });
    expect(secret.params).toEqual({ url: world.tokenServer.tokenUrl, apiKey: MASK, region: 'eu' });
  });

  it("applies the kind's lifetime policy when the answer has no expires_in", async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock }, [contribution]);
    world.tokenServer.respond(() => ({ body: { access_token: world.tokenServer.newToken(), instance_url: 'https://eu.example.com' } }));
    const secret = await world.secrets.create({ name: 'k', kind: 'api-key-session', params: { url: world.tokenServer.tokenUrl, apiKey: randomCredential('key') } });
    const token = await world.tokens.getToken(secret.id);
    expect(token.expiresAt.getTime()).toBe(clock.now() + 7_200_000);
    expect(token.metadata).toEqual({ instance_url: 'https://eu.example.com' });
    expect(JSON.parse(world.tokenServer.requests[0]!.body)).toMatchObject({ region: 'eu' });
  });

  it('guards the token URL of a kind that never declared it a destination: every url field is one unless it says otherwise', async () => {
    const world = await startTestTessera({}, [contribution]);
    const kind = world.container.get<SecretKindRegistry>(CORE.SecretKindRegistry).get('api-key-session');
    expect(kind.fields.map((f) => [f.name, isDestinationField(f)])).toEqual([
      ['url', true],
      ['apiKey', false],
      ['region', false],
    ]);
    const secret = await world.secrets.create({ name: 'k', kind: 'api-key-session', params: { url: world.tokenServer.tokenUrl, apiKey: randomCredential('key') } });
    await expect(world.secrets.update(secret.id, { params: { url: 'https://evil.example.com/session' } })).rejects.toMatchObject({ code: 'credentials-required', fields: ['params.apiKey'] });
    // The contributed kind is used as it is (a class with private members keeps working).
    expect(kind).toBe(apiKeyKind);
  });
});

describeOnEachStorage('a stored secret whose kind is not loaded', () => {
  it('is listed and shown (its clear params, kindKnown false) and deleted, but using it answers kind-not-loaded', async () => {
    const writer = await startTestTessera({}, [contribution]);
    const apiKey = randomCredential('key');
    const foreign = await writer.secrets.create({ name: 'acme-key', kind: 'api-key-session', params: { url: writer.tokenServer.tokenUrl, apiKey, region: 'us' } });
    const plain = await writer.createGeneralSecret();
    // Another instance on the same database, without the module that declares the kind.
    const reader = await startTestTessera({ database: writer.databasePath, masterKey: writer.masterKey });
    writer.onClose(() => reader.close());

    const listed = await reader.secrets.list();
    expect(listed.map((s) => [s.name, s.kind, s.kindKnown])).toEqual([
      ['acme-key', 'api-key-session', false],
      [plain.name, 'general', true],
    ]);
    const shown = await reader.secrets.get(foreign.id);
    // What the kind stored in clear; its sensitive field is sealed and not even named.
    expect(shown).toMatchObject({ id: foreign.id, name: 'acme-key', kind: 'api-key-session', origin: 'manual', kindKnown: false, params: { url: writer.tokenServer.tokenUrl, region: 'us' } });
    expect(shown.params).not.toHaveProperty('apiKey');
    expect(JSON.stringify(listed)).not.toContain(apiKey);

    const notLoaded = { code: 'kind-not-loaded', details: { kind: 'api-key-session' }, message: expect.stringMatching(/kind 'api-key-session'.*TESSERA_PLUGINS/) };
    await expect(reader.tokens.getToken(foreign.id)).rejects.toMatchObject(notLoaded);
    await expect(reader.tester.test(foreign.id)).rejects.toMatchObject(notLoaded);
    await expect(reader.secrets.update(foreign.id, { description: 'changed' })).rejects.toMatchObject(notLoaded);
    await expect(reader.secrets.update(foreign.id, { params: { region: 'eu' } })).rejects.toMatchObject(notLoaded);
    expect(writer.tokenServer.requests).toHaveLength(0);
    // The instance that has the kind still uses it as before.
    expect(await writer.secrets.get(foreign.id)).toMatchObject({ kindKnown: true, params: { apiKey: MASK, region: 'us' } });

    await reader.secrets.delete(foreign.id);
    expect((await writer.secrets.list()).map((s) => s.name)).toEqual([plain.name]);
  });
});
