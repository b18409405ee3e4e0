/** Brings the webhooks schema up to date on PostgreSQL, after the core's, whose secrets table a webhook's foreign key refers to. */
import { corePostgresMigrations, type PostgresDatabase } from '@tessera/core';
import { webhookPostgresMigrations } from './webhook-postgres-migrations.js';

export async function ensureWebhookSchema(db: PostgresDatabase): Promise<void> {
  await db.ensureSchema('core', corePostgresMigrations);
  await db.ensureSchema('webhooks', webhookPostgresMigrations);
}
