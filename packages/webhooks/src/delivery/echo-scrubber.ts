/**
 * What is stored of a receiver's answer never holds what the request carried: the bearer token, the
 * signing secrets and the header values are masked however the receiver encoded them when echoing
 * (each character as itself, JSON-escaped with `\uXXXX` in either case, percent-encoded, a space as `+`),
 * and an answer cut at 4 KB loses any start of one at its end.
 */
import { REDACTED, escapeRegExp, valueForms } from '@tessera/core';

/** Shorter values are not masked (they would garble the text); no form of a longer one is shorter. */
const MIN_LENGTH = 4;
/** Patterns and forms are built once per value (a token, a header value), not once per delivery. */
const MAX_CACHED = 2_000;

export class EchoScrubber {
  readonly #sources = new Map<string, string>();
  readonly #patterns = new Map<string, RegExp>();
  readonly #forms = new Map<string, readonly string[]>();

  /** `values`: what the request carried; `cut`: the text is the start of a longer answer. */
  scrub(text: string | null, values: readonly string[], cut = false): string | null {
    if (text === null || text.length < MIN_LENGTH) return text;
    const usable = values.filter((value) => value.length >= MIN_LENGTH);
    if (usable.length === 0) return text;
    const masked = text.replace(this.#pattern(usable), REDACTED);
    return cut ? withoutPartialTail(masked, usable.flatMap((value) => cached(this.#forms, value, () => valueForms(value)))) : masked;
  }

  /** One pattern for all the values, longest first, so one pass masks them all and a mask is never masked again. */
  #pattern(values: readonly string[]): RegExp {
    const key = values.join('\u0000');
    return cached(this.#patterns, key, () => {
      const longestFirst = [...new Set(values)].sort((a, b) => b.length - a.length);
      return new RegExp(longestFirst.map((value) => cached(this.#sources, value, () => echoSource(value))).join('|'), 'g');
    });
  }
}

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

/** The regular expression source that matches `value` in any of the encodings a receiver may echo it in, mixed freely. */
function echoSource(value: string): string {
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
    const last = text.length - MIN_LENGTH;
    for (let at = text.indexOf(first, Math.max(0, text.length - form.length + 1)); at !== -1 && at <= last && at < end; at = text.indexOf(first, at + 1)) {
      if (form.startsWith(text.slice(at))) {
        end = at;
        break;
      }
    }
  }
  return text.slice(0, end);
}
