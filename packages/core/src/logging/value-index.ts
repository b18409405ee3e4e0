/**
 * The values the Redactor masks, indexed by their last characters: finding which of tens of thousands
 * occur in a text costs a lookup or two per position of the text, not one search of the text per value.
 * By the end, not the start: tokens of one issuer share long beginnings (a JWT's header), not endings.
 */

/** Values at least this long are keyed by this many last characters… */
const LONG_KEY = 8;
/** …shorter ones (never under 4: shorter values are not masked by value) by their last 4. */
const SHORT_KEY = 4;
/** Up to this many values, searching the text for each is cheaper than walking it. */
const LINEAR_UP_TO = 256;

export class ValueIndex {
  /** Last characters → value → how many registrations hold it; one map per key length. */
  readonly #long = new Map<string, Map<string, number>>();
  readonly #short = new Map<string, Map<string, number>>();
  #size = 0;

  add(value: string): void {
    if (value.length < SHORT_KEY) return;
    const [buckets, key] = this.#place(value);
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = new Map()));
    const held = bucket.get(value) ?? 0;
    if (held === 0) this.#size++;
    bucket.set(value, held + 1);
  }

  /** Drops one registration of `value`; true when none holds it any more. */
  remove(value: string): boolean {
    if (value.length < SHORT_KEY) return true;
    const [buckets, key] = this.#place(value);
    const bucket = buckets.get(key);
    const held = bucket?.get(value);
    if (!bucket || held === undefined) return true;
    if (held > 1) {
      bucket.set(value, held - 1);
      return false;
    }
    bucket.delete(value);
    this.#size--;
    if (bucket.size === 0) buckets.delete(key);
    return true;
  }

  /** The indexed values that occur in `text`. */
  foundIn(text: string): string[] {
    const found: string[] = [];
    if (this.#size === 0 || text.length < SHORT_KEY) return found;
    if (this.#size <= LINEAR_UP_TO) {
      for (const buckets of [this.#long, this.#short]) for (const bucket of buckets.values()) for (const value of bucket.keys()) if (text.includes(value)) found.push(value);
      return found;
    }
    const seen = new Set<string>();
    const check = (bucket: Map<string, number> | undefined, end: number) => {
      if (!bucket) return;
      for (const value of bucket.keys()) {
        if (!seen.has(value) && text.startsWith(value, end - value.length)) {
          seen.add(value);
          found.push(value);
        }
      }
    };
    for (let end = SHORT_KEY; end <= text.length; end++) {
      if (this.#short.size > 0) check(this.#short.get(text.slice(end - SHORT_KEY, end)), end);
      if (end >= LONG_KEY) check(this.#long.get(text.slice(end - LONG_KEY, end)), end);
    }
    return found;
  }

  #place(value: string): [Map<string, Map<string, number>>, string] {
    return value.length >= LONG_KEY ? [this.#long, value.slice(-LONG_KEY)] : [this.#short, value.slice(-SHORT_KEY)];
  }
}
