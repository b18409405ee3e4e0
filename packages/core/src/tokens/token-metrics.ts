/** Core's metrics: token requests made by this process, by outcome, and getToken calls answered from the cache. */
import { inject, injectable } from 'inversify';
import { metricFamily, type MetricsSource } from '../contributions/metrics-source.js';
import { CORE } from '../tokens.js';
import type { TokenEvents } from './token-events.js';
import type { TokenProvider } from './token-provider.js';

@injectable()
export class TokenMetrics implements MetricsSource {
  readonly #requests = new Map<string, number>([
    ['issued', 0],
    ['refreshed', 0],
    ['failed', 0],
  ]);

  constructor(
    @inject(CORE.TokenEvents) events: TokenEvents,
    @inject(CORE.TokenProvider) private readonly tokens: TokenProvider,
  ) {
    for (const outcome of ['issued', 'refreshed', 'failed'] as const) events.on(outcome, () => this.#requests.set(outcome, (this.#requests.get(outcome) ?? 0) + 1));
  }

  render(): string[] {
    return [
      ...metricFamily('tessera_token_requests_total', 'counter', 'Token requests made by this process, by outcome.'),
      ...[...this.#requests].map(([outcome, n]) => `tessera_token_requests_total{outcome="${outcome}"} ${n}`),
      ...metricFamily('tessera_token_cache_hits_total', 'counter', 'getToken calls answered from the cache.'),
      `tessera_token_cache_hits_total ${this.tokens.stats().cacheHits}`,
    ];
  }
}
