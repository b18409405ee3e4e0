/** Retries, permanent failures, the cool-down and malformed answers: typed errors, never crashes. */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Logger } from 'winston';
import { CORE, TokenRequestError } from '@tessera/core';
import { FakeClock } from '../support/fake-clock.js';
import { inspect } from 'node:util';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';
import { startUnacceptingListener } from '../support/unaccepting-listener.js';

async function failure(promise: Promise<unknown>): Promise<TokenRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRequestError);
  return error as TokenRequestError;
}

describe('retries', () => {
  it('retries a 500 with backoff and succeeds', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock });
    world.tokenServer.respond((_r, i) => (i < 2 ? { status: 500, body: 'boom' } : world.tokenServer.tokenResponse()));
    const secret = await world.createGeneralSecret();
    await world.tokens.getToken(secret.id);
    expect(world.tokenServer.count).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
    // Exponential with jitter: 250 ms then 500 ms, each between half and all of it.
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(125);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(250);
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(250);
    expect(clock.sleeps[1]).toBeLessThanOrEqual(500);
  });

  it('honours Retry-After on a 429, capped', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock });
    world.tokenServer.respond((_r, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '7' }, body: {} } : i === 1 ? { status: 429, headers: { 'retry-after': '3600' }, body: {} } : world.tokenServer.tokenResponse(),
    );
    const secret = await world.createGeneralSecret();
    await world.tokens.getToken(secret.id);
    expect(clock.sleeps).toEqual([7_000, 10_000]);
    expect(world.tokenServer.count).toBe(3);
  });

  it('retries a 408, a dropped connection, and a 503 with an HTTP-date Retry-After', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock, tokens: { maxAttempts: 4 } });
    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    world.tokenServer.respond((_r, i) =>
      i === 0 ? { status: 408, body: '' } : i === 1 ? { destroy: true } : i === 2 ? { status: 503, headers: { 'retry-after': inTwoSeconds }, body: '' } : world.tokenServer.tokenResponse(),
    );
    const secret = await world.createGeneralSecret();
    await world.tokens.getToken(secret.id);
    expect(world.tokenServer.count).toBe(4);
    expect(clock.sleeps[2]).toBeGreaterThan(0);
    expect(clock.sleeps[2]).toBeLessThanOrEqual(2_000);
  });

  it('gives up after the last attempt with the last error', async () => {
    const world = await startTestTessera({ clock: new FakeClock() });
    world.tokenServer.respond(() => ({ status: 503, body: 'unavailable' }));
    const secret = await world.createGeneralSecret();
    const error = await failure(world.tokens.getToken(secret.id));
    expect(world.tokenServer.count).toBe(3);
    expect(error).toMatchObject({ code: 'http', status: 503, retryable: true, secretId: secret.id });
    expect(error.message).toMatch(/answered HTTP 503.*retries/);
  });

  it.each(['invalid_grant', 'invalid_client'])('does not retry the OAuth error %s', async (oauthError) => {
    const world = await startTestTessera({ clock: new FakeClock() });
    world.tokenServer.respond(() => ({ status: 400, body: { error: oauthError, error_description: 'authentication failure' } }));
    const secret = await world.createGeneralSecret();
    const error = await failure(world.tokens.getToken(secret.id));
    expect(world.tokenServer.count).toBe(1);
    expect(error).toMatchObject({ code: 'oauth', status: 400, oauthError, oauthErrorDescription: 'authentication failure', retryable: false });
  });

  it.each([400, 401, 403])('does not retry HTTP %i', async (status) => {
    const world = await startTestTessera({ clock: new FakeClock() });
    world.tokenServer.respond(() => ({ status, body: 'no' }));
    const secret = await world.createGeneralSecret();
    expect(await failure(world.tokens.getToken(secret.id))).toMatchObject({ code: 'http', status, retryable: false });
    expect(world.tokenServer.count).toBe(1);
  });
});

