/**
 * Pruning on SQLite: each batch one IMMEDIATE transaction (read the next deliveries in id order, delete
 * the expired ones with their attempts and their events left with no delivery, children first), so a
 * retry by hand of a failed delivery either comes before the batch (and it is pending, kept) or after it (and it is gone);
 * the space freed is reused by new rows, and what is well beyond what the database needs again is handed
 * back to the file system by an incremental vacuum (databases created with `auto_vacuum = INCREMENTAL`).
 * Nothing here changes a setting of the shared connection (`PRAGMA foreign_keys`, say): SQLite answers
 * that by recompiling every prepared statement, the dispatcher's too.
 */
import type { SqliteDatabase } from '@tessera/core';
import { expiresSoon, firstHold, firstIdAt, HOLD_HORIZON_MS, PRUNER_LEASE, type EventPruneBatch, type EventPruneRequest, type PruneBatch, type PruneRequest, type RetentionStore } from './retention-store.js';

interface SoonRow {
  id: string;
  endpoint_id: string;
  status: string;
  updated_at: number;
}

/** Processes sharing the file may publish with clocks this far apart. */
const CLOCK_ROOM_MS = 60_000;
/** Pages handed back per step of the incremental vacuum (4 MB with 4 KB pages): a step is a short write. */
const VACUUM_STEP_PAGES = 1_000;
/** Free pages kept for new rows; beyond this share of the file, the rest goes back to the file system. */
const KEPT_FREE_SHARE = 0.25;

export class SqliteRetentionStore implements RetentionStore {
  readonly #spanEnd;
  readonly #spanLast;
  readonly #window;
  readonly #soon;
  readonly #before;
  readonly #attempts;
  readonly #deliveries;
  readonly #events;
  readonly #eventSpan;
  readonly #orphans;
  readonly #lease;
  readonly #release;
  readonly #oldest;

