/**
 * Masks credentials and tokens wherever they would be logged: by field name (password, clientSecret,
 * access_token, authorization, …) and by value. Credentials are registered per secret and kept while
 * the secret exists; tokens and draft values are registered in a bounded, most-recently-used pool.
 */
import { injectable } from 'inversify';
import { maskValues } from './mask-values.js';
import { ValueIndex } from './value-index.js';

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

/** Words that make a parameter secret wherever they stand in its name… */
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'passcode', 'pass', 'secret', 'token', 'key', 'apikey', 'auth', 'bearer', 'assertion', 'jwt', 'cookie', 'credential', 'credentials', 'verifier', 'signature', 'private', 'pin', 'otp']);
/** …unless the name ends in a word that says it only describes one (`key_version`, `token_type_hint`, `access_key_id`). */
const DESCRIBING_WORDS = new Set(['id', 'version', 'method', 'hint', 'type', 'name', 'url', 'uri', 'endpoint', 'format', 'alg', 'algorithm', 'mode', 'network', 'length', 'size', 'count', 'enabled', 'path', 'header', 'field', 'location', 'expiry', 'expires', 'ttl', 'lifetime', 'scope', 'kind', 'prefix']);

/** `client_secret_b64` → client, secret, b64; `apiKeyV2` → api, key, v2. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether an extra body parameter of a secret holds a secret: judged more warily than a log field, by a
 * secret word anywhere in its name (`client_secret_b64`, `api_key_v2`, `private_key_pem`), not only at its
 * end, unless its last word says it merely describes one. Sealing a value that was not secret costs little;
 * leaving a secret in clear costs everything.
 */
export function isSecretParamName(name: string): boolean {
  if (isSensitiveName(name)) return true;
  const parts = words(name);
  if (parts.length === 0 || DESCRIBING_WORDS.has(parts.at(-1) as string)) return false;
  return parts.some((word) => SECRET_WORDS.has(word));
}

@injectable()
export class Redactor {
  readonly #credentials = new Map<string, string[]>();
  readonly #transient = new Set<string>();
  /** Every value above, credentials and transient alike, for finding them in a text quickly. */
  readonly #index = new ValueIndex();

  /** The current sensitive values of one owner (a secret id); replaces what it had before. */
  registerCredentials(ownerId: string, values: readonly string[]): void {
    this.forget(ownerId);
    // Not `flatMap(valueForms)`: flatMap would pass each value's index as valueForms' minimum length.
    const forms = values.flatMap((value) => valueForms(value));
    for (const form of forms) this.#index.add(form);
    this.#credentials.set(ownerId, forms);
  }

  /** Forgets an owner's values (its secret was deleted). */
  forget(ownerId: string): void {
    for (const form of this.#credentials.get(ownerId) ?? []) this.#index.remove(form);
    this.#credentials.delete(ownerId);
  }

  /** From now on, `value` (a token, a draft credential) is masked, until it is among the oldest of many. */
  register(value: string): void {
    for (const form of valueForms(value)) {
      if (this.#transient.delete(form)) this.#index.remove(form);
      this.#transient.add(form);
      this.#index.add(form);
    }
    while (this.#transient.size > MAX_TRANSIENT_VALUES) {
      const oldest = this.#transient.values().next().value as string;
      this.#transient.delete(oldest);
      this.#index.remove(oldest);
    }
  }

  /** The text with every registered value masked, in one pass over the text as it was (a mask is never masked again). */
  redactText(text: string): string {
    return maskValues(text, this.#index.foundIn(text), REDACTED);
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
 * writes spaces as `+` and escapes `!'()~`, unlike `encodeURIComponent`), JSON-escaped, and JSON as
 * other encoders write it (non-ASCII as `\uXXXX`, `/` as `\/`); none for a value shorter than `minLength`.
 */
export function valueForms(value: string, minLength = MIN_VALUE_LENGTH): string[] {
  if (value.length < minLength) return [];
  const json = JSON.stringify(value).slice(1, -1);
  const asciiJson = json.replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
  const out = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), json, asciiJson, json.replace(/\//g, '\\/'), asciiJson.replace(/\//g, '\\/')]);
  return [...out];
}
