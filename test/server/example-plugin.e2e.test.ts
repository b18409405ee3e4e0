/**
 * The guide's example connector, packaged as a plugin (examples/acme-orders-plugin.ts), loaded into a
 * real `tessera serve` by --plugin and driven as an operator would: its kind in the API, a secret made
 * and tested there, one made by the CLI with the kind's own field flags, and one made and tested in the
 * console in Chromium.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { consolePage, launchChromium, signInToConsole } from '../support/chromium.js';
import { generateMasterKey } from '@tessera/core';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { runTessera, type CliRun } from '../support/cli-process.js';
import { rememberSecret } from '../support/leak-audit.js';
import { startServeProcess } from '../support/serve-process.js';
import { randomCredential } from '../support/start-test-tessera.js';

const REPO = join(import.meta.dirname, '..', '..');
const PLUGIN = './examples/dist/acme-orders-plugin.js';

function tessera(args: string[], vars: Record<string, string>, input = ''): Promise<CliRun> {
  return runTessera(args, vars, { cwd: REPO, input });
}

describe('the example connector as a plugin', () => {
  it('is offered and used by a real tessera serve, the CLI and the console', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-example-plugin-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const adminToken = rememberSecret('tsa_example_' + generateMasterKey().replace(/[^A-Za-z0-9]/g, ''));
    const vars = { TESSERA_DATA_DIR: dataDir, TESSERA_ALLOW_PRIVATE: 'true', TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: generateMasterKey() };
    // Acme's token endpoint: client credentials, form-encoded, as the example kind sends them.
    const clientSecret = randomCredential('acme');
    const tokens = await FakeTokenServer.start();
    onTestFinished(() => tokens.close());
    const acme = await new FakeHttpServer((request) => {
      const form = new URLSearchParams(request.body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_secret') !== clientSecret) return { status: 401, body: { error: 'invalid_client' } };
      return tokens.tokenResponse();
    }).listen();
    onTestFinished(() => acme.close());
    const tokenUrl = acme.url('/oauth/token');

    const server = await startServeProcess(vars, adminToken, { cwd: REPO, args: ['--plugin', PLUGIN] });
    expect(server.output()).toContain('plugins: acme-orders 1.0.0 (kinds: acme-orders)');
    expect((await server.api<Array<{ name: string }>>('GET', '/api/plugins')).body).toEqual([expect.objectContaining({ name: 'acme-orders', secretKinds: ['acme-orders'] })]);
    const kinds = (await server.api<Array<{ id: string; fields: Array<{ name: string }> }>>('GET', '/api/secret-kinds')).body;
    expect(kinds.find((kind) => kind.id === 'acme-orders')?.fields.map((f) => f.name)).toEqual(['url', 'clientId', 'clientSecret']);

    // The API: made and tested.
    const viaApi = await server.api<{ id: string }>('POST', '/api/secrets', { name: 'acme-api', kind: 'acme-orders', params: { url: tokenUrl, clientId: 'shop-1', clientSecret } });
    expect(viaApi.status).toBe(201);
    expect(await server.api('POST', `/api/secrets/${viaApi.body.id}/test`)).toMatchObject({ status: 200, body: { ok: true } });

    // The CLI, with the kind's own flags, the secret on stdin; it tests it too.
    const made = await tessera(['--plugin', PLUGIN, 'secrets', 'create', '--kind', 'acme-orders', '--name', 'acme-cli', '--url', tokenUrl, '--client-id', 'shop-2'], vars, `${clientSecret}\n`);
    expect(made.code, made.stderr).toBe(0);
    const tested = await tessera(['--plugin', PLUGIN, 'secrets', 'test', 'acme-cli'], vars);
    expect(tested.code, tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/^ok: secret 'acme-cli' \(HTTP 200\)/);
    // Its own command group: in the help, and run on the data directory the server uses.
    expect((await tessera(['--plugin', PLUGIN, 'help'], vars)).stdout).toContain('  tessera acme-orders list [--json]\n');
    const own = await tessera(['--plugin', PLUGIN, 'acme-orders', 'list', '--json'], vars);
    expect(own.code, own.stderr).toBe(0);
    expect(JSON.parse(own.stdout)).toEqual(
      expect.arrayContaining([
        { name: 'acme-api', clientId: 'shop-1', tokenUrl },
        { name: 'acme-cli', clientId: 'shop-2', tokenUrl },
      ]),
    );

    // The console: the kind in the Type list, its fields in the form, a draft tested and saved.
    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    const { page, problems } = await consolePage(browser);
    await signInToConsole(page, server.url, adminToken);
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Acme Orders API' });
    await page.getByLabel('Name', { exact: true }).fill('acme-console');
    await page.getByLabel('Token URL').fill(tokenUrl);
    await page.getByLabel('Client ID').fill('shop-3');
    await page.getByLabel('Client secret').fill(clientSecret);
    expect(await page.getByLabel('Client secret').getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Test draft' }).click();
    await expect.poll(() => page.getByTestId('test-report').textContent()).toContain('Token issued');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await expect.poll(() => page.getByRole('row', { name: /acme-console/ }).count()).toBe(1);
    await page.screenshot({ path: join(REPO, 'test-results', 'console-10-plugin-kind.png'), fullPage: true });
    expect(problems).toEqual([]);

    const listed = (await server.api<Array<{ name: string; kind: string; kindKnown: boolean }>>('GET', '/api/secrets')).body;
    expect(listed.map((s) => [s.name, s.kind, s.kindKnown])).toEqual([
      ['acme-api', 'acme-orders', true],
      ['acme-cli', 'acme-orders', true],
      ['acme-console', 'acme-orders', true],
    ]);
    expect(acme.requests.length).toBeGreaterThanOrEqual(3);
  });
});
