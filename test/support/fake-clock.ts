/** A clock for tests: time moves only when told, and sleeping advances it at once while recording the delay. */
import type { Clock } from '@tessera/core';

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  #now: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.#now += ms;
    await Promise.resolve();
  }
}
