/** The worker registry in the SQLite database the processes of one machine share (times on the workers' clock). */
import { inject, injectable } from 'inversify';
import type { SqliteDatabase } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';
import { MISSED_HEARTBEATS, processGone, thisMachine, type DeadWorkers, type WorkerRegistry, type WorkerRow } from './worker-registry.js';

@injectable()
export class SqliteWorkerRegistry implements WorkerRegistry {
  /** This machine and PID namespace: where a process id means the same process. */
  readonly machine = thisMachine();
  readonly #register;
  readonly #beat;
  readonly #leave;
  readonly #others;
  readonly #release;
  readonly #forget;

  constructor(@inject(WEBHOOKS.Database) private readonly db: SqliteDatabase) {
    this.#register = db.prepare('INSERT OR REPLACE INTO webhook_workers (id, machine, pid, started_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.#beat = db.prepare('UPDATE webhook_workers SET heartbeat_at = ?, expires_at = ? WHERE id = ?');
    this.#leave = db.prepare('DELETE FROM webhook_workers WHERE id = ?');
    this.#others = db.prepare('SELECT id, machine, pid, expires_at FROM webhook_workers WHERE id <> ?');
    this.#release = db.prepare(
      `UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
       WHERE status = 'delivering' AND lease_owner = ?`,
    );
    this.#forget = db.prepare('DELETE FROM webhook_workers WHERE id = ?');
  }

  async register(workerId: string, now: number, intervalMs: number): Promise<void> {
    this.#registerNow(workerId, now, intervalMs);
  }

  #registerNow(workerId: string, now: number, intervalMs: number): void {
    this.#register.run(workerId, this.machine, process.pid, now, now, now + MISSED_HEARTBEATS * intervalMs);
  }

  async beat(workerId: string, now: number, intervalMs: number): Promise<boolean> {
    if (this.#beat.run(now, now + MISSED_HEARTBEATS * intervalMs, workerId).changes > 0) return true;
    this.#registerNow(workerId, now, intervalMs);
    return false;
  }

  async leave(workerId: string): Promise<void> {
    this.#leave.run(workerId);
  }

  async releaseDead(self: string, now: number): Promise<DeadWorkers> {
    const isDead = (worker: WorkerRow) => worker.expires_at < now || processGone(worker, this.machine);
    if (!(this.#others.all(self) as WorkerRow[]).some(isDead)) return { workers: 0, released: 0 };
    return this.db
      .transaction(() => {
        // Read again under the write lock: another worker may have released them first.
        const dead = (this.#others.all(self) as WorkerRow[]).filter(isDead);
        let released = 0;
        for (const worker of dead) {
          released += this.#release.run(now, worker.id).changes;
          this.#forget.run(worker.id);
        }
        return { workers: dead.length, released };
      })
      .immediate();
  }
}
