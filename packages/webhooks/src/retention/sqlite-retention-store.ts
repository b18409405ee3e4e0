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
import { expiresSoon, firstIdAt, sortWindow, HOLD_HORIZON_MS, PRUNER_LEASE, type EventPruneBatch, type EventPruneRequest, type PruneBatch, type PruneRequest, type RetentionStore } from './retention-store.js';

interface WindowRow {
  id: string;
  event_id: string;
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
  readonly #window;
  readonly #soon;
  readonly #before;
  readonly #attempts;
  readonly #deliveries;
  readonly #events;
  readonly #eventWindow;
  readonly #orphans;
  readonly #lease;
  readonly #release;
  readonly #oldest;

  constructor(private readonly db: SqliteDatabase) {
    // Only finished rows that can have expired (finished before `createdBefore`, the shortest period ago)
    // come out to JavaScript: the rows finished since, which every pass would otherwise read again until
    // they expire, are passed over inside SQLite.
    this.#window = db.prepare(
      "SELECT id, event_id, endpoint_id, status, updated_at FROM webhook_deliveries WHERE id > ? AND id < ? AND updated_at <= ? AND status IN ('succeeded', 'failed') ORDER BY id LIMIT ?",
    );
    // Of the rows the window passed over, the finished ones that may expire within the hour, in id order.
    this.#soon = db.prepare(
      "SELECT id, endpoint_id, status, updated_at FROM webhook_deliveries WHERE id > ? AND id <= ? AND updated_at > ? AND updated_at < ? AND status IN ('succeeded', 'failed') ORDER BY id",
    );
    this.#before = db.prepare('SELECT id FROM webhook_deliveries WHERE id < ? ORDER BY id DESC LIMIT 1');
    this.#attempts = db.prepare('DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))');
    this.#deliveries = db.prepare("DELETE FROM webhook_deliveries WHERE id IN (SELECT value FROM json_each(?)) AND status IN ('succeeded', 'failed')");
    this.#events = db.prepare('DELETE FROM webhook_events WHERE id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)');
    // Events in rowid order, the order they were published in: a sweep reads the old ones only.
    this.#eventWindow = db.prepare('SELECT rowid AS position, created_at FROM webhook_events WHERE rowid > ? ORDER BY rowid LIMIT ?');
    this.#orphans = db.prepare(
      'DELETE FROM webhook_events WHERE rowid IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)',
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
    return this.#pruneDeliveries(request);
  }

  #pruneDeliveries(request: PruneRequest): PruneBatch {
    return this.db
      .transaction((): PruneBatch => {
        const bound = request.before ?? firstIdAt(request.createdBefore);
        const rows = this.#window.all(request.after ?? '', bound, request.createdBefore, request.limit) as WindowRow[];
        const sorted = sortWindow(rows, request);
        // The span this batch covers: up to its last row when the window was full, else to the bound.
        const last = rows.at(-1)?.id;
        const holdAfter = this.#holdAfter(request, rows.length === request.limit ? (last as string) : bound, sorted.held ? sorted.holdAfter : undefined);
        const hold = holdAfter === undefined ? {} : { holdAfter };
        const { doomed } = sorted;
        if (doomed.length === 0) return { deliveries: 0, attempts: 0, events: 0, last, ...hold };
        const ids = JSON.stringify(doomed.map((row) => row.id));
        const attempts = this.#attempts.run(ids).changes;
        const deliveries = this.#deliveries.run(ids).changes;
        const events = this.#events.run(JSON.stringify([...new Set(doomed.map((row) => row.event_id))])).changes;
        return { deliveries, attempts, events, last, ...hold };
      })
      .immediate();
  }

  /**
   * Where the next pass must start: before the first finished delivery in this batch's span that is kept
   * now but expires within the hour, whether the window read it (`windowHold`, longer period of its own)
   * or passed over it (finished since `createdBefore`).
   */
  #holdAfter(request: PruneRequest, spanEnd: string, windowHold: string | undefined): string | undefined {
    let first: string | undefined;
    for (const row of this.#soon.iterate(request.after ?? '', spanEnd, request.createdBefore, request.createdBefore + HOLD_HORIZON_MS) as IterableIterator<WindowRow>) {
      if (expiresSoon(row, request)) {
        first = row.id;
        break;
      }
    }
    if (first === undefined) return windowHold;
    const before = (this.#before.get(first) as { id: string } | undefined)?.id ?? '';
    return windowHold !== undefined && windowHold < before ? windowHold : before;
  }

  async pruneEvents(request: EventPruneRequest): Promise<EventPruneBatch> {
    return this.#pruneEvents(request);
  }

  #pruneEvents(request: EventPruneRequest): EventPruneBatch {
    return this.db
      .transaction((): EventPruneBatch => {
        const rows = this.#eventWindow.all(request.after === undefined ? 0 : Number(request.after), request.limit) as Array<{ position: number; created_at: number }>;
        const old = rows.filter((row) => row.created_at < request.createdBefore);
        const events = old.length === 0 ? 0 : this.#orphans.run(JSON.stringify(old.map((row) => row.position))).changes;
        // Past the bound (with a minute's room for processes whose clocks differ a little): the rest is newer.
        const last = rows.at(-1);
        const done = last === undefined || (rows[0] as { created_at: number }).created_at >= request.createdBefore + CLOCK_ROOM_MS;
        return { events, last: done ? undefined : String(last.position) };
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
