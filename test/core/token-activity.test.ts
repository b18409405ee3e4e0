/** Each secret's recent token requests in this process (TokenActivityLog): per hour, and the last requests, credentials masked. */
import { expect, it } from 'vitest';
import { CORE, type TokenActivityLog } from '@tessera/core';
import { FakeClock } from '../support/fake-clock.js';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';

const HOUR = 3_600_000;

it('counts tokens issued, refreshed and failed and the cache hits per hour, and keeps the last requests newest first', async () => {
  const clock = new FakeClock(Date.UTC(2026, 11, 1, 8, 30));
  const world = await startTestTessera({ clock, tokens: { maxAttempts: 1 } });
  const activity = world.container.get<TokenActivityLog>(CORE.TokenActivity);
  const good = await world.createGeneralSecret();
  const password = randomCredential('pw');
  const bad = await world.createGeneralSecret({ password });

  await world.tokens.getToken(good.id); // issued at 08:30
  await world.tokens.getToken(good.id);
  await world.tokens.getToken(good.id);
  clock.advance(2 * HOUR); // 10:30: the 1-hour token has expired
  await world.tokens.getToken(good.id);
  await world.tokens.getToken(good.id);
  world.tokenServer.respond(() => ({ status: 400, body: { error: 'invalid_grant', error_description: `wrong password ${password}` } }));
  await expect(world.tokens.getToken(bad.id)).rejects.toMatchObject({ code: 'oauth' });

  const seen = activity.of(good.id, 3);
  expect(seen).toMatchObject({ secretId: good.id, scope: 'this-process', from: '2026-12-01T08:00:00.000Z', to: '2026-12-01T10:30:00.000Z' });
  expect(seen.hours.map((h) => [h.start.slice(11, 16), h.issued, h.refreshed, h.failed, h.cacheHits])).toEqual([
    ['08:00', 1, 0, 0, 2],
    ['09:00', 0, 0, 0, 0],
    ['10:00', 1, 0, 0, 1],
  ]);
  expect(seen.totals).toEqual({ issued: 2, refreshed: 0, failed: 0, cacheHits: 3 });
  expect(seen.recent.map((r) => [r.at.slice(11, 16), r.outcome])).toEqual([
    ['10:30', 'issued'],
    ['08:30', 'issued'],
  ]);
  expect(activity.of(good.id).hours).toHaveLength(24);

  const failed = activity.of(bad.id);
  expect(failed.totals).toEqual({ issued: 0, refreshed: 0, failed: 1, cacheHits: 0 });
  expect(failed.recent).toEqual([expect.objectContaining({ outcome: 'failed', code: 'oauth', status: 400 })]);
  expect(failed.recent[0]!.message).toMatch(/400/);
  expect(JSON.stringify(failed)).not.toContain(password);

  // Hours older than a day are gone; a deleted secret leaves nothing.
  clock.advance(24 * HOUR);
  expect(activity.of(good.id).totals).toEqual({ issued: 0, refreshed: 0, failed: 0, cacheHits: 0 });
  await world.secrets.delete(bad.id);
  expect(activity.of(bad.id).recent).toEqual([]);
  expect(() => activity.of(good.id, 25)).toThrow(expect.objectContaining({ code: 'validation' }));
});
