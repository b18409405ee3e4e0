/**
 * The storage figures `/metrics`, `GET /api/storage` and the console read: the last measure of
 * `CORE.StorageStats`, measured again when it is older than `maxAgeMs` (default 30 s, on the container's
 * clock), one measure at a time however many readers ask. So a scrape costs a count of every table at most
 * once per interval, and the figures it shows are up to that old (`measuredAt` says how old).
 */
import { inject, injectable } from 'inversify';
import type { Clock } from '../clock/clock.js';
import { CORE } from '../tokens.js';
import type { StorageFigures, StorageStats } from './storage-stats.js';

/** How long measured figures are served before they are measured again. */
export const STORAGE_STATS_MAX_AGE_MS = 30_000;

@injectable()
export class StorageStatsCache {
  readonly maxAgeMs = STORAGE_STATS_MAX_AGE_MS;
  #last: StorageFigures | undefined;
  #measuring: Promise<StorageFigures> | undefined;

  constructor(
    @inject(CORE.StorageStats) private readonly stats: StorageStats,
    @inject(CORE.Clock) private readonly clock: Clock,
  ) {}

  /** The figures, measured now if the last ones are older than `maxAgeMs` (or there are none). */
  async current(): Promise<StorageFigures> {
    if (this.#last !== undefined && this.clock.now() - this.#last.measuredAt < this.maxAgeMs) return this.#last;
    this.#measuring ??= this.stats.measure().then(
      (figures) => {
        this.#last = figures;
        this.#measuring = undefined;
        return figures;
      },
      (error: unknown) => {
        // Not remembered: the next reader measures again.
        this.#measuring = undefined;
        throw error;
      },
    );
    return this.#measuring;
  }
}
