/**
 * Prometheus metrics of this process, in the text exposition format: what every package and plugin
 * contributes (`CORE.MetricsSource`: core's token requests and cache hits, the webhooks package's
 * deliveries, latency histogram and queue depth), in the order they were bound. A source that fails (its
 * database unreachable, say) gives its last figures, so one outage does not blank every metric.
 */
import { inject, injectable, multiInject, optional } from 'inversify';
import type { Logger } from 'winston';
import { CORE, type MetricsSource } from '@tessera/core';

/** A source that keeps failing is logged at most this often (a scrape comes every few seconds). */
const FAILURE_LOG_EVERY_MS = 60_000;

@injectable()
export class Metrics {
  readonly #last = new Map<MetricsSource, string[]>();
  readonly #failureLoggedAt = new Map<MetricsSource, number>();

  constructor(
    @multiInject(CORE.MetricsSource) @optional() private readonly sources: MetricsSource[] = [],
    @inject(CORE.Logger) @optional() private readonly logger?: Logger,
  ) {}

  /** The text exposition format (`text/plain; version=0.0.4`). */
  async render(): Promise<string> {
    const families = await Promise.all(
      this.sources.map(async (source) => {
        try {
          const lines = await source.render();
          this.#last.set(source, lines);
          return lines;
        } catch (error) {
          // Its last figures stand in (a scrape keeps its families), and the operator is told why they stopped moving.
          const now = performance.now();
          if (now - (this.#failureLoggedAt.get(source) ?? -Infinity) >= FAILURE_LOG_EVERY_MS) {
            this.#failureLoggedAt.set(source, now);
            this.logger?.warn('a metrics source failed; /metrics shows its last figures', { error: (error as Error).message, families: (this.#last.get(source) ?? []).filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2]) });
          }
          return this.#last.get(source) ?? [];
        }
      }),
    );
    return families.flat().join('\n') + '\n';
  }
}
