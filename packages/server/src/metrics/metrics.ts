/**
 * Prometheus metrics of this process, in the text exposition format: what every package and plugin
 * contributes (`CORE.MetricsSource`: core's token requests and cache hits, the webhooks package's
 * deliveries, latency histogram and queue depth), in the order they were bound. A source that fails (its
 * database unreachable, say) gives its last figures, so one outage does not blank every metric.
 */
import { injectable, multiInject, optional } from 'inversify';
import { CORE, type MetricsSource } from '@tessera/core';

@injectable()
export class Metrics {
  readonly #last = new Map<MetricsSource, string[]>();

  constructor(@multiInject(CORE.MetricsSource) @optional() private readonly sources: MetricsSource[] = []) {}

  /** The text exposition format (`text/plain; version=0.0.4`). */
  async render(): Promise<string> {
    const families = await Promise.all(
      this.sources.map(async (source) => {
        try {
          const lines = await source.render();
          this.#last.set(source, lines);
          return lines;
        } catch {
          return this.#last.get(source) ?? [];
        }
      }),
    );
    return families.flat().join('\n') + '\n';
  }
}
