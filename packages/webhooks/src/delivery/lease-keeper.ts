/** Keeps a dispatcher's claims alive: renews the leases of everything it holds every third of a lease, so a long delivery is never taken over. */
import type { DeliveryQueue } from './delivery-queue.js';

export class LeaseKeeper {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly now: () => number,
    /** Told of a renewal that failed (the dispatcher logs it, or, for a full disk, leaves that to `StorageHealth`). */
    private readonly failed: (message: string, error: unknown) => void,
  ) {}

  start(held: () => string[]): void {
    this.#timer = setInterval(() => void this.renew(held()), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.#timer.unref();
  }

  async renew(ids: string[]): Promise<void> {
    try {
      await this.queue.renew(this.owner, ids, this.now() + this.leaseMs, this.leaseMs);
    } catch (error) {
      this.failed('renewing delivery claims failed', error);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
