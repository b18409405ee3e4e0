/**
 * Whether the database's disk is full, and since when: set by any write that failed for lack of space
 * (translated into `StorageFullError`), cleared by the next write that succeeds or by the free-space
 * probe, and told in the log at most once a minute with the failures folded into that line.
 */
import type { Logger } from 'winston';
import type { Clock } from '../clock/clock.js';
import { StorageFullError } from '../errors/storage-full-error.js';
import { isStorageFull } from './is-storage-full.js';

export interface StorageFullState {
  /** When the first write of this spell failed (clock milliseconds). */
  readonly since: number;
  /** Writes refused for lack of space since then. */
  readonly failures: number;
}

/** The log says the disk is full at most this often, whatever the number of refused writes. */
const LOG_EVERY_MS = 60_000;
/** While full, the probe looks for space this often (a write that succeeds clears the state sooner). */
const PROBE_EVERY_MS = 5_000;
const HINT = 'free disk space where the database lives, or keep less history (--retention-succeeded, --retention-failed); writes resume by themselves';

export class StorageHealth {
  #full: { since: number; failures: number } | undefined;
  /** The translation of each raw error, so an error seen by two layers (a queue, then its caller) counts once. */
  readonly #translated = new WeakMap<object, StorageFullError>();
  #lastLineAt = Number.NEGATIVE_INFINITY;
  /** Failures since the last line (they are counted in the next). */
  #folded = 0;
  /** Whether this spell was told in the log (then its end is told too). */
  #announced = false;
  #probeTimer: NodeJS.Timeout | undefined;

  /**
   * `where`: the database as an operator knows it (a file path, a URL with its password masked);
   * `probe`: resolves true when there is room to write again (SQLite: free space on its file system).
   */
  constructor(
    private readonly where: string,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly probe?: () => Promise<boolean>,
  ) {}

  /** Set while the disk is full. */
  get full(): StorageFullState | undefined {
    return this.#full === undefined ? undefined : { ...this.#full };
  }

  /** What `/healthz` says while full: since when, how many writes were refused, and what to do. */
  get reason(): string | undefined {
    if (this.#full === undefined) return undefined;
    const { since, failures } = this.#full;
    return `the disk of the database is full since ${new Date(since).toISOString()} (${failures} ${failures === 1 ? 'write' : 'writes'} refused): ${HINT}`;
  }

  /**
   * A write failed: when for lack of space, remembers it and returns the `StorageFullError` to throw
   * (the same one for the same error); any other error is returned as it is.
   */
  failed(error: unknown): unknown {
    if (error instanceof StorageFullError || typeof error !== 'object' || error === null || !isStorageFull(error)) return error;
    const known = this.#translated.get(error);
    if (known !== undefined) return known;
    const translated = new StorageFullError(this.where, { cause: error });
    this.#translated.set(error, translated);
    this.#record(error);
    return translated;
  }

  /** A write succeeded: there is space again. */
  succeeded(): void {
    const full = this.#full;
    if (full === undefined) return;
    this.#full = undefined;
    clearInterval(this.#probeTimer);
    this.#probeTimer = undefined;
    if (!this.#announced) return;
    this.#announced = false;
    this.#folded = 0;
    this.logger.info('storage is writable again', { database: this.where, fullForMs: this.clock.now() - full.since, failures: full.failures });
  }

  /** Runs a write: its success clears the state, its failure for lack of space sets it and is thrown as `StorageFullError`. */
  async write<T>(work: () => T | Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      throw this.failed(error);
    }
    this.succeeded();
    return result;
  }

  /** Stops the probe (the container is closing). */
  close(): void {
    clearInterval(this.#probeTimer);
    this.#probeTimer = undefined;
  }

  #record(error: object): void {
    const now = this.clock.now();
    if (this.#full === undefined) {
      this.#full = { since: now, failures: 0 };
      this.#startProbe();
    }
    this.#full.failures++;
    this.#folded++;
    // Once a minute at most, across spells too: a disk that fills and empties by turns is not told each time.
    if (now - this.#lastLineAt < LOG_EVERY_MS) return;
    this.logger.error(this.#announced ? 'storage is still full: writes are refused' : 'storage is full: writes are refused (503 storage-full) until there is space again', {
      database: this.where,
      since: new Date(this.#full.since).toISOString(),
      failures: this.#folded,
      error: (error as { message?: unknown }).message,
      hint: HINT,
    });
    this.#announced = true;
    this.#lastLineAt = now;
    this.#folded = 0;
  }

  #startProbe(): void {
    const probe = this.probe;
    if (probe === undefined) return;
    this.#probeTimer = setInterval(() => {
      probe().then(
        (room) => {
          if (room) this.succeeded();
        },
        () => undefined,
      );
    }, PROBE_EVERY_MS);
    this.#probeTimer.unref();
  }
}
