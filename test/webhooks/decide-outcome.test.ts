/** The outcome policy of DESIGN §5 as a table: each try's result, the endpoint and the options in; what happens next out. */
import { describe, expect, it } from 'vitest';
import { countsAsFailure, decideOutcome, type Decision, type EndpointFacts, type TryResult } from '../../packages/webhooks/src/delivery/decide-outcome.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const HOUR = 3_600_000;
const policy = { retrySchedule: [0, 5, 300], jitter: 0, maxRetryAfterMs: 60_000, disableAfterMs: 5 * 24 * HOUR };
const healthy: EndpointFacts = { retrySchedule: null, failingSince: null };
const tried = (result: Partial<TryResult>): TryResult => ({ status: 500, errorCode: 'http-status', tryNumber: 1, ...result });

const table: Array<[string, TryResult, EndpointFacts, Decision]> = [
  ['200 succeeds', tried({ status: 200, errorCode: null }), healthy, { outcome: { kind: 'succeeded' } }],
  ['204 succeeds', tried({ status: 204, errorCode: null }), healthy, { outcome: { kind: 'succeeded' } }],
  ['a 3xx is a failure (redirects are not followed)', tried({ status: 302 }), healthy, { outcome: { kind: 'retry', nextAttemptAt: NOW } }],
  ['the first failure retries at once', tried({ status: 500 }), healthy, { outcome: { kind: 'retry', nextAttemptAt: NOW } }],
  ['the second waits the second step', tried({ status: 503, tryNumber: 2 }), healthy, { outcome: { kind: 'retry', nextAttemptAt: NOW + 5_000 } }],
  ['past the last step it fails for good', tried({ status: 500, tryNumber: 4 }), healthy, { outcome: { kind: 'failed', reason: 'http-status' } }],
  ['Retry-After wins over the schedule', tried({ status: 429, retryAfterMs: 20_000 }), healthy, { outcome: { kind: 'retry', nextAttemptAt: NOW + 20_000 } }],
  ['Retry-After is capped', tried({ status: 503, retryAfterMs: 3_600_000 }), healthy, { outcome: { kind: 'retry', nextAttemptAt: NOW + 60_000 } }],
  ['the endpoint schedule replaces the default', tried({ status: 500, tryNumber: 2 }), { retrySchedule: [1, 2], failingSince: null }, { outcome: { kind: 'retry', nextAttemptAt: NOW + 2_000 } }],
  ['an empty schedule fails at once', tried({ status: 500 }), { retrySchedule: [], failingSince: null }, { outcome: { kind: 'failed', reason: 'http-status' } }],
  ['410 disables and fails', tried({ status: 410 }), healthy, { outcome: { kind: 'failed', reason: 'gone' }, disable: 'the receiver answered 410 Gone' }],
  ['a timeout retries', tried({ status: null, errorCode: 'timeout' }), healthy, { outcome: { kind: 'retry', nextAttemptAt: NOW } }],
  ['a token failure waits out the cool-down', tried({ status: null, errorCode: 'token-cooldown', tokenWaitMs: 4_000 }), healthy, { outcome: { kind: 'retry', nextAttemptAt: NOW + 4_000 } }],
  [
    'failing for five days disables, naming how long',
    tried({ status: 500 }),
    { retrySchedule: null, failingSince: NOW - 5 * 24 * HOUR },
    { outcome: { kind: 'retry', nextAttemptAt: NOW }, disable: 'its deliveries kept failing for 5 days' },
  ],
  ['failing for less does not', tried({ status: 500 }), { retrySchedule: null, failingSince: NOW - 4 * 24 * HOUR }, { outcome: { kind: 'retry', nextAttemptAt: NOW } }],
  [
    'a token failure never disables, however long the endpoint has been failing',
    tried({ status: null, errorCode: 'token-oauth', tokenWaitMs: 0 }),
    { retrySchedule: null, failingSince: NOW - 30 * 24 * HOUR },
    { outcome: { kind: 'retry', nextAttemptAt: NOW } },
  ],
];

describe('decideOutcome', () => {
  it.each(table)('%s', (_name, result, endpoint, expected) => {
    expect(decideOutcome(result, endpoint, policy, NOW)).toEqual(expected);
  });

  it('adds ±jitter to a scheduled delay, never to Retry-After', () => {
    const delays = Array.from({ length: 200 }, () => (decideOutcome(tried({ tryNumber: 3 }), healthy, { ...policy, jitter: 0.2 }, NOW).outcome as { nextAttemptAt: number }).nextAttemptAt - NOW);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(240_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(360_000);
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(decideOutcome(tried({ status: 429, retryAfterMs: 7_000 }), healthy, { ...policy, jitter: 0.2 }, NOW).outcome).toEqual({ kind: 'retry', nextAttemptAt: NOW + 7_000 });
  });

  it.each([
    [200, null, false],
    [500, 'http-status', true],
    [null, 'network', true],
    [410, 'http-status', undefined],
    [null, 'token-timeout', undefined],
  ] as const)('status %s (%s) counts towards the failing period: %s', (status, errorCode, expected) => {
    expect(countsAsFailure({ status, errorCode })).toBe(expected);
  });
});
