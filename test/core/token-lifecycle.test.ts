/** The token lifecycle rules of DESIGN §4: reuse, early refresh, single flight, compare-and-invalidate. */
import { describe, expect, it } from 'vitest';
import { CORE, type TokenEvents } from '@tessera/core';
import { FakeClock } from '../support/fake-clock.js';
import { startTestTessera } from '../support/start-test-tessera.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;

describe('reuse and expiry', () => {
  it('reuses the token until it expires, then requests a new one', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock });
    const secret = await world.createGeneralSecret();

    const first = await world.tokens.getToken(secret.id);
    expect(first.expiresAt.getTime()).toBe(clock.now() + HOUR);
    clock.advance(HOUR - 60_001); // just before the refresh margin (60 s for a one-hour token)
    expect((await world.tokens.getToken(secret.id)).accessToken).toBe(first.accessToken);
    expect(world.tokenServer.count).toBe(1);

    clock.advance(60_001); // at expiry
    const second = await world.tokens.getToken(secret.id);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(world.tokenServer.count).toBe(2);
  });

  it('serves the old token inside the refresh margin while exactly one background refresh runs', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock });
    const secret = await world.createGeneralSecret();
    const first = await world.tokens.getToken(secret.id);

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    world.tokenServer.respond(async () => {
      await gate;
      return world.tokenServer.tokenResponse();
    });
    clock.advance(HOUR - 30_000); // inside the 60 s margin, still valid
    const during = await Promise.all(Array.from({ length: 100 }, () => world.tokens.getToken(secret.id)));
    expect(during.every((t) => t.accessToken === first.accessToken)).toBe(true);
    await waitFor(() => world.tokenServer.count === 2);
    release();

    await waitFor(async () => (await world.tokens.getToken(secret.id)).accessToken !== first.accessToken);
    expect(world.tokenServer.count).toBe(2);
  });

  it('scales the refresh margin with the lifetime: 10 % of a 5-minute token', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock });
    world.tokenServer.respond(() => world.tokenServer.tokenResponse({ expires_in: 300 }));
    const secret = await world.createGeneralSecret();
    await world.tokens.getToken(secret.id);
    clock.advance(269_000); // 31 s left: outside the 30 s margin
    await world.tokens.getToken(secret.id);
    expect(world.tokenServer.count).toBe(1);
    clock.advance(2_000); // 29 s left: inside it
    await world.tokens.getToken(secret.id);
    await waitFor(() => world.tokenServer.count === 2);
  });

  it('measures expiry from when the request was sent, not when the answer arrived', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock });
    const sentAt = clock.now();
    world.tokenServer.respond(() => {
      clock.advance(10_000); // a slow endpoint: the answer comes 10 s later
      return world.tokenServer.tokenResponse({ expires_in: 3600 });
    });
    const secret = await world.createGeneralSecret();
    const token = await world.tokens.getToken(secret.id);
    expect(token.expiresAt.getTime()).toBe(sentAt + HOUR);
  });

  it('makes callers wait for the new token once the old one has expired', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock });
    const secret = await world.createGeneralSecret();
    const first = await world.tokens.getToken(secret.id);
    clock.advance(HOUR + 1);
    const next = await world.tokens.getToken(secret.id);
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(next.expiresAt.getTime()).toBeGreaterThan(clock.now());
  });
});

