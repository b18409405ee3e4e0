/** Logs never hold a credential or token: masked by field name and, once registered, by value wherever it appears. */
import type { Logger } from 'winston';
import { describe, expect, it } from 'vitest';
import { CORE, REDACTED, type Redactor } from '@tessera/core';
import { randomCredential, startTestTessera } from '../support/start-test-tessera.js';

describe('log redaction', () => {
  it('masks a decrypted credential and an issued token wherever they would appear', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    const token = await world.tokens.getToken(secret.id);
    const { params } = await world.secrets.reveal(secret.id);
    const password = String(params.password);
    const logger = world.container.get<Logger>(CORE.Logger);

    logger.info(`calling the API with Bearer ${token.accessToken}`);
    logger.info('request failed', { body: `username=svc-user&password=${encodeURIComponent(password)}`, nested: { deeper: [`x ${password} y`] } });
    logger.error('boom', new Error(`token ${token.accessToken} was rejected`));
    logger.warn('%s then %s', password, token.accessToken);

    const text = JSON.stringify(world.logs);
    expect(text).not.toContain(password);
    expect(text).not.toContain(token.accessToken);
    expect(world.logs.filter((l) => JSON.stringify(l).includes(REDACTED))).toHaveLength(4);
  });

  it('masks sensitive field names even for values it has never seen', async () => {
    const world = await startTestTessera();
    const logger = world.container.get<Logger>(CORE.Logger);
    const unseen = randomCredential('unseen');
    logger.info('config', { clientSecret: unseen, access_token: unseen, Authorization: `Bearer ${unseen}`, password: unseen, tokenType: 'Bearer', user: 'visible' });
    const line = world.logs.at(-1)!;
    expect(line).toMatchObject({ clientSecret: REDACTED, access_token: REDACTED, Authorization: REDACTED, password: REDACTED, tokenType: 'Bearer', user: 'visible' });
  });

  it('keeps masking a credential after tens of thousands of tokens were issued', async () => {
    const world = await startTestTessera();
    const secret = await world.createGeneralSecret();
    const { params } = await world.secrets.reveal(secret.id);
    const redactor = world.container.get<Redactor>(CORE.Redactor);
    for (let i = 0; i < 25_000; i++) redactor.register(`token-number-${i}-abcdef`);
    world.container.get<Logger>(CORE.Logger).info(`password is ${String(params.password)}`);
    expect(world.logs.at(-1)!.message).toBe(`password is ${REDACTED}`);
  });

  it('replaces structures too deep to check rather than logging them unchecked', async () => {
    const world = await startTestTessera();
    const unseen = randomCredential('deep');
    let nested: Record<string, unknown> = { note: unseen };
    for (let i = 0; i < 12; i++) nested = { level: nested };
    world.container.get<Logger>(CORE.Logger).info('deep', { nested });
    expect(JSON.stringify(world.logs.at(-1))).not.toContain(unseen);
  });
});
