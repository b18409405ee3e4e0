/**
 * The Redactor's index of values (issue 16: the cost of a log line independent of how many are
 * registered) finds exactly the registered values a text holds, as searching the text for each would:
 * long and short values, shared endings, non-ASCII text, values added, registered twice and removed.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValueIndex } from '../../packages/core/src/logging/value-index.js';
import { seededRandom } from '../support/seeded-random.js';

describe('ValueIndex', () => {
  it('finds exactly the values a text holds, among thousands added and removed', () => {
    const random = seededRandom(16);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
    const alphabet = [...'abcXYZ019-_.~/+=', 'é', '✓', '日', '\ud83c\udf89', '\ud800'];
    const word = (min: number, max: number) => Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () => pick(alphabet)).join('');
    // The last one longer than a crowded bucket's second key (16 characters): values found by the same tail.
    const endings = [word(8, 8), word(8, 8), word(4, 4), word(20, 20)];
    const values: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const r = random();
      // Short ones (4–7), long ones, and many sharing an ending, as one issuer's tokens may.
      values.push(r < 0.2 ? word(4, 7) : r < 0.5 ? word(1, 20) + pick(endings) : randomBytes(12).toString('base64url'));
    }
    const index = new ValueIndex();
    const held = new Map<string, number>();
    const add = (value: string) => {
      index.add(value);
      held.set(value, (held.get(value) ?? 0) + 1);
    };
    const remove = (value: string) => {
      const count = held.get(value);
      const gone = index.remove(value);
      if (count === undefined) return;
      expect(gone).toBe(count === 1);
      if (count === 1) held.delete(value);
      else held.set(value, count - 1);
    };
    for (const value of values) add(value);
    for (let i = 0; i < 300; i++) add(pick(values));
    for (let i = 0; i < 1_200; i++) remove(pick(values));
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const inside = Array.from({ length: Math.floor(random() * 4) }, () => pick(values));
      const text = [word(0, 30), ...inside.flatMap((value) => [value, word(0, 12)])].join(random() < 0.5 ? ' ' : '');
      const expected = [...held.keys()].filter((value) => value.length >= 4 && text.includes(value)).sort();
      expect(index.foundIn(text).sort()).toEqual(expected);
      checked += expected.length;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('finds nothing once every value is removed, and each again once added back', () => {
    const index = new ValueIndex();
    const values = Array.from({ length: 1_000 }, () => randomBytes(9).toString('hex'));
    for (const value of values) index.add(value);
    const text = `a line quoting ${values[10]} and ${values[999]}`;
    expect(index.foundIn(text).sort()).toEqual([values[10], values[999]].sort());
    for (const value of values) expect(index.remove(value)).toBe(true);
    expect(index.foundIn(text)).toEqual([]);
    for (const value of values) index.add(value);
    expect(index.foundIn(text).sort()).toEqual([values[10], values[999]].sort());
    // At the very start and the very end of a text, short (4 characters) and long alike.
    for (const value of ['abcd', 'wxyz1', 'ÿ✓日x']) index.add(value);
    expect(index.foundIn('abcd')).toEqual(['abcd']);
    expect(index.foundIn('ÿ✓日x says abcd').sort()).toEqual(['abcd', 'ÿ✓日x'].sort());
    expect(index.foundIn(`${values[0]}`)).toEqual([values[0]]);
    expect(index.foundIn(`${values[1]}wxyz1`).sort()).toEqual([values[1], 'wxyz1'].sort());
  });

  it('keeps finding what is registered while most values come and go, as tokens do when they expire (the bits made again)', () => {
    const index = new ValueIndex();
    let live: string[] = [];
    const gone: string[] = [];
    // Rounds that each remove far more than the stale bits allowed (1,024 and a quarter of the rest), then add anew.
    for (let round = 0; round < 4; round++) {
      const fresh = Array.from({ length: 4_000 }, () => randomBytes(12).toString('base64url'));
      for (const value of fresh) index.add(value);
      live.push(...fresh);
      const leaving = live.splice(0, 3_000);
      for (const value of leaving) expect(index.remove(value)).toBe(true);
      gone.push(...leaving);
      for (let i = 0; i < 50; i++) {
        const kept = live[(i * 97 + round) % live.length] as string;
        const dropped = gone[(i * 89 + round) % gone.length] as string;
        expect(index.foundIn(`kept ${kept} and dropped ${dropped}`)).toEqual([kept]);
      }
    }
    for (const value of live) index.remove(value);
    live = [];
    expect(index.foundIn(`nothing here: ${gone[0]} ${gone.at(-1)}`)).toEqual([]);
  });
});
