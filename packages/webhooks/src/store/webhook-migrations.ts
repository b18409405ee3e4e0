/** The schema of `@tessera/webhooks`, as an append-only list of migrations on the shared database. */
import type { Migration } from '@tessera/core';

export const webhookMigrations: readonly Migration[] = [
  {
    id: 'webhooks-001-endpoints-events-deliveries',
    sql: `
      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        secret_id TEXT NOT NULL,
        events TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        disabled_reason TEXT,
        timeout_ms INTEGER NOT NULL,
        retry_schedule TEXT,
        headers TEXT NOT NULL,
        signing_secret TEXT,
        previous_signing_secret TEXT,
        previous_signing_expires_at INTEGER,
        failing_since INTEGER,
        last_failed_at INTEGER,
        revision INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX webhook_endpoints_secret ON webhook_endpoints (secret_id);

      CREATE TABLE webhook_events (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL REFERENCES webhook_events (id),
        endpoint_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        last_status INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (event_id, endpoint_id)
      );
      -- Partial indexes: only waiting and claimed rows are in them, so finished deliveries cost nothing.
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_lease ON webhook_deliveries (lease_expires_at) WHERE status = 'delivering';
      CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
      CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

      CREATE TABLE webhook_attempts (
        id INTEGER PRIMARY KEY,
        delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempted_at INTEGER NOT NULL,
        status INTEGER,
        latency_ms INTEGER NOT NULL,
        error_code TEXT,
        error_message TEXT,
        response_body TEXT
      );
      CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
    `,
  },
];
