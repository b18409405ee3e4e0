/**
 * Live dispatchers and their heartbeats, in the database every process shares: a worker registers,
 * beats every few seconds and leaves on a graceful stop. A worker whose heartbeat is older than three
 * of its own intervals, or whose process on this machine is gone, is dead: its claims are released at once.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { inject, injectable } from 'inversify';
import type { SqliteDatabase } from '@tessera/core';
import { WEBHOOKS } from '../tokens.js';

/** How many missed heartbeats make a worker dead. */
export const MISSED_HEARTBEATS = 3;

export interface DeadWorkers {
  /** Workers found dead and removed. */
  workers: number;
  /** Their claims given back as pending. */
  released: number;
}

interface WorkerRow {
  id: string;
  machine: string;
  pid: number;
  expires_at: number;
}

@injectable()
export class WorkerRegistry {
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

  register(workerId: string, now: number, intervalMs: number): void {
    this.#register.run(workerId, this.machine, process.pid, now, now, now + MISSED_HEARTBEATS * intervalMs);
  }

  /**
   * Renews the heartbeat. False when the worker had been taken for dead meanwhile (its claims are no
   * longer its own); it is registered again either way.
   */
  beat(workerId: string, now: number, intervalMs: number): boolean {
    if (this.#beat.run(now, now + MISSED_HEARTBEATS * intervalMs, workerId).changes > 0) return true;
    this.register(workerId, now, intervalMs);
    return false;
  }

  leave(workerId: string): void {
    this.#leave.run(workerId);
  }

  /** Finds the dead workers other than `self` and gives their claims back, in one transaction (a write only when one is found). */
  releaseDead(self: string, now: number): DeadWorkers {
    const isDead = (worker: WorkerRow) => worker.expires_at < now || this.#gone(worker);
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

  /** A process of this machine that no longer exists (a signal 0 says so without touching it). */
  #gone(worker: WorkerRow): boolean {
    if (worker.machine !== this.machine || worker.pid === process.pid) return false;
    try {
      process.kill(worker.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}

/**
 * The host name and, where the system tells, this boot of the kernel and the PID namespace: two hosts of
 * one name, and two containers of one host, are told apart, so a process id is only trusted where it means one process.
 */
function thisMachine(): string {
  const read = (what: () => string) => {
    try {
      return what().trim();
    } catch {
      return '';
    }
  };
  const boot = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
  const namespace = read(() => readlinkSync('/proc/self/ns/pid'));
  return [hostname(), boot, namespace].filter(Boolean).join(' ');
}
