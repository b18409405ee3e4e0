/**
 * The values the Redactor masks, indexed by a hash of their last characters: finding which of a hundred
 * thousand occur in a text costs, per position of the text, a rolling hash and a look in a table of
 * counts, whatever the number of values; only where the table says a value may end there are the values
 * with that ending compared. By the end, not the start: tokens of one issuer share long beginnings (a
 * JWT's header), not endings.
 */

/** Values at least this long are keyed by this many last characters… */
const LONG_KEY = 8;
/** …shorter ones (never under 4: shorter values are not masked by value) by their last 4. */
const SHORT_KEY = 4;
/** Up to this many values, searching the text for each is cheaper than walking it. */
const LINEAR_UP_TO = 256;
/** Slots of each table (a bit each), a few percent of them taken at 100,000 secrets. */
const SLOT_BITS = 22;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
/** Removed buckets whose bits may stay set before the table is made again, besides a quarter of those left. */
const STALE_FLOOR = 1_024;
/** The rolling hash's multiplier. */
const BASE = 0x01000193;

/** The hash of `text`'s `length` characters ending before `end`, as the rolling hash computes it. */
function hashOf(text: string, end: number, length: number): number {
  let h = 0;
  for (let i = end - length; i < end; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

function slotOf(hash: number): number {
  return (hash ^ (hash >>> SLOT_BITS)) & SLOT_MASK;
}

/** `BASE` to the power of `n`: the weight of the character that leaves a rolling window of `n`. */
function powerOf(n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p = Math.imul(p, BASE);
  return p;
}
const LONG_POWER = powerOf(LONG_KEY);
const SHORT_POWER = powerOf(SHORT_KEY);

/** Past this many values, a bucket also sorts them by a longer ending (or, shorter than that, by length and whole hash). */
const HOT_BUCKET = 16;
/** The longer ending: how many last characters a crowded bucket's values are found by. */
const TAIL = 16;

/**
 * The values sharing the hash of their last characters, with how many registrations hold each. Many may
 * (e-mail addresses of one domain end alike): past `HOT_BUCKET` they are also found by the hash of their
 * last `TAIL` characters, and those shorter by their length and the hash of all their characters, so a
 * text position costs a look or a few, not a comparison per value.
 */
class Bucket {
  readonly values = new Map<string, number>();
  /** Values shorter than `TAIL`: length → hash of the whole value → values. */
  byLength: Map<number, Map<number, Set<string>>> | undefined;
  /** Values of `TAIL` characters or more: hash of their last `TAIL` → values (a set: many may share an ending, and one goes in O(1)). */
  byTail: Map<number, Set<string>> | undefined;

  add(value: string): boolean {
    const held = this.values.get(value) ?? 0;
    this.values.set(value, held + 1);
    if (held > 0) return false;
    if (this.byLength !== undefined) this.#sort(value);
    else if (this.values.size > HOT_BUCKET) {
      this.byLength = new Map();
      this.byTail = new Map();
      for (const each of this.values.keys()) this.#sort(each);
    }
    return true;
  }

  remove(value: string): 'gone' | 'held' | 'absent' {
    const held = this.values.get(value);
    if (held === undefined) return 'absent';
    if (held > 1) {
      this.values.set(value, held - 1);
      return 'held';
    }
    this.values.delete(value);
    if (this.byLength !== undefined) {
      if (this.values.size <= HOT_BUCKET / 2) {
        this.byLength = undefined;
        this.byTail = undefined;
      } else if (value.length >= TAIL) {
        dropFrom(this.byTail as Map<number, Set<string>>, hashOf(value, value.length, TAIL), value);
      } else {
        const byHash = this.byLength.get(value.length) as Map<number, Set<string>>;
        if (dropFrom(byHash, hashOf(value, value.length, value.length), value) && byHash.size === 0) this.byLength.delete(value.length);
      }
    }
    return 'gone';
  }

  #sort(value: string): void {
    if (value.length >= TAIL) {
      addTo(this.byTail as Map<number, Set<string>>, hashOf(value, value.length, TAIL), value);
      return;
    }
    const byLength = this.byLength as Map<number, Map<number, Set<string>>>;
    let byHash = byLength.get(value.length);
    if (!byHash) byLength.set(value.length, (byHash = new Map()));
    addTo(byHash, hashOf(value, value.length, value.length), value);
  }
}

function addTo(sets: Map<number, Set<string>>, hash: number, value: string): void {
  const set = sets.get(hash);
  if (set) set.add(value);
  else sets.set(hash, new Set([value]));
}

/** true when the hash has no value left. */
function dropFrom(sets: Map<number, Set<string>>, hash: number, value: string): boolean {
  const set = sets.get(hash);
  set?.delete(value);
  if (set !== undefined && set.size > 0) return false;
  sets.delete(hash);
  return true;
}

/** Values keyed by the hash of their last `keyLength` characters, with a table of bits in front. */
class KeyedValues {
  /** Hash of the last characters → the values ending so. */
  readonly buckets = new Map<number, Bucket>();
  /**
   * A bit per slot, set while a bucket may have its hash there: what a text position looks at (512 KB
   * stays in the CPU's cache). Made once the values are many. A bucket's removal leaves its bit set (a
   * look more, never a value missed) until stale bits are many; then the bits are made again.
   */
  #bits: Int32Array | undefined;
  /** Buckets removed since the bits were made. */
  #stale = 0;

  constructor(readonly keyLength: number) {}

  /** The bits, made from the buckets the first time they are needed (and again once many are stale). */
  table(): Int32Array {
    if (this.#bits === undefined) {
      this.#bits = new Int32Array(1 << (SLOT_BITS - 5));
      for (const hash of this.buckets.keys()) this.#set(hash);
    }
    return this.#bits;
  }

  #set(hash: number): void {
    const bits = this.#bits;
    if (bits === undefined) return;
    const slot = slotOf(hash);
    bits[slot >>> 5] = (bits[slot >>> 5] as number) | (1 << (slot & 31));
  }

  /** true when the value was not held before. */
  add(value: string): boolean {
    const hash = hashOf(value, value.length, this.keyLength);
    let bucket = this.buckets.get(hash);
    if (!bucket) {
      this.buckets.set(hash, (bucket = new Bucket()));
      this.#set(hash);
    }
    return bucket.add(value);
  }

  /** 'gone' when no registration holds the value any more, 'held' when one still does, 'absent' when none did. */
  remove(value: string): 'gone' | 'held' | 'absent' {
    const hash = hashOf(value, value.length, this.keyLength);
    const bucket = this.buckets.get(hash);
    if (!bucket) return 'absent';
    const outcome = bucket.remove(value);
    if (bucket.values.size === 0) {
      this.buckets.delete(hash);
      // Made again from the buckets left once stale bits are a quarter of them: a removal costs a few bit sets on average.
      if (this.#bits !== undefined && ++this.#stale > STALE_FLOOR + this.buckets.size / 4) {
        this.#bits = undefined;
        this.#stale = 0;
        this.table();
      }
    }
    return outcome;
  }
}

