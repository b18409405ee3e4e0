/** The wait before the next try: `Retry-After` when the receiver sent one (capped), else the schedule with ± jitter. */
export function retryDelayMs(scheduleSeconds: readonly number[], failedTries: number, jitter: number, retryAfterMs: number | undefined, maxRetryAfterMs: number): number | undefined {
  if (failedTries > scheduleSeconds.length) return undefined;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, maxRetryAfterMs);
  const base = (scheduleSeconds[failedTries - 1] as number) * 1000;
  return Math.max(0, Math.round(base * (1 - jitter + Math.random() * 2 * jitter)));
}
