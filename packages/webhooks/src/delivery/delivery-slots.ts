/**
 * Slot accounting of one dispatcher: the deliveries in flight (global and per endpoint), the claimed
 * ones waiting for a slot, and the ones sent whose outcome is not yet committed; what may start next,
 * whether to claim more, and which endpoints a claim should leave out.
 */
import type { ClaimedDelivery } from './delivery-types.js';

/** How many deliveries per slot are kept claimed (in flight or ready). */
export const PREFETCH = 4;

export class DeliverySlots {
  readonly #inFlight = new Map<string, { endpointId: string; done: Promise<void> }>();
  readonly #perEndpoint = new Map<string, number>();
  /** Claimed, not yet started: refills a slot the moment one frees up. */
  readonly ready: ClaimedDelivery[] = [];
  /**
   * Sent, with the outcome handed to the queue but not yet committed: still ours, so their leases are
   * renewed and they are never claimed again meanwhile.
   */
  readonly committing = new Map<string, Promise<void>>();
  /** Claimed again while their previous outcome is still being committed: they join `ready` once it is. */
  readonly deferred = new Set<string>();

  constructor(
    private readonly concurrency: number,
    private readonly perEndpoint: number,
  ) {}

  get inFlight(): number {
    return this.#inFlight.size;
  }

  inFlightIds(): string[] {
    return [...this.#inFlight.keys()];
  }

  inFlightDone(): Array<Promise<void>> {
    return [...this.#inFlight.values()].map((f) => f.done);
  }

  /** How many more this dispatcher wants claimed. */
  wanted(): number {
    return this.concurrency * PREFETCH - this.#inFlight.size - this.ready.length;
  }

  /**
   * Whether to claim more: the buffer is running low, or a slot is free that nothing ready can use
   * (every ready delivery is for an endpoint at its limit). A full buffer for a busy endpoint is not a
   * reason to claim; claiming then would mean one small transaction per completion.
   */
  wantsWork(): boolean {
    if (this.ready.length < this.concurrency) return true;
    if (this.#inFlight.size >= this.concurrency) return false;
    for (const delivery of this.ready) if ((this.#perEndpoint.get(delivery.endpointId) ?? 0) < this.perEndpoint) return false;
    return true;
  }

  /** Takes the next ready deliveries that may start now (a free slot, and their endpoint below its limit). */
  takeStartable(stopping: () => boolean): ClaimedDelivery[] {
    const out: ClaimedDelivery[] = [];
    const starting = new Map<string, number>();
    for (let i = 0; i < this.ready.length && this.#inFlight.size + out.length < this.concurrency && !stopping(); ) {
      const delivery = this.ready[i] as ClaimedDelivery;
      const used = (this.#perEndpoint.get(delivery.endpointId) ?? 0) + (starting.get(delivery.endpointId) ?? 0);
      if (used >= this.perEndpoint) {
        i++;
        continue;
      }
      this.ready.splice(i, 1);
      starting.set(delivery.endpointId, (starting.get(delivery.endpointId) ?? 0) + 1);
      out.push(delivery);
    }
    return out;
  }

  started(delivery: ClaimedDelivery, done: Promise<void>): void {
    this.#perEndpoint.set(delivery.endpointId, (this.#perEndpoint.get(delivery.endpointId) ?? 0) + 1);
    this.#inFlight.set(delivery.id, { endpointId: delivery.endpointId, done });
  }

  /** Called as soon as `started`'s delivery is done (before `done` is awaited by anyone). */
  ended(delivery: ClaimedDelivery): void {
    this.#inFlight.delete(delivery.id);
    const left = (this.#perEndpoint.get(delivery.endpointId) ?? 1) - 1;
    if (left === 0) this.#perEndpoint.delete(delivery.endpointId);
    else this.#perEndpoint.set(delivery.endpointId, left);
  }

  /**
   * For a claim of up to `limit`: at most PREFETCH times the per-endpoint limit of one endpoint held (in
   * flight or ready); endpoints at that are left out, with `disabled` ones.
   */
  claimShape(disabled: readonly string[]): { excluded: string[]; capacity: (endpointId: string) => number; minCapacity: number } {
    const max = this.perEndpoint * PREFETCH;
    const held = new Map(this.#perEndpoint);
    for (const delivery of this.ready) held.set(delivery.endpointId, (held.get(delivery.endpointId) ?? 0) + 1);
    const excluded: string[] = [];
    // An endpoint this worker holds none of may take `max`; one it holds some of, what is left of that.
    let minCapacity = max;
    for (const [id, n] of held) {
      if (n >= max) excluded.push(id);
      else minCapacity = Math.min(minCapacity, max - n);
    }
    excluded.push(...disabled);
    return { excluded, capacity: (id) => max - (held.get(id) ?? 0), minCapacity };
  }

  /** Every delivery this dispatcher holds a claim on. */
  held(): string[] {
    return [...this.#inFlight.keys(), ...this.ready.map((d) => d.id), ...this.committing.keys(), ...this.deferred];
  }
}
