/** A Tessera for one bench run: SQLite in `dir`, silent logs, a `general` secret at the harness's token URL and `endpoints` webhooks at its receiver (`/hook/<i>`, events `bench.e<i>`). */
import 'reflect-metadata';
import { join } from 'node:path';
import { Container } from 'inversify';
import winston from 'winston';
import { CORE, coreModule, generateMasterKey, type SecretStore } from '@tessera/core';
import { WEBHOOKS, webhooksModule, type EndpointStore, type WebhooksOptions } from '@tessera/webhooks';
import { CONCURRENCY } from './concurrency.js';

export async function benchContainer(dir: string, harness: { origin: string; tokenUrl: string }, endpoints: number, webhooks: WebhooksOptions = {}): Promise<Container> {
  const container = new Container();
  container.load(
    coreModule({
      database: join(dir, 'tessera.db'),
      masterKey: generateMasterKey(),
      network: { allowPrivate: true },
      logging: { level: 'error', transports: [new winston.transports.Console({ silent: true })] },
    }),
    webhooksModule({ concurrency: CONCURRENCY, perEndpointConcurrency: CONCURRENCY, ...webhooks }),
  );
  const secret = await container.get<SecretStore>(CORE.SecretStore).create({ name: 'bench', kind: 'general', params: { url: harness.tokenUrl, username: 'u', password: 'bench-password' } });
  const store = container.get<EndpointStore>(WEBHOOKS.EndpointStore);
  for (let i = 0; i < endpoints; i++) await store.create({ url: `${harness.origin}/hook/${i}`, secretId: secret.id, events: [`bench.e${i}`] });
  return container;
}
