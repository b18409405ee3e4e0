/**
 * Properties of masking by value, for random credential sets of any length: a line without a credential
 * of 4 or more characters comes back unchanged, and one with such a credential keeps none of it.
 */
import fc from 'fast-check';
import type { Logger } from 'winston';
import { describe, expect, it } from 'vitest';
import { CORE, REDACTED, Redactor, valueForms } from '@tessera/core';
import { startTestTessera } from '../support/start-test-tessera.js';

/** Credentials of every length, from plain ASCII to any code unit (lone surrogates and all). */
const credential = fc.oneof(
  fc.string({ minLength: 1, maxLength: 3 }),
  fc.string({ minLength: 1, maxLength: 24 }),
  fc.string({ minLength: 1, maxLength: 24, unit: 'binary' }),
  fc.stringMatching(/^[a-z0-9]{1,12}$/),
);
const credentials = fc.array(credential, { minLength: 1, maxLength: 8 });
const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60, unit: 'binary' }), fc.stringMatching(/^[a-z0-9 ]{0,60}$/));

/** Every form a credential is masked in (plain, URL-, form- and JSON-encoded, …), as the Redactor registers them. */
function forms(value: string): string[] {
  return valueForms(value, 1);
}

/** Tokens registered besides, enough to make the Redactor walk the text through its index instead of searching it per value. */
const FILLERS = Array.from({ length: 300 }, (_, i) => `\u{1F511}filler-${i}-\u{1F511}`);

function redactorWith(values: readonly string[], owners: number, fillers: readonly string[]): Redactor {
  const redactor = new Redactor();
  // Spread over several owners, and several values per owner: the index of a value must not matter.
  for (let owner = 0; owner < owners; owner++) redactor.registerCredentials(`sec_${owner}`, values.filter((_, i) => i % owners === owner));
  for (const filler of fillers) redactor.register(filler);
  return redactor;
}

describe.each([
  ['a few registered values', [] as string[]],
  ['hundreds of registered values', FILLERS],
])('masking by value, for any credentials, with %s', (_label, fillers) => {
  it('returns a line unchanged when it holds no credential of 4 or more characters', () => {
    fc.assert(
      fc.property(credentials, text, fc.integer({ min: 1, max: 3 }), (values, line, owners) => {
        fc.pre(![...values, ...fillers].filter((v) => v.length >= 4).some((v) => forms(v).some((form) => line.includes(form))));
        expect(redactorWith(values, owners, fillers).redactText(line)).toBe(line);
      }),
      { numRuns: fillers.length > 0 ? 300 : 2_000 },
    );
  });

  it('keeps nothing of a credential of 4 or more characters that a line holds, whatever else is registered', () => {
    const input = credentials.chain((values) =>
      fc.record({
        values: fc.constant(values),
        owners: fc.integer({ min: 1, max: 3 }),
        // A line of random text with credentials (in one of their forms) put in between.
        parts: fc.array(fc.oneof(text, fc.tuple(fc.constantFrom(...values), fc.integer({ min: 0, max: 6 })).map(([v, f]) => { const all = forms(v); return all[f % all.length] as string; })), { minLength: 1, maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(input, ({ values, owners, parts }) => {
        const line = parts.join('');
        const kept = redactorWith(values, owners, fillers).redactText(line).split(REDACTED);
        for (const value of values.filter((v) => v.length >= 4)) {
          for (const form of forms(value)) if (line.includes(form)) expect(kept.some((piece) => piece.includes(form))).toBe(false);
        }
      }),
      { numRuns: fillers.length > 0 ? 300 : 2_000 },
    );
  });
});

describe('masking by value in the log', () => {
  it('does not garble the log when a secret has a one-character password, and still masks its field by name', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret({ password: 'a' });
    await world.tokens.getToken(secret.id);
    const logger = world.container.get<Logger>(CORE.Logger);
    logger.info('a token was issued for a secret and a webhook', { password: 'a' });
    const line = world.logs.at(-1)!;
    expect(line.message).toBe('a token was issued for a secret and a webhook');
    expect(line.password).toBe(REDACTED);
  });

  it('leaves the level and the timestamp alone, whatever a password looks like', async () => {
    const world = await startTestTessera();
    const year = String(new Date().getUTCFullYear());
    const secret = await world.createGeneralSecret({ password: year });
    await world.secrets.reveal(secret.id);
    const logger = world.container.get<Logger>(CORE.Logger);
    logger.info('info: fine');
    const line = world.logs.at(-1)!;
    expect(line.level).toBe('info');
    expect(String(line.timestamp)).toMatch(new RegExp(`^${year}-`));
    expect(line.message).toBe('info: fine');
    // A caller's own field of that name is no timestamp of the logger's: it is checked like any other.
    const other = await world.createGeneralSecret({}, 'other');
    const password = String((await world.secrets.reveal(other.id)).params.password);
    logger.info('with a field of its own', { timestamp: password });
    expect(JSON.stringify(world.logs.at(-1))).not.toContain(password);
  });
});
