/** Product code wires both connectors at startup from one config object, in at most 20 lines. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { wireConnectors } from '../../examples/wire-connectors.js';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeSalesforce } from '../support/fake-salesforce.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { captureTransport, randomCredential } from '../support/start-test-tessera.js';

describe('wiring connectors at startup', () => {
  it('takes at most 20 lines of product code', () => {
    const source = readFileSync(join(import.meta.dirname, '../../examples/wire-connectors.ts'), 'utf8');
    const wiring = source.split('// wiring:start')[1]!.split('// wiring:end')[0]!;
    const lines = wiring.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.length).toBeLessThanOrEqual(20);
  });

  it('connects Salesforce and Microsoft Graph from one config object, each client working', async () => {
    const salesforce = await FakeSalesforce.start();
    const tokenServer = await FakeTokenServer.start();
    const graph = await new FakeHttpServer((request) =>
      request.headers.authorization === `Bearer ${tokenServer.issued.at(-1)}` ? { body: { displayName: 'Contoso' } } : { status: 401 },
    ).listen();
    const { container, salesforce: sf, graph: graphClient } = await wireConnectors({
      tessera: { database: ':memory:', masterKey: generateMasterKey(), network: { allowPrivate: true }, logging: { transports: [captureTransport(() => undefined)] } },
      salesforce: { loginUrl: salesforce.origin, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret, username: salesforce.username, password: salesforce.password, securityToken: salesforce.securityToken },
      graph: { tenantId: 'contoso', clientId: 'app', clientSecret: randomCredential('graph'), tokenUrl: tokenServer.tokenUrl, baseUrl: graph.url('/v1.0') },
    });
    onTestFinished(async () => {
      await container.unbindAllAsync();
      await Promise.all([salesforce.server.close(), tokenServer.close(), graph.close()]);
    });
    expect((await sf.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect((await graphClient.get('/organization')).data).toEqual({ displayName: 'Contoso' });
  });
});
