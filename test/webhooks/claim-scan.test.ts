/**
 * The SQLite claim's scan (issue 16): it reads the due index alone (the index carries each waiting
 * delivery's endpoint, migration webhooks-011), reads twice the claim's rows only when an endpoint's
 * limit may pass some over, and still finds another endpoint's work behind a busy endpoint's backlog.
 */
import { describe, expect, it } from 'vitest';
import { CORE, migrate, type SqliteDatabase } from '@tessera/core';
import { WEBHOOKS, type DeliveryQueue } from '@tessera/webhooks';
import { DeliverySlots } from '../../packages/webhooks/src/delivery/delivery-slots.js';
import type { ClaimedDelivery } from '../../packages/webhooks/src/delivery/delivery-types.js';
import { webhookMigrations } from '../../packages/webhooks/src/store/webhook-migrations.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';

const claimed = (id: string, endpointId: string): ClaimedDelivery => ({ id, seq: 0, eventId: 'evt_' + id, endpointId, eventType: 't', attempts: 0, payload: '{}' });

describe('the claim scan (SQLite)', () => {
  it('reads the due index alone for the claim scan and the next due time', async () => {
    const world = await startTestWebhooks();
    const db = world.container.get<SqliteDatabase>(CORE.Database);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ now: 1, scan: 2, excluded: '[]' }) as Array<{ detail: string }>).map((row) => row.detail).join('; ');
    expect(plan("SELECT rowid, endpoint_id FROM webhook_deliveries INDEXED BY webhook_deliveries_due WHERE status = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @scan")).toMatch(
      /USING COVERING INDEX webhook_deliveries_due/,
    );
    expect(
      plan("SELECT MIN(next_attempt_at) FROM webhook_deliveries INDEXED BY webhook_deliveries_due WHERE status = 'pending' AND endpoint_id NOT IN (SELECT value FROM json_each(@excluded))"),
    ).toMatch(/USING COVERING INDEX webhook_deliveries_due/);
  });

  it('rebuilds the due index of an older database with its waiting deliveries still claimable in due order', async () => {
    const world = await startTestWebhooks();
    const { endpoint } = await world.createEndpoint();
    const db = world.container.get<SqliteDatabase>(CORE.Database);
    const ids = await world.publisher.publish({ type: 'a', data: {} });
    ids.push(...(await world.publisher.publish({ type: 'b', data: {} })));
    // As webhooks-010 left it: the index on the due time alone.
    db.exec("DROP INDEX webhook_deliveries_due; CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'");
    db.prepare("DELETE FROM schema_migrations WHERE id = 'webhooks-011-due-index-covers-endpoint'").run();
    migrate(db, webhookMigrations);
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'webhook_deliveries_due'").pluck().get()).toMatch(/\(next_attempt_at, endpoint_id\) WHERE status = 'pending'/);
    const queue = world.container.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue);
    const got = await queue.claim({ owner: 'w_test', limit: 10, now: Date.now(), leaseMs: 60_000, excluded: [], capacity: () => 10, minCapacity: 10, perEndpoint: 10 });
    expect(got.map((d) => [d.id, d.endpointId])).toEqual(ids.map((id) => [id, endpoint.id]));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('finds another endpoint’s work behind the backlog of an endpoint that can take only one more', async () => {
    const world = await startTestWebhooks();
    const busy = await world.createEndpoint({ events: ['busy'], path: '/busy' });
    const other = await world.createEndpoint({ events: ['other'], path: '/other' });
    const backlog = [];
    for (let i = 0; i < 6; i++) backlog.push(...(await world.publisher.publish({ type: 'busy', data: { i } })));
    const [waiting] = await world.publisher.publish({ type: 'other', data: {} });
    // Due after the whole backlog (published in the same millisecond, it could sort before it).
    const db = world.container.get<SqliteDatabase>(CORE.Database);
    db.prepare('UPDATE webhook_deliveries SET next_attempt_at = next_attempt_at + 1000 WHERE id = ?').run(waiting);
    const queue = world.container.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue);
    const capacity = (id: string) => (id === busy.endpoint.id ? 1 : 10);
    // A claim of 4: the busy endpoint's first delivery, then the other endpoint's, five rows down the due order.
    const got = await queue.claim({ owner: 'w_test', limit: 4, now: Date.now() + 2_000, leaseMs: 60_000, excluded: [], capacity, minCapacity: 1, perEndpoint: 10 });
    expect(got.map((d) => d.id)).toEqual([backlog[0], waiting]);
    expect(got.map((d) => d.endpointId)).toEqual([busy.endpoint.id, other.endpoint.id]);
  });

  it('gives the least capacity of the endpoints a claim may take from', () => {
    const slots = new DeliverySlots(8, 2);
    // Nothing held: any endpoint may take its whole share (per-endpoint limit × prefetch).
    expect(slots.claimShape([]).minCapacity).toBe(8);
    slots.started(claimed('a1', 'ep_a'), Promise.resolve());
    slots.ready.push(claimed('a2', 'ep_a'), claimed('a3', 'ep_a'), claimed('b1', 'ep_b'));
    const shape = slots.claimShape(['ep_off']);
    expect(shape.minCapacity).toBe(5);
    expect([shape.capacity('ep_a'), shape.capacity('ep_b'), shape.capacity('ep_new')]).toEqual([5, 7, 8]);
    // An endpoint at its share is left out of the claim, and so out of the least capacity.
    slots.ready.push(...['a4', 'a5', 'a6', 'a7', 'a8'].map((id) => claimed(id, 'ep_a')));
    const full = slots.claimShape(['ep_off']);
    expect(full.excluded).toEqual(['ep_a', 'ep_off']);
    expect(full.minCapacity).toBe(7);
  });
});
