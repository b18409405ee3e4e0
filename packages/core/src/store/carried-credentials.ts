/**
 * DESIGN §7's rule for changes: when a change moves a destination field (a token URL, a login URL, an
 * audience), which stored credentials it would carry along to the new place instead of giving them again.
 */
import { isSecretParamName } from '../logging/redactor.js';
import { MASK, type FieldDeclaration } from '../secrets/field-declaration.js';
import type { SecretKind } from '../secrets/secret-kind.js';

export interface CarriedCredentials {
  /** Destination fields the change moves. */
  destinations: string[];
  /**
   * Stored values the change keeps (left out or sent masked), e.g. `password`, `extraParams.api_key`, or
   * `extraParams` when a stored set of extra parameters is left out whole.
   */
  credentials: string[];
}

/** `previous`: the stored params in clear; `patch`: the change as sent (left out or masked keeps a value, null clears it). */
export function carriedCredentials(kind: SecretKind, previous: Readonly<Record<string, unknown>>, patch: Readonly<Record<string, unknown>>): CarriedCredentials {
  const destinations = kind.fields
    .filter((field) => field.destination === true && patch[field.name] !== undefined && destinationOf(field, patch[field.name]) !== destinationOf(field, previous[field.name]))
    .map((field) => field.name);
  if (destinations.length === 0) return { destinations, credentials: [] };
  const credentials = kind.fields.filter((field) => field.sensitive && hasValue(previous[field.name]) && keeps(patch[field.name])).map((field) => field.name);
  const storedExtras = Object.entries((previous.extraParams ?? {}) as Record<string, unknown>).filter(([, value]) => hasValue(value));
  const sentExtras = patch.extraParams;
  // Any extra parameter may be a credential under a name nobody foresaw: a move keeps none of them
  // unless the set is sent again (as a whole: one left out of a sent set is removed, not kept), and a
  // secret one sent back masked is still kept.
  if (storedExtras.length > 0 && sentExtras === undefined) credentials.push('extraParams');
  else if (sentExtras !== null && typeof sentExtras === 'object') {
    for (const [name] of storedExtras) if (isSecretParamName(name) && (sentExtras as Record<string, unknown>)[name] === MASK) credentials.push(`extraParams.${name}`);
  }
  return { destinations, credentials };
}

/** The value a destination field takes: trimmed, its default when empty. */
function destinationOf(field: FieldDeclaration, value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? (field.default ?? '') : text;
}

function hasValue(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

/** A sensitive value left out or sent masked keeps the stored one. */
function keeps(sent: unknown): boolean {
  return sent === undefined || sent === MASK;
}
