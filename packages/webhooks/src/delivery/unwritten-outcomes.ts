/** What both queues do with delivery outcomes a write could not record: keep them and try again shortly, or, once the database is closed for good, give them up. */
import type { Logger } from 'winston';
import { StorageFullError, type StorageHealth } from '@tessera/core';

const RETRY_AFTER_MS = 200;
/** While the disk is full a retry waits longer: space comes back when an operator makes it, not in 200 ms. */
const FULL_RETRY_AFTER_MS = 1_000;

export class UnwrittenOutcomes {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly storage: StorageHealth,
  ) {}

  /** A batch of outcomes was written: there is space (a full disk is so no longer). */
  written(): void {
    this.storage.succeeded();
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
    if (!full) this.logger.error('recording delivery outcomes failed; retrying', { count: batch.length, error: (error as Error).message });
    this.#timer ??= setTimeout(
      () => {
        this.#timer = undefined;
        retry();
      },
      full ? FULL_RETRY_AFTER_MS : RETRY_AFTER_MS,
    );
    return [...batch, ...waiting];
  }
}
