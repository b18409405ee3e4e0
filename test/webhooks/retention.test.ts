/**
 * Retention (DESIGN §5, storage is bounded): finished deliveries are pruned once their period (the
 * module's, or their webhook's own) has run out, with their attempts and their events once no delivery
 * of them is left, and events no webhook matched; pending and delivering work never, whatever its age;
 * one process at a time prunes (a lease). Both storages, on a fake clock.
 */
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORE, type PostgresDatabase, type SqliteDatabase } from '@tessera/core';
import { WEBHOOKS, type Pruner, type RetentionStore } from '@tessera/webhooks';
import { FakeClock } from '../support/fake-clock.js';
import { describeOnEachStorage, storageUnderTest } from '../support/storage-under-test.js';
import { startTestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

const DAY = 86_400_000;

async function world(clock: FakeClock, retention: { succeededMs: number; failedMs: number; batchSize?: number; intervalMs?: number } = { succeededMs: DAY, failedMs: 3 * DAY }) {
  const started = await startTestWebhooks({ core: { clock }, webhooks: { retrySchedule: [], retention: { ...retention, prune: false } } });
  started.receiver.respond((request) => {
    const kind = (JSON.parse(request.body) as { data: { kind: string } }).data.kind;
    if (kind === 'fail') return { status: 400, body: 'no' };
    if (kind === 'hang') return { hang: true };
    return { status: 200, body: 'ok' };
  });
  return { ...started, pruner: started.container.get<Pruner>(WEBHOOKS.Pruner), store: started.container.get<RetentionStore>(WEBHOOKS.RetentionStore) };
}

describeOnEachStorage('retention', () => {
  it('prunes finished deliveries past their period with their attempts and events, and never pending or delivering work', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await world(clock);
    const { endpoint } = await w.createEndpoint({ events: ['a.*'] });
    const paused = await w.createEndpoint({ events: ['p.*'] });
    const publish = (type: string, kind: string, id?: string) => w.publisher.publish({ ...(id && { id }), type, data: { kind } });

    const succeeded = await Promise.all([publish('a.one', 'ok', 'evt_ok_1'), publish('a.one', 'ok'), publish('a.one', 'ok')]);
    const failed = await Promise.all([publish('a.one', 'fail'), publish('a.one', 'fail')]);
    const delivering = await publish('a.one', 'hang');
    const unmatched = await publish('z.nobody', 'ok');
    expect(unmatched).toEqual([]);
    // Pending for ever: its webhook is disabled before anything is sent.
    const pending = await publish('p.one', 'ok');
    expect(pending).toHaveLength(1);
    await w.endpoints.disable(paused.endpoint.id, 'paused for the test');
    w.dispatcher.start();
    await waitFor(async () => {
      const all = await w.deliveries.list({ endpointId: endpoint.id, limit: 100 });
      return all.filter((d) => d.status === 'succeeded').length === 3 && all.filter((d) => d.status === 'failed').length === 2 && all.some((d) => d.status === 'delivering');
    }, 30_000);

    // A day and a second later: the succeeded ones have run out, the failed ones (3 days) have not.
    clock.advance(DAY + 1_000);
    const first = await w.pruner.prune();
    expect(first).toMatchObject({ held: true, deliveries: 3, attempts: 3, events: 4 });
    const ids = async () => (await w.deliveries.list({ limit: 100 })).map((d) => d.id).sort();
    const kept = [...failed.flat(), ...delivering, ...pending].sort();
    expect(await ids()).toEqual(kept);
    await expect(w.deliveries.get(succeeded[1]![0]!)).rejects.toMatchObject({ code: 'not-found' });
    // The event went with its last delivery: its id is new again.
    const again = await publish('a.one', 'ok', 'evt_ok_1');
    expect(again).toHaveLength(1);
    expect(again).not.toEqual(succeeded[0]);
    await waitFor(async () => (await w.deliveries.get(again[0]!)).status === 'succeeded', 30_000);

    // Two days more: the failed ones too. The pending and the delivering one stay, however old.
    clock.advance(2 * DAY);
    const second = await w.pruner.prune();
    expect(second).toMatchObject({ deliveries: 3, attempts: 3, events: 3 });
    expect(await ids()).toEqual([...delivering, ...pending].sort());
    clock.advance(365 * DAY);
    expect(await w.pruner.prune()).toMatchObject({ deliveries: 0, attempts: 0, events: 0 });
    expect(await ids()).toEqual([...delivering, ...pending].sort());
    expect(w.pruner.totals).toMatchObject({ deliveries: 6, attempts: 6, events: 7, passes: 3 });
    // A pass soon after looks only at what became old enough since; once an hour, at everything again.
    expect(await w.pruner.prune()).toMatchObject({ full: false, deliveries: 0 });
    clock.advance(3_600_000);
    expect(await w.pruner.prune()).toMatchObject({ full: true, deliveries: 0 });
    expect(w.pruner.totals.oldestDeliveryAt).toBe(Date.UTC(2026, 11, 1, 8));
  });

  it("keeps a webhook's deliveries for its own period, and a failed delivery retried by hand is pending again, so kept", async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await world(clock);
    const { endpoint: longer } = await w.createEndpoint({ events: ['long.*'], retention: { succeededMs: 5 * DAY } });
    const { endpoint: plain } = await w.createEndpoint({ events: ['plain.*'] });
    expect(longer.retention).toEqual({ succeededMs: 5 * DAY, failedMs: null });
    expect(plain.retention).toEqual({ succeededMs: null, failedMs: null });
    const kept = await w.publisher.publish({ type: 'long.one', data: { kind: 'ok' } });
    const gone = await w.publisher.publish({ type: 'plain.one', data: { kind: 'ok' } });
    const retried = await w.publisher.publish({ type: 'plain.one', data: { kind: 'fail' } });
    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.list({ limit: 100 })).filter((d) => d.status === 'succeeded' || d.status === 'failed').length === 3, 30_000);
    await w.dispatcher.stop(2_000);

    clock.advance(4 * DAY);
    await w.deliveries.retry(retried[0]!);
    expect(await w.pruner.prune()).toMatchObject({ deliveries: 1 });
    const left = (await w.deliveries.list({ limit: 100 })).map((d) => d.id).sort();
    expect(left).toEqual([...kept, ...retried].sort());
    expect(left).not.toContain(gone[0]);

    // A shorter period of its own (and back to the defaults with null) applies at the next pass.
    await w.endpoints.update(longer.id, { retention: { succeededMs: 2 * DAY } });
    expect(await w.pruner.prune()).toMatchObject({ deliveries: 1 });
    expect((await w.endpoints.update(longer.id, { retention: null })).retention).toEqual({ succeededMs: null, failedMs: null });
  });

  it('prunes, in the next pass soon after, a delivery that finished long after it was created', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await startTestWebhooks({ core: { clock }, webhooks: { retrySchedule: [600], jitter: 0, retention: { succeededMs: DAY, failedMs: DAY, prune: false } } });
    let flaky = 0;
    w.receiver.respond((request) => ((JSON.parse(request.body) as { data: { kind: string } }).data.kind === 'flaky' && flaky++ === 0 ? { status: 500 } : { status: 200 }));
    const pruner = w.container.get<Pruner>(WEBHOOKS.Pruner);
    await w.createEndpoint();
    const [quick] = await w.publisher.publish({ type: 'a.one', data: { kind: 'ok' } });
    const [late] = await w.publisher.publish({ type: 'a.one', data: { kind: 'flaky' } });
    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.get(quick!)).status === 'succeeded' && (await w.deliveries.get(late!)).attemptLog.length === 1, 30_000);
    // Its retry, ten minutes later, succeeds: it finished ten minutes after it was created.
    clock.advance(600_000);
    await waitFor(async () => (await w.deliveries.get(late!)).status === 'succeeded', 30_000);

    clock.advance(DAY - 600_000 + 1_000);
    expect(await pruner.prune()).toMatchObject({ full: true, deliveries: 1 });
    clock.advance(600_000);
    // Not an hour since the pass over everything: this one looks only from where the kept delivery was.
    expect(await pruner.prune()).toMatchObject({ full: false, deliveries: 1 });
    expect(await w.deliveries.list({ limit: 10 })).toEqual([]);
  });

  it("prunes, in the next pass soon after, a delivery its webhook keeps a little longer than the others", async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await world(clock);
    const { endpoint: longer } = await w.createEndpoint({ events: ['long.*'], retention: { succeededMs: DAY + 1_200_000 } });
    await w.createEndpoint({ events: ['plain.*'] });
    const [first] = await w.publisher.publish({ type: 'plain.one', data: { kind: 'ok' } });
    clock.advance(1_000);
    const [kept] = await w.publisher.publish({ type: 'long.one', data: { kind: 'ok' } });
    clock.advance(1_000);
    const [next] = await w.publisher.publish({ type: 'plain.one', data: { kind: 'ok' } });
    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.list({ limit: 10 })).every((d) => d.status === 'succeeded'), 30_000);
    await w.dispatcher.stop(2_000);
    expect((await w.deliveries.get(kept!)).endpointId).toBe(longer.id);

    // Past the module's day: the two others go; the one kept twenty minutes longer is read and held.
    clock.advance(DAY + 1_000);
    expect(await w.pruner.prune()).toMatchObject({ full: true, deliveries: 2 });
    await expect(w.deliveries.get(first!)).rejects.toMatchObject({ code: 'not-found' });
    await expect(w.deliveries.get(next!)).rejects.toMatchObject({ code: 'not-found' });
    clock.advance(1_500_000);
    // Not an hour since the pass over everything: this one starts where the kept delivery was.
    expect(await w.pruner.prune()).toMatchObject({ full: false, deliveries: 1 });
    expect(await w.deliveries.list({ limit: 10 })).toEqual([]);
  });

  it('stops a pass at a batch that kept most of what it looked at, some of it expiring soon, and prunes the rest in later passes', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await world(clock, { succeededMs: DAY, failedMs: DAY, batchSize: 4 });
    await w.createEndpoint({ events: ['a.*'] });
    const [early] = await w.publisher.publish({ type: 'a.one', data: { kind: 'ok' } });
    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.get(early!)).status === 'succeeded', 30_000);
    await w.dispatcher.stop(2_000);
    // Twelve created a second later and delivered twenty minutes after that (a backlog).
    clock.advance(1_000);
    for (let i = 0; i < 12; i++) await w.publisher.publish({ type: 'a.one', data: { kind: 'ok' } });
    clock.advance(1_200_000);
    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.list({ status: 'succeeded', limit: 20 })).length === 13, 30_000);
    await w.dispatcher.stop(2_000);

    // A pass over everything looks at all thirteen, four at a time: the first goes, twelve are held.
    clock.advance(DAY - 1_200_000 + 2_000);
    expect(await w.pruner.prune()).toMatchObject({ full: true, deliveries: 1 });
    // The next pass looks at the first four after the hold, keeps them all, and stops there (a batch of
    // deliveries, one of events) rather than looking at the eight behind them too.
    clock.advance(60_000);
    expect(await w.pruner.prune()).toMatchObject({ full: false, deliveries: 0, batches: 2 });
    // Once they have expired, a pass takes all twelve.
    clock.advance(1_200_000);
    expect(await w.pruner.prune()).toMatchObject({ full: false, deliveries: 12, attempts: 12, events: 12 });
    expect(await w.deliveries.list({ limit: 20 })).toEqual([]);
  });

  it('keeps the lease from one pass to the next while it prunes in the background, and gives it up when it stops', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await world(clock, { succeededMs: DAY, failedMs: DAY, intervalMs: 20 });
    w.pruner.start();
    await waitFor(() => w.pruner.totals.passes >= 3, 30_000);
    expect(await w.store.acquireLease('another-instance', clock.now(), 60_000)).toBe(false);
    // Renewed (one write) once it is a quarter of its 60 s old, not at every batch.
    clock.advance(16_000);
    const passes = w.pruner.totals.passes;
    await waitFor(() => w.pruner.totals.passes >= passes + 2, 30_000);
    clock.advance(50_000);
    expect(await w.store.acquireLease('another-instance', clock.now(), 60_000)).toBe(false);
    await w.pruner.stop();
    expect(await w.store.acquireLease('another-instance', clock.now(), 60_000)).toBe(true);
  });

  it('prunes a delivery whose id an older version made (random, so past the sweep in creation order) in a pass over everything', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await world(clock);
    const { endpoint } = await w.createEndpoint({ events: ['a.*'] });
    const [id] = await w.publisher.publish({ type: 'a.one', data: { kind: 'ok' } });
    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.get(id!)).status === 'succeeded', 30_000);
    await w.dispatcher.stop();
    // As the versions before sortable ids named it: 'msg_' and 24 random hex digits, here ones that sort last.
    const legacy = 'msg_' + 'f'.repeat(24);
    if (storageUnderTest() === 'postgres') {
      await w.container
        .get<PostgresDatabase>(CORE.Postgres)
        .query('WITH d AS (UPDATE webhook_deliveries SET id = $1 WHERE id = $2 RETURNING 1) UPDATE webhook_attempts SET delivery_id = $1 WHERE delivery_id = $2', [legacy, id]);
    } else {
      const db = w.container.get<SqliteDatabase>(WEBHOOKS.Database);
      db.transaction(() => {
        db.pragma('defer_foreign_keys = ON');
        db.prepare('UPDATE webhook_deliveries SET id = ? WHERE id = ?').run(legacy, id);
        db.prepare('UPDATE webhook_attempts SET delivery_id = ? WHERE delivery_id = ?').run(legacy, id);
      })();
    }
    expect((await w.deliveries.list({ endpointId: endpoint.id, limit: 10 })).map((d) => d.id)).toEqual([legacy]);

    clock.advance(DAY + 1_000);
    expect(await w.pruner.prune()).toMatchObject({ full: true, deliveries: 1, attempts: 1, events: 1 });
    expect(await w.deliveries.list({ limit: 10 })).toEqual([]);
  });

  it('lets one process at a time prune: while another holds the lease this one prunes nothing', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await world(clock);
    await w.createEndpoint({ events: ['a.*'] });
    await w.publisher.publish({ type: 'a.one', data: { kind: 'ok' } });
    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.list({ limit: 10 }))[0]?.status === 'succeeded', 30_000);
    clock.advance(2 * DAY);

    expect(await w.store.acquireLease('another-instance', clock.now(), 60_000)).toBe(true);
    expect(await w.pruner.prune()).toMatchObject({ held: false, deliveries: 0 });
    expect(await w.deliveries.list({ limit: 10 })).toHaveLength(1);
    await w.store.releaseLease('another-instance');
    expect(await w.pruner.prune()).toMatchObject({ held: true, deliveries: 1 });
    // Given up at the end of each pass, so any instance may take the next.
    expect(await w.store.acquireLease('another-instance', clock.now(), 60_000)).toBe(true);
  });
});

describe('retention on SQLite', () => {
  it('hands the space of pruned rows back to the file system beyond what new rows will reuse', { timeout: 120_000 }, async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 8));
    const w = await world(clock);
    await w.createEndpoint({ events: ['a.*'] });
    const big = 'x'.repeat(4_000);
    for (let i = 0; i < 400; i++) await w.publisher.publish({ type: 'a.one', data: { kind: 'ok', big } });
    w.dispatcher.start();
    await waitFor(async () => (await w.deliveries.list({ status: 'succeeded', limit: 1000 })).length === 400, 60_000);
    await w.dispatcher.stop(2_000);
    const db = w.container.get<SqliteDatabase>(WEBHOOKS.Database);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(w.databasePath).size;
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);

    clock.advance(2 * DAY);
    const result = await w.pruner.prune();
    expect(result).toMatchObject({ deliveries: 400, events: 400 });
    expect(result.reclaimedPages).toBeGreaterThan(0);
    // The pruner never switches the connection's foreign key checks (that recompiles every statement): still on.
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(statSync(w.databasePath).size).toBeLessThan(before / 2);
  });
});