  constructor(private readonly db: SqliteDatabase) {
    // A batch's span: the next `limit` deliveries in id order, whatever their state (index only).
    this.#spanEnd = db.prepare('SELECT id FROM webhook_deliveries WHERE id > ? AND id < ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
    this.#spanLast = db.prepare('SELECT max(id) FROM webhook_deliveries WHERE id > ? AND id < ?').pluck();
    // Of the span, the finished rows that can have expired (finished before `createdBefore`, the shortest
    // period ago), each with its expiry under its webhook's periods (`@overrides`: endpoint id to
    // [succeeded, failed], null for the module's): the expired ones come out as JSON arrays ready for the
    // deletes, and the first kept one expiring within the hour as a hold (the rules of `expired` and
    // `expiresSoon` in retention-store.ts, written in SQL). No row becomes a JavaScript
    // object (that cost the dispatcher's thread 2.5 µs per pruned delivery); the rows finished since
    // `createdBefore` are passed over inside SQLite.
    this.#window = db.prepare(
      `SELECT count(*) FILTER (WHERE expires_at <= @now) AS expired,
         json_group_array(id) FILTER (WHERE expires_at <= @now) AS ids,
         json_group_array(DISTINCT event_id) FILTER (WHERE expires_at <= @now) AS events,
         min(id) FILTER (WHERE expires_at > @now AND expires_at < @now + @horizon) AS held
       FROM (
         SELECT id, event_id, updated_at + CASE status WHEN 'succeeded' THEN coalesce(own ->> 0, @succeededMs) ELSE coalesce(own ->> 1, @failedMs) END AS expires_at
         FROM (
           SELECT id, event_id, status, updated_at, (SELECT value FROM json_each(@overrides) WHERE key = endpoint_id) AS own
           FROM webhook_deliveries WHERE id > @after AND id <= @last AND updated_at <= @createdBefore AND status IN ('succeeded', 'failed')
         )
       )`,
    );
    // Of the rows the window passed over, the finished ones that may expire within the hour, in id order.
    this.#soon = db.prepare(
      "SELECT id, endpoint_id, status, updated_at FROM webhook_deliveries WHERE id > ? AND id <= ? AND updated_at > ? AND updated_at < ? AND status IN ('succeeded', 'failed') ORDER BY id",
    );
    this.#before = db.prepare('SELECT id FROM webhook_deliveries WHERE id < ? ORDER BY id DESC LIMIT 1').pluck();
    this.#attempts = db.prepare('DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))');
    this.#deliveries = db.prepare("DELETE FROM webhook_deliveries WHERE id IN (SELECT value FROM json_each(?)) AND status IN ('succeeded', 'failed')");
    this.#events = db.prepare('DELETE FROM webhook_events WHERE id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)');
    // The next events in rowid order, the order they were published in (counted and bounded inside SQLite):
    // those old enough with no delivery are deleted, the rest passed over.
    this.#eventSpan = db.prepare('SELECT count(*) AS looked, max(position) AS last, min(created_at) AS oldest FROM (SELECT rowid AS position, created_at FROM webhook_events WHERE rowid > ? ORDER BY rowid LIMIT ?)');
    this.#orphans = db.prepare(
      'DELETE FROM webhook_events WHERE rowid > ? AND rowid <= ? AND created_at < ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)',
    );
    this.#lease = db.prepare(
      `INSERT INTO webhook_maintenance_leases (name, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE webhook_maintenance_leases.owner = excluded.owner OR webhook_maintenance_leases.expires_at <= ?`,
    );
    this.#release = db.prepare('DELETE FROM webhook_maintenance_leases WHERE name = ? AND owner = ?');
    this.#oldest = db.prepare('SELECT created_at FROM webhook_deliveries ORDER BY id LIMIT 1');
  }

  async pruneDeliveries(request: PruneRequest): Promise<PruneBatch> {
    return this.db
      .transaction((): PruneBatch => {
        const after = request.after ?? '';
        const bound = request.before ?? firstIdAt(request.createdBefore);
        const spanEnd = this.#spanEnd.get(after, bound, request.limit - 1) as string | undefined;
        const more = spanEnd !== undefined;
        const last = spanEnd ?? (this.#spanLast.get(after, bound) as string | null) ?? undefined;
        if (last === undefined) return { deliveries: 0, attempts: 0, events: 0, last, more };
        const overrides = JSON.stringify(Object.fromEntries([...request.overrides].map(([id, own]) => [id, [own.succeededMs, own.failedMs]])));
        const { now, succeededMs, failedMs, createdBefore } = request;
        const window = this.#window.get({ now, succeededMs, failedMs, createdBefore, after, last, overrides, horizon: HOLD_HORIZON_MS }) as { expired: number; ids: string; events: string; held: string | null };
        const windowHold = window.held === null ? undefined : ((this.#before.get(window.held) as string | undefined) ?? '');
        const holdAfter = firstHold(windowHold, this.#passedOver(request, last));
        const hold = holdAfter === undefined ? {} : { holdAfter };
        if (window.expired === 0) return { deliveries: 0, attempts: 0, events: 0, last, more, ...hold };
        const attempts = this.#attempts.run(window.ids).changes;
        const deliveries = this.#deliveries.run(window.ids).changes;
        const events = this.#events.run(window.events).changes;
        return { deliveries, attempts, events, last, more, ...hold };
      })
      .immediate();
  }

  /** Before the first finished delivery of the span up to `last` that the window passed over (finished since `createdBefore`) and that expires within the hour. */
  #passedOver(request: PruneRequest, last: string): string | undefined {
    for (const row of this.#soon.iterate(request.after ?? '', last, request.createdBefore, request.createdBefore + HOLD_HORIZON_MS) as IterableIterator<SoonRow>) {
      if (expiresSoon(row, request)) return (this.#before.get(row.id) as string | undefined) ?? '';
    }
    return undefined;
  }

  async pruneEvents(request: EventPruneRequest): Promise<EventPruneBatch> {
    return this.db
      .transaction((): EventPruneBatch => {
        const after = request.after === undefined ? 0 : Number(request.after);
        const span = this.#eventSpan.get(after, request.limit) as { looked: number; last: number | null; oldest: number | null };
        if (span.last === null || span.oldest === null) return { events: 0, last: undefined, more: false };
        const events = span.oldest < request.createdBefore ? this.#orphans.run(after, span.last, request.createdBefore).changes : 0;
        // Past the bound (with a minute's room for processes whose clocks differ a little): the rest is newer.
        if (span.oldest >= request.createdBefore + CLOCK_ROOM_MS) return { events, last: undefined, more: false };
        return { events, last: String(span.last), more: span.looked === request.limit };
      })
      .immediate();
  }

  async acquireLease(owner: string, now: number, ttlMs: number): Promise<boolean> {
    return this.#lease.run(PRUNER_LEASE, owner, now + ttlMs, now).changes > 0;
  }

  async releaseLease(owner: string): Promise<void> {
    this.#release.run(PRUNER_LEASE, owner);
  }

  async oldestDeliveryAt(): Promise<number | undefined> {
    return (this.#oldest.get() as { created_at: number } | undefined)?.created_at;
  }

  async reclaimSpace(): Promise<number> {
    if (this.db.memory || (this.db.pragma('auto_vacuum', { simple: true }) as number) !== 2) return 0;
    let returned = 0;
    // In steps, each its own short write, with the event loop (and other processes' writers) let in between.
    for (;;) {
      const pages = this.db.pragma('page_count', { simple: true }) as number;
      const free = this.db.pragma('freelist_count', { simple: true }) as number;
      const surplus = free - Math.floor(pages * KEPT_FREE_SHARE);
      if (surplus <= 0) return returned;
      this.db.pragma(`incremental_vacuum(${Math.min(surplus, VACUUM_STEP_PAGES)})`);
      const step = free - (this.db.pragma('freelist_count', { simple: true }) as number);
      if (step <= 0) return returned;
      returned += step;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

}
