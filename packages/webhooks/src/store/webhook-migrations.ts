/** The schema of `@tessera/webhooks`, as an append-only list of migrations on the shared database. */
import { addNameKeyColumn, rewriteTableSql, SECRET_IN_USE_REFUSAL, type Migration } from '@tessera/core';
import { SECRET_MISSING } from '../endpoints/missing-secret-refusal.js';

const STATUS_IN_LIST = "CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed'))";
const STATUS_COMPARED = "CHECK (status = 'pending' OR status = 'delivering' OR status = 'succeeded' OR status = 'failed')";

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
  {
    // Extra header values are credentials like any other: sealed with the key ring. The headers column
    // keeps their names (values null); a row from before holds clear values there until it is sealed.
    id: 'webhooks-002-sealed-headers',
    sql: 'ALTER TABLE webhook_endpoints ADD COLUMN sealed_headers TEXT',
  },
  {
    // Webhook names unique whatever their case; rows that already clash are reported, not refused.
    id: 'webhooks-003-endpoint-name-key',
    run: (db) => addNameKeyColumn(db, 'webhook_endpoints', 'Webhooks', 'PATCH /api/webhooks/:id with a new name'),
  },
  {
    // A change counter for endpoints, bumped by every process's writes: each process's endpoint cache
    // reads it on the hot path and reloads when it moved. The failing period is left out (it changes on
    // every failed delivery and no cache depends on it).
    id: 'webhooks-004-endpoint-version',
    sql: `
      CREATE TABLE webhook_endpoint_version (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
      INSERT INTO webhook_endpoint_version (id, value) VALUES (1, 0);
      CREATE TRIGGER webhook_endpoints_inserted AFTER INSERT ON webhook_endpoints
        BEGIN UPDATE webhook_endpoint_version SET value = value + 1 WHERE id = 1; END;
      CREATE TRIGGER webhook_endpoints_deleted AFTER DELETE ON webhook_endpoints
        BEGIN UPDATE webhook_endpoint_version SET value = value + 1 WHERE id = 1; END;
      CREATE TRIGGER webhook_endpoints_changed AFTER UPDATE OF name, url, secret_id, events, enabled, disabled_reason, timeout_ms,
        retry_schedule, headers, sealed_headers, signing_secret, previous_signing_secret, previous_signing_expires_at, revision ON webhook_endpoints
        BEGIN UPDATE webhook_endpoint_version SET value = value + 1 WHERE id = 1; END;
    `,
  },
  {
    // A row per live dispatcher, its heartbeat renewed every few seconds: the claims of a worker that
    // stopped beating (or whose process is gone) are released at once instead of at the end of their lease.
    // No index on the claim owner: releasing scans only claimed rows (the partial lease index), and an
    // index would cost two writes per delivery.
    id: 'webhooks-005-workers',
    sql: `
      CREATE TABLE webhook_workers (
        id TEXT PRIMARY KEY,
        machine TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        -- Set by the worker itself (three of its own intervals ahead): others judge it by its own pace.
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    // The one endpoint an event was sent to, if it was sent to one only ("Send test event"): publishing
    // its id again is the same event only with the same target.
    id: 'webhooks-006-event-target',
    sql: 'ALTER TABLE webhook_events ADD COLUMN target_endpoint_id TEXT',
  },
  {
    // Retention (DESIGN §5): a webhook's own retention periods (JSON, null for the defaults), and the
    // lease that lets one process at a time prune. (Events are swept in rowid order, their insertion order:
    // no index to keep up to date on every publish.)
    id: 'webhooks-007-retention',
    sql: `
      ALTER TABLE webhook_endpoints ADD COLUMN retention TEXT;
      CREATE TABLE webhook_maintenance_leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    // Fewer bytes per delivered event (measured with dbstat in `npm run bench`): an event keeps its
    // `data` alone (`payload` '' then), its body built from type, time and data the same way each time
    // (`eventBody`); attempts are keyed by (delivery, number) in a WITHOUT ROWID table, so the index
    // they were read by is the table itself. Existing attempts keep their numbers.
    id: 'webhooks-008-compact-events-and-attempts',
    sql: `
      ALTER TABLE webhook_events ADD COLUMN data TEXT;
      CREATE TABLE webhook_attempts_keyed (
        delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        attempted_at INTEGER NOT NULL,
        status INTEGER,
        latency_ms INTEGER NOT NULL,
        error_code TEXT,
        error_message TEXT,
        response_body TEXT,
        PRIMARY KEY (delivery_id, id)
      ) WITHOUT ROWID;
      INSERT INTO webhook_attempts_keyed (delivery_id, id, attempted_at, status, latency_ms, error_code, error_message, response_body)
        SELECT delivery_id, id, attempted_at, status, latency_ms, error_code, error_message, response_body FROM webhook_attempts;
      DROP TABLE webhook_attempts;
      ALTER TABLE webhook_attempts_keyed RENAME TO webhook_attempts;
    `,
  },
  {
    // Attempts refer to their delivery without ON DELETE CASCADE: for a WITHOUT ROWID child, SQLite runs
    // the cascade for every deleted delivery through a temporary b-tree of its own, which doubled the
    // cost of pruning a delivery (8.2 µs against 3.9, measured). The pruner deletes the attempts first,
    // as it did already; a delivery whose attempts are still there cannot be deleted.
    id: 'webhooks-009-attempts-without-cascade',
    sql: `
      CREATE TABLE webhook_attempts_next (
        delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
        id INTEGER NOT NULL,
        attempted_at INTEGER NOT NULL,
        status INTEGER,
        latency_ms INTEGER NOT NULL,
        error_code TEXT,
        error_message TEXT,
        response_body TEXT,
        PRIMARY KEY (delivery_id, id)
      ) WITHOUT ROWID;
      INSERT INTO webhook_attempts_next SELECT delivery_id, id, attempted_at, status, latency_ms, error_code, error_message, response_body FROM webhook_attempts;
      DROP TABLE webhook_attempts;
      ALTER TABLE webhook_attempts_next RENAME TO webhook_attempts;
    `,
  },
  {
    // A delivery's status check as comparisons rather than an IN list: SQLite builds a temporary b-tree
    // for an IN list of more than two values each time the check runs, on every insert, lease and outcome
    // (three per delivery; 1 to 1.7 µs each, measured). The check means the same, so every stored row
    // still passes it, and SQLite's documented way to change a CHECK constraint (writable_schema, then a
    // new schema version) costs nothing however many deliveries are stored, where a table copy would not.
    id: 'webhooks-010-status-check-without-list',
    run: (db) => {
      rewriteTableSql(db, 'webhook_deliveries', STATUS_IN_LIST, STATUS_COMPARED);
      return [];
    },
  },
  {
    // The due index carries each waiting delivery's endpoint, so a claim's scan (rowid and endpoint, in
    // due order) and the next-due lookup read the index alone, never the table (issue 16). It holds only
    // waiting deliveries, so rebuilding it costs what the backlog is.
    id: 'webhooks-011-due-index-covers-endpoint',
    sql: `
      DROP INDEX webhook_deliveries_due;
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, endpoint_id) WHERE status = 'pending';
    `,
  },
  {
    // A webhook's secret exists for as long as the webhook uses it, decided inside the write that could
    // break it: checked in code first, a secret deleted while a webhook was being given it left the webhook
    // with none. Writes to one SQLite file are serial, so these checks see every committed row.
    id: 'webhooks-012-endpoint-secret-guard',
    sql: `
      CREATE TRIGGER webhook_endpoints_secret_exists BEFORE INSERT ON webhook_endpoints
        WHEN NOT EXISTS (SELECT 1 FROM secrets WHERE id = NEW.secret_id)
        BEGIN SELECT RAISE(ABORT, '${SECRET_MISSING}'); END;
      CREATE TRIGGER webhook_endpoints_secret_still_exists BEFORE UPDATE OF secret_id ON webhook_endpoints
        WHEN NEW.secret_id IS NOT OLD.secret_id AND NOT EXISTS (SELECT 1 FROM secrets WHERE id = NEW.secret_id)
        BEGIN SELECT RAISE(ABORT, '${SECRET_MISSING}'); END;
      CREATE TRIGGER secrets_used_by_webhook_endpoints BEFORE DELETE ON secrets
        WHEN EXISTS (SELECT 1 FROM webhook_endpoints WHERE secret_id = OLD.id)
        BEGIN SELECT RAISE(ABORT, '${SECRET_IN_USE_REFUSAL}'); END;
    `,
  },
];
