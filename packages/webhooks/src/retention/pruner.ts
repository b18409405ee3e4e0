/**
 * The background pruner (DESIGN §5, storage is bounded): every interval, the process holding the pruning
 * lease deletes finished deliveries older than their retention period (with their attempts, and their
 * events once no delivery of them is left), then events with no delivery at all, in small batches that
 * yield to the dispatcher between them; pending and delivering work is never touched.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject, injectable } from 'inversify';
import type { Logger } from 'winston';
import { CORE, type Clock } from '@tessera/core';
import type { EndpointRecords } from '../endpoints/endpoint-records.js';
import { WEBHOOKS } from '../tokens.js';
import type { ResolvedWebhooksOptions } from '../webhooks-options.js';
import { readRetention, type RetentionPeriods } from './endpoint-retention.js';
import { legacyIds, type RetentionStore } from './retention-store.js';

/** A batch should take about this long at most: the batch size shrinks when one takes longer, and grows back when they are quick. */
const BATCH_BUDGET_MS = 25;
const SMALLEST_BATCH = 25;
/** A process that died holding the lease lets another prune after this. */
const LEASE_MS = 60_000;
/** Renewed between batches once it is this old: held for less, no other process can have taken it. */
const LEASE_RENEW_AFTER_MS = LEASE_MS / 4;
/**
 * A pass looks only at what became old enough since the previous one; this often it looks at everything
 * again, for what an earlier pass kept (still pending then, or under a longer period than the shortest).
 */
const FULL_PASS_EVERY_MS = 3_600_000;
/** A long pass says how far it has got this often. */
const PROGRESS_EVERY_MS = 10_000;

export interface PruneResult {
  /** false: another process held the lease, so this one pruned nothing. */
  held: boolean;
  /** true: it looked at every delivery and event (the first pass, once an hour, or after the periods changed); else only at what became old enough since the last pass. */
  full: boolean;
  deliveries: number;
  attempts: number;
  events: number;
  /** Pages handed back to the file system (SQLite), if any. */
  reclaimedPages: number;
  batches: number;
  durationMs: number;
}

export interface PrunerTotals {
  deliveries: number;
  attempts: number;
  events: number;
  passes: number;
  /** When the oldest delivery kept was created, as of the last pass; undefined before one, or when none is kept. */
  oldestDeliveryAt: number | undefined;
}

@injectable()
export class Pruner {
  readonly #owner = `pruner_${randomBytes(6).toString('hex')}_${process.pid}`;
  readonly #totals: PrunerTotals = { deliveries: 0, attempts: 0, events: 0, passes: 0, oldestDeliveryAt: undefined };
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<PruneResult> | undefined;
  #running = false;
  #stopping = false;
  #batch: number;
  /** When this process last took or renewed the lease (clock time); undefined while it does not hold it. */
  #leaseAt: number | undefined;
  /** Where the next pass starts (the last delivery and event looked at), and when the last full pass began. */
  #resume: { deliveries: string | undefined; events: string | undefined; fullAt: number | undefined; periods: string } = { deliveries: undefined, events: undefined, fullAt: undefined, periods: '' };

  constructor(
    @inject(WEBHOOKS.RetentionStore) private readonly store: RetentionStore,
    @inject(WEBHOOKS.EndpointRecords) private readonly endpoints: EndpointRecords,
    @inject(WEBHOOKS.Options) private readonly options: ResolvedWebhooksOptions,
    @inject(CORE.Clock) private readonly clock: Clock,
    @inject(CORE.Logger) private readonly logger: Logger,
  ) {
    this.#batch = options.retention.batchSize;
  }

  get totals(): Readonly<PrunerTotals> {
    return this.#totals;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Prunes in the background from now on, a first pass shortly after the start. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    this.#schedule(Math.min(5_000, this.options.retention.intervalMs));
  }

