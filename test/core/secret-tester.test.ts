/** The secret tester: the real request for a saved secret or a draft, reported in words an operator can act on. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestReport } from '@tessera/core';
import type { ScriptedResponse } from '../support/fake-token-server.js';
import { REDACTED } from '@tessera/core';
import { randomCredential, startTestTessera, type TestTessera } from '../support/start-test-tessera.js';
import { closedPort } from '../support/closed-port.js';

async function testWith(answer: ScriptedResponse, params: Record<string, unknown> = {}): Promise<{ report: TestReport; world: TestTessera }> {
  const world = await startTestTessera({ http: { timeoutMs: 500 } });
  world.tokenServer.respond(() => answer);
  const secret = await world.createGeneralSecret(params);
  return { report: await world.tester.test(secret.id), world };
}

function codes(report: TestReport): string[] {
  return report.diagnostics.map((d) => d.code);
}

describe('a secret that works', () => {
  it('reports ok, the status, the lifetime and a preview that is never the token', async () => {
    const world = await startTestTessera();
    const issued = world.tokenServer.newToken();
    world.tokenServer.respond(() => ({ body: { access_token: issued, token_type: 'Bearer', expires_in: 3600 } }));
    const secret = await world.createGeneralSecret();
    const report = await world.tester.test(secret.id);
    expect(report).toMatchObject({ ok: true, status: 200, token: { type: 'Bearer', expiresInSeconds: 3600 } });
    expect(report.token?.preview).toBe(`${issued.slice(0, 4)}…(${issued.length} chars)`);
    expect(JSON.stringify(report)).not.toContain(issued);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(codes(report)).toEqual(['token-issued']);
  });

  it('tests a draft without saving it, with the same request a saved secret would make', async () => {
    const world = await startTestTessera();
    const report = await world.tester.test({ kind: 'microsoft-graph', params: { url: world.tokenServer.tokenUrl, clientId: 'app', clientSecret: 'draft-secret-1' } });
    expect(report.ok).toBe(true);
    expect(world.tokenServer.requests[0]!.body).toBe('client_id=app&client_secret=draft-secret-1&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials');
    expect(await world.secrets.list()).toEqual([]);
  });

  it('reports an invalid draft field by field without sending anything', async () => {
    const world = await startTestTessera();
    const report = await world.tester.test({ kind: 'general', params: { url: 'nope', username: 'u' } });
    expect(report.ok).toBe(false);
    expect(report.diagnostics.map((d) => d.message)).toEqual(['params.url: Token URL must be an absolute http:// or https:// URL', 'params.password: Password is required']);
    // A value that is not text says so.
    const wrong = await world.tester.test({ kind: 'general', params: { url: world.tokenServer.tokenUrl, username: 'u', password: 42 } });
    expect(wrong.diagnostics.map((d) => d.message)).toEqual(['params.password: Password must be text']);
    expect(world.tokenServer.count).toBe(0);
  });

  it('warns about a token type other than Bearer and a lifetime under 60 s', async () => {
    const { report } = await testWith({ body: { access_token: 'abcdefghijklmnopqrstuvwxyz', token_type: 'mac', expires_in: 30 } });
    expect(report.ok).toBe(true);
    expect(codes(report)).toEqual(['token-issued', 'token-type-not-bearer', 'short-lifetime']);
    expect(report.diagnostics.filter((d) => d.level === 'warning')).toHaveLength(2);
  });
});

describe('diagnostics for what goes wrong', () => {
  it.each([
    ['401 as a credentials problem', { status: 401, body: 'Unauthorized' }, 'credentials-rejected', /check the username and password/],
    ['403 as a credentials problem', { status: 403, body: '' }, 'credentials-rejected', /rejected the credentials/],
    ['404 as a wrong URL', { status: 404, body: 'Not Found' }, 'url-not-found', /check the token URL/],
    ['an HTML page as a wrong URL or login page', { headers: { 'content-type': 'text/html' }, body: '<html><form>Sign in</form></html>' }, 'html-response', /login page/],
    ['a non-JSON answer', { body: 'OK' }, 'not-json', /not a JSON object/],
    ['400 to a JSON body as a hint to try form encoding', { status: 400, body: 'bad request' }, 'try-form-encoding', /Set encoding to 'form'/],
    ['415 to a JSON body as a hint to try form encoding', { status: 415, body: '' }, 'try-form-encoding', /form encoding/],
    ['an OAuth invalid_request to a JSON body as a hint to try form encoding', { status: 400, body: { error: 'invalid_request', error_description: "AADSTS900144: The request body must contain the following parameter: 'grant_type'." } }, 'try-form-encoding', /AADSTS900144.*Set encoding to 'form'/],
    ['an OAuth error body', { status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } }, 'oauth-error', /invalid_grant' \(authentication failure\)/],
    ['a missing access_token', { body: { expires_in: 3600 } }, 'missing-access-token', /without a non-empty 'access_token'/],
    ['an empty access_token', { body: { access_token: '', expires_in: 3600 } }, 'missing-access-token', /access_token/],
    ['a missing expires_in', { body: { access_token: 'abcdefghijklmnop' } }, 'missing-expires-in', /defaultLifetimeSeconds/],
    ['a non-numeric expires_in', { body: { access_token: 'abcdefghijklmnop', expires_in: 'an hour' } }, 'invalid-expires-in', /not a positive number/],
    ['a timeout', { hang: true }, 'timeout', /did not answer in time/],
  ] as const)('reports %s', async (_label, answer, code, message) => {
    const { report } = await testWith(answer as ScriptedResponse);
    expect(report.ok).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ level: 'error', code });
    const text = report.diagnostics.map((d) => `${d.message} ${d.hint ?? ''}`).join(' ');
    expect(text).toMatch(message);
  });

  it('points each diagnostic a setting or a field fixes at that control, for the console and the CLI', async () => {
    const pointed = async (answer: ScriptedResponse) => {
      const [first] = (await testWith(answer)).report.diagnostics;
      return { code: first!.code, setting: first!.setting, field: first!.field };
    };
    expect(await pointed({ status: 404, body: 'Not Found' })).toEqual({ code: 'url-not-found', setting: undefined, field: 'url' });
    expect(await pointed({ headers: { 'content-type': 'text/html' }, body: '<html></html>' })).toEqual({ code: 'html-response', setting: undefined, field: 'url' });
    expect(await pointed({ status: 400, body: 'bad request' })).toEqual({ code: 'try-form-encoding', setting: 'encoding', field: undefined });
    expect(await pointed({ body: { access_token: 'abcdefghijklmnop' } })).toEqual({ code: 'missing-expires-in', setting: 'defaultLifetimeSeconds', field: undefined });
    expect(await pointed({ body: { expires_in: 3600 } })).toEqual({ code: 'missing-access-token', setting: 'responseFields', field: undefined });
    expect(await pointed({ status: 400, body: { error: 'invalid_scope', error_description: 'AADSTS70011: the scope is not valid' } })).toMatchObject({ code: 'oauth-error', setting: 'scopeFormat' });
    // A draft that does not validate points at its field.
    const world = await startTestTessera();
    const invalid = await world.tester.test({ kind: 'general', params: { url: 'not a url', username: 'u', password: 'pw-unused-0' } });
    expect(invalid.diagnostics[0]).toMatchObject({ level: 'error', field: 'url' });
  });

  it('repeats no credential, no control character and no flood from a hostile endpoint’s answer', async () => {
    const world = await startTestTessera();
    const password = randomCredential('echoed');
    const secret = await world.createGeneralSecret({ password });
    // An endpoint that echoes the password in the OAuth error code, drives the terminal, and floods.
    world.tokenServer.respond(() => ({ status: 400, body: { error: `bad_password:${password}`, error_description: `\u001b]0;pwned\u0007${'x'.repeat(60_000)}` } }));
    const echoed = JSON.stringify(await world.tester.test(secret.id));
    expect(echoed).not.toContain(password);
    expect(echoed).toContain(`'bad_password:${REDACTED}'`);
    expect(echoed).not.toMatch(/\\u001b|\\u0007/);
    expect(echoed.length).toBeLessThan(4_000);
    // A code that is not one (not RFC 6749's characters, or long) is not repeated at all.
    world.tokenServer.respond(() => ({ status: 400, body: { error: `\u001b[2J${'e'.repeat(100)}` } }));
    expect((await world.tester.test(secret.id)).diagnostics[0]!.message).toContain("OAuth error 'non-standard'");
    // 500 field names, none of them the token: 20 listed, each cut short.
    world.tokenServer.respond(() => ({ status: 200, body: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field_${i}_${'n'.repeat(60)}`, i])) }));
    const listed = (await world.tester.test(secret.id)).diagnostics[0]!.message;
    expect(listed).toContain('and 480 more');
    expect(listed.length).toBeLessThan(2_500);
  });

  it('does not suggest form encoding when the body already is a form', async () => {
    const { report } = await testWith({ status: 400, body: 'bad request' }, { encoding: 'form' });
    expect(codes(report)).toEqual(['http-error']);
  });

  it('reports a host name that does not resolve', async () => {
    const world = await startTestTessera();
    const report = await world.tester.test({ kind: 'general', params: { url: 'http://no-such-host.invalid/token', username: 'u', password: 'pw-unused-1' } });
    expect(report.diagnostics[0]).toMatchObject({ code: 'dns-failure', message: expect.stringMatching(/does not resolve \(DNS\)/) });
  });

  it('reports a refused connection', async () => {
    const world = await startTestTessera();
    const port = await closedPort();
    const report = await world.tester.test({ kind: 'general', params: { url: `http://127.0.0.1:${port}/token`, username: 'u', password: 'pw-unused-2' } });
    expect(report.diagnostics[0]).toMatchObject({ code: 'connection-refused', message: expect.stringMatching(/connection was refused/) });
  });

  it('reports a TLS failure (untrusted certificate)', async () => {
    const world = await startTestTessera();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(world.dir, 'key.pem'), '-out', join(world.dir, 'cert.pem')], { stdio: 'ignore' });
    const server = https.createServer({ key: readFileSync(join(world.dir, 'key.pem')), cert: readFileSync(join(world.dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const report = await world.tester.test({ kind: 'general', params: { url: `https://127.0.0.1:${port}/token`, username: 'u', password: 'pw-unused-3' } });
      expect(report.diagnostics[0]).toMatchObject({ code: 'tls-error', message: expect.stringMatching(/TLS failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/) });
    } finally {
      server.close();
    }
  });
});
