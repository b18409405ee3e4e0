/**
 * Extra header values of an endpoint, which are credentials (an API key, a tenant token): sealed with
 * the key ring in `sealed_headers`, their names alone in `headers`, masked in every view. Rows from
 * before hold clear values in `headers` until they are sealed.
 */
import { MASK, ValidationError, type KeyRing } from '@tessera/core';
import type { EndpointRow } from './endpoint-records.js';

/** The two columns for `headers` in clear: names with null values, and one envelope of the values. */
export function sealHeaders(keys: KeyRing, id: string, headers: Readonly<Record<string, string>>): Pick<EndpointRow, 'headers' | 'sealed_headers'> {
  const names = Object.keys(headers);
  return {
    headers: JSON.stringify(Object.fromEntries(names.map((name) => [name, null]))),
    sealed_headers: names.length > 0 ? keys.encrypt(JSON.stringify(headers), id) : null,
  };
}

/** The header values in clear, for sending. */
export function openHeaders(keys: KeyRing, row: Pick<EndpointRow, 'id' | 'headers' | 'sealed_headers'>): Record<string, string> {
  // Clear values win: an older version that wrote them did so after the sealed ones.
  const clear = legacyClearHeaders(row);
  if (clear !== undefined) return clear;
  // The names listed are the headers there are (an older version clearing them leaves the envelope behind).
  const names = Object.keys(JSON.parse(row.headers) as Record<string, unknown>);
  if (names.length === 0 || row.sealed_headers === null) return {};
  const sealed = JSON.parse(keys.decrypt(row.sealed_headers, row.id)) as Record<string, string>;
  return Object.fromEntries(names.filter((name) => typeof sealed[name] === 'string').map((name) => [name, sealed[name] as string]));
}

/** What a view shows: every header name, every value masked. */
export function maskedHeaders(row: Pick<EndpointRow, 'headers'>): Record<string, string> {
  return Object.fromEntries(Object.keys(JSON.parse(row.headers) as Record<string, unknown>).map((name) => [name, MASK]));
}

/**
 * A row an older version wrote (before header values were sealed, or since, if one still runs): its
 * values, in clear in `headers`; undefined when it holds none.
 */
export function legacyClearHeaders(row: Pick<EndpointRow, 'headers'>): Record<string, string> | undefined {
  const stored = Object.entries(JSON.parse(row.headers) as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return stored.length > 0 ? Object.fromEntries(stored) : undefined;
}

/** A new set of headers as sent: a value sent masked keeps the stored value of that header (case-insensitively by name). */
export function mergeHeaders(sent: Readonly<Record<string, string>>, stored: Readonly<Record<string, string>>): Record<string, string> {
  const byName = new Map(Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]));
  const missing: string[] = [];
  const merged = Object.fromEntries(
    Object.entries(sent).map(([name, value]) => {
      if (value !== MASK) return [name, value];
      const kept = byName.get(name.toLowerCase());
      if (kept === undefined) missing.push(name);
      return [name, kept ?? ''];
    }),
  );
  if (missing.length > 0) {
    throw new ValidationError('The change to the webhook endpoint', missing.map((name) => ({ field: `headers.${name}`, message: `'${MASK}' keeps a stored value, and this header has none; send its value` })));
  }
  return merged;
}

/** The stored header values a change would keep (left out, or sent masked): the names, as `headers.<name>`. */
export function keptHeaders(sent: Readonly<Record<string, string>> | undefined, stored: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(stored);
  if (sent === undefined) return names.map((name) => `headers.${name}`);
  const masked = new Set(Object.entries(sent).filter(([, value]) => value === MASK).map(([name]) => name.toLowerCase()));
  return names.filter((name) => masked.has(name.toLowerCase())).map((name) => `headers.${name}`);
}
