/**
 * The values the Redactor masks, indexed by their first characters: finding which of tens of thousands
 * occur in a text costs one lookup per position of the text, not one search of the text per value.
 */

/** Every indexed value is at least this long (shorter ones are never masked by value). */
const PREFIX = 4;
/** Up to this many values, searching the text for each is cheaper than walking it. */
const LINEAR_UP_TO = 256;

export class ValueIndex {
  /** First characters → value → how many registrations hold it. */
  readonly #byPrefix = new Map<string, Map<string, number>>();
  #size = 0;

  add(value: string): void {
    if (value.length < PREFIX) return;
    const prefix = value.slice(0, PREFIX);
    let bucket = this.#byPrefix.get(prefix);
    if (!bucket) this.#byPrefix.set(prefix, (bucket = new Map()));
    const held = bucket.get(value) ?? 0;
    if (held === 0) this.#size++;
    bucket.set(value, held + 1);
  }

  remove(value: string): void {
    const prefix = value.slice(0, PREFIX);
    const bucket = this.#byPrefix.get(prefix);
    const held = bucket?.get(value);
    if (!bucket || held === undefined) return;
    if (held > 1) return void bucket.set(value, held - 1);
    bucket.delete(value);
    this.#size--;
    if (bucket.size === 0) this.#byPrefix.delete(prefix);
  }

  /** The indexed values that occur in `text`. */
  foundIn(text: string): string[] {
    const found: string[] = [];
    if (this.#size === 0 || text.length < PREFIX) return found;
    if (this.#size <= LINEAR_UP_TO) {
      for (const bucket of this.#byPrefix.values()) for (const value of bucket.keys()) if (text.includes(value)) found.push(value);
      return found;
    }
    const seen = new Set<string>();
    for (let at = 0; at <= text.length - PREFIX; at++) {
      const bucket = this.#byPrefix.get(text.slice(at, at + PREFIX));
      if (!bucket) continue;
      for (const value of bucket.keys()) {
        if (!seen.has(value) && text.startsWith(value, at)) {
          seen.add(value);
          found.push(value);
        }
      }
    }
    return found;
  }
}
