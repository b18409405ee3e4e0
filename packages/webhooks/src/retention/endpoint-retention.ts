/** A webhook's own retention periods as stored (`webhook_endpoints.retention`, JSON) and as shown (`EndpointView.retention`). */
import type { EndpointRetention } from '../endpoints/endpoint-store.js';

export interface RetentionPeriods {
  succeededMs: number | null;
  failedMs: number | null;
}

/** The column's value: null when the webhook keeps the module's periods for both. */
export function storedRetention(retention: EndpointRetention | null | undefined): string | null {
  const succeededMs = retention?.succeededMs ?? null;
  const failedMs = retention?.failedMs ?? null;
  return succeededMs === null && failedMs === null ? null : JSON.stringify({ succeededMs, failedMs });
}

/** The column read back; a value this version cannot read counts as the module's periods. */
export function readRetention(text: string | null): RetentionPeriods {
  if (text === null) return { succeededMs: null, failedMs: null };
  try {
    const parsed = JSON.parse(text) as Partial<Record<keyof RetentionPeriods, unknown>>;
    const period = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);
    return { succeededMs: period(parsed.succeededMs), failedMs: period(parsed.failedMs) };
  } catch {
    return { succeededMs: null, failedMs: null };
  }
}
