/**
 * Masks credentials and tokens wherever they would be logged: by field name (password, clientSecret,
 * access_token, authorization, …) and by value (every decrypted credential and issued token is registered).
 */
import { injectable } from 'inversify';

export const REDACTED = '[REDACTED]';
/** Shorter values would mask ordinary words; such credentials are still masked by field name. */
const MIN_VALUE_LENGTH = 4;
/** Registered values are bounded so a long-running process does not grow without limit. */
const MAX_VALUES = 20_000;
const SENSITIVE_NAME = /(password|passwd|secret|token|authorization|assertion|privatekey|apikey|cookie|masterkey|credentials?)$/;

export function isSensitiveName(key: string): boolean {
  return SENSITIVE_NAME.test(key.toLowerCase().replace(/[^a-z]/g, ''));
}

@injectable()
export class Redactor {
  readonly #values = new Set<string>();

  /** From now on, `value` is masked in every log line, wherever it appears. */
  register(value: string): void {
    if (value.length < MIN_VALUE_LENGTH || this.#values.has(value)) return;
    if (this.#values.size >= MAX_VALUES) {
      const oldest = this.#values.values().next().value;
      if (oldest !== undefined) this.#values.delete(oldest);
    }
    this.#values.add(value);
    // Some places (URLs, form bodies) carry the value encoded.
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.#values.add(encoded);
  }

  redactText(text: string): string {
    let out = text;
    for (const value of this.#values) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return out;
  }

  /** A copy of `value` with sensitive fields masked and registered values replaced. */
  redact(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object' || depth > 8) return value;
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
