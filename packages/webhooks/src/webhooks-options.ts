/** Everything `webhooksModule()` can be configured with, and the defaults of DESIGN §5. */
import { ConfigurationError } from '@tessera/core';

/** Delays after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (the first attempt is immediate). */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

export interface WebhooksOptions {
  /**
   * Where endpoints are kept: `sqlite` (the core database) or `memory` (gone with the process).
   * Default: the core's `storage`. Events and deliveries are always in the core's SQLite database.
   * `sqlite` with the core's `storage: 'memory'` is refused (`storage-conflict`): the database checks
   * that a webhook's secret is stored beside it.
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
  /** How long finished deliveries are kept, and how the background pruner works (DESIGN §5: storage is bounded). */
  retention?: RetentionOptions;
}

/** Finished deliveries (with their attempts, and their event once no delivery of it is left) are kept this long after they finished, then pruned. */
export interface RetentionOptions {
  /** Succeeded deliveries. Default 14 days. */
  succeededMs?: number;
  /** Failed deliveries (they may be retried by hand until then). Default 30 days. */
  failedMs?: number;
  /** How often the pruner looks for expired rows. Default 60,000 ms. */
  intervalMs?: number;
  /** Deliveries looked at per batch (one short transaction each; fewer while a batch takes over 25 ms). Default 1,000. */
  batchSize?: number;
  /** false: no background pruning in this process (another instance, or nobody, prunes). Default true. */
  prune?: boolean;
}

export const DEFAULT_RETENTION = { succeededMs: 14 * 86_400_000, failedMs: 30 * 86_400_000, intervalMs: 60_000, batchSize: 1_000, prune: true } as const;

export type ResolvedWebhooksOptions = Required<Omit<WebhooksOptions, 'storage' | 'retention'>> & Pick<WebhooksOptions, 'storage'> & { retention: Required<RetentionOptions> };

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
    retention: resolveRetention(options.retention ?? {}),
  };
}

function resolveRetention(options: RetentionOptions): Required<RetentionOptions> {
  const retention = { ...DEFAULT_RETENTION, ...definedOnly(options) };
  for (const key of ['succeededMs', 'failedMs', 'intervalMs', 'batchSize'] as const) {
    const value = retention[key];
    if (!Number.isFinite(value) || value < 1) throw new ConfigurationError('invalid-setting', `webhooksModule({ retention: { ${key} } }) must be a positive number, not ${String(value)}.`);
  }
  return retention;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
