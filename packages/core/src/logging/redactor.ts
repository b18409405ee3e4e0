/**
 * Masks credentials and tokens wherever they would be logged: by field name (password, clientSecret,
 * access_token, authorization, …) and by value. Credentials are registered per secret and kept while
 * the secret exists; tokens and draft values are registered in a bounded, most-recently-used pool.
 */
import { injectable } from 'inversify';
import { CredentialMasker, REDACTED, valueForms } from './credential-masker.js';
import { ValueIndex } from './value-index.js';

export { REDACTED, valueForms } from './credential-masker.js';
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
  /** Each form in the index → the value it is a form of (what the masker masks, in every encoding). */
  readonly #valueOf = new Map<string, string>();
  readonly #masker = new CredentialMasker();

  /** The current sensitive values of one owner (a secret id); replaces what it had before. */
  registerCredentials(ownerId: string, values: readonly string[]): void {
    this.forget(ownerId);
    const forms: string[] = [];
    for (const value of values) {
      for (const form of valueForms(value)) {
        this.#add(form, value);
        forms.push(form);
      }
    }
    this.#credentials.set(ownerId, forms);
  }

  /** Forgets an owner's values (its secret was deleted). */
  forget(ownerId: string): void {
    for (const form of this.#credentials.get(ownerId) ?? []) this.#remove(form);
    this.#credentials.delete(ownerId);
  }

  /** From now on, `value` (a token, a draft credential) is masked, until it is among the oldest of many. */
  register(value: string): void {
    for (const form of valueForms(value)) {
      if (this.#transient.delete(form)) this.#remove(form);
      this.#transient.add(form);
      this.#add(form, value);
    }
    while (this.#transient.size > MAX_TRANSIENT_VALUES) {
      const oldest = this.#transient.values().next().value as string;
      this.#transient.delete(oldest);
      this.#remove(oldest);
    }
  }

  /**
   * The text with every registered value it holds masked: found by any whole form of it (the index),
   * then masked in every encoding, mixed too, in one pass over the text as it was (the core's one rule,
   * `CredentialMasker`).
   */
  redactText(text: string): string {
    const found = this.#index.foundIn(text);
    if (found.length === 0) return text;
    return this.#masker.mask(text, found.map((form) => this.#valueOf.get(form) ?? form));
  }

  #add(form: string, value: string): void {
    this.#index.add(form);
    this.#valueOf.set(form, value);
  }

  #remove(form: string): void {
    if (this.#index.remove(form)) this.#valueOf.delete(form);
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
