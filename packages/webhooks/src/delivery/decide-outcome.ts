/**
 * The outcome policy of DESIGN §5 as a pure function: after a try, succeed, retry on the schedule (or
 * as `Retry-After` asks, or after a token cool-down), disable the endpoint (410, or failing too long),
 * or fail for good. The dispatcher does what it says; `countsAsFailure` says how the try bears on the
 * endpoint's failing period, which the dispatcher records before asking.
 */
import type { DeliveryOutcome } from './delivery-types.js';
import { retryDelayMs } from './retry-delay.js';

/** What one try came to. */
export interface TryResult {
  /** HTTP status of the last request, or null when none was answered (network error, token failure). */
  status: number | null;
  /** `token-…` for a token failure, else the sender's code (`timeout`, `network`, …), or null. */
  errorCode: string | null;
  /** From the receiver's `Retry-After`. */
  retryAfterMs?: number | undefined;
  /** After a token failure: how long until the token cool-down ends. */
  tokenWaitMs?: number | undefined;
  /** Tries under the current schedule, this one included. */
  tryNumber: number;
}

export interface EndpointFacts {
  /** The endpoint's own schedule (seconds), if it has one. */
  retrySchedule: readonly number[] | null;
  /** When its failing period began (after this try was recorded), or null. */
  failingSince: number | null;
}

export interface OutcomePolicy {
  retrySchedule: readonly number[];
  jitter: number;
  maxRetryAfterMs: number;
  disableAfterMs: number;
}

export interface Decision {
  outcome: DeliveryOutcome;
  /** Disable the endpoint, for this reason. */
  disable?: string;
}

export function succeeded(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/**
 * True: the try starts or continues the endpoint's failing period; false: it ends it; undefined: it does
 * not bear on it (a token failure is the secret's problem, not the receiver's; 410 disables at once).
 */
export function countsAsFailure(result: Pick<TryResult, 'status' | 'errorCode'>): boolean | undefined {
  if (succeeded(result.status)) return false;
  if (result.status === 410 || result.errorCode?.startsWith('token-')) return undefined;
  return true;
}

export function decideOutcome(result: TryResult, endpoint: EndpointFacts, policy: OutcomePolicy, now: number): Decision {
  if (succeeded(result.status)) return { outcome: { kind: 'succeeded' } };
  if (result.status === 410) return { outcome: { kind: 'failed', reason: 'gone' }, disable: 'the receiver answered 410 Gone' };
  const schedule = endpoint.retrySchedule ?? policy.retrySchedule;
  const scheduled = retryDelayMs(schedule, result.tryNumber, policy.jitter, result.retryAfterMs, policy.maxRetryAfterMs);
  // After a token failure, the next try comes after the token cool-down, so it is not spent on a cool-down answer.
  const delay = scheduled !== undefined && result.tokenWaitMs !== undefined ? Math.max(scheduled, result.tokenWaitMs) : scheduled;
  const failingFor = endpoint.failingSince !== null && countsAsFailure(result) === true ? now - endpoint.failingSince : undefined;
  const disable = failingFor !== undefined && failingFor >= policy.disableAfterMs ? `its deliveries kept failing for ${describeDuration(failingFor)}` : undefined;
  const outcome: DeliveryOutcome = delay === undefined ? { kind: 'failed', reason: result.errorCode ?? 'failed' } : { kind: 'retry', nextAttemptAt: now + delay };
  return disable === undefined ? { outcome } : { outcome, disable };
}

/** `5 days`, `3 hours`, `40 minutes`: how long, in the unit an operator would use. */
export function describeDuration(ms: number): string {
  const [unit, size] = ms >= 86_400_000 ? ['day', 86_400_000] : ms >= 3_600_000 ? ['hour', 3_600_000] : ['minute', 60_000];
  const count = Math.max(1, Math.round(ms / (size as number)));
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
