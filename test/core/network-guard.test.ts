/** The SSRF guard of DESIGN §7: refused unless allowed, checked on the address actually connected to. */
import { describe, expect, it } from 'vitest';
import { startTestTessera } from '../support/start-test-tessera.js';

describe('SSRF guard', () => {
  it.each([
    ['169.254.169.254', 'cloud metadata'],
    ['10.1.2.3', 'private'],
    ['192.168.0.10', 'private'],
    ['172.20.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::ffff:169.254.169.254]', 'cloud metadata'],
    ['169.254.10.10', 'link-local'],
    ['[64:ff9b::a00:1]', 'IPv4-translating (NAT64)'],
    ['[2002:a00:1::]', 'IPv4-tunnelling (6to4)'],
    ['[fd00::1]', 'private'],
  ])('refuses %s (%s) by default, naming the address and how to allow it', async (host, category) => {
    const world = await startTestTessera({ network: { allowPrivate: false } });
    const secret = await world.createGeneralSecret({ url: `http://${host}/oauth/token` });
    const error = await world.tokens.getToken(secret.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'address-refused', retryable: false });
    expect((error as Error).message).toContain(`it is a ${category} address`);
    expect((error as Error).message).toMatch(/network: \{ allow: \['.+'\] \}/);
  });

  it('checks DNS answers, not only the URL text: a name that resolves to loopback is refused', async () => {
    const world = await startTestTessera({ network: { allowPrivate: false } });
    const port = new URL(world.tokenServer.origin).port;
    const secret = await world.createGeneralSecret({ url: `http://localhost:${port}/oauth/token` });
    const error = await world.tokens.getToken(secret.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'address-refused' });
    expect((error as Error).message).toMatch(/localhost \((127\.0\.0\.1|::1)\)/);
    expect(world.tokenServer.count).toBe(0);
  });

  it('lets an allow-listed address through', async () => {
    const world = await startTestTessera({ network: { allowPrivate: false, allow: ['127.0.0.0/8', '::1'] } });
    const secret = await world.createGeneralSecret();
    await world.tokens.getToken(secret.id);
    expect(world.tokenServer.count).toBe(1);
  });

  it('lets every private address through when allowPrivate is set', async () => {
    const world = await startTestTessera({ network: { allowPrivate: true } });
    const port = new URL(world.tokenServer.origin).port;
    const secret = await world.createGeneralSecret({ url: `http://localhost:${port}/oauth/token` });
    await world.tokens.getToken(secret.id);
    expect(world.tokenServer.count).toBe(1);
  });

  it('applies to the secret tester too', async () => {
    const world = await startTestTessera({ network: { allowPrivate: false } });
    const report = await world.tester.test({ kind: 'general', params: { url: 'http://169.254.169.254/latest/meta-data', username: 'a', password: 'password-x' } });
    expect(report.ok).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ level: 'error', code: 'address-refused' });
  });
});
