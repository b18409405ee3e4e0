/**
 * Storage statistics on both storages: rows per contributed table after publishing and delivering, the
 * database's size (above 0, growing), the oldest delivery kept, the cached figures measured again only
 * after their interval (fake clock), and the gauges /metrics renders from them.
 */
import { expect, it } from 'vitest';
import { CORE, STORAGE_STATS_MAX_AGE_MS, type MetricsSource, type StorageFigures, type StorageStats, type StorageStatsCache } from '@tessera/core';
import { FakeClock } from '../support/fake-clock.js';
import { describeOnEachStorage } from '../support/storage-under-test.js';
import { startTestWebhooks, type TestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

const rowsOf = (figures: StorageFigures) => Object.fromEntries(figures.tables.map((table) => [table.table, table.rows]));

async function publish(world: TestWebhooks, count: number, type: string, payload = 'x'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(...(await world.publisher.publish({ type, data: { i, payload } })));
  return ids;
}

async function metricsText(world: TestWebhooks): Promise<string> {
  const sources = world.container.getAll<MetricsSource>(CORE.MetricsSource);
  return (await Promise.all(sources.map((source) => source.render()))).flat().join('\n');
}

describeOnEachStorage('storage statistics', (storage) => {
  it('counts every package’s tables after publishing and delivering, and the size grows with them', async () => {
    const world = await startTestWebhooks();
    const stats = world.container.get<StorageStats>(CORE.StorageStats);
    await world.createEndpoint({ events: ['*'] });
    const empty = await stats.measure();
    expect(empty.storage).toBe(storage);
    expect(empty.bytes).toBeGreaterThan(0);
    expect(empty.tables.find((table) => table.table === 'webhook_deliveries')).toMatchObject({ owner: 'webhooks', rows: 0, exact: true, oldestAt: null });

    const before = Date.now();
    const delivered = await publish(world, 5, 'invoice.paid');
    world.dispatcher.start();
    await waitFor(async () => (await world.deliveries.list({ status: 'succeeded' })).length === 5, 10_000);
    await world.dispatcher.stop(2_000);
    await publish(world, 3, 'invoice.waiting');
    const after = await stats.measure({ tableBytes: true });
    expect(rowsOf(after)).toEqual({
      secrets: 1,
      ...(storage === 'postgres' && { token_cache: 1 }),
      webhook_endpoints: 1,
      webhook_events: 8,
      webhook_deliveries: 8,
      webhook_attempts: 5,
      ...(storage === 'postgres' && { webhook_due: 3, webhook_claims: 0 }),
    });
    expect(after.tables.every((table) => table.exact)).toBe(true);
    expect(after.tables.map((table) => table.owner)).toEqual(storage === 'postgres' ? ['core', 'core', 'webhooks', 'webhooks', 'webhooks', 'webhooks', 'webhooks', 'webhooks'] : ['core', 'webhooks', 'webhooks', 'webhooks', 'webhooks']);
    // The oldest delivery kept is the first one published.
    const first = await world.deliveries.get(delivered[0]!);
    const oldestAt = after.tables.find((table) => table.table === 'webhook_deliveries')?.oldestAt;
    expect(oldestAt).toBe(Date.parse(String(first?.createdAt)));
    expect(oldestAt).toBeGreaterThanOrEqual(before - 1);
    // Each table's bytes (asked for on SQLite, always on PostgreSQL) are above 0 once it holds rows.
    expect(after.tables.find((table) => table.table === 'webhook_events')?.bytes).toBeGreaterThan(0);
    if (storage === 'sqlite') expect(after.freeBytes).toBeGreaterThanOrEqual(0);
    else expect(after.freeBytes).toBeNull();

    await publish(world, 300, 'invoice.big', 'p'.repeat(2_000));
    const grown = await stats.measure();
    expect(grown.bytes).toBeGreaterThan(after.bytes);
    expect(rowsOf(grown).webhook_events).toBe(308);
  });

  it('serves the cached figures until they are 30 s old, then measures again; /metrics shows them', async () => {
    const clock = new FakeClock();
    const world = await startTestWebhooks({ core: { clock } });
    const cache = world.container.get<StorageStatsCache>(CORE.StorageStatsCache);
    await world.createEndpoint({ events: ['*'] });
    await publish(world, 2, 'order.created');
    const first = await cache.current();
    expect(rowsOf(first).webhook_deliveries).toBe(2);
    expect(first.measuredAt).toBe(clock.now());

    await publish(world, 3, 'order.created');
    clock.advance(STORAGE_STATS_MAX_AGE_MS - 1);
    expect(await cache.current()).toBe(first);
    let text = await metricsText(world);
    expect(text).toContain('tessera_storage_rows{table="webhook_deliveries",owner="webhooks"} 2');
    // The oldest delivery's age is counted to now, from the row looked up with the figures.
    expect(text).toContain(`tessera_webhook_oldest_delivery_age_seconds ${(STORAGE_STATS_MAX_AGE_MS - 1) / 1000}`);

    clock.advance(1);
    const second = await cache.current();
    expect(second).not.toBe(first);
    expect(rowsOf(second).webhook_deliveries).toBe(5);
    text = await metricsText(world);
    expect(text).toContain('tessera_storage_rows{table="webhook_deliveries",owner="webhooks"} 5');
    expect(text).toContain('tessera_storage_rows{table="secrets",owner="core"} 1');
    expect(text).toMatch(new RegExp(`^tessera_storage_bytes\\{storage="${storage}"\\} [1-9]\\d*$`, 'm'));
    expect(text.includes('# TYPE tessera_storage_free_bytes gauge')).toBe(storage === 'sqlite');
    expect(text).toContain(`tessera_webhook_oldest_delivery_age_seconds ${STORAGE_STATS_MAX_AGE_MS / 1000}`);
  });

  it('measures once for many readers at a time', async () => {
    const world = await startTestWebhooks();
    const cache = world.container.get<StorageStatsCache>(CORE.StorageStatsCache);
    const answers = await Promise.all([cache.current(), cache.current(), cache.current()]);
    expect(new Set(answers).size).toBe(1);
  });
});
