/**
 * DESIGN §5 for instances sharing PostgreSQL (issue 12), with several containers in this process (each
 * its own pool, caches and dispatcher): fenced outcomes, a dead worker's claims released by heartbeat,
 * the per-endpoint limit held by all dispatchers together, endpoint changes reaching other instances'
 * caches, and everything still working by polling with `notify: false`.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CORE, type PostgresDatabase } from '@tessera/core';
import { WEBHOOKS, webhooksModule, type DeliveryQueue, type Dispatcher, type EndpointStore, type Publisher } from '@tessera/webhooks';
import { DB_NOW_MS } from '../../packages/webhooks/src/delivery/postgres-delivery-queue.js';
import { WORK_CHANNEL } from '../../packages/webhooks/src/store/webhook-postgres-migrations.js';
import { startTestTessera, type TestTessera } from '../support/start-test-tessera.js';
import { startTestWebhooks, type TestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

interface Registry {
  register(workerId: string, now: number, intervalMs: number): Promise<void>;
  releaseDead(self: string, now: number): Promise<{ workers: number; released: number }>;
}

/** Another instance on the same database: its own container, pool, caches and dispatcher. */
async function sibling(world: TestWebhooks, webhooks: Parameters<typeof webhooksModule>[0] = {}, core: Parameters<typeof startTestTessera>[0] = {}): Promise<TestTessera> {
  const other = await startTestTessera({ database: world.databasePath, masterKey: world.masterKey, ...core }, [webhooksModule({ pollIntervalMs: 20, ...webhooks })]);
  const dispatcher = other.container.get<Dispatcher>(WEBHOOKS.Dispatcher);
  // Its dispatcher stops before its database closes, and it closes before this world's.
  other.onClose(() => dispatcher.stop(2_000));
  world.onClose(() => other.close());
  return other;
}

const claimRequest = (owner: string, leaseMs: number) => ({ owner, limit: 10, now: Date.now(), leaseMs, excluded: [], capacity: () => 10, minCapacity: 10, perEndpoint: 10 });

