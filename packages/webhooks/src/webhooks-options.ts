/** Everything `webhooksModule()` can be configured with, and the defaults of DESIGN §5. */

/** Delays after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (the first attempt is immediate). */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

export interface WebhooksOptions {
  /**
   * Where endpoints are kept: `sqlite` (the core database) or `memory` (gone with the process).
   * Default: the core's `storage`. Events and deliveries are always in the core's SQLite database.
   */
  storage?: 'sqlite' | 'memory';
  /** Deliveries in flight at once in this process. Default 32. */
  concurrency?: number;
  /** Deliveries in flight at once to one endpoint, so a slow one cannot hold back the others. Default 8. */
  perEndpointConcurrency?: number;
  /** How long a claim lasts before another worker may take the delivery over. Default 60,000 ms. */
  leaseMs?: number;
  /**
   * How often a dispatcher renews its heartbeat and looks for dead workers; one whose heartbeat is three
   * of its own intervals old (or whose process on this machine is gone) has its claims released at once.
   * Default 5,000 ms (so a worker waiting out the 5 s busy timeout of a locked database is not taken for dead).
   */
  heartbeatIntervalMs?: number;
  /** How often the dispatcher looks for due work when nothing wakes it. Default 250 ms. */
  pollIntervalMs?: number;
  /** Default per-endpoint request timeout. Default 10,000 ms. */
  timeoutMs?: number;
  /** Delays after failed attempts, in seconds. */
  retrySchedule?: readonly number[];
  /** ± share of each delay. Default 0.2. */
  jitter?: number;
  /** Largest `Retry-After` honoured. Default 24 h. */
  maxRetryAfterMs?: number;
  /** An endpoint whose deliveries kept failing this long is disabled. Default 5 days. */
  disableAfterMs?: number;
  /** Grace period of the old signing secret after a rotation. Default 24 h. */
  signingGraceMs?: number;
}

export type ResolvedWebhooksOptions = Required<Omit<WebhooksOptions, 'storage'>> & Pick<WebhooksOptions, 'storage'>;

export function resolveWebhooksOptions(options: WebhooksOptions): ResolvedWebhooksOptions {
  return {
    ...(options.storage !== undefined && { storage: options.storage }),
    concurrency: options.concurrency ?? 32,
    perEndpointConcurrency: options.perEndpointConcurrency ?? 8,
    leaseMs: options.leaseMs ?? 60_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 5_000,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    timeoutMs: options.timeoutMs ?? 10_000,
    retrySchedule: options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_SECONDS,
    jitter: options.jitter ?? 0.2,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 86_400_000,
    disableAfterMs: options.disableAfterMs ?? 5 * 86_400_000,
    signingGraceMs: options.signingGraceMs ?? 86_400_000,
  };
}
