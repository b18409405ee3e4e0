/**
 * The one rule for masking credentials and tokens by value, wherever a text may hold them: log lines
 * (the `Redactor`), a token endpoint's answers shown to an operator, and what a webhook receiver echoed
 * back. A value of 4 characters or more is masked in any of the encodings a text may carry it in, mixed
 * freely (each character as itself, JSON-escaped with `\uXXXX` in either case or a short escape such as
 * `\/`, percent-encoded in either case, a space as `+`), longest first in one pass, so a mask is never
 * masked again; a text cut off (the first 4 KB of an answer) loses any start of one at its end. A shorter
 * value cannot be masked without garbling the text and giving it away letter by letter: a text from a
 * remote party that holds one is withheld whole; a log line keeps it (such credentials are masked there
 * by field name).
 */
import { escapeRegExp } from './escape-reg-exp.js';

export const REDACTED = '[REDACTED]';
/** What is shown instead of a text that may hold a credential too short to mask. */
export const WITHHELD = '[withheld: it may contain a credential too short to mask]';
/** Shorter values are not masked by value (they would mask ordinary words). */
export const MIN_MASKED_LENGTH = 4;
/** Patterns are built once per value and per set of values, not once per text. */
const MAX_CACHED = 2_000;

export interface MaskOptions {
  /** The text is the start of a longer one (an answer cut at 4 KB): a tail that starts a credential goes too. */
  cut?: boolean;
  /** A value under 4 characters: `keep` the text (a log line), or `withhold` it whole (a remote party's answer). Default `keep`. */
  shortValues?: 'keep' | 'withhold';
}

export class CredentialMasker {
  readonly #sources = new Map<string, string>();
  readonly #patterns = new Map<string, RegExp>();
  readonly #forms = new Map<string, readonly string[]>();

  /** `text` with every one of `values` masked by the rule above. */
  mask(text: string, values: Iterable<string>, options: MaskOptions = {}): string {
    const usable: string[] = [];
    const short: string[] = [];
    for (const value of values) {
      if (value.length >= MIN_MASKED_LENGTH) usable.push(value);
      else if (value.length > 0) short.push(value);
    }
    if (options.shortValues === 'withhold' && short.length > 0 && this.#pattern(short).test(text)) return WITHHELD;
    if (usable.length === 0 || text.length < MIN_MASKED_LENGTH) return text;
    const masked = text.replace(this.#pattern(usable), REDACTED);
    return options.cut ? withoutPartialTail(masked, usable.flatMap((value) => cached(this.#forms, value, () => valueForms(value)))) : masked;
  }

  /** One pattern for all the values, longest first, so one pass masks them all and a mask is never masked again. */
  #pattern(values: readonly string[]): RegExp {
    const distinct = [...new Set(values)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const key = distinct.join('\u0000');
    const pattern = cached(this.#patterns, key, () => new RegExp(distinct.map((value) => cached(this.#sources, value, () => credentialSource(value))).join('|'), 'g'));
    pattern.lastIndex = 0;
    return pattern;
  }
}

/**
 * The value as it may appear whole in one encoding: plain, URL-encoded, form-encoded
 * (`application/x-www-form-urlencoded` writes spaces as `+` and escapes `!'()~`, unlike
 * `encodeURIComponent`), JSON-escaped, and JSON as other encoders write it (non-ASCII as `\uXXXX`, `/`
 * as `\/`); none for a value shorter than `minLength`. What finds a value in a text quickly (the
 * Redactor's index); the mask itself also takes the encodings mixed.
 */
export function valueForms(value: string, minLength = MIN_MASKED_LENGTH): string[] {
  if (value.length < minLength) return [];
  // Most passwords and tokens (a JWT, say) hold only characters every encoding writes as themselves.
  if (SAME_IN_EVERY_FORM.test(value)) return [value];
  const json = JSON.stringify(value).slice(1, -1);
  const asciiJson = json.replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
  const out = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), json, asciiJson, json.replace(/\//g, '\\/'), asciiJson.replace(/\//g, '\\/')]);
  return [...out];
}

/** What URL-, form- and JSON-encoding all leave as it is. */
const SAME_IN_EVERY_FORM = /^[A-Za-z0-9*._-]*$/;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

const SHORT_ESCAPES: Record<string, string> = { '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '"': '"', '\\': '\\\\', '/': '/' };

/** The regular expression source that matches `value` in any of the encodings a text may carry it in, mixed freely. */
function credentialSource(value: string): string {
  let source = '';
  for (const char of value) {
    const options = new Set<string>([escapeRegExp(char)]);
    options.add([...char].map((unit) => `\\\\u${hexSource(unit.charCodeAt(0), 4)}`).join(''));
    if (char.length === 2) options.add(`\\\\u${hexSource(char.charCodeAt(0), 4)}\\\\u${hexSource(char.charCodeAt(1), 4)}`);
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) options.add(`\\\\${short}`);
    options.add([...Buffer.from(char, 'utf8')].map((byte) => `%${hexSource(byte, 2)}`).join(''));
    if (char === ' ') options.add('\\+');
    source += `(?:${[...options].join('|')})`;
  }
  return source;
}

/** `0x2b` as `2[bB]`: hex digits in either case. */
function hexSource(n: number, width: number): string {
  return [...n.toString(16).padStart(width, '0')].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('');
}

/**
 * The text without a tail that is the start of one of `forms` (the rest of it was cut off), if that tail
 * is 4 characters or more: a shorter one gives away no more than a credential too short to mask, and
 * trimming every answer that happens to end like a credential begins would garble them.
 */
function withoutPartialTail(text: string, forms: readonly string[]): string {
  let end = text.length;
  for (const form of forms) {
    const first = form[0] as string;
    const last = text.length - MIN_MASKED_LENGTH;
    for (let at = text.indexOf(first, Math.max(0, text.length - form.length + 1)); at !== -1 && at <= last && at < end; at = text.indexOf(first, at + 1)) {
      if (form.startsWith(text.slice(at))) {
        end = at;
        break;
      }
    }
  }
  return text.slice(0, end);
}
