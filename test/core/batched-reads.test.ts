/**
 * Reads by id gathered over one turn of the event loop (issue 16: a hundred cold token requests read
 * their secrets in one statement): every caller gets its own answer, a failure reaches every caller of
 * that turn, and on SQLite and PostgreSQL concurrent reads of stored, missing and repeated ids answer as one at a time would.
 */
import { describe, expect, it } from 'vitest';
import { CORE } from '@tessera/core';
import { BatchedReads } from '../../packages/core/src/store/batched-reads.js';
import { startTestTessera } from '../support/start-test-tessera.js';
import { DATABASE_STORAGES } from '../support/test-postgres.js';

describe('BatchedReads', () => {
  it('answers the keys asked for in one turn with one load (at once or by a promise), each caller its value or undefined', async () => {
    const loads: string[][] = [];
    const reads = new BatchedReads<string>((keys) => {
      loads.push([...keys]);
      return new Map(keys.filter((key) => key !== 'missing').map((key) => [key, `value of ${key}`]));
    });
    const answers = await Promise.all(['a', 'b', 'a', 'missing'].map((key) => reads.get(key)));
    expect(answers).toEqual(['value of a', 'value of b', 'value of a', undefined]);
    expect(loads).toEqual([['a', 'b', 'missing']]);
    // A later turn is a load of its own.
    expect(await reads.get('c')).toBe('value of c');
    expect(loads).toHaveLength(2);
    const later = new BatchedReads<number>(async (keys) => new Map(keys.map((key) => [key, key.length])));
    expect(await Promise.all([later.get('ab'), later.get('abc')])).toEqual([2, 3]);
  });

  it('rejects every caller of the turn whose load failed, and loads again on the next', async () => {
    let fail = true;
    const reads = new BatchedReads<string>(async (keys) => {
      if (fail) throw new Error('database is locked');
      return new Map(keys.map((key) => [key, key.toUpperCase()]));
    });
    const results = await Promise.allSettled([reads.get('a'), reads.get('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'database is locked' });
    fail = false;
    expect(await reads.get('a')).toBe('A');
  });
});

describe.each(DATABASE_STORAGES)('secret records read together (%s)', (storage) => {
  it('give each concurrent reader the stored row (a record of its own), and undefined for an id not stored', async () => {
    const world = await startTestTessera({ storage });
    const created = await Promise.all([1, 2, 3].map((n) => world.createGeneralSecret({ password: `password-${n}` }, `batched-${n}`)));
    const records = world.container.get(CORE.SecretRecords);
    const ids = [created[0]!.id, created[1]!.id, 'sec_00000000000000000000', created[0]!.id, created[2]!.id];
    const found = await Promise.all(ids.map((id) => records.find(id)));
    expect(found.map((record) => record?.name)).toEqual(['batched-1', 'batched-2', undefined, 'batched-1', 'batched-3']);
    expect(found[0]).toEqual(found[3]);
    expect(found[0]).not.toBe(found[3]);
    // What a write changed is what the next turn reads.
    await world.secrets.update(created[1]!.id, { name: 'renamed' });
    expect((await records.find(created[1]!.id))?.name).toBe('renamed');
    await world.container.unbindAllAsync();
  });
});