describe('PostgreSQL fleet rules', () => {
  it('fences outcomes: a worker whose claim was taken over writes nothing', async () => {
    const world = await startTestWebhooks({ core: { storage: 'postgres' } });
    const other = await sibling(world);
    await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    const mine = world.container.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue);
    const theirs = other.container.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue);
    expect((await mine.claim(claimRequest('w_slow', 50))).map((d) => d.id)).toEqual([id]);
    // The lease runs out (on the database clock); another instance claims it.
    let taken: Awaited<ReturnType<DeliveryQueue['claim']>> = [];
    await waitFor(async () => (taken = await theirs.claim(claimRequest('w_fast', 60_000))).length === 1, 5_000);
    const settled = (queue: DeliveryQueue, owner: string, delivery: (typeof taken)[number]) =>
      new Promise<boolean>((resolve) => queue.complete(delivery, owner, [{ attemptedAt: Date.now(), status: 200, latencyMs: 1, errorCode: null, errorMessage: null, responseBody: null }], { kind: 'succeeded' }, Date.now(), resolve));
    expect(await settled(mine, 'w_slow', taken[0]!)).toBe(false);
    expect(await settled(theirs, 'w_fast', taken[0]!)).toBe(true);
    expect(await world.deliveries.get(id!)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('releases the claims of a worker whose heartbeat stopped, judged on the database clock', async () => {
    const world = await startTestWebhooks({ core: { storage: 'postgres' } });
    await world.createEndpoint();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    const registry = world.container.get<Registry>(WEBHOOKS.WorkerRegistry);
    const db = world.container.get<PostgresDatabase>(CORE.Postgres);
    // A worker on another machine that beats every 100 ms, then falls silent with a claim for a minute.
    await registry.register('w_elsewhere', Date.now(), 100);
    await db.query(`UPDATE webhook_workers SET machine = 'another-host' WHERE id = 'w_elsewhere'`);
    await world.container.get<DeliveryQueue>(WEBHOOKS.DeliveryQueue).claim(claimRequest('w_elsewhere', 60_000));
    expect(await registry.releaseDead('w_me', Date.now())).toEqual({ workers: 0, released: 0 });
    let released = { workers: 0, released: 0 };
    await waitFor(async () => (released = await registry.releaseDead('w_me', Date.now())).workers === 1, 5_000);
    expect(released).toEqual({ workers: 1, released: 1 });
    expect((await world.deliveries.get(id!)).status).toBe('pending');
  });

  it('holds the per-endpoint limit for all dispatchers together, and a slow endpoint holds back no other', async () => {
    const world = await startTestWebhooks({ core: { storage: 'postgres' }, webhooks: { concurrency: 8, perEndpointConcurrency: 3 } });
    const other = await sibling(world, { concurrency: 8, perEndpointConcurrency: 3 });
    world.receiver.respond((request) => ({ status: 200, delayMs: request.path === '/slow' ? 60 : 0 }));
    await world.createEndpoint({ path: '/slow', events: ['slow'] });
    await world.createEndpoint({ path: '/fast', events: ['fast'] });
    await Promise.all(Array.from({ length: 40 }, (_, n) => world.publisher.publish({ type: 'slow', data: { n } })));
    world.dispatcher.start();
    other.container.get<Dispatcher>(WEBHOOKS.Dispatcher).start();
    await waitFor(() => world.receiver.requests.filter((r) => r.path === '/slow').length >= 3);
    await Promise.all(Array.from({ length: 20 }, (_, n) => world.publisher.publish({ type: 'fast', data: { n } })));
    // The fast endpoint's deliveries are through while the slow one's backlog is still draining.
    await waitFor(() => world.receiver.requests.filter((r) => r.path === '/fast').length === 20, 10_000);
    expect(world.receiver.requests.filter((r) => r.path === '/slow').length).toBeLessThan(40);
    await waitFor(() => world.receiver.count === 60, 20_000);
    // Two dispatchers of 8 slots each, never more than 3 at once at one endpoint: 3 + the fast one's 3.
    expect(world.receiver.maxInFlight).toBeLessThanOrEqual(6);
  });

  it("brings another instance's endpoint change into this one's cache within a second, and reads a miss from the database", async () => {
    const world = await startTestWebhooks({ core: { storage: 'postgres' } });
    const other = await sibling(world);
    const theirs = other.container.get<EndpointStore>(WEBHOOKS.EndpointStore);
    expect(await theirs.matching('ping')).toEqual([]);
    const { endpoint } = await world.createEndpoint({ events: ['ping'] });
    // Created a moment ago elsewhere: a miss is read again, never taken for a deletion.
    expect((await theirs.target(endpoint.id))?.url).toBe(endpoint.url);
    await world.endpoints.update(endpoint.id, { url: world.receiver.url('/moved') });
    await waitFor(async () => (await theirs.target(endpoint.id))?.url === world.receiver.url('/moved'), 1_000);
  });

  it('works without LISTEN/NOTIFY (PgBouncer in transaction mode): publishing and changes reach the other instance by polling', async () => {
    const world = await startTestWebhooks({ core: { storage: 'postgres', postgres: { notify: false, pollIntervalMs: 200 } } });
    const other = await sibling(world, { pollIntervalMs: 100 }, { postgres: { notify: false, pollIntervalMs: 200 } });
    const { endpoint } = await world.createEndpoint({ events: ['ping'] });
    other.container.get<Dispatcher>(WEBHOOKS.Dispatcher).start();
    const [id] = await world.publisher.publish({ type: 'ping', data: {} });
    await waitFor(async () => (await world.deliveries.get(id!)).status === 'succeeded', 5_000);
    const theirs = other.container.get<EndpointStore>(WEBHOOKS.EndpointStore);
    await world.endpoints.update(endpoint.id, { events: ['pong'] });
    await waitFor(async () => (await theirs.matching('pong')).length === 1, 2_000);
    expect(await other.container.get<Publisher>(WEBHOOKS.Publisher).publish({ type: 'ping', data: {} })).toEqual([]);
  });

  it('does not take a worker for dead that beat after it was read as expired', async () => {
    const world = await startTestWebhooks({ core: { storage: 'postgres' } });
    const registry = world.container.get<Registry>(WEBHOOKS.WorkerRegistry);
    const db = world.container.get<PostgresDatabase>(CORE.Postgres);
    await registry.register('w_late', Date.now(), 100);
    await db.query(`UPDATE webhook_workers SET machine = 'another-host' WHERE id = 'w_late'`);
    // Silent for longer than three beats: expired on the database clock.
    await waitFor(async () => (await db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM webhook_workers WHERE id = 'w_late' AND expires_at < ${DB_NOW_MS}`))[0]?.n === 1, 5_000);
    // The late worker's beat holds its row while another instance reads it as expired and goes to delete it.
    const beat = new pg.Client({ connectionString: world.databasePath });
    await beat.connect();
    world.onClose(() => beat.end());
    await beat.query('BEGIN');
    await beat.query(`SELECT 1 FROM webhook_workers WHERE id = 'w_late' FOR UPDATE`);
    const releasing = registry.releaseDead('w_me', Date.now());
    await waitFor(async () => (await db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM webhook_workers%'`))[0]?.n === 1, 5_000);
    await beat.query(`UPDATE webhook_workers SET heartbeat_at = ${DB_NOW_MS}, expires_at = ${DB_NOW_MS} + 60000 WHERE id = 'w_late'`);
    await beat.query('COMMIT');
    expect(await releasing).toEqual({ workers: 0, released: 0 });
    expect(await db.query(`SELECT id FROM webhook_workers WHERE id = 'w_late'`)).toEqual([{ id: 'w_late' }]);
  });

  it('wakes the fleet with one NOTIFY for a publish that made deliveries, in the statement that wrote them, and none for one that made none', async () => {
    const world = await startTestWebhooks({ core: { storage: 'postgres' } });
    await world.createEndpoint({ events: ['made'] });
    // Another instance's listening connection, listening once the LISTEN has returned.
    const listener = new pg.Client({ connectionString: world.databasePath });
    await listener.connect();
    world.onClose(() => listener.end());
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(message.channel));
    await listener.query(`LISTEN ${WORK_CHANNEL}`);
    expect(await world.publisher.publish({ type: 'nothing', data: {} })).toEqual([]);
    expect(await world.publisher.publish({ type: 'made', data: {} })).toHaveLength(1);
    // Notifications arrive in commit order: once the second publish's is here, one of the first would be too.
    await waitFor(() => heard.length > 0, 5_000);
    expect(heard).toEqual([WORK_CHANNEL]);
  });
});
