/** What both queues do with delivery outcomes a write could not record: keep them and try again shortly, or, once the database is closed for good, give them up. */
import type { Logger } from 'winston';
import { StorageFullError, type StorageHealth } from '@tessera/core';

const RETRY_AFTER_MS = 200;
/** While the disk is full a retry waits longer: space comes back when an operator makes it, not in 200 ms. */
const FULL_RETRY_AFTER_MS = 1_000;
/** While writes keep failing (the database is down, say), the failure is logged when it starts, then at most this often. */
const REPEAT_LOG_MS = 30_000;

export class UnwrittenOutcomes {
  #timer: NodeJS.Timeout | undefined;
  /** Since when (`performance.now()`) writes have failed, and how often, for the log; undefined while they succeed. */
  #failing: { since: number; loggedAt: number; retries: number } | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly storage: StorageHealth,
  ) {}

  /** A batch of outcomes was written: there is space (a full disk is so no longer). */
  written(): void {
    this.storage.succeeded();
    if (this.#failing === undefined) return;
    this.logger.warn('delivery outcomes are recorded again', { failedForMs: Math.round(performance.now() - this.#failing.since), retries: this.#failing.retries });
    this.#failing = undefined;
  }

  /** True while a retry is scheduled: new outcomes wait for it instead of being written on their own. */
  get retrying(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * A write of `batch` failed (`waiting`: the outcomes queued behind it). Resolves with what to keep
   * queued, `batch` first; empty when the database is closed, after telling each outcome it was not applied.
   */
  failed<T extends { settled: (applied: boolean) => void }>(batch: readonly T[], waiting: readonly T[], error: unknown, closed: boolean, retry: () => void): T[] {
    if (closed) {
      // Shut down: nothing can be written any more. These deliveries are sent again when their lease runs out.
      const dropped = [...batch, ...waiting];
      this.logger.error('delivery outcomes not written: the database is closed; those deliveries are sent again when their lease runs out', { count: dropped.length });
      for (const completion of dropped) completion.settled(false);
      return [];
    }
    // A full disk is told by StorageHealth once a minute, not by each retry.
    const full = this.storage.failed(error) instanceof StorageFullError;
    if (!full) this.#logFailure(batch.length, error);
    this.#timer ??= setTimeout(
      () => {
        this.#timer = undefined;
        retry();
      },
      full ? FULL_RETRY_AFTER_MS : RETRY_AFTER_MS,
    );
    return [...batch, ...waiting];
  }

  /** The first failure of a spell, then one line every REPEAT_LOG_MS while it lasts (not one per retry, five a second). */
  #logFailure(count: number, error: unknown): void {
    const now = performance.now();
    if (this.#failing === undefined) {
      this.#failing = { since: now, loggedAt: now, retries: 0 };
      this.logger.error('recording delivery outcomes failed; retrying', { count, error: (error as Error).message, retryEveryMs: RETRY_AFTER_MS });
      return;
    }
    this.#failing.retries++;
    if (now - this.#failing.loggedAt < REPEAT_LOG_MS) return;
    this.#failing.loggedAt = now;
    this.logger.error('recording delivery outcomes still fails; retrying', { count, error: (error as Error).message, failingForMs: Math.round(now - this.#failing.since), retries: this.#failing.retries });
  }
}