/** What one search has found so far. */
interface Hits {
  readonly text: string;
  readonly found: string[];
  seen: Set<string> | undefined;
}

/** The values of `bucket` (those whose last characters hash as the text's before `end`) that end there. */
function check(hits: Hits, bucket: Bucket | undefined, end: number): void {
  if (!bucket) return;
  if (bucket.byLength === undefined) {
    for (const value of bucket.values.keys()) report(hits, value, end);
    return;
  }
  const text = hits.text;
  if (end >= TAIL) for (const value of bucket.byTail?.get(hashOf(text, end, TAIL)) ?? []) report(hits, value, end);
  for (const [length, byHash] of bucket.byLength) {
    if (length > end) continue;
    for (const value of byHash.get(hashOf(text, end, length)) ?? []) report(hits, value, end);
  }
}

function report(hits: Hits, value: string, end: number): void {
  if (!hits.text.startsWith(value, end - value.length)) return;
  const seen = (hits.seen ??= new Set());
  if (seen.has(value)) return;
  seen.add(value);
  hits.found.push(value);
}

export class ValueIndex {
  readonly #long = new KeyedValues(LONG_KEY);
  readonly #short = new KeyedValues(SHORT_KEY);
  #size = 0;

  add(value: string): void {
    if (value.length < SHORT_KEY) return;
    if (this.#place(value).add(value)) this.#size++;
  }

  /** Drops one registration of `value`; true when none holds it any more. */
  remove(value: string): boolean {
    if (value.length < SHORT_KEY) return true;
    const outcome = this.#place(value).remove(value);
    if (outcome === 'gone') this.#size--;
    return outcome !== 'held';
  }

  /** The indexed values that occur in `text`. */
  foundIn(text: string): string[] {
    const found: string[] = [];
    if (this.#size === 0 || text.length < SHORT_KEY) return found;
    if (this.#size <= LINEAR_UP_TO) {
      for (const keyed of [this.#long, this.#short]) for (const bucket of keyed.buckets.values()) for (const value of bucket.values.keys()) if (text.includes(value)) found.push(value);
      return found;
    }
    const hits: Hits = { text, found, seen: undefined };
    const long = this.#long;
    const short = this.#short;
    const longBits = long.table();
    const hasShort = short.buckets.size > 0;
    // Values under 8 characters are rare: their table is made only once one is registered.
    const shortBits = hasShort ? short.table() : longBits;
    let longHash = 0;
    let shortHash = 0;
    for (let end = 1; end <= text.length; end++) {
      const code = text.charCodeAt(end - 1);
      longHash = (Math.imul(longHash, BASE) + code) | 0;
      if (end > LONG_KEY) longHash = (longHash - Math.imul(text.charCodeAt(end - 1 - LONG_KEY), LONG_POWER)) | 0;
      if (hasShort) {
        shortHash = (Math.imul(shortHash, BASE) + code) | 0;
        if (end > SHORT_KEY) shortHash = (shortHash - Math.imul(text.charCodeAt(end - 1 - SHORT_KEY), SHORT_POWER)) | 0;
        const slot = slotOf(shortHash);
        if (end >= SHORT_KEY && ((shortBits[slot >>> 5] as number) & (1 << (slot & 31))) !== 0) check(hits, short.buckets.get(shortHash), end);
      }
      const slot = slotOf(longHash);
      if (end >= LONG_KEY && ((longBits[slot >>> 5] as number) & (1 << (slot & 31))) !== 0) check(hits, long.buckets.get(longHash), end);
    }
    return found;
  }

  #place(value: string): KeyedValues {
    return value.length >= LONG_KEY ? this.#long : this.#short;
  }
}
