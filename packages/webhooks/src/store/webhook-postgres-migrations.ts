/** The schema of `@tessera/webhooks` on PostgreSQL, as an append-only list of migrations (the SQLite list is `webhookMigrations`). */
import type { PostgresMigration } from '@tessera/core';
import { SECRET_FOREIGN_KEY } from '../endpoints/missing-secret-refusal.js';

/** The channel an endpoint change is announced on (by a trigger, whoever writes). */
export const ENDPOINT_CHANNEL = 'tessera_endpoints';
/**
 * Puts the deliveries of claims deleted in a `released` WITH query (its rows: `delivery_id`,
 * `endpoint_id`) back on the due queue at their next attempt time, if they are still pending.
 */
export const REQUEUE_RELEASED = `INSERT INTO webhook_due (delivery_id, endpoint_id, due_at)
  SELECT r.delivery_id, r.endpoint_id, d.next_attempt_at FROM released r JOIN webhook_deliveries d ON d.id = r.delivery_id AND d.status = 'pending'
  ON CONFLICT (delivery_id) DO NOTHING`;
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

      -- A claimed delivery stays 'pending' here: its claim is a row of webhook_claims, so claiming writes
      -- no row of this table and none of its indexes ('delivering' is what the delivery log shows for a
      -- pending delivery with a claim).
      -- Ids sort by creation time (sortableId), byte by byte: the primary key orders the delivery log, so
      -- no index on created_at is kept up to date on every write.
      CREATE TABLE webhook_deliveries (
        id TEXT COLLATE "C" PRIMARY KEY,
        event_id TEXT NOT NULL REFERENCES webhook_events (id),
        endpoint_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        UNIQUE (event_id, endpoint_id)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

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

      -- The claims held now: a few hundred rows at most (what the dispatchers have in flight or ready),
      -- so counting an endpoint's claims for the fleet-wide limit reads this small table, not the queue.
      -- expires_at on the database's clock (ms), so instances with skewed clocks agree on a lease's end.
      CREATE TABLE webhook_claims (
        delivery_id TEXT PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );

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
  {
    // A claim in one round trip: due pending deliveries without a live claim, FOR UPDATE SKIP LOCKED;
    // then (a statement later, so its snapshot sees what the previous holder committed) the
    // per-endpoint advisory locks in one order, the fleet-wide count of live claims, and the claims
    // written (taking over one whose lease ran out). PL/pgSQL takes a fresh snapshot per statement.
    id: 'webhooks-pg-002-claim-function',
    sql: `
      CREATE FUNCTION tessera_claim_deliveries(p_owner TEXT, p_limit INTEGER, p_now BIGINT, p_lease_ms BIGINT, p_excluded TEXT[], p_per_endpoint INTEGER)
      RETURNS TABLE (id TEXT, event_id TEXT, endpoint_id TEXT, event_type TEXT, attempts INTEGER, payload TEXT)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_ids TEXT[];
        v_endpoints TEXT[];
        v_db_now BIGINT := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
      BEGIN
        -- No more rows are locked than can be claimed: each row lock is a write.
        SELECT COALESCE(array_agg(c.id ORDER BY c.due), '{}'), COALESCE(array_agg(c.endpoint_id ORDER BY c.due), '{}') INTO v_ids, v_endpoints FROM (
          SELECT d.id, d.endpoint_id, d.next_attempt_at AS due FROM webhook_deliveries d
          WHERE d.status = 'pending' AND d.next_attempt_at <= p_now AND NOT (d.endpoint_id = ANY(p_excluded))
            AND NOT EXISTS (SELECT 1 FROM webhook_claims k WHERE k.delivery_id = d.id AND k.expires_at > v_db_now)
            -- Endpoints at their fleet-wide limit are left out here, so their backlog cannot fill the scan.
            AND d.endpoint_id NOT IN (SELECT k.endpoint_id FROM webhook_claims k WHERE k.expires_at > v_db_now GROUP BY k.endpoint_id HAVING COUNT(*) >= p_per_endpoint)
          ORDER BY d.next_attempt_at LIMIT p_limit FOR UPDATE OF d SKIP LOCKED
        ) c;
        IF cardinality(v_ids) = 0 THEN RETURN; END IF;
        PERFORM pg_advisory_xact_lock(hashtext('tessera-endpoint:' || e)) FROM (SELECT DISTINCT unnest(v_endpoints) AS e) s ORDER BY hashtext('tessera-endpoint:' || e);
        v_db_now := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
        RETURN QUERY
        WITH held AS (
          SELECT k.endpoint_id, COUNT(*)::int AS n FROM webhook_claims k WHERE k.expires_at > v_db_now AND k.endpoint_id = ANY(v_endpoints) GROUP BY k.endpoint_id
        ), candidate AS (
          SELECT u.id, u.endpoint_id, u.ord, row_number() OVER (PARTITION BY u.endpoint_id ORDER BY u.ord) AS rank
          FROM unnest(v_ids, v_endpoints) WITH ORDINALITY AS u(id, endpoint_id, ord)
        ), chosen AS (
          SELECT c.id, c.endpoint_id FROM candidate c LEFT JOIN held h ON h.endpoint_id = c.endpoint_id
          WHERE c.rank + COALESCE(h.n, 0) <= p_per_endpoint ORDER BY c.ord LIMIT p_limit
        ), claimed AS (
          INSERT INTO webhook_claims (delivery_id, endpoint_id, owner, expires_at)
          SELECT chosen.id, chosen.endpoint_id, p_owner, v_db_now + p_lease_ms FROM chosen
          -- Only a claim whose lease ran out is taken over. (The candidate scan may not have seen a claim
          -- committed a moment ago: the conflict check sees it, and that delivery is left to its claimer.)
          ON CONFLICT (delivery_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, endpoint_id = EXCLUDED.endpoint_id
            WHERE webhook_claims.expires_at <= v_db_now
          RETURNING webhook_claims.delivery_id
        )
        SELECT d.id, d.event_id, d.endpoint_id, d.event_type, d.attempts, e.payload
        FROM claimed k JOIN webhook_deliveries d ON d.id = k.delivery_id JOIN webhook_events e ON e.id = d.event_id;
      END $$;
    `,
  },
  {
    // Outcomes in one call with cached plans (fenced: only a claim its owner still holds takes its
    // outcome; the attempts of those are recorded), and the claim that carries them: one round trip
    // frees the slots and fills them again.
    id: 'webhooks-pg-003-outcome-functions',
    sql: `
      CREATE FUNCTION tessera_record_outcomes(p_ids TEXT[], p_owners TEXT[], p_statuses TEXT[], p_next BIGINT[], p_last_status INTEGER[], p_last_error TEXT[], p_now BIGINT[],
        a_ids TEXT[], a_at BIGINT[], a_status INTEGER[], a_latency INTEGER[], a_code TEXT[], a_message TEXT[], a_body TEXT[])
      RETURNS TABLE (id TEXT)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_applied TEXT[];
      BEGIN
        -- Fenced: only the owner of the claim gives it up, and only a claim given up takes its outcome.
        WITH outcome AS (
          SELECT * FROM unnest(p_ids, p_owners, p_statuses, p_next, p_last_status, p_last_error, p_now) AS o(id, owner, status, next, last_status, last_error, now)
        ), released AS (
          DELETE FROM webhook_claims k USING outcome o WHERE k.delivery_id = o.id AND k.owner = o.owner RETURNING k.delivery_id
        ), applied AS (
          UPDATE webhook_deliveries d SET status = o.status, attempts = d.attempts + 1, next_attempt_at = o.next,
            last_status = o.last_status, last_error = o.last_error, updated_at = o.now
          FROM outcome o WHERE d.id = o.id AND d.status = 'pending' AND d.id IN (SELECT delivery_id FROM released)
          RETURNING d.id
        )
        SELECT COALESCE(array_agg(applied.id), '{}') INTO v_applied FROM applied;
        INSERT INTO webhook_attempts (delivery_id, attempted_at, status, latency_ms, error_code, error_message, response_body)
        SELECT a.delivery_id, a.attempted_at, a.status, a.latency_ms, a.error_code, a.error_message, a.response_body
        FROM unnest(a_ids, a_at, a_status, a_latency, a_code, a_message, a_body) WITH ORDINALITY AS a(delivery_id, attempted_at, status, latency_ms, error_code, error_message, response_body, ord)
        WHERE a.delivery_id = ANY(v_applied) ORDER BY a.ord;
        RETURN QUERY SELECT unnest(v_applied);
      END $$;

      CREATE FUNCTION tessera_complete_and_claim(p_ids TEXT[], p_owners TEXT[], p_statuses TEXT[], p_next BIGINT[], p_last_status INTEGER[], p_last_error TEXT[], p_now BIGINT[],
        a_ids TEXT[], a_at BIGINT[], a_status INTEGER[], a_latency INTEGER[], a_code TEXT[], a_message TEXT[], a_body TEXT[],
        p_owner TEXT, p_limit INTEGER, p_claim_now BIGINT, p_lease_ms BIGINT, p_excluded TEXT[], p_per_endpoint INTEGER)
      RETURNS TABLE (applied BOOLEAN, id TEXT, event_id TEXT, endpoint_id TEXT, event_type TEXT, attempts INTEGER, payload TEXT)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      BEGIN
        RETURN QUERY SELECT true, r.id, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::text
          FROM tessera_record_outcomes(p_ids, p_owners, p_statuses, p_next, p_last_status, p_last_error, p_now, a_ids, a_at, a_status, a_latency, a_code, a_message, a_body) r;
        RETURN QUERY SELECT false, c.id, c.event_id, c.endpoint_id, c.event_type, c.attempts, c.payload
          FROM tessera_claim_deliveries(p_owner, p_limit, p_claim_now, p_lease_ms, p_excluded, p_per_endpoint) c;
      END $$;
    `,
  },
  {
    // The due queue moves out of webhook_deliveries (measured in `npm run bench`): a pending delivery not
    // claimed is a row of webhook_due, so a claim deletes rows there instead of scanning past every
    // claimed delivery, and an outcome updates no indexed column of webhook_deliveries (a HOT update, in
    // the room fillfactor leaves on each page). A pending delivery is always in exactly one of
    // webhook_due and webhook_claims. Attempts keep their delivery by the code that writes them (only a
    // delivery just updated gets one), not by a foreign key checked row by row, and have one index.
    id: 'webhooks-pg-004-due-queue',
    sql: `
      CREATE TABLE webhook_due (
        delivery_id TEXT COLLATE "C" PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        due_at BIGINT NOT NULL
      );
      CREATE INDEX webhook_due_at ON webhook_due (due_at);
      -- Claims whose lease ran out, found without reading the live ones (or the dead rows of a busy table).
      CREATE INDEX webhook_claims_expires ON webhook_claims (expires_at);
      INSERT INTO webhook_due (delivery_id, endpoint_id, due_at)
        SELECT d.id, d.endpoint_id, d.next_attempt_at FROM webhook_deliveries d
        WHERE d.status = 'pending' AND NOT EXISTS (SELECT 1 FROM webhook_claims k WHERE k.delivery_id = d.id);
      DROP INDEX webhook_deliveries_due;
      ALTER TABLE webhook_deliveries SET (fillfactor = 60);
      ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_delivery_id_fkey;
      -- Attempts are read by delivery only: the key that orders them there is the primary key, one index to write.
      ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_pkey, ADD PRIMARY KEY (delivery_id, id);
      DROP INDEX webhook_attempts_delivery;

      CREATE OR REPLACE FUNCTION tessera_claim_deliveries(p_owner TEXT, p_limit INTEGER, p_now BIGINT, p_lease_ms BIGINT, p_excluded TEXT[], p_per_endpoint INTEGER)
      RETURNS TABLE (id TEXT, event_id TEXT, endpoint_id TEXT, event_type TEXT, attempts INTEGER, payload TEXT)
      -- The claims and the due queue churn (a row in and out per delivery) faster than statistics follow, and
      -- PL/pgSQL keeps the plans made when they were small: a sequential scan over their dead rows, or a
      -- join that reads all of webhook_deliveries, would be kept. Every read here goes by an index, a plain
      -- index scan, which marks the dead entries it passes so that the next one skips them. (No JIT: a
      -- plan that still had to scan would look costly enough to be compiled on every call.)
      LANGUAGE plpgsql SET enable_seqscan = off SET enable_bitmapscan = off SET jit = off AS $$
      #variable_conflict use_column
      DECLARE
        v_full TEXT[];
        v_ids TEXT[];
        v_endpoints TEXT[];
        v_due_ids TEXT[];
        v_due_endpoints TEXT[];
        v_db_now BIGINT := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
      BEGIN
        -- Endpoints at their fleet-wide limit are left out of the scans, so their backlog cannot fill them.
        SELECT COALESCE(array_agg(f.endpoint_id), '{}') INTO v_full FROM (
          SELECT k.endpoint_id FROM webhook_claims k WHERE k.expires_at > v_db_now GROUP BY k.endpoint_id HAVING COUNT(*) >= p_per_endpoint
        ) f;
        -- Claims whose lease ran out come first (their work is the oldest), then due work. No more rows are
        -- locked than can be claimed: each row lock is a write.
        SELECT COALESCE(array_agg(c.delivery_id ORDER BY c.expires_at), '{}'), COALESCE(array_agg(c.endpoint_id ORDER BY c.expires_at), '{}') INTO v_ids, v_endpoints FROM (
          SELECT k.delivery_id, k.endpoint_id, k.expires_at FROM webhook_claims k
          WHERE k.expires_at <= v_db_now AND NOT (k.endpoint_id = ANY(p_excluded)) AND NOT (k.endpoint_id = ANY(v_full))
          ORDER BY k.expires_at LIMIT p_limit FOR UPDATE OF k SKIP LOCKED
        ) c;
        SELECT COALESCE(array_agg(c.delivery_id ORDER BY c.due_at), '{}'), COALESCE(array_agg(c.endpoint_id ORDER BY c.due_at), '{}') INTO v_due_ids, v_due_endpoints FROM (
          SELECT q.delivery_id, q.endpoint_id, q.due_at FROM webhook_due q
          WHERE q.due_at <= p_now AND NOT (q.endpoint_id = ANY(p_excluded)) AND NOT (q.endpoint_id = ANY(v_full))
          ORDER BY q.due_at LIMIT p_limit - cardinality(v_ids) FOR UPDATE SKIP LOCKED
        ) c;
        v_ids := v_ids || v_due_ids;
        v_endpoints := v_endpoints || v_due_endpoints;
        IF cardinality(v_ids) = 0 THEN RETURN; END IF;
        PERFORM pg_advisory_xact_lock(hashtext('tessera-endpoint:' || e)) FROM (SELECT DISTINCT unnest(v_endpoints) AS e) s ORDER BY hashtext('tessera-endpoint:' || e);
        -- A statement later, so its snapshot sees what the previous holder of a lock committed.
        v_db_now := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
        RETURN QUERY
        WITH held AS (
          SELECT k.endpoint_id, COUNT(*)::int AS n FROM webhook_claims k WHERE k.expires_at > v_db_now AND k.endpoint_id = ANY(v_endpoints) GROUP BY k.endpoint_id
        ), candidate AS (
          SELECT u.id, u.endpoint_id, u.ord, row_number() OVER (PARTITION BY u.endpoint_id ORDER BY u.ord) AS rank
          FROM unnest(v_ids, v_endpoints) WITH ORDINALITY AS u(id, endpoint_id, ord)
        ), chosen AS (
          SELECT c.id, c.endpoint_id FROM candidate c LEFT JOIN held h ON h.endpoint_id = c.endpoint_id
          WHERE c.rank + COALESCE(h.n, 0) <= p_per_endpoint ORDER BY c.ord LIMIT p_limit
        ), taken AS (
          -- (A data-modifying WITH runs once, to the end, whether or not its rows are read.)
          DELETE FROM webhook_due q USING chosen WHERE q.delivery_id = chosen.id
        ), claimed AS (
          -- Due work taken off the queue, or a claim whose lease ran out taken over (locked above, so its
          -- owner's late outcome waits for this commit and then finds the claim no longer its own).
          INSERT INTO webhook_claims (delivery_id, endpoint_id, owner, expires_at)
          SELECT chosen.id, chosen.endpoint_id, p_owner, v_db_now + p_lease_ms FROM chosen
          ON CONFLICT (delivery_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, endpoint_id = EXCLUDED.endpoint_id
            WHERE webhook_claims.expires_at <= v_db_now
          RETURNING webhook_claims.delivery_id
        )
        SELECT d.id, d.event_id, d.endpoint_id, d.event_type, d.attempts, e.payload
        FROM claimed k JOIN webhook_deliveries d ON d.id = k.delivery_id JOIN webhook_events e ON e.id = d.event_id;
      END $$;

      CREATE OR REPLACE FUNCTION tessera_record_outcomes(p_ids TEXT[], p_owners TEXT[], p_statuses TEXT[], p_next BIGINT[], p_last_status INTEGER[], p_last_error TEXT[], p_now BIGINT[],
        a_ids TEXT[], a_at BIGINT[], a_status INTEGER[], a_latency INTEGER[], a_code TEXT[], a_message TEXT[], a_body TEXT[])
      RETURNS TABLE (id TEXT)
      LANGUAGE plpgsql SET enable_seqscan = off SET enable_bitmapscan = off SET jit = off AS $$
      #variable_conflict use_column
      DECLARE
        v_applied TEXT[];
      BEGIN
        -- Fenced: only the owner of the claim gives it up, and only a claim given up takes its outcome; a
        -- retry goes back on the due queue.
        WITH outcome AS (
          SELECT * FROM unnest(p_ids, p_owners, p_statuses, p_next, p_last_status, p_last_error, p_now) AS o(id, owner, status, next, last_status, last_error, now)
        ), released AS (
          DELETE FROM webhook_claims k USING outcome o WHERE k.delivery_id = o.id AND k.owner = o.owner RETURNING k.delivery_id
        ), applied AS (
          UPDATE webhook_deliveries d SET status = o.status, attempts = d.attempts + 1, next_attempt_at = o.next,
            last_status = o.last_status, last_error = o.last_error, updated_at = o.now
          FROM outcome o WHERE d.id = o.id AND d.status = 'pending' AND d.id IN (SELECT delivery_id FROM released)
          RETURNING d.id, d.endpoint_id, d.status, d.next_attempt_at
        ), requeued AS (
          INSERT INTO webhook_due (delivery_id, endpoint_id, due_at)
          SELECT applied.id, applied.endpoint_id, applied.next_attempt_at FROM applied WHERE applied.status = 'pending'
        )
        SELECT COALESCE(array_agg(applied.id), '{}') INTO v_applied FROM applied;
        INSERT INTO webhook_attempts (delivery_id, attempted_at, status, latency_ms, error_code, error_message, response_body)
        SELECT a.delivery_id, a.attempted_at, a.status, a.latency_ms, a.error_code, a.error_message, a.response_body
        FROM unnest(a_ids, a_at, a_status, a_latency, a_code, a_message, a_body) WITH ORDINALITY AS a(delivery_id, attempted_at, status, latency_ms, error_code, error_message, response_body, ord)
        WHERE a.delivery_id = ANY(v_applied) ORDER BY a.ord;
        RETURN QUERY SELECT unnest(v_applied);
      END $$;
    `,
  },
  {
    // Retention (DESIGN §5): a webhook's own retention periods (JSON, null for the defaults), events found
    // by age once no delivery of theirs is left, and the lease that lets one instance of the fleet prune
    // at a time (expires_at on the database's clock).
    id: 'webhooks-pg-005-retention',
    sql: `
      ALTER TABLE webhook_endpoints ADD COLUMN retention TEXT;
      CREATE INDEX webhook_events_created ON webhook_events (created_at, id);
      CREATE TABLE webhook_maintenance_leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
    `,
  },
  {
    // A webhook's secret exists for as long as the webhook uses it, decided by the database: checked in
    // code first, a secret deleted while a webhook was being given it left the webhook with none. NOT
    // VALID: rows written before are not checked (nor locked while they would be), new writes are.
    // Needs the core's secrets table: ensureWebhookSchema migrates the core first.
    id: 'webhooks-pg-006-endpoint-secret-guard',
    sql: `
      ALTER TABLE webhook_endpoints ADD CONSTRAINT ${SECRET_FOREIGN_KEY} FOREIGN KEY (secret_id) REFERENCES secrets (id) NOT VALID;
    `,
  },
];