describe('cool-down', () => {
  it('stretches the cool-down to the Retry-After the endpoint asked for', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock, tokens: { cooldownMs: 5_000, maxAttempts: 1 } });
    world.tokenServer.respond(() => ({ status: 429, headers: { 'retry-after': '60' }, body: {} }));
    const secret = await world.createGeneralSecret();
    await failure(world.tokens.getToken(secret.id));
    clock.advance(30_000);
    expect(await failure(world.tokens.getToken(secret.id))).toMatchObject({ code: 'cooldown', status: 429 });
    expect(world.tokenServer.count).toBe(1);
    clock.advance(30_000);
    world.tokenServer.respond(() => world.tokenServer.tokenResponse());
    await world.tokens.getToken(secret.id);
    expect(world.tokenServer.count).toBe(2);
  });

  it('answers callers within the cool-down with the same failure and no new request', async () => {
    const clock = new FakeClock();
    const world = await startTestTessera({ clock, tokens: { cooldownMs: 5_000 } });
    world.tokenServer.respond(() => ({ status: 401, body: { error: 'invalid_grant' } }));
    const secret = await world.createGeneralSecret();
    await failure(world.tokens.getToken(secret.id));
    const errors = await Promise.all(Array.from({ length: 50 }, () => failure(world.tokens.getToken(secret.id))));
    expect(world.tokenServer.count).toBe(1);
    expect(errors.every((e) => e.code === 'cooldown' && e.oauthError === 'invalid_grant' && e.status === 401)).toBe(true);
    expect(errors[0]!.message).toMatch(/invalid_grant.*Not retried for another 5 s/);

    clock.advance(5_000);
    world.tokenServer.respond(() => world.tokenServer.tokenResponse());
    await world.tokens.getToken(secret.id);
    expect(world.tokenServer.count).toBe(2);
  });
});

