/** What both queues do with delivery outcomes a write could not record: keep them and try again shortly, or, once the database is closed for good, give them up. */
import type { Logger } from 'winston';

const RETRY_AFTER_MS = 200;

export class UnwrittenOutcomes {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly logger: Logger) {}

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
    this.logger.error('recording delivery outcomes failed; retrying', { count: batch.length, error: (error as Error).message });
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      retry();
    }, RETRY_AFTER_MS);
    return [...batch, ...waiting];
  }
}
