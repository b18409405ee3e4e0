/**
 * One rule masks credentials by value everywhere (core's `CredentialMasker`): in log lines, in a token
 * endpoint's answers and in what a webhook receiver echoes (test/webhooks/webhook-credentials.test.ts).
 * A value of 4 characters or more is masked in any encoding, mixed freely, longest first, a mask never
 * masked again; a shorter one withholds a remote party's text whole, and a cut text loses a started one.
 */
import { inspect } from 'node:util';
import type { Logger } from 'winston';
import { describe, expect, it } from 'vitest';
import { CORE, CredentialMasker, REDACTED, valueForms, WITHHELD, type TokenRequestError } from '@tessera/core';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';

/** The value with its characters from `from` on percent-encoded (lower-case hex), the rest as they are: no one encoding of it whole. */
function halfPercentEncoded(value: string, from = 4): string {
  return value.slice(0, from) + [...value.slice(from)].map((char) => [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')).join('');
}

describe('the credential masker', () => {
  const masker = new CredentialMasker();

  it('masks a value in any encoding, mixed within it, and nothing else', () => {
    const value = 'Pa/ss wörd"9';
    const forms = [
      value,
      'Pa\\u002Fss w\\u00f6rd\\"9', // JSON, \u escapes in either case and a short escape, mixed with plain characters
      'Pa%2fss+w%C3%B6rd%229', // percent-encoded in either case, a space as +
      'Pa\\/ss%20w\\u00F6rd\\u00229',
    ];
    for (const form of forms) expect(masker.mask(`before ${form} after`, [value])).toBe(`before ${REDACTED} after`);
    expect(masker.mask('Pa/ss word"9', [value])).toBe('Pa/ss word"9');
  });

  it('masks the longest value first, in one pass, so a mask is never masked again', () => {
    expect(masker.mask('xabcdefx abcd', ['abcd', 'abcdef'])).toBe(`x${REDACTED}x ${REDACTED}`);
    // `DACT` is a part of the mask's own text.
    expect(masker.mask('code DACT', ['DACT'])).toBe(`code ${REDACTED}`);
  });

  it('keeps a text with a value too short to mask, or withholds it whole when asked (a remote party\'s answer)', () => {
    expect(masker.mask('wrong password Qz7', ['Qz7'])).toBe('wrong password Qz7');
    expect(masker.mask('wrong password Qz7', ['Qz7'], { shortValues: 'withhold' })).toBe(WITHHELD);
    expect(masker.mask('wrong password Qz%37', ['Qz7'], { shortValues: 'withhold' })).toBe(WITHHELD);
    expect(masker.mask('authentication failure', ['Qz7'], { shortValues: 'withhold' })).toBe('authentication failure');
  });

  it('drops the start of a value at the end of a cut text', () => {
    expect(masker.mask('{"seen":"tok_12', ['tok_123456'], { cut: true })).toBe('{"seen":"');
    expect(masker.mask('{"seen":"tok_12', ['tok_123456'])).toBe('{"seen":"tok_12');
    // Under 4 characters of it: too little to give anything away, and common.
    expect(masker.mask('{"seen":"tok', ['tok_123456'], { cut: true })).toBe('{"seen":"tok');
  });
});

describe('the forms a value is found by', () => {
  it('has each encoding of a value with any character (ASCII, Latin, CJK, emoji), and one form for a value every encoding keeps', () => {
    const odd = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), '\u007f', 'é', '\u2028', '鍵', '\u{1F511}'];
    for (const char of odd) {
      const value = `ab${char}cd`;
      const json = JSON.stringify(value).slice(1, -1);
      const expected = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), json, json.replace(/\//g, '\\/')]);
      const forms = valueForms(value);
      for (const form of expected) expect(forms, `${JSON.stringify(char)}: ${form}`).toContain(form);
    }
    expect(valueForms('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_*')).toEqual(['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_*']);
    expect(valueForms('abc')).toEqual([]);
  });
});

describe('one rule everywhere', () => {
  it('masks a credential encoded half-way in a log line and in a token endpoint answer alike', async () => {
    const world = await startTestTessera({ tokens: { maxAttempts: 1 } });
    const password = randomCredential('pw-mixed');
    const mixed = halfPercentEncoded(password);
    const secret = await world.createGeneralSecret({ password });
    // The token endpoint quotes it half-encoded: the error the caller gets, and its report, never hold it.
    world.tokenServer.respond(() => ({ status: 400, body: { error: 'invalid_client', error_description: `could not parse password=${mixed}` } }));
    const error = (await world.tokens.getToken(secret.id).catch((e: unknown) => e)) as TokenRequestError;
    expect(error.oauthErrorDescription).toBe(`could not parse password=${REDACTED}`);
    expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(mixed);
    expect(JSON.stringify(await world.tester.test(secret.id))).not.toContain(mixed);

    // A log line that holds it whole and half-encoded: both masked.
    world.container.get<Logger>(CORE.Logger).warn(`sent ${password}, the endpoint saw ${mixed}`);
    const line = JSON.stringify(world.logs.at(-1));
    expect(line).toContain(`sent ${REDACTED}, the endpoint saw ${REDACTED}`);
    expect(line).not.toContain(mixed);
  });
});
