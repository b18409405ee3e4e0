/** Tells the core secret store which webhook endpoints use a secret, so deleting it in use is refused. */
import { inject, injectable } from 'inversify';
import type { SecretUsage } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';
import type { EndpointRecords } from './endpoint-records.js';

@injectable()
export class EndpointSecretUsage implements SecretUsage {
  constructor(@inject(WEBHOOKS.EndpointRecords) private readonly records: EndpointRecords) {}

  async usersOf(secretId: string): Promise<string[]> {
    return (await this.records.usingSecret(secretId)).map((row) => `webhook endpoint '${row.name}' (${row.id})`);
  }
}
