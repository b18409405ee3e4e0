/**
 * What is stored of a receiver's answer never holds what the request carried: the bearer token, the
 * signing secrets and the header values are masked in every form they may be echoed in (plain, URL-,
 * form- and JSON-encoded), and an answer cut at 4 KB loses any start of one at its end.
 */
import { REDACTED, maskValues, valueForms } from '@tessera/core';

/** Forms are computed once per value (a token, a header value), not once per delivery. */
const MAX_CACHED = 10_000;

export class EchoScrubber {
  readonly #forms = new Map<string, readonly string[]>();

  /** `values`: what the request carried; `cut`: the text is the start of a longer answer. */
  scrub(text: string | null, values: readonly string[], cut = false): string | null {
    if (text === null || text === '') return text;
    const forms = values.flatMap((value) => this.#formsOf(value));
    const masked = maskValues(text, forms, REDACTED);
    return cut ? withoutPartialTail(masked, forms) : masked;
  }

  #formsOf(value: string): readonly string[] {
    let forms = this.#forms.get(value);
    if (forms === undefined) {
      if (this.#forms.size >= MAX_CACHED) this.#forms.clear();
      forms = valueForms(value);
      this.#forms.set(value, forms);
    }
    return forms;
  }
}

/** The text without a tail that is the start of one of `forms` (the rest of it was cut off). */
function withoutPartialTail(text: string, forms: readonly string[]): string {
  let end = text.length;
  for (const form of forms) {
    const first = form[0] as string;
    for (let at = text.indexOf(first, Math.max(0, text.length - form.length + 1)); at !== -1 && at < end; at = text.indexOf(first, at + 1)) {
      if (form.startsWith(text.slice(at))) {
        end = at;
        break;
      }
    }
  }
  return text.slice(0, end);
}
