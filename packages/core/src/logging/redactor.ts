/**
 * Masks credentials and tokens wherever they would be logged: by field name (password, clientSecret,
 * access_token, authorization, …) and by value. Credentials are registered per secret and kept while
 * the secret exists; tokens and draft values are registered in a bounded, most-recently-used pool.
 */
import { injectable } from 'inversify';
import { maskValues } from './mask-values.js';

export const REDACTED = '[REDACTED]';
/** Shorter values would mask ordinary words; such credentials are still masked by field name. */
const MIN_VALUE_LENGTH = 4;
/** Tokens and draft values kept for masking; the oldest unused ones go first. */
const MAX_TRANSIENT_VALUES = 20_000;
/** Deeper structures are not walked; they are replaced rather than logged unchecked. */
const MAX_DEPTH = 8;
/**
 * Matched against the end of a name in lower case with everything but letters removed, so `client_secret`,
 * `Ocp-Apim-Subscription-Key`, `x-api-key`, `code_verifier` and `client_assertion_jwt` all count.
 */
const SENSITIVE_NAME = /(password|passwd|pwd|passphrase|secret|token|authorization|assertion|jwt|key|cookie|credentials?|verifier|signature)$/;

export function isSensitiveName(key: string): boolean {
  return SENSITIVE_NAME.test(key.toLowerCase().replace(/[^a-z]/g, ''));
}

@injectable()
export class Redactor {
  readonly #credentials = new Map<string, string[]>();
  readonly #transient = new Set<string>();

  /** The current sensitive values of one owner (a secret id); replaces what it had before. */
  registerCredentials(ownerId: string, values: readonly string[]): void {
    // Not `flatMap(valueForms)`: flatMap would pass each value's index as valueForms' minimum length.
    this.#credentials.set(ownerId, values.flatMap((value) => valueForms(value)));
  }

  /** Forgets an owner's values (its secret was deleted). */
  forget(ownerId: string): void {
    this.#credentials.delete(ownerId);
  }

  /** From now on, `value` (a token, a draft credential) is masked, until it is among the oldest of many. */
  register(value: string): void {
    for (const form of valueForms(value)) {
      this.#transient.delete(form);
      this.#transient.add(form);
    }
    while (this.#transient.size > MAX_TRANSIENT_VALUES) {
      const oldest = this.#transient.values().next().value as string;
      this.#transient.delete(oldest);
    }
  }

  /** The text with every registered value masked, in one pass over the text as it was (a mask is never masked again). */
  redactText(text: string): string {
    return maskValues(text, this.#registered(), REDACTED);
  }

  *#registered(): Iterable<string> {
    for (const values of this.#credentials.values()) yield* values;
    yield* this.#transient;
  }

  /** A copy of `value` with sensitive fields masked and registered values replaced. */
  redact(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return '[TOO DEEP]';
    if (Array.isArray(value)) return value.map((item) => this.redact(item, depth + 1));
    const out: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    const keys = value instanceof Error ? ['name', 'message', 'code', 'stack', ...Object.keys(value)] : Object.keys(value);
    for (const key of keys) {
      const item = source[key];
      if (item === undefined) continue;
      out[key] = isSensitiveName(key) && typeof item === 'string' && item.length > 0 ? REDACTED : this.redact(item, depth + 1);
    }
    return out;
  }
}

/**
 * The value as it may appear: plain, URL-encoded, form-encoded (`application/x-www-form-urlencoded`
 * writes spaces as `+` and escapes `!'()~`, unlike `encodeURIComponent`), and JSON-escaped; none for a
 * value shorter than `minLength`.
 */
export function valueForms(value: string, minLength = MIN_VALUE_LENGTH): string[] {
  if (value.length < minLength) return [];
  const out = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]);
  return [...out];
}