describe('single flight', () => {
  it('makes exactly 1 request for 10,000 concurrent callers on a cold cache', async () => {
    const world = await startTestTessera();
    world.tokenServer.respond(() => ({ ...world.tokenServer.tokenResponse(), delayMs: 50 }));
    const secret = await world.createGeneralSecret();
    const tokens = await Promise.all(Array.from({ length: 10_000 }, () => world.tokens.getToken(secret.id)));
    expect(world.tokenServer.count).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
  });

  it('makes exactly 1 new request after 1,000 concurrent invalidations of the same token', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    const old = await world.tokens.getToken(secret.id);
    const dropped = await Promise.all(
      Array.from({ length: 1_000 }, async () => {
        const result = world.tokens.invalidate(secret.id, old.accessToken);
        await world.tokens.getToken(secret.id);
        return result;
      }),
    );
    expect(dropped.filter(Boolean)).toHaveLength(1);
    expect(world.tokenServer.count).toBe(2);
    const fresh = await world.tokens.getToken(secret.id);
    expect(fresh.accessToken).not.toBe(old.accessToken);
  });

  it('makes no request for 1,000 invalidations of a token that was already replaced', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    const old = await world.tokens.getToken(secret.id);
    world.tokens.invalidate(secret.id, old.accessToken);
    const fresh = await world.tokens.getToken(secret.id);
    const results = await Promise.all(
      Array.from({ length: 1_000 }, async () => {
        const dropped = world.tokens.invalidate(secret.id, old.accessToken);
        return { dropped, token: await world.tokens.getToken(secret.id) };
      }),
    );
    expect(results.every((r) => !r.dropped && r.token.accessToken === fresh.accessToken)).toBe(true);
    expect(world.tokenServer.count).toBe(2);
  });

  it('hands out a frozen token, so no caller can change what others get', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    const token = await world.tokens.getToken(secret.id);
    expect(() => Object.assign(token, { accessToken: 'tampered' })).toThrow(TypeError);
    expect((await world.tokens.getToken(secret.id)).accessToken).not.toBe('tampered');
  });

  it('ignores an invalidation for a token that was already replaced', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    const old = await world.tokens.getToken(secret.id);
    world.tokens.invalidate(secret.id, old.accessToken);
    const fresh = await world.tokens.getToken(secret.id);
    expect(world.tokens.invalidate(secret.id, old.accessToken)).toBe(false);
    expect((await world.tokens.getToken(secret.id)).accessToken).toBe(fresh.accessToken);
    expect(world.tokenServer.count).toBe(2);
  });
});

describe('secret changes', () => {
  it("drops the cached token when the secret's params change, not when only its name does", async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    const first = await world.tokens.getToken(secret.id);
    await world.secrets.update(secret.id, { name: 'renamed' });
    expect((await world.tokens.getToken(secret.id)).accessToken).toBe(first.accessToken);

    await world.secrets.update(secret.id, { params: { scope: 'read' } });
    const second = await world.tokens.getToken(secret.id);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(JSON.parse(world.tokenServer.requests[1]!.body).scope).toBe("('read',)");
  });

  it('does not cache an answer to a request made with params that changed meanwhile', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    world.tokenServer.respond(async (_request, index) => {
      if (index === 0) await gate;
      return world.tokenServer.tokenResponse();
    });
    const stale = world.tokens.getToken(secret.id);
    await waitFor(() => world.tokenServer.count === 1);
    await world.secrets.update(secret.id, { params: { username: 'someone-else' } });
    release();
    const old = await stale;
    const fresh = await world.tokens.getToken(secret.id);
    expect(fresh.accessToken).not.toBe(old.accessToken);
    expect(JSON.parse(world.tokenServer.requests[1]!.body).username).toBe('someone-else');
  });
});

describe('events', () => {
  it('reports each token issued, refreshed early, and failed', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock, tokens: { maxAttempts: 1 } });
    const events = world.container.get<TokenEvents>(CORE.TokenEvents);
    const seen: string[] = [];
    events.on('issued', (e) => seen.push(`issued ${e.secretId === secret.id}`));
    events.on('refreshed', (e) => seen.push(`refreshed ${e.expiresAt.getTime() > clock.now()}`));
    events.on('failed', (e) => seen.push(`failed ${e.code} ${e.status}`));
    const secret = await world.createGeneralSecret();
    await world.tokens.getToken(secret.id);
    clock.advance(HOUR - 1_000);
    await world.tokens.getToken(secret.id);
    await waitFor(() => seen.length === 2);
    clock.advance(HOUR);
    world.tokenServer.respond(() => ({ status: 401, body: { error: 'invalid_client' } }));
    await world.tokens.getToken(secret.id).catch(() => undefined);
    expect(seen).toEqual(['issued true', 'refreshed true', 'failed oauth 401']);
    expect(world.tokens.stats()).toEqual({ cacheHits: 1, requests: 3 });
  });
});

describe('lifetime policy', () => {
  it('refuses an answer without expires_in for the general kind', async () => {
    const world = await startTestTessera();
    world.tokenServer.respond(() => ({ body: { access_token: world.tokenServer.newToken() } }));
    const secret = await world.createGeneralSecret();
    await expect(world.tokens.getToken(secret.id)).rejects.toMatchObject({ code: 'invalid-response', reason: 'missing-expires-in', retryable: false });
  });

  it('uses the default lifetime the secret sets when expires_in is missing', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock });
    world.tokenServer.respond(() => ({ body: { access_token: world.tokenServer.newToken() } }));
    const secret = await world.createGeneralSecret({ defaultLifetimeSeconds: 600 });
    const token = await world.tokens.getToken(secret.id);
    expect(token.expiresAt.getTime()).toBe(clock.now() + 600_000);
  });
});
