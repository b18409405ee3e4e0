/** docs/connectors.md: its complete third connector is the compiled example, shown verbatim, and it works. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTORS, connectorModule, connectorsModule, type ConnectorManager } from '@tessera/connectors';
import { acmeOrdersConnector, type AcmeOrdersClient } from '../../examples/acme-orders-connector.js';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';

const root = join(import.meta.dirname, '../..');

describe('the connector guide', () => {
  it('shows the example connector verbatim, and it is under 100 lines', () => {
    const source = readFileSync(join(root, 'examples/acme-orders-connector.ts'), 'utf8');
    const guide = readFileSync(join(root, 'docs/connectors.md'), 'utf8');
    expect(guide).toContain('```ts\n' + source + '```');
    expect(source.split('\n').length).toBeLessThan(100);
    // And the plugin that ships it, with its command group.
    expect(guide).toContain('```ts\n' + readFileSync(join(root, 'examples/acme-orders-plugin.ts'), 'utf8') + '```');
  });

  it('runs the example connector against a fake Acme API: its own kind, its secret, its client', async () => {
    // As the guide says: connectorModule(...) beside connectorsModule(), or both in one call.
    const world = await startTestTessera({}, [connectorsModule({ connectors: [acmeOrdersConnector] })]);
    expect(connectorModule(acmeOrdersConnector).load).toBeTypeOf('function');
    const clientSecret = randomCredential('acme');
    const valid = new Set<string>();
    const orders = [{ id: 'o-1', total: 12.5 }];
    const acme = await new FakeHttpServer((request) => {
      if (request.path === '/oauth/token') {
        const form = new URLSearchParams(request.body);
        if (form.get('grant_type') !== 'client_credentials' || form.get('client_secret') !== clientSecret) return { status: 401, body: { error: 'invalid_client' } };
        const answer = world.tokenServer.tokenResponse();
        valid.add((answer.body as { access_token: string }).access_token);
        return answer;
      }
      if (!valid.has(String(request.headers.authorization).replace('Bearer ', ''))) return { status: 401 };
      if (request.method === 'POST') {
        const order = { id: `o-${orders.length + 1}`, total: (JSON.parse(request.body) as { total: number }).total };
        orders.push(order);
        return { status: 201, body: order };
      }
      return { body: { orders } };
    }).listen();
    world.onClose(() => acme.close());

    const manager = world.container.get<ConnectorManager>(CONNECTORS.Manager);
    const { client, secretId } = await manager.connect<AcmeOrdersClient>('acme-orders', 'main', { baseUrl: acme.origin, clientId: 'shop-1', clientSecret });
    expect(await client.listOrders()).toEqual([{ id: 'o-1', total: 12.5 }]);
    expect(await client.createOrder(40)).toEqual({ id: 'o-2', total: 40 });
    valid.clear();
    expect(await client.listOrders()).toHaveLength(2);
    expect(await world.secrets.get(secretId)).toMatchObject({ kind: 'acme-orders', origin: 'connector', params: { clientSecret: '••••' } });
  });
});
