/** Tells the core secret store which webhook endpoints use a secret, so deleting it in use is refused. */
import { inject, injectable } from 'inversify';
import type { SecretUsage, SqliteDatabase } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';

@injectable()
export class EndpointSecretUsage implements SecretUsage {
  constructor(@inject(WEBHOOKS.Database) private readonly db: SqliteDatabase) {}

  usersOf(secretId: string): string[] {
    const rows = this.db.prepare('SELECT id, name FROM webhook_endpoints WHERE secret_id = ? ORDER BY name').all(secretId) as Array<{ id: string; name: string }>;
    return rows.map((row) => `webhook endpoint '${row.name}' (${row.id})`);
  }
}
