/**
 * The due queue of PostgreSQL (migration webhooks-pg-004): a database made by the three migrations
 * before it keeps its pending work when upgraded (unclaimed deliveries move to webhook_due, claimed ones
 * stay claimed, finished ones stay off the queue), and an upgraded database delivers that work.
 */
import { describe, expect, it } from 'vitest';
import { CORE, type PostgresDatabase } from '@tessera/core';
import { webhookPostgresMigrations } from '../../packages/webhooks/src/store/webhook-postgres-migrations.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { createTestDatabase, withClient } from '../support/test-postgres.js';
import { waitFor } from '../support/wait-for.js';

describe('PostgreSQL due queue', () => {
  it('moves the pending, unclaimed deliveries of a database made before it onto the due queue', async () => {
    const url = await createTestDatabase();
    const before = webhookPostgresMigrations.filter((m) => m.id < 'webhooks-pg-004');
    expect(before.map((m) => m.id)).toEqual(['webhooks-pg-001-endpoints-events-deliveries', 'webhooks-pg-002-claim-function', 'webhooks-pg-003-outcome-functions']);
    const upgrade = webhookPostgresMigrations.find((m) => m.id === 'webhooks-pg-004-due-queue');
    if (!upgrade) throw new Error('webhooks-pg-004-due-queue is missing');
    const due = await withClient(url, async (client) => {
      for (const migration of before) await client.query(migration.sql);
      await client.query(`INSERT INTO webhook_events (id, type, payload, created_at) VALUES ('evt_1', 'ping', '{}', 1)`);
      await client.query(`INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at) VALUES
        ('msg_a', 'evt_1', 'ep_1', 'ping', 'pending', 0, 100, 1, 1),
        ('msg_b', 'evt_1', 'ep_2', 'ping', 'pending', 2, 5000, 1, 1),
        ('msg_c', 'evt_1', 'ep_3', 'ping', 'pending', 0, 100, 1, 1),
        ('msg_d', 'evt_1', 'ep_4', 'ping', 'succeeded', 1, 100, 1, 1),
        ('msg_e', 'evt_1', 'ep_5', 'ping', 'failed', 8, 100, 1, 1)`);
      await client.query(`INSERT INTO webhook_claims (delivery_id, endpoint_id, owner, expires_at) VALUES ('msg_c', 'ep_3', 'w_old', 1)`);
      await client.query(`INSERT INTO webhook_attempts (delivery_id, attempted_at, status, latency_ms) VALUES ('msg_d', 2, 200, 3)`);
      await client.query(upgrade.sql);
      return (await client.query<{ delivery_id: string; endpoint_id: string; due_at: string }>('SELECT delivery_id, endpoint_id, due_at FROM webhook_due ORDER BY delivery_id')).rows;
    });
    // The claimed one is still found by its expired claim; finished ones are not work.
    expect(due).toEqual([
      { delivery_id: 'msg_a', endpoint_id: 'ep_1', due_at: '100' },
      { delivery_id: 'msg_b', endpoint_id: 'ep_2', due_at: '5000' },
    ]);
  });

  it('delivers what a claim whose lease ran out held, and what was due, after the upgrade', async () => {
    const world = await startTestWebhooks({ core: { storage: 'postgres' } });
    await world.createEndpoint();
    const [first] = await world.publisher.publish({ type: 'ping', data: { n: 1 } });
    const [second] = await world.publisher.publish({ type: 'ping', data: { n: 2 } });
    // The first as a pre-upgrade claim of a worker that is gone would leave it: claimed, its lease over.
    const db = world.container.get<PostgresDatabase>(CORE.Postgres);
    await db.query(`INSERT INTO webhook_claims (delivery_id, endpoint_id, owner, expires_at) SELECT delivery_id, endpoint_id, 'w_gone', 0 FROM webhook_due WHERE delivery_id = $1`, [first]);
    await db.query('DELETE FROM webhook_due WHERE delivery_id = $1', [first]);
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.get(first as string)).status === 'succeeded' && (await world.deliveries.get(second as string)).status === 'succeeded', 10_000);
    expect(world.receiver.requests.map((r) => JSON.parse(r.body).data.n).sort()).toEqual([1, 2]);
    expect(await db.query('SELECT * FROM webhook_due')).toEqual([]);
    expect(await db.query('SELECT * FROM webhook_claims')).toEqual([]);
  });
});
