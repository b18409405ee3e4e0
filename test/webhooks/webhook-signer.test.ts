/**
 * Signing with `node:crypto` (issue 16) gives, byte for byte, the signature the `standardwebhooks`
 * package gives: random ids, timestamps, bodies (empty, non-ASCII, lone surrogates, long) and secrets.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { WebhookSigner } from '../../packages/webhooks/src/delivery/webhook-signer.js';
import { generateSigningSecret } from '../../packages/webhooks/src/endpoints/signing-secret.js';
import { seededRandom } from '../support/seeded-random.js';

const PIECES = ['', 'a', '{"type":"order.paid","data":{"n":1}}', 'héllo', '✓', '日本語', '🎉', '\u2028', '\ud800', '\udfff', '"', '\\', '\n', '\u0000', 'é'.normalize('NFD')];

function text(random: () => number, maxPieces: number): string {
  let out = '';
  const n = Math.floor(random() * maxPieces);
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.6) out += PIECES[Math.floor(random() * PIECES.length)];
    else if (r < 0.9) out += String.fromCharCode(Math.floor(random() * 0x10000));
    else out += String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
  }
  return out;
}

describe('signing with node:crypto', () => {
  it('signs random ids, timestamps and bodies exactly as the standardwebhooks package does', () => {
    const random = seededRandom(20261203);
    const secrets = [generateSigningSecret(), generateSigningSecret(), 'whsec_' + randomBytes(24).toString('base64'), 'whsec_' + randomBytes(64).toString('base64'), randomBytes(32).toString('base64')];
    let compared = 0;
    for (const secret of secrets) {
      const ours = new WebhookSigner(secret);
      const theirs = new Webhook(secret);
      for (let i = 0; i < 400; i++) {
        const id = random() < 0.5 ? `msg_${randomBytes(14).toString('hex')}` : text(random, 6);
        const seconds = random() < 0.5 ? Math.floor(Date.now() / 1000) + Math.floor(random() * 1000) - 500 : Math.floor(random() * 2 ** 33);
        const body = random() < 0.05 ? '' : random() < 0.05 ? 'x'.repeat(100_000) + text(random, 4) : text(random, 40);
        const expected = theirs.sign(id, new Date(seconds * 1000), body);
        const actual = ours.sign(id, seconds, body);
        if (actual !== expected) throw new Error(`differs for ${JSON.stringify({ secret: secret.slice(0, 10), id, seconds, body: body.slice(0, 200) })}`);
        compared++;
      }
    }
    expect(compared).toBe(2_000);
    // And the package verifies what this signs.
    const secret = generateSigningSecret();
    const body = JSON.stringify({ type: 'a.one', data: { text: 'héllo ✓ 🎉' } });
    const seconds = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(seconds), 'webhook-signature': new WebhookSigner(secret).sign('msg_1', seconds, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('leaves a secret whose base64 is not canonical to the package, which signs or refuses it as before', () => {
    // 33 bytes of key written without its padding, and one with a stray character: Node would decode both.
    const unpadded = 'whsec_' + randomBytes(33).toString('base64').replace(/=+$/, '');
    const id = 'msg_2';
    const body = '{"a":1}';
    const seconds = 1_765_000_000;
    for (const secret of [unpadded, 'whsec_' + randomBytes(32).toString('base64').slice(0, -2) + '!=']) {
      let expected: string | Error;
      try {
        expected = new Webhook(secret).sign(id, new Date(seconds * 1000), body);
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) expect(() => new WebhookSigner(secret)).toThrow(expected.message);
      else expect(new WebhookSigner(secret).sign(id, seconds, body)).toBe(expected);
    }
  });
});