  /** Stops after the batch under way (within `deadlineMs`, else it is left to finish on its own) and gives up the lease. */
  async stop(deadlineMs = 5_000): Promise<Readonly<PrunerTotals>> {
    this.#running = false;
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const pass = this.#pass;
    if (pass !== undefined) await Promise.race([pass.catch(() => undefined), sleep(deadlineMs, undefined, { ref: false })]);
    await this.#releaseLease();
    return this.#totals;
  }

  /** One pass now (or the one under way), whether or not the background pruning runs: what `tessera` and tests call. */
  prune(): Promise<PruneResult> {
    this.#pass ??= this.#run().finally(() => (this.#pass = undefined));
    return this.#pass;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.prune()
        .catch((error: unknown) => {
          this.logger.warn('pruning old deliveries failed; trying again at the next interval', { error: (error as Error).message });
        })
        .then(() => {
          // The next pass an interval after this one ended: one that had much to do does not pile up behind itself.
          if (this.#running) this.#schedule(this.options.retention.intervalMs);
        });
    }, delayMs);
    this.#timer.unref();
  }

  async #run(): Promise<PruneResult> {
    const started = performance.now();
    const result: PruneResult = { held: false, full: false, deliveries: 0, attempts: 0, events: 0, reclaimedPages: 0, batches: 0, durationMs: 0 };
    const now = this.clock.now();
    if (!(await this.#holdLease(now))) {
      result.durationMs = performance.now() - started;
      return result;
    }
    result.held = true;
    try {
      const { succeededMs, failedMs } = this.options.retention;
      const overrides = new Map<string, RetentionPeriods>();
      for (const row of await this.endpoints.all()) {
        if (row.retention !== null) overrides.set(row.id, readRetention(row.retention));
      }
      const periods = [succeededMs, failedMs, ...[...overrides.values()].flatMap((own) => [own.succeededMs, own.failedMs]).filter((p): p is number => p !== null)];
      // Nothing created since this can have expired, whatever its period.
      const createdBefore = now - Math.min(...periods);
      let progressAt = started + PROGRESS_EVERY_MS;
      const progress = () => {
        if (performance.now() < progressAt) return;
        progressAt = performance.now() + PROGRESS_EVERY_MS;
        this.logger.info('pruning old deliveries', { deliveries: result.deliveries, attempts: result.attempts, events: result.events, batches: result.batches });
      };

      // Periods changed since the last pass (a webhook's own, say): everything is looked at again at once.
      const periodsNow = JSON.stringify([succeededMs, failedMs, [...overrides].sort(([a], [b]) => a.localeCompare(b))]);
      const full = this.#resume.fullAt === undefined || now - this.#resume.fullAt >= FULL_PASS_EVERY_MS || now < this.#resume.fullAt || periodsNow !== this.#resume.periods;
      result.full = full;
      if (full) this.#resume = { deliveries: undefined, events: undefined, fullAt: now, periods: periodsNow };
      let after = this.#resume.deliveries;
      // Where the next pass starts: after the last delivery looked at, unless one kept now expires soon.
      let holding = false;
      while (!this.#stopping) {
        const limit = this.#batch;
        const batchStarted = performance.now();
        const batch = await this.store.pruneDeliveries({ now, succeededMs, failedMs, overrides, createdBefore, after, limit });
        this.#count(result, batch);
        if (!(await this.#yield(performance.now() - batchStarted))) break;
        progress();
        if ('holdAfter' in batch && !holding) {
          holding = true;
          this.#resume.deliveries = batch.holdAfter;
        }
        if (batch.last !== undefined) {
          after = batch.last;
          if (!holding) this.#resume.deliveries = after;
        }
        if (!batch.more) break;
        // What follows a batch that kept most of its deliveries, some expiring soon, finished later still
        // (first in, first out): the next pass, which starts at the hold, comes back to it. Looking at it
        // again on every pass until it expires cost the dispatcher a twentieth of its rate in the bench.
        // Anything this leaves behind out of that order waits an hour at most, for the pass over everything.
        if (holding && !full && batch.deliveries < limit / 2) break;
      }
      // Ids of older versions (random, not in creation order) lie past the sweep's bound: looked at in a pass over everything.
      if (full) {
        const legacy = legacyIds(now);
        let legacyAfter: string | undefined = legacy.after;
        while (!this.#stopping && legacyAfter !== undefined) {
          const batchStarted = performance.now();
          const batch = await this.store.pruneDeliveries({ now, succeededMs, failedMs, overrides, createdBefore, after: legacyAfter, before: legacy.before, limit: this.#batch });
          this.#count(result, batch);
          if (!(await this.#yield(performance.now() - batchStarted))) break;
          progress();
          legacyAfter = batch.more ? batch.last : undefined;
        }
      }
      let eventsAfter = this.#resume.events;
      while (!this.#stopping) {
        const batchStarted = performance.now();
        const batch = await this.store.pruneEvents({ createdBefore, after: eventsAfter, limit: this.#batch });
        this.#count(result, { deliveries: 0, attempts: 0, events: batch.events });
        if (!(await this.#yield(performance.now() - batchStarted))) break;
        progress();
        if (batch.last !== undefined) {
          eventsAfter = batch.last;
          this.#resume.events = eventsAfter;
        }
        if (!batch.more) break;
      }
      result.reclaimedPages = await this.store.reclaimSpace();
      this.#totals.oldestDeliveryAt = await this.store.oldestDeliveryAt();
      this.#totals.passes++;
    } finally {
      // Pruning in the background, this process keeps the lease from one pass to the next (until it stops,
      // or the lease runs out between two passes further apart); a pass on its own gives it up at once.
      if (!this.#running) await this.#releaseLease();
    }
    result.durationMs = performance.now() - started;
    if (result.deliveries + result.events > 0) {
      const oldest = this.#totals.oldestDeliveryAt;
      this.logger.info('pruned old deliveries', {
        deliveries: result.deliveries,
        attempts: result.attempts,
        events: result.events,
        batches: result.batches,
        reclaimedPages: result.reclaimedPages,
        durationMs: Math.round(result.durationMs),
        oldestKeptAgeSeconds: oldest === undefined ? null : Math.round((now - oldest) / 1000),
      });
    }
    return result;
  }

  #count(result: PruneResult, batch: { deliveries: number; attempts: number; events: number }): void {
    result.batches++;
    result.deliveries += batch.deliveries;
    result.attempts += batch.attempts;
    result.events += batch.events;
    this.#totals.deliveries += batch.deliveries;
    this.#totals.attempts += batch.attempts;
    this.#totals.events += batch.events;
  }

  /**
   * Between batches: the batch size follows the time budget, the dispatcher gets the event loop (after a
   * slow batch, for as long again), and the lease is renewed; false when another process has taken it.
   */
  async #yield(tookMs: number): Promise<boolean> {
    if (tookMs > BATCH_BUDGET_MS) this.#batch = Math.max(Math.min(SMALLEST_BATCH, this.options.retention.batchSize), Math.floor(this.#batch / 2));
    else if (tookMs < BATCH_BUDGET_MS / 4) this.#batch = Math.min(this.options.retention.batchSize, this.#batch * 2);
    await (tookMs > BATCH_BUDGET_MS ? sleep(Math.min(tookMs, 1_000)) : new Promise((resolve) => setImmediate(resolve)));
    return this.#holdLease(this.clock.now());
  }

  /** Takes the lease, or renews it unless this process took it a moment ago (each renewal is a write). */
  async #holdLease(now: number): Promise<boolean> {
    const at = this.#leaseAt;
    if (at !== undefined && now >= at && now - at < LEASE_RENEW_AFTER_MS) return true;
    const held = await this.store.acquireLease(this.#owner, now, LEASE_MS);
    this.#leaseAt = held ? now : undefined;
    return held;
  }

  async #releaseLease(): Promise<void> {
    this.#leaseAt = undefined;
    await this.store.releaseLease(this.#owner).catch(() => undefined);
  }
}
