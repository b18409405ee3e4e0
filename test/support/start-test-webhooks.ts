/**
 * A real Tessera core plus webhooks for one test: a temp SQLite file, a loopback token endpoint, a
 * loopback webhook receiver, and a dispatcher that is stopped when the test ends.
 */
import { onTestFinished } from 'vitest';
import type { SecretView } from '@tessera/core';
import { WEBHOOKS, webhooksModule, type DeliveryLog, type Dispatcher, type EndpointStore, type EndpointWithSecret, type NewEndpoint, type Publisher, type WebhooksOptions } from '@tessera/webhooks';
import { FakeHttpServer } from './fake-http-server.js';
import { rememberSecret } from './leak-audit.js';
import { startTestTessera, type TestTessera, type TestTesseraOptions } from './start-test-tessera.js';

export interface TestWebhooks extends TestTessera {
  receiver: FakeHttpServer;
  endpoints: EndpointStore;
  publisher: Publisher;
  dispatcher: Dispatcher;
  deliveries: DeliveryLog;
  /** A `general` secret and an endpoint at the receiver's `/hook` (or `path`) using it. */
  createEndpoint(overrides?: Partial<NewEndpoint> & { path?: string; secret?: SecretView }): Promise<EndpointWithSecret & { secret: SecretView }>;
}

/** `core: { storage: 'postgres' }` puts everything in a fresh PostgreSQL database. */
export async function startTestWebhooks(options: { core?: TestTesseraOptions; webhooks?: WebhooksOptions } = {}): Promise<TestWebhooks> {
  const world = await startTestTessera(options.core, [webhooksModule({ pollIntervalMs: 20, ...options.webhooks })]);
  const receiver = await new FakeHttpServer(() => ({ status: 200, body: 'ok' })).listen();
  const dispatcher = world.container.get<Dispatcher>(WEBHOOKS.Dispatcher);
  world.onClose(async () => {
    await dispatcher.stop(2_000);
    await receiver.close();
  });
  onTestFinished(() => world.close());
  const endpoints = world.container.get<EndpointStore>(WEBHOOKS.EndpointStore);
  let counter = 0;
  return {
    ...world,
    receiver,
    endpoints,
    publisher: world.container.get<Publisher>(WEBHOOKS.Publisher),
    dispatcher,
    deliveries: world.container.get<DeliveryLog>(WEBHOOKS.DeliveryLog),
    createEndpoint: async ({ path = '/hook', secret, ...overrides } = {}) => {
      const used = secret ?? (await world.createGeneralSecret({}, `hook-secret-${++counter}`));
      const created = await endpoints.create({ url: receiver.url(path), secretId: used.id, ...overrides });
      if (created.signingSecret) rememberSecret(created.signingSecret);
      return { ...created, secret: used };
    },
  };
}
