/**
 * SQLite keeps an event's data alone and builds its body when it is read (the same bytes, so the same
 * signature, on every retry), and numbers attempts within their delivery in a WITHOUT ROWID table; rows an
 * older version wrote (the whole body in `payload`, attempts numbered across the table) still read and deliver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CORE, migrate, openDatabase, type SqliteDatabase } from '@tessera/core';
import { webhookMigrations } from '../../packages/webhooks/src/store/webhook-migrations.js';
import { eventBody } from '../../packages/webhooks/src/delivery/event-body.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

/** A new SQLite file with the webhook migrations applied up to (not including) `migrationId`, as an older version left it. */
function databaseBefore(migrationId: string): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-compact-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(join(dir, 'tessera.db'));
  onTestFinished(() => void db.close());
  const before = webhookMigrations.findIndex((m) => m.id === migrationId);
  if (before < 0) throw new Error(`no migration ${migrationId}`);
  migrate(db, webhookMigrations.slice(0, before));
  return db;
}

describe('compact event and attempt storage (SQLite)', () => {
  it('builds the body that was published, byte for byte, from the stored data', () => {
    const data = { text: 'héllo "quoted" \u2028 ✓', n: [1, 2.5, null], nested: { a: true } };
    for (const value of [data, 'a string', 42, null, [], {}]) {
      const at = Date.UTC(2026, 11, 2, 15, 30, 1, 7);
      expect(eventBody('invoice.paid', at, JSON.stringify(value))).toBe(JSON.stringify({ type: 'invoice.paid', timestamp: new Date(at).toISOString(), data: value }));
    }
  });

  it('delivers and shows an event an older version stored whole, and numbers its next attempt after the old ones', async () => {
    const w = await startTestWebhooks({ webhooks: { retrySchedule: [0] } });
    const { endpoint } = await w.createEndpoint();
    const db = w.container.get<SqliteDatabase>(CORE.Database);
    // As an older version wrote them: the whole body in payload, a first attempt numbered 41 in the table.
    const body = JSON.stringify({ type: 'legacy.one', timestamp: '2026-11-30T10:00:00.000Z', data: { from: 'the old version' } });
    db.prepare("INSERT INTO webhook_events (id, type, payload, created_at) VALUES ('evt_legacy', 'legacy.one', ?, ?)").run(body, Date.parse('2026-11-30T10:00:00Z'));
    db.prepare(
      "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, last_status, created_at, updated_at) VALUES ('msg_legacy', 'evt_legacy', ?, 'legacy.one', 'pending', 1, 0, 503, 1, 1)",
    ).run(endpoint.id);
    db.prepare("INSERT INTO webhook_attempts (delivery_id, id, attempted_at, status, latency_ms, response_body) VALUES ('msg_legacy', 41, 1, 503, 12, 'busy')").run();

    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.get('msg_legacy')).status === 'succeeded', 30_000);
    expect(w.receiver.requests.map((request) => request.body)).toEqual([body]);
    const detail = await w.deliveries.get('msg_legacy');
    expect(detail.payload).toEqual(JSON.parse(body));
    expect(detail.attemptLog.map((attempt) => attempt.status)).toEqual([503, 200]);
    expect(db.prepare("SELECT id FROM webhook_attempts WHERE delivery_id = 'msg_legacy' ORDER BY id").pluck().all()).toEqual([41, 42]);

    // A new event keeps its data only, and goes out as it was published.
    const [id] = await w.publisher.publish({ type: 'fresh.one', data: { n: 1 } });
    await waitFor(async () => (await w.deliveries.get(id!)).status === 'succeeded', 30_000);
    const stored = db.prepare('SELECT payload, data FROM webhook_events WHERE id = (SELECT event_id FROM webhook_deliveries WHERE id = ?)').get(id) as { payload: string; data: string };
    expect(stored).toEqual({ payload: '', data: '{"n":1}' });
    expect(JSON.parse(w.receiver.requests.at(-1)!.body)).toMatchObject({ type: 'fresh.one', data: { n: 1 } });
    expect(db.prepare('SELECT id FROM webhook_attempts WHERE delivery_id = ?').pluck().all(id)).toEqual([1]);
  });

  it('moves the attempts of an older database into the keyed table with their numbers and order', () => {
    const db = databaseBefore('webhooks-008-compact-events-and-attempts');
    db.prepare("INSERT INTO webhook_events (id, type, payload, created_at) VALUES ('evt_1', 't', '{}', 1)").run();
    db.prepare("INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at) VALUES ('msg_1', 'evt_1', 'ep_1', 't', 'failed', 3, 0, 1, 1)").run();
    for (const [id, status] of [[7, 500], [9, 502], [12, 410]]) db.prepare("INSERT INTO webhook_attempts (id, delivery_id, attempted_at, status, latency_ms) VALUES (?, 'msg_1', ?, ?, 5)").run(id, id, status);

    migrate(db, webhookMigrations);
    expect(db.prepare("SELECT id, status FROM webhook_attempts WHERE delivery_id = 'msg_1' ORDER BY id").all()).toEqual([
      { id: 7, status: 500 },
      { id: 9, status: 502 },
      { id: 12, status: 410 },
    ]);
    // The attempts still belong to their delivery: it cannot go before them (the pruner deletes them first).
    expect(() => db.prepare("DELETE FROM webhook_deliveries WHERE id = 'msg_1'").run()).toThrow(/FOREIGN KEY/);
    db.prepare("DELETE FROM webhook_attempts WHERE delivery_id = 'msg_1'").run();
    db.prepare("DELETE FROM webhook_deliveries WHERE id = 'msg_1'").run();
    expect(db.prepare('SELECT COUNT(*) FROM webhook_deliveries').pluck().get()).toBe(0);
  });

  it('keys attempts to their delivery without a cascade, which SQLite would run per deleted delivery through a temporary b-tree', () => {
    const db = databaseBefore('webhooks-009-attempts-without-cascade');
    db.prepare("INSERT INTO webhook_events (id, type, payload, created_at) VALUES ('evt_1', 't', '{}', 1)").run();
    db.prepare("INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at) VALUES ('msg_1', 'evt_1', 'ep_1', 't', 'failed', 2, 0, 1, 1)").run();
    for (const n of [1, 2]) db.prepare("INSERT INTO webhook_attempts (delivery_id, id, attempted_at, status, latency_ms, response_body) VALUES ('msg_1', ?, ?, 500, 5, 'busy')").run(n, n);

    migrate(db, webhookMigrations);
    expect(db.pragma('foreign_key_list(webhook_attempts)')).toMatchObject([{ table: 'webhook_deliveries', from: 'delivery_id', to: 'id', on_delete: 'NO ACTION' }]);
    expect(db.prepare("SELECT id, status, response_body FROM webhook_attempts WHERE delivery_id = 'msg_1' ORDER BY id").all()).toEqual([
      { id: 1, status: 500, response_body: 'busy' },
      { id: 2, status: 500, response_body: 'busy' },
    ]);
    // Still keyed by (delivery, number), in a WITHOUT ROWID table.
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'webhook_attempts'").pluck().get()).toMatch(/PRIMARY KEY \(delivery_id, id\)\s*\) WITHOUT ROWID/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('checks a delivery status without the temporary b-tree an IN list costs on every write, still refusing a bad one', () => {
    const db = databaseBefore('webhooks-010-status-check-without-list');
    db.prepare("INSERT INTO webhook_events (id, type, payload, created_at) VALUES ('evt_1', 't', '{}', 1)").run();
    db.prepare("INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at) VALUES ('msg_1', 'evt_1', 'ep_1', 't', 'pending', 0, 0, 1, 1)").run();
    const writes = [
      "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at) VALUES ('msg_2', 'evt_1', 'ep_2', 't', 'pending', 0, 0, 1, 1)",
      "UPDATE webhook_deliveries SET status = 'delivering', lease_owner = 'w', lease_expires_at = 5, updated_at = 2 WHERE rowid = 1",
      "UPDATE webhook_deliveries SET status = 'succeeded', attempts = attempts + 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = 3 WHERE rowid = 1",
    ];
    const ephemeral = (sql: string) => (db.prepare(`EXPLAIN ${sql}`).all() as Array<{ opcode: string }>).filter((op) => op.opcode === 'OpenEphemeral').length;
    expect(writes.map(ephemeral)).toEqual([1, 1, 1]);

    migrate(db, webhookMigrations);
    expect(writes.map(ephemeral)).toEqual([0, 0, 0]);
    for (const sql of writes) db.prepare(sql).run();
    expect(db.prepare("SELECT id, status FROM webhook_deliveries ORDER BY id").all()).toEqual([
      { id: 'msg_1', status: 'succeeded' },
      { id: 'msg_2', status: 'pending' },
    ]);
    expect(() => db.prepare("UPDATE webhook_deliveries SET status = 'lost' WHERE id = 'msg_2'").run()).toThrow(/CHECK constraint failed/);
    // Writing the schema is refused again (defensive mode is back on), and the file is whole.
    expect(() => db.prepare("UPDATE sqlite_schema SET sql = sql WHERE name = 'webhook_deliveries'").run()).toThrow(/may not be modified/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
