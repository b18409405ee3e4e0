/**
 * A secret whose kind this server does not load (written by product code, or another instance, that
 * has the plugin): the API, the CLI and the console list and show it and let it be deleted; using it
 * answers 422 `kind-not-loaded`, naming the kind and how to load its plugin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerModule } from 'inversify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, field, generateMasterKey, type SecretKind, type SecretView } from '@tessera/core';
import { runTessera } from '../support/cli-process.js';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';
import { startTestServer } from '../support/start-test-server.js';

/** A kind only product code loads here (as a plugin would contribute it). */
const acmeKind: SecretKind = {
  id: 'acme-client',
  label: 'Acme client credentials',
  fields: [
    { name: 'url', label: 'Token URL', type: 'url', required: true, sensitive: false },
    { name: 'clientId', label: 'Client id', type: 'text', required: true, sensitive: false },
    { name: 'clientSecret', label: 'Client secret', type: 'text', required: true, sensitive: true },
  ],
  defaults: { encoding: 'form', scopeFormat: 'plain' },
  lifetime: { requireExpiresIn: true },
  bodyParameters: (params) => ({ grant_type: 'client_credentials', client_id: field(params, 'clientId'), client_secret: field(params, 'clientSecret') }),
};

/** Product code with the kind writes an Acme secret into `database`. */
async function writeAcmeSecret(database: string, masterKey: string): Promise<{ secret: SecretView; clientSecret: string }> {
  const product = await startTestTessera({ database, masterKey }, [new ContainerModule(({ bind }) => void bind(CORE.SecretKind).toConstantValue(acmeKind))]);
  const clientSecret = randomCredential('acme');
  const secret = await product.secrets.create({ name: 'acme-prod', kind: 'acme-client', params: { url: product.tokenServer.tokenUrl, clientId: 'tessera-app', clientSecret } });
  await product.close();
  return { secret, clientSecret };
}

describe('a secret of a kind the server does not load', () => {
  it('is listed and shown by the API with kindKnown false, deleted, and refused with 422 kind-not-loaded when used', async () => {
    const server = await startTestServer();
    const { secret, clientSecret } = await writeAcmeSecret(join(server.config.dataDir, 'tessera.db'), server.config.masterKey as string);

    const list = await server.api('GET', '/api/secrets');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ id: secret.id, kind: 'acme-client', kindKnown: false, params: { url: secret.params.url, clientId: 'tessera-app' } })]);
    expect(list.body).not.toContain(clientSecret);
    const one = await server.api('GET', `/api/secrets/${secret.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ name: 'acme-prod', origin: 'manual', kindKnown: false });

    for (const [method, url, body] of [
      ['POST', `/api/secrets/${secret.id}/test`, undefined],
      ['PATCH', `/api/secrets/${secret.id}`, { description: 'changed' }],
    ] as const) {
      const used = await server.api(method, url, body);
      expect(used.statusCode, `${method} ${url}`).toBe(422);
      expect(used.json().error).toMatchObject({ code: 'kind-not-loaded', details: { kind: 'acme-client' }, message: expect.stringContaining('TESSERA_PLUGINS') });
    }
    expect((await server.api('DELETE', `/api/secrets/${secret.id}`)).statusCode).toBe(204);
    expect((await server.api('GET', '/api/secrets')).json()).toEqual([]);
  });

  it('is listed and shown by the CLI, marked "not loaded", and `secrets test` says what to load', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const masterKey = generateMasterKey();
    await writeAcmeSecret(join(dir, 'tessera.db'), masterKey);
    const run = (args: string[]) => runTessera(args, { TESSERA_DATA_DIR: dir, TESSERA_ALLOW_PRIVATE: 'true', TESSERA_MASTER_KEY: masterKey });

    const list = await run(['secrets', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/acme-prod\s+acme-client \(not loaded\)/);
    expect(list.stderr).toContain('Kinds not loaded here: acme-client');
    const show = await run(['secrets', 'show', 'acme-prod']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/kind\s+acme-client \(not loaded/);
    expect(show.stdout).toMatch(/params\.clientId\s+tessera-app/);
    const test = await run(['secrets', 'test', 'acme-prod']);
    expect(test.code).toBe(1);
    expect(test.stderr).toMatch(/kind 'acme-client'.*TESSERA_PLUGINS/);
    expect((await run(['secrets', 'delete', 'acme-prod'])).code).toBe(0);
  });
});
