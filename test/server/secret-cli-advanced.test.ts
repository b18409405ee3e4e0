/**
 * Every setting the API accepts for a secret, from the CLI (issue 14 point 4): a kind's own field flags
 * in `secrets create --kind <kind> --help`, and the advanced flags every kind takes — encoding, scope
 * format, extra parameters (secret ones only from a file), response field names, default lifetime —
 * set on create, changed and cleared on update, and used by the token request; a test's hint names the flag that fixes it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import { runTessera, type CliRun } from '../support/cli-process.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { rememberSecret } from '../support/leak-audit.js';
import { randomCredential } from '../support/start-test-tessera.js';

describe('advanced secret settings from the CLI', () => {
  it('lists a kind’s fields and the advanced flags, and sets, uses, changes and clears each', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-secret-cli-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const env = { TESSERA_DATA_DIR: join(dir, 'data'), TESSERA_ALLOW_PRIVATE: 'true', TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()) };
    const tessera = (args: string[], input?: string): Promise<CliRun> => runTessera(args, env, input === undefined ? {} : { input });
    const tokenServer = await FakeTokenServer.start();
    onTestFinished(() => tokenServer.close());

    const help = await tessera(['secrets', 'create', '--kind', 'microsoft-graph', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tessera secrets create --kind microsoft-graph --name <name>/);
    expect(help.stdout).toMatch(/--client-id <text>\s+Client ID \(required\)/);
    expect(help.stdout).toMatch(/--client-secret <text>\s+Client secret \(sensitive: from stdin, the prompt, or --client-secret-file <path>\)/);
    for (const flag of ['--encoding json|form', '--scope-format tuple|plain|space', '--extra-param <name>=<value>', '--extra-param-file <name>=<path>', '--response-field <field>=<name>', '--default-lifetime-seconds <n>']) {
      expect(help.stdout).toContain(`  ${flag} `);
    }

    // A secret extra is never taken on the command line.
    const assertion = rememberSecret(randomCredential('eyJassertion'));
    const refused = await tessera(['secrets', 'create', '--kind', 'general', '--name', 'x', '--url', tokenServer.tokenUrl, '--username', 'u', '--extra-param', `client_assertion=${assertion}`], 'pw-value\n');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("tessera: The extra parameter 'client_assertion' is secret and is not taken on the command line (shell history, process lists): use --extra-param-file client_assertion=<path>.\n");

    // Created with every advanced setting; the token endpoint names its fields its own way and gives no expires_in.
    const assertionFile = join(dir, 'assertion.txt');
    writeFileSync(assertionFile, `${assertion}\n`, { mode: 0o600 });
    const password = rememberSecret(randomCredential('pw'));
    const created = await tessera(
      ['secrets', 'create', '--kind', 'general', '--name', 'legacy', '--url', tokenServer.tokenUrl, '--username', 'svc', '--scope', 'read,write', '--encoding', 'form', '--scope-format', 'space',
        '--extra-param', 'audience=crm', '--extra-param-file', `client_assertion=${assertionFile}`, '--response-field', 'accessToken=at', '--response-field', 'token-type=kind', '--default-lifetime-seconds', '600', '--json'],
      `${password}\n`,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).params).toMatchObject({ encoding: 'form', scopeFormat: 'space', extraParams: { audience: 'crm', client_assertion: '••••' }, responseFields: { accessToken: 'at', tokenType: 'kind' }, defaultLifetimeSeconds: 600 });
    expect(created.stdout).not.toContain(assertion);
    const issued = rememberSecret(randomCredential('tok'));
    tokenServer.respond(() => ({ body: { at: issued, kind: 'Bearer' } }));
    const tested = await tessera(['secrets', 'test', 'legacy']);
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/expires in 600 s/);
    const form = new URLSearchParams(tokenServer.requests.at(-1)!.body);
    expect(Object.fromEntries(form)).toMatchObject({ username: 'svc', password, scope: 'read write', audience: 'crm', client_assertion: assertion });

    // Updated: one extra dropped (the secret one kept), the encoding and the lifetime back to their defaults, a response field restored.
    const updated = await tessera(['secrets', 'update', 'legacy', '--extra-param', 'audience=', '--encoding', '', '--default-lifetime-seconds', '', '--response-field', 'tokenType=', '--json']);
    expect(updated.code, updated.stderr).toBe(0);
    const params = JSON.parse(updated.stdout).params as Record<string, unknown>;
    expect(params).toMatchObject({ scopeFormat: 'space', extraParams: { client_assertion: '••••' }, responseFields: { accessToken: 'at' } });
    expect(params.encoding ?? null).toBeNull();
    expect(params.defaultLifetimeSeconds ?? null).toBeNull();
    // Without a lifetime again, an answer without expires_in fails, and the hint names the flag that fixes it.
    const lacking = await tessera(['secrets', 'test', 'legacy']);
    expect(lacking.code).toBe(1);
    expect(lacking.stdout).toContain('(here: tessera secrets update legacy --default-lifetime-seconds <n>)');
    // A token URL that is not one: the hint names the kind's field flag.
    tokenServer.respond(() => ({ status: 404, body: 'Not Found' }));
    const notFound = await tessera(['secrets', 'test', 'legacy']);
    expect(notFound.stdout).toContain('(here: tessera secrets update legacy --url <value>)');
    tokenServer.respond(() => ({ body: { at: issued, expires_in: 60 } }));
    expect((await tessera(['secrets', 'test', 'legacy'])).code).toBe(0);
    const sent = tokenServer.requests.at(-1)!;
    // The general kind's own encoding again (JSON), the secret extra still sent.
    expect(JSON.parse(sent.body)).toMatchObject({ username: 'svc', client_assertion: assertion });
    expect(JSON.parse(sent.body)).not.toHaveProperty('audience');
    expect((await tessera(['secrets', 'update', 'legacy', '--encoding', 'xml'])).stderr).toBe("tessera: --encoding is one of json, form, not 'xml'.\n");
  });
});
