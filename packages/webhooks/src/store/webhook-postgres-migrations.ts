/** The schema of `@tessera/webhooks` on PostgreSQL, as an append-only list of migrations (the SQLite list is `webhookMigrations`). */
import type { PostgresMigration } from '@tessera/core';

/** The channel an endpoint change is announced on (by a trigger, whoever writes). */
export const ENDPOINT_CHANNEL = 'tessera_endpoints';
/** The channel a publish announces new due work on. */
export const WORK_CHANNEL = 'tessera_work';

export const webhookPostgresMigrations: readonly PostgresMigration[] = [
  {
    id: 'webhooks-pg-001-endpoints-events-deliveries',
    sql: `
      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        url TEXT NOT NULL,
        secret_id TEXT NOT NULL,
        events TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        disabled_reason TEXT,
        timeout_ms INTEGER NOT NULL,
        retry_schedule TEXT,
        headers TEXT NOT NULL,
        sealed_headers TEXT,
        signing_secret TEXT,
        previous_signing_secret TEXT,
        previous_signing_expires_at BIGINT,
        failing_since BIGINT,
        last_failed_at BIGINT,
        revision INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX webhook_endpoints_name_key ON webhook_endpoints (name_key);
      CREATE INDEX webhook_endpoints_secret ON webhook_endpoints (secret_id);

      -- The change counter every instance's endpoint cache follows; a trigger bumps it and sends a NOTIFY
      -- on every write but the failing period's.
      CREATE TABLE webhook_endpoint_version (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL);
      INSERT INTO webhook_endpoint_version (id, value) VALUES (1, 0);
      CREATE FUNCTION webhook_endpoints_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE webhook_endpoint_version SET value = value + 1 WHERE id = 1;
          PERFORM pg_notify('${ENDPOINT_CHANNEL}', '');
          RETURN NULL;
        END $$;
      CREATE TRIGGER webhook_endpoints_written AFTER INSERT OR DELETE ON webhook_endpoints
        FOR EACH STATEMENT EXECUTE FUNCTION webhook_endpoints_changed();
      CREATE TRIGGER webhook_endpoints_changed AFTER UPDATE OF name, url, secret_id, events, enabled, disabled_reason, timeout_ms,
        retry_schedule, headers, sealed_headers, signing_secret, previous_signing_secret, previous_signing_expires_at, revision ON webhook_endpoints
        FOR EACH STATEMENT EXECUTE FUNCTION webhook_endpoints_changed();

      CREATE TABLE webhook_events (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        target_endpoint_id TEXT
      );

      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL REFERENCES webhook_events (id),
        endpoint_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        lease_owner TEXT,
        -- On the database's clock (ms), so instances with skewed clocks agree on when a lease ran out.
        lease_expires_at BIGINT,
        last_status INTEGER,
        last_error TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        UNIQUE (event_id, endpoint_id)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_lease ON webhook_deliveries (lease_expires_at) WHERE status = 'delivering';
      CREATE INDEX webhook_deliveries_claimed ON webhook_deliveries (endpoint_id) WHERE status = 'delivering';
      CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
      CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

      CREATE TABLE webhook_attempts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempted_at BIGINT NOT NULL,
        status INTEGER,
        latency_ms INTEGER NOT NULL,
        error_code TEXT,
        error_message TEXT,
        response_body TEXT
      );
      CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

      -- Live dispatchers; expires_at on the database's clock, three of the worker's own intervals ahead.
      CREATE TABLE webhook_workers (
        id TEXT PRIMARY KEY,
        machine TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at BIGINT NOT NULL,
        heartbeat_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
    `,
  },
];