describe('malformed and slow answers', () => {
  it('times out a token endpoint that never answers', async () => {
    const world = await startTestTessera({ http: { timeoutMs: 300 }, tokens: { maxAttempts: 1 } });
    world.tokenServer.respond(() => ({ hang: true }));
    const secret = await world.createGeneralSecret();
    const error = await failure(world.tokens.getToken(secret.id));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toMatch(/did not answer in time/);
  });

  it('times out a connection that is never accepted', async () => {
    const listener = await startUnacceptingListener();
    onTestFinished(() => listener.close());
    const world = await startTestTessera({ http: { connectTimeoutMs: 300, timeoutMs: 10_000 }, tokens: { maxAttempts: 1 } });
    const secret = await world.createGeneralSecret({ url: `http://127.0.0.1:${listener.port}/oauth/token` });
    const started = Date.now();
    const error = await failure(world.tokens.getToken(secret.id));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toMatch(/did not accept the connection in time/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses an oversize answer with a typed error', async () => {
    const world = await startTestTessera();
    world.tokenServer.respond(() => ({ body: { access_token: 'x'.repeat(70 * 1024), expires_in: 3600 } }));
    const secret = await world.createGeneralSecret();
    const error = await failure(world.tokens.getToken(secret.id));
    expect(error).toMatchObject({ code: 'response-too-large', retryable: false });
  });

  it('reports garbage instead of JSON as an invalid response', async () => {
    const world = await startTestTessera();
    world.tokenServer.respond(() => ({ body: '{"access_token": "abc", oops' }));
    const secret = await world.createGeneralSecret();
    const error = await failure(world.tokens.getToken(secret.id));
    expect(error).toMatchObject({ code: 'invalid-response', reason: 'not-json', status: 200, retryable: false });
  });

  it.each([
    ['a missing access_token', { expires_in: 3600 }, 'missing-access-token'],
    ['an empty access_token', { access_token: '', expires_in: 3600 }, 'missing-access-token'],
    ['a non-numeric expires_in', { access_token: 'abcdefgh', expires_in: 'soon' }, 'invalid-expires-in'],
    ['an absurdly long expires_in', { access_token: 'abcdefgh', expires_in: 1e13 }, 'invalid-expires-in'],
  ])('reports %s', async (_label, body, reason) => {
    const world = await startTestTessera();
    world.tokenServer.respond(() => ({ body }));
    const secret = await world.createGeneralSecret();
    expect(await failure(world.tokens.getToken(secret.id))).toMatchObject({ code: 'invalid-response', reason });
  });

  it('keeps no credential anywhere in the error object of a network failure', async () => {
    const world = await startTestTessera({ tokens: { maxAttempts: 1 } });
    world.tokenServer.respond(() => ({ destroy: true }));
    const secret = await world.createGeneralSecret({ password: 'Pässwörd-"quoted"-' + randomCredential('x') });
    const { params } = await world.secrets.reveal(secret.id);
    const error = await failure(world.tokens.getToken(secret.id));
    expect(error).toMatchObject({ code: 'network', networkCode: 'ECONNRESET', retryable: true });
    const everything = inspect(error, { depth: 20, showHidden: true });
    const password = String(params.password);
    for (const form of [password, JSON.stringify(password).slice(1, -1), encodeURIComponent(password)]) expect(everything).not.toContain(form);
  });

  it('never puts a credential in an error message, even when the endpoint echoes it', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    const { params } = await world.secrets.reveal(secret.id);
    world.tokenServer.respond(() => ({ status: 400, body: { error: 'invalid_grant', error_description: `bad password ${String(params.password)}` } }));
    const error = await failure(world.tokens.getToken(secret.id));
    expect(error.message).not.toContain(String(params.password));
    expect(error.oauthErrorDescription).toBe('bad password [REDACTED]');
  });

  it('masks secret extra parameters that the endpoint echoes, for saved secrets and drafts, each mask once', async () => {
    const world = await startTestTessera({ tokens: { maxAttempts: 1 } });
    world.tokenServer.respond((request) => ({ status: 400, body: { error: 'invalid_client', error_description: `could not parse ${request.body}` } }));
    const assertion = randomCredential('eyJhbGciOi.assertion');
    // `DACT` is a part of the mask's own text: a second pass over the masked text would garble it.
    const params = { password: randomCredential('pw'), encoding: 'form', extraParams: { client_assertion: assertion, code_verifier: 'DACT', audience: 'crm' } };
    const saved = await world.createGeneralSecret(params);
    const reports = [await world.tester.test(saved.id), await world.tester.test({ kind: 'general', params: { ...params, url: world.tokenServer.tokenUrl, username: 'u' } })];
    for (const report of reports) {
      const text = JSON.stringify(report);
      expect(text).toContain('&password=[REDACTED]&');
      expect(text).toContain('client_assertion=[REDACTED]&code_verifier=[REDACTED]');
      expect(text).toContain('audience=crm');
      expect(text).not.toContain(assertion);
    }
  });

  it('withholds a whole answer that holds a credential too short to mask, keeping the OAuth error code', async () => {
    const world = await startTestTessera({ tokens: { maxAttempts: 1 } });
    world.tokenServer.respond(() => ({ status: 400, body: { error: 'invalid_grant', error_description: 'wrong password Qz7 for svc-user' } }));
    const secret = await world.createGeneralSecret({ password: 'Qz7' });
    const error = await failure(world.tokens.getToken(secret.id));
    expect(error).toMatchObject({ oauthError: 'invalid_grant', oauthErrorDescription: '[withheld: it may contain a credential too short to mask]' });
    expect(inspect(error, { depth: 20, showHidden: true })).not.toContain('Qz7');
    // An answer without it is shown as it came.
    world.tokenServer.respond(() => ({ status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } }));
    const second = await world.secrets.update(secret.id, { params: { username: 'svc-other' } });
    expect((await failure(world.tokens.getToken(second.id))).oauthErrorDescription).toBe('authentication failure');
  });

  it('masks a credential the endpoint echoes form-encoded, whose characters a form encodes unlike a URL', async () => {
    const world = await startTestTessera({ tokens: { maxAttempts: 1 } });
    // ' ( ) ! ~ and spaces: URLSearchParams writes %27 %28 %29 %21 %7E and +, encodeURIComponent leaves them or writes %20.
    const password = randomCredential("it's (a) ~quiet! one");
    const secret = await world.createGeneralSecret({ password, encoding: 'form' });
    world.tokenServer.respond((request) => ({ status: 400, body: { error: 'invalid_client', error_description: `could not parse ${request.body}` } }));
    const error = await failure(world.tokens.getToken(secret.id));
    const formEncoded = new URLSearchParams({ password }).toString().slice('password='.length);
    expect(world.tokenServer.requests[0]!.body).toContain(formEncoded);
    expect(error.oauthErrorDescription).toContain('password=[REDACTED]');
    expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(formEncoded);

    const logger = world.container.get<Logger>(CORE.Logger);
    logger.warn(`the endpoint received ${world.tokenServer.requests[0]!.body}`);
    expect(JSON.stringify(world.logs.at(-1))).not.toContain(formEncoded);
  });
});
