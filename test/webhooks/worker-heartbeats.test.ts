/**
 * Each live dispatcher keeps a heartbeat in the database; the claims of a worker whose heartbeat is three
 * intervals old, or whose process on this machine is gone, are released at once rather than at the end
 * of their lease. A fake clock decides what "old" is; no test waits for a heartbeat to age.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '@tessera/core';
import { WEBHOOKS } from '@tessera/webhooks';
import { FakeClock } from '../support/fake-clock.js';
import { startTestWebhooks, type TestWebhooks } from '../support/start-test-webhooks.js';
import { waitFor } from '../support/wait-for.js';

const INTERVAL = 1_000;

interface Registry {
  machine: string;
  releaseDead(self: string, now: number): Promise<{ workers: number; released: number }>;
}

/** One pending delivery, then claimed (for a minute) by a worker that is not this process. */
async function claimedByAnother(world: TestWebhooks, clock: FakeClock, worker: { id: string; machine: string; pid: number; intervalMs?: number }): Promise<string> {
  await world.createEndpoint();
  const [id] = await world.publisher.publish({ type: 'order.paid', data: { n: 1 } });
  const db = world.container.get<SqliteDatabase>(WEBHOOKS.Database);
  // As that worker registered itself: its heartbeat now, good for three of its own intervals.
  const expires = clock.now() + 3 * (worker.intervalMs ?? INTERVAL);
  db.prepare('INSERT INTO webhook_workers (id, machine, pid, started_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(worker.id, worker.machine, worker.pid, clock.now(), clock.now(), expires);
  db.prepare(`UPDATE webhook_deliveries SET status = 'delivering', lease_owner = ?, lease_expires_at = ? WHERE id = ?`).run(worker.id, clock.now() + 60_000, id);
  return id as string;
}

function status(world: TestWebhooks, id: string): string {
  return world.container.get<SqliteDatabase>(WEBHOOKS.Database).prepare('SELECT status FROM webhook_deliveries WHERE id = ?').pluck().get(id) as string;
}

describe('worker heartbeats', () => {
  it('releases the claims of a worker on another machine once its heartbeat is three of its own intervals old, not before', async () => {
    const clock = new FakeClock(Date.now());
    // This worker beats every second; the other one every 4 s: it is judged by its own pace.
    const world = await startTestWebhooks({ core: { clock }, webhooks: { heartbeatIntervalMs: INTERVAL } });
    const id = await claimedByAnother(world, clock, { id: 'w_elsewhere', machine: 'another-host', pid: process.pid, intervalMs: 4 * INTERVAL });
    const registry = world.container.get<Registry>(WEBHOOKS.WorkerRegistry);

    clock.advance(12 * INTERVAL);
    expect(await registry.releaseDead('w_me', clock.now())).toEqual({ workers: 0, released: 0 });
    expect(status(world, id)).toBe('delivering');

    clock.advance(1);
    expect(await registry.releaseDead('w_me', clock.now())).toEqual({ workers: 1, released: 1 });
    expect(status(world, id)).toBe('pending');
    expect(world.container.get<SqliteDatabase>(WEBHOOKS.Database).prepare('SELECT COUNT(*) FROM webhook_workers').pluck().get()).toBe(0);
  });

  it("lets a starting dispatcher deliver at once what a dead worker had claimed, its lease still 60 s away", async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock }, webhooks: { heartbeatIntervalMs: INTERVAL, leaseMs: 60_000 } });
    const id = await claimedByAnother(world, clock, { id: 'w_silent', machine: 'another-host', pid: 1 });
    clock.advance(3 * INTERVAL + 1);
    world.dispatcher.start();
    await waitFor(() => status(world, id) === 'succeeded', 10_000);
    expect(world.receiver.count).toBe(1);
    expect(world.logs).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('released the claims of webhook workers that stopped'), workers: 1, released: 1 }));
  });

  it('knows at once that a process of this machine is gone, and leaves a live one alone however quiet', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock }, webhooks: { heartbeatIntervalMs: INTERVAL } });
    const registry = world.container.get<Registry>(WEBHOOKS.WorkerRegistry);
    // A process that has exited: its id is free.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const id = await claimedByAnother(world, clock, { id: 'w_gone', machine: registry.machine, pid: gone });
    const db = world.container.get<SqliteDatabase>(WEBHOOKS.Database);
    // A live process of this machine (this one) under another worker id, its heartbeat fresh.
    db.prepare('INSERT INTO webhook_workers (id, machine, pid, started_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run('w_alive', registry.machine, process.pid, clock.now(), clock.now(), clock.now() + 3 * INTERVAL);
    expect(await registry.releaseDead('w_me', clock.now())).toEqual({ workers: 1, released: 1 });
    expect(status(world, id)).toBe('pending');
    expect(db.prepare('SELECT id FROM webhook_workers').pluck().all()).toEqual(['w_alive']);
  });

  it('drops what it had claimed but not started when it finds it was taken for dead, and beats on', async () => {
    const clock = new FakeClock(Date.now());
    const world = await startTestWebhooks({ core: { clock }, webhooks: { heartbeatIntervalMs: 50 } });
    world.dispatcher.start();
    const db = world.container.get<SqliteDatabase>(WEBHOOKS.Database);
    const [worker] = db.prepare('SELECT id FROM webhook_workers').pluck().all() as string[];
    // Another worker released it (its heartbeat had stopped): its row is gone.
    db.prepare('DELETE FROM webhook_workers').run();
    await waitFor(() => world.logs.some((l) => String(l.message).startsWith('this webhook worker was taken for dead')), 5_000);
    expect(db.prepare('SELECT id FROM webhook_workers').pluck().all()).toEqual([worker]);
  });

  it('registers while running and leaves on a graceful stop', async () => {
    const world = await startTestWebhooks({ webhooks: { heartbeatIntervalMs: INTERVAL } });
    const db = world.container.get<SqliteDatabase>(WEBHOOKS.Database);
    world.dispatcher.start();
    expect(db.prepare('SELECT pid FROM webhook_workers').pluck().all()).toEqual([process.pid]);
    await world.dispatcher.stop(2_000);
    expect(db.prepare('SELECT COUNT(*) FROM webhook_workers').pluck().get()).toBe(0);
  });
});
