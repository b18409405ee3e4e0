/**
 * DESIGN §7's rule for changes: when a change moves a destination field (a token URL, a login URL, an
 * audience), which stored credentials it would carry along to the new place instead of giving them again.
 */
import { isSecretParamName } from '../logging/redactor.js';
import { MASK, isDestinationField, type FieldDeclaration } from '../secrets/field-declaration.js';
import type { SecretKind } from '../secrets/secret-kind.js';

export interface CarriedCredentials {
  /** Destination fields the change moves. */
  destinations: string[];
  /** Stored sensitive values the change keeps (left out or sent masked), e.g. `password`, `extraParams.api_key`. */
  credentials: string[];
}

/** `previous`: the stored params in clear; `patch`: the change as sent (left out or masked keeps a value, null clears it). */
export function carriedCredentials(kind: SecretKind, previous: Readonly<Record<string, unknown>>, patch: Readonly<Record<string, unknown>>): CarriedCredentials {
  const destinations = kind.fields
    .filter((field) => isDestinationField(field) && patch[field.name] !== undefined && destinationOf(field, patch[field.name]) !== destinationOf(field, previous[field.name]))
    .map((field) => field.name);
  if (destinations.length === 0) return { destinations, credentials: [] };
  const credentials = kind.fields.filter((field) => field.sensitive && hasValue(previous[field.name]) && keeps(patch[field.name])).map((field) => field.name);
  // The secret extra parameters (sealed, masked in views); the others are shown in clear and are no credentials.
  const storedExtras = Object.entries((previous.extraParams ?? {}) as Record<string, unknown>).filter(([name, value]) => isSecretParamName(name) && hasValue(value));
  const sentExtras = patch.extraParams;
  for (const [name] of storedExtras) {
    // Extra parameters are replaced as a whole: one left out of a sent set is removed, not kept.
    const kept = sentExtras === undefined || (sentExtras !== null && typeof sentExtras === 'object' && (sentExtras as Record<string, unknown>)[name] === MASK);
    if (kept) credentials.push(`extraParams.${name}`);
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
