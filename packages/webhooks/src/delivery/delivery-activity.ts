/**
 * A webhook's recent deliveries for its chart, as both storages build it: per hour of creation, the
 * deliveries by where they are now and the latency percentiles of their answered attempts.
 */
import { ValidationError } from '@tessera/core';
import type { DeliveryStatus } from './delivery-types.js';

/** The hour a creation time falls in, as both storages compute it in SQL: `(created_at - from) / 3600000`. */
export const ACTIVITY_HOUR_MS = 3_600_000;
const HOUR_MS = ACTIVITY_HOUR_MS;
/** At most a week of hours on one chart. */
export const MAX_ACTIVITY_HOURS = 168;

/** Milliseconds, nearest rank; null when no attempt was answered. */
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface DeliveryCounts {
  succeeded: number;
  failed: number;
  pending: number;
  delivering: number;
  /** Attempts the receiver answered (any HTTP status), whose latency the percentiles are of. */
  answered: number;
  latencyMs: LatencyPercentiles;
}

export interface DeliveryActivityHour extends DeliveryCounts {
  /** ISO time the hour starts; the last hour is the current one, still going. */
  start: string;
}

export interface DeliveryActivity {
  endpointId: string;
  from: string;
  to: string;
  hours: DeliveryActivityHour[];
  totals: DeliveryCounts;
}

/** The window of `hours` whole hours ending with the current one. */
export interface ActivityWindow {
  from: number;
  to: number;
  hours: number;
}

/** Deliveries of one hour (index from the window's start) in one status, as both storages count them. */
export interface StatusCountRow {
  hour: number;
  status: DeliveryStatus;
  n: number;
}

/** Answered attempts of one hour with one latency (whole milliseconds). */
export interface LatencyCountRow {
  hour: number;
  ms: number;
  n: number;
}

export function activityWindow(now: number, hours = 24): ActivityWindow {
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_ACTIVITY_HOURS) {
    throw new ValidationError('The activity window', [{ field: 'hours', message: `hours must be a whole number from 1 to ${MAX_ACTIVITY_HOURS}` }]);
  }
  const from = Math.floor(now / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
  return { from, to: now, hours };
}

export function buildActivity(endpointId: string, window: ActivityWindow, statuses: readonly StatusCountRow[], latencies: readonly LatencyCountRow[]): DeliveryActivity {
  const hours = Array.from({ length: window.hours }, (_, i): DeliveryActivityHour => ({ start: new Date(window.from + i * HOUR_MS).toISOString(), ...emptyCounts() }));
  const totals = emptyCounts();
  for (const row of statuses) {
    const hour = hours[Number(row.hour)];
    if (hour === undefined) continue;
    hour[row.status] += Number(row.n);
    totals[row.status] += Number(row.n);
  }
  const byHour = hours.map((): LatencyCountRow[] => []);
  for (const row of latencies) byHour[Number(row.hour)]?.push({ hour: Number(row.hour), ms: Number(row.ms), n: Number(row.n) });
  byHour.forEach((rows, i) => {
    const hour = hours[i] as DeliveryActivityHour;
    hour.answered = rows.reduce((sum, row) => sum + row.n, 0);
    hour.latencyMs = percentiles(rows);
  });
  totals.answered = hours.reduce((sum, hour) => sum + hour.answered, 0);
  totals.latencyMs = percentiles(byHour.flat());
  return { endpointId, from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), hours, totals };
}

function emptyCounts(): DeliveryCounts {
  return { succeeded: 0, failed: 0, pending: 0, delivering: 0, answered: 0, latencyMs: { p50: null, p95: null, p99: null } };
}

/** Nearest-rank percentiles of latencies given as (value, count) pairs. */
export function percentiles(rows: ReadonlyArray<Pick<LatencyCountRow, 'ms' | 'n'>>): LatencyPercentiles {
  const sorted = [...rows].sort((a, b) => a.ms - b.ms);
  const total = sorted.reduce((sum, row) => sum + row.n, 0);
  const at = (p: number): number | null => {
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil(p * total));
    let seen = 0;
    for (const row of sorted) {
      seen += row.n;
      if (seen >= rank) return row.ms;
    }
    return null;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
