/**
 * Live dispatchers and their heartbeats, in the database every process shares: a worker registers,
 * beats every few seconds and leaves on a graceful stop. A worker whose heartbeat is older than three
 * of its own intervals, or whose process on this machine is gone, is dead: its claims are released at once.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** How many missed heartbeats make a worker dead. */
export const MISSED_HEARTBEATS = 3;

export interface DeadWorkers {
  /** Workers found dead and removed. */
  workers: number;
  /** Their claims given back as pending. */
  released: number;
}

export interface WorkerRow {
  id: string;
  machine: string;
  pid: number;
  expires_at: number;
}

export interface WorkerRegistry {
  /** This machine and PID namespace: where a process id means the same process. */
  readonly machine: string;
  register(workerId: string, now: number, intervalMs: number): Promise<void>;
  /**
   * Renews the heartbeat. False when the worker had been taken for dead meanwhile (its claims are no
   * longer its own); it is registered again either way.
   */
  beat(workerId: string, now: number, intervalMs: number): Promise<boolean>;
  leave(workerId: string): Promise<void>;
  /** Finds the dead workers other than `self` and gives their claims back, in one transaction. */
  releaseDead(self: string, now: number): Promise<DeadWorkers>;
}

/** A process of this machine that no longer exists (a signal 0 says so without touching it). */
export function processGone(worker: Pick<WorkerRow, 'machine' | 'pid'>, machine: string): boolean {
  if (worker.machine !== machine || worker.pid === process.pid) return false;
  try {
    process.kill(worker.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * The host name and, where the system tells, this boot of the kernel and the PID namespace: two hosts of
 * one name, and two containers of one host, are told apart, so a process id is only trusted where it means one process.
 */
export function thisMachine(): string {
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
